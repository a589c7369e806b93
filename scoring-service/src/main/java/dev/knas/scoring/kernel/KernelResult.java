package dev.knas.scoring.kernel;

import java.util.Optional;

/**
 * The outcome of a {@link KernelRequest}.
 *
 * @param gram the n x n Gram matrix and per-sample gradient norms, when per-sample gradients were requested
 * @param sampleIndices indices into the training split of the samples used, in sample order
 * @param seconds wall time of the computation (data, network construction, passes)
 */
public record KernelResult(double mgm, double meanLoss, Optional<GradientKernel.Gram> gram, int[] sampleIndices,
    long parameterCount, double seconds) {}
