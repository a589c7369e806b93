package dev.knas.scoring.request;

import dev.knas.scoring.kernel.KernelRequest;
import dev.knas.space.nb201.CanonicalForm;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.v1.Architecture;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.GradientKernelOptions;

/** Resolves gradient-kernel requests: ScoreArchitecture's default fidelity and ComputeGradientKernel. */
final class KernelResolver {

  private final OptionsResolver options;

  KernelResolver(OptionsResolver options) {
    this.options = options;
  }

  /** @param perSampleGradients whether the n per-sample gradients are kept (Gram matrix, gradient norms) */
  ResolvedKernel resolve(boolean hasArchitecture, Architecture architecture, EvaluationOptions requested,
      GradientKernelOptions kernelOptions, boolean perSampleGradients) {
    Nb201Architecture cell = RequestedArchitecture.of(hasArchitecture, architecture);
    ResolvedOptions resolved = options.resolve(requested);
    int samples = samples(kernelOptions, perSampleGradients, resolved);
    Nb201Architecture canonical = CanonicalForm.of(cell);
    return new ResolvedKernel(cell, new KernelRequest(canonical, resolved.dataset(), samples, requested.getSeed(),
        resolved.device(), resolved.precision(), perSampleGradients), resolved.effective(),
        GradientKernelOptions.newBuilder().setNumSamples(samples).build(),
        RequestCacheKeys.kernel(resolved, canonical, samples));
  }

  /** n of the gradient kernel, validated against its limit and the data set's training split. */
  static int samples(GradientKernelOptions kernelOptions, boolean perSampleGradients, ResolvedOptions options) {
    long samples = kernelOptions.getNumSamples() == 0 ? RequestLimits.DEFAULT_SAMPLES
        : Integer.toUnsignedLong(kernelOptions.getNumSamples());
    int limit = perSampleGradients ? RequestLimits.MAX_SAMPLES_PER_SAMPLE_GRADIENTS : RequestLimits.MAX_SAMPLES;
    if (samples > limit) {
      throw RequestException.invalid("gradient_kernel.num_samples", samples + " exceeds the limit of " + limit
          + (perSampleGradients ? " when the Gram matrix or gradient norms are requested" : ""));
    }
    int trainSize = options.trainSize();
    if (samples > trainSize) {
      throw RequestException.invalid("gradient_kernel.num_samples", samples + " exceeds the " + trainSize
          + " images of " + options.dataset().name() + "'s training split");
    }
    return (int) samples;
  }
}
