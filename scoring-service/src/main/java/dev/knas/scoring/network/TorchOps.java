package dev.knas.scoring.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The two layers whose DJL functional form does not compute what PyTorch's module does, called so that they
 * do (the conformance test against PyTorch catches either regression):
 * <ul>
 *   <li>DJL's {@code BatchNorm.batchNorm} takes eps as a float, and 1e-5f is not 1e-5; on the nearly constant
 *       maps per-sample normalisation meets, that moved MGM by 0.25% in float64. This calls the engine's
 *       batch_norm with PyTorch's double eps and momentum convention.</li>
 *   <li>DJL 0.36's native avg_pool2d counts padded cells even when asked not to. This pools with padding
 *       counted and rescales by the fraction of each window that lies inside the map.</li>
 * </ul>
 */
final class TorchOps {

  /** PyTorch's BatchNorm2d defaults. */
  static final double BN_EPSILON = 1e-5;
  static final double BN_MOMENTUM = 0.1;

  private static final Shape KERNEL = new Shape(3, 3);
  private static final Shape STRIDE = new Shape(1, 1);
  private static final Shape PADDING = new Shape(1, 1);

  private TorchOps() {}

  /** torch.nn.functional.batch_norm over axis 1. */
  static NDArray batchNorm(NDArray x, NDArray runningMean, NDArray runningVar, NDArray gamma, NDArray beta,
      boolean training) {
    return JniUtils.batchNorm((PtNDArray) x, (PtNDArray) runningMean, (PtNDArray) runningVar, (PtNDArray) gamma,
        (PtNDArray) beta, training, BN_MOMENTUM, BN_EPSILON);
  }

  /**
   * AvgPool2d(3, stride 1, padding 1, count_include_pad = false), given {@link #realCellFraction} of {@code x}'s
   * height and width.
   */
  static NDArray avgPool3x3ExcludingPadding(NDArray x, NDArray realFraction) {
    return Pool.avgPool2d(x, KERNEL, STRIDE, PADDING, false, true).div(realFraction);
  }

  /** For each cell of a map shaped like {@code x}: the fraction of its 3x3 window inside the map (1 x 1 x H x W). */
  static NDArray realCellFraction(NDArray x) {
    Shape shape = x.getShape();
    try (NDArray ones = x.getManager().ones(new Shape(1, 1, shape.get(2), shape.get(3)), x.getDataType())) {
      return Pool.avgPool2d(ones, KERNEL, STRIDE, PADDING, false, true);
    }
  }
}
