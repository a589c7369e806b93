package dev.knas.scoring.proxy;

import java.util.List;

/**
 * The outcomes of a {@link ProxyRequest}, in request order.
 *
 * @param seconds wall time of the whole computation (data, network construction, every pass)
 */
public record ProxyResult(List<ProxyOutcome> outcomes, long parameterCount, double seconds) {}
