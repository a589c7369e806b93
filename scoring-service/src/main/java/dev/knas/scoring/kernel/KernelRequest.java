package dev.knas.scoring.kernel;

import ai.djl.Device;
import dev.knas.scoring.data.Dataset;
import dev.knas.space.nb201.Nb201Architecture;

/**
 * A validated gradient-kernel computation.
 *
 * @param perSampleGradients compute the n gradients one by one (for the Gram matrix and norms)
 */
public record KernelRequest(Nb201Architecture cell, Dataset dataset, int samples, long seed, Device device,
    Precision precision, boolean perSampleGradients) {}
