package dev.knas.scoring.proxy;

import dev.knas.scoring.data.ImageShape;
import dev.knas.scoring.kernel.Precision;
import dev.knas.scoring.network.ParameterInit;
import dev.knas.space.nb201.Nb201Architecture;

/**
 * Everything the proxies of one request are computed from: the (canonical) cell, the image layout, the
 * initialisation, and the drawn images (normalised, NCHW, row-major) with their labels.
 *
 * @param batchImages one or two mini-batches of {@code batchSize} images: the first is the batch every proxy
 *     reads, the second (present when a proxy needs {@link Need#SECOND_BATCH_GRADIENTS}) is disjoint from it
 * @param kernelImages MGM's n samples (empty when no proxy needs {@link Need#KERNEL_SAMPLES})
 */
public record ProxyInputs(Nb201Architecture cell, ImageShape shape, int classes, Precision precision,
    ParameterInit init, int batchSize, double[] batchImages, int[] batchLabels, double[] kernelImages,
    int[] kernelLabels) {

  /** Mini-batches held in {@link #batchImages}. */
  public int batches() {
    return batchSize == 0 ? 0 : batchLabels.length / batchSize;
  }
}
