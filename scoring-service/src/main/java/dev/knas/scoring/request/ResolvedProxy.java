package dev.knas.scoring.request;

import dev.knas.scoring.proxy.ZeroCostProxy;
import dev.knas.v1.CacheKey;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.GradientKernelOptions;
import dev.knas.v1.ZeroCostOptions;

/**
 * One proxy of a {@link ResolvedZeroCost}: its cache key holds only the options its value depends on.
 *
 * @param effectiveOptions the request's options with the precision the proxy computes in
 * @param effectiveZeroCost the proxy's name and the batch size it uses (0 when it uses none)
 * @param effectiveKernel n, for mgm; else unset
 */
public record ResolvedProxy(ZeroCostProxy proxy, CacheKey cacheKey, EvaluationOptions effectiveOptions,
    ZeroCostOptions effectiveZeroCost, GradientKernelOptions effectiveKernel) {}
