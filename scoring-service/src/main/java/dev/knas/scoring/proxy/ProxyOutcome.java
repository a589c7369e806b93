package dev.knas.scoring.proxy;

import java.util.OptionalDouble;

/**
 * One proxy's value, or why it has none.
 *
 * @param notFinite the value came out NaN or infinite (or does not exist for this network), as opposed to a
 *     fault of the computation
 * @param seconds wall time of this proxy's own work (shared passes are counted by the first proxy to use them)
 */
public record ProxyOutcome(ZeroCostProxy proxy, OptionalDouble value, String error, boolean notFinite,
    double seconds) {

  static ProxyOutcome of(ZeroCostProxy proxy, double value, double seconds) {
    if (Double.isFinite(value)) {
      return new ProxyOutcome(proxy, OptionalDouble.of(value), "", false, seconds);
    }
    return new ProxyOutcome(proxy, OptionalDouble.empty(), proxy.name() + " is " + value
        + " for this network, which is not a score", true, seconds);
  }
}
