package dev.knas.scoring.request;

import dev.knas.contract.FidelityKind;
import dev.knas.scoring.kernel.KernelRequest;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.v1.CacheKey;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.GradientKernelOptions;

/**
 * A kernel computation (on the canonical form of the {@code requested} cell), the effective options it runs
 * with, and the cache key of its value.
 */
public record ResolvedKernel(Nb201Architecture requested, KernelRequest request, EvaluationOptions effectiveOptions,
    GradientKernelOptions effectiveKernelOptions, CacheKey cacheKey) implements Resolved {

  @Override
  public Nb201Architecture canonical() {
    return request.cell();
  }

  @Override
  public FidelityKind fidelity() {
    return FidelityKind.GRADIENT_KERNEL;
  }

  @Override
  public CacheKey lookupKey() {
    return cacheKey;
  }

  @Override
  public String summary() {
    return "n=" + request.samples() + " dataset=" + request.dataset().name() + " device="
        + effectiveOptions.getDevice();
  }

  @Override
  public <T> T accept(Visitor<T> visitor) {
    return visitor.kernel(this);
  }
}
