package dev.knas.scoring.proxy;

import dev.knas.scoring.kernel.Precision;
import java.util.Optional;
import java.util.Set;

/**
 * A training-free score of a network at initialisation (docs/spec/zero-cost-proxies.md). One class per proxy
 * under {@code proxy.measures}, registered with {@code @AutoService(ZeroCostProxy.class)} so that adding one is
 * adding its file; it reads what it needs from the request's shared passes and returns its value (larger is
 * better). A value that is not finite is that proxy's error, never a score.
 */
public interface ZeroCostProxy {

  /** The name requests use, e.g. "naswot". */
  String name();

  /** The definition's version, part of every cache key; bump it when the computed quantity changes. */
  default String definitionVersion() {
    return name() + "/1";
  }

  /** One line: what the value is. */
  String description();

  /** The paper (and implementation) the definition follows. */
  String source();

  /** What the proxy reads from the shared passes. */
  Set<Need> needs();

  /** A precision the definition fixes whatever the request asks (synflow: float64). */
  default Optional<Precision> fixedPrecision() {
    return Optional.empty();
  }

  /**
   * The value on {@code passes}' network and data.
   *
   * @throws ProxyException when the value does not exist for this network (with the reason)
   */
  double compute(ProxyPasses passes);

  /** Whether the value depends on the seed. */
  default boolean usesSeed() {
    return needs().stream().anyMatch(Need::usesSeed);
  }

  /** Whether the value depends on the mini-batch size. */
  default boolean usesBatch() {
    return needs().stream().anyMatch(Need::usesBatch);
  }

  /** Whether the value depends on the request's precision (not when fixed, nor for structure-only proxies). */
  default boolean usesPrecision() {
    return fixedPrecision().isEmpty() && !needs().equals(Set.of(Need.STRUCTURE));
  }
}
