package dev.knas.scoring.kernel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.knas.scoring.network.Nb201Network;
import dev.knas.scoring.network.Nb201Network.Normalization;
import java.util.Arrays;
import java.util.List;

/**
 * MGM, the gradient kernel of KNAS (spec section 4): with g_i the gradient of sample i's cross-entropy loss with
 * respect to all trainable parameters, computed in training mode with that sample's own BatchNorm statistics,
 * MGM = mean over i, j of {@code <g_i, g_j>} = ||(1/n) sum_i g_i||^2.
 *
 * <p>{@link #batched} is the production path: with per-sample normalisation the n samples do not interact, so
 * one batched forward and backward of the summed losses yields sum_i g_i. {@link #perSample} computes each g_i
 * on its own (a batch of one), which the Gram matrix and gradient norms need, and which is the oracle the
 * batched path is tested against. The engine's gradient buffers accumulate, so both zero them first.
 */
public final class GradientKernel {

  /** Most samples in one forward/backward; larger n runs in chunks whose gradients add up exactly. */
  public static final int MAX_CHUNK = 64;

  /** MGM with the mean loss. */
  public record Mgm(double mgm, double meanLoss) {}

  /** The full kernel from n separate per-sample gradients. */
  public record Gram(double mgm, double meanLoss, double[][] matrix, double[] norms) {}

  private GradientKernel() {}

  /** MGM from batched passes (chunks of at most {@link #MAX_CHUNK}); {@code images} is NCHW on the device. */
  public static Mgm batched(Nb201Network network, NDArray images, int[] labels) {
    List<NDArray> parameters = parameterArrays(network);
    zeroGradients(parameters);
    int n = labels.length;
    double lossSum = 0;
    for (int start = 0; start < n; start += MAX_CHUNK) {
      int end = Math.min(n, start + MAX_CHUNK);
      lossSum += accumulateGradients(network, images, labels, start, end);
    }
    double sumSquares = 0;
    for (NDArray p : parameters) {
      try (NDArray g = p.getGradient(); NDArray sq = g.toType(DataType.FLOAT64, false).square().sum()) {
        sumSquares += sq.getDouble();
      }
    }
    return new Mgm(sumSquares / ((double) n * n), lossSum / n);
  }

  /** The n per-sample gradients, their Gram matrix, norms and MGM. */
  public static Gram perSample(Nb201Network network, NDArray images, int[] labels) {
    List<NDArray> parameters = parameterArrays(network);
    int n = labels.length;
    double lossSum = 0;
    try (NDManager gradients = images.getManager().newSubManager()) {
      NDList flat = new NDList(n);
      for (int i = 0; i < n; i++) {
        zeroGradients(parameters);
        lossSum += accumulateGradients(network, images, labels, i, i + 1);
        NDList pieces = new NDList(parameters.size());
        for (NDArray p : parameters) {
          NDArray g = p.getGradient();
          pieces.add(g.flatten());
          g.close();
        }
        NDArray gi = NDArrays.concat(pieces);
        gi.attach(gradients);
        pieces.close();
        flat.add(gi);
      }
      NDArray stacked = NDArrays.stack(flat);
      double[] values = stacked.matMul(stacked.transpose()).toType(DataType.FLOAT64, false).toDoubleArray();
      double[][] matrix = new double[n][n];
      double[] norms = new double[n];
      double total = 0;
      for (int i = 0; i < n; i++) {
        System.arraycopy(values, i * n, matrix[i], 0, n);
        norms[i] = Math.sqrt(matrix[i][i]);
        for (int j = 0; j < n; j++) {
          total += matrix[i][j];
        }
      }
      return new Gram(total / ((double) n * n), lossSum / n, matrix, norms);
    }
  }

  /**
   * Per-sample cross-entropy losses of {@code logits} (N x classes) against integer labels, as a vector of N.
   */
  public static NDArray crossEntropy(NDArray logits, int[] labels) {
    int classes = (int) logits.getShape().get(1);
    NDArray target = logits.getManager().create(labels).oneHot(classes, logits.getDataType());
    return logits.logSoftmax(1).mul(target).sum(new int[] {1}).neg();
  }

  /** Adds the gradients of samples [start, end) to the parameters' gradients; returns their summed loss. */
  private static double accumulateGradients(Nb201Network network, NDArray images, int[] labels, int start,
      int end) {
    NDManager parent = images.getManager();
    try (NDManager scope = parent.newSubManager();
        GradientCollector collector = parent.getEngine().newGradientCollector()) {
      NDArray x = images.get(start + ":" + end);
      x.attach(scope);
      int[] chunkLabels = Arrays.copyOfRange(labels, start, end);
      NDArray logits = network.forward(new ParameterStore(scope, false), new NDList(x), true,
          Nb201Network.normalization(Normalization.PER_SAMPLE)).head();
      NDArray loss = crossEntropy(logits, chunkLabels).sum();
      collector.backward(loss);
      return loss.toType(DataType.FLOAT64, false).getDouble();
    }
  }

  private static List<NDArray> parameterArrays(Nb201Network network) {
    return network.trainables().stream().map(t -> t.parameter().getArray()).toList();
  }

  /**
   * Zeroes the gradients the engine accumulated into {@code parameters}. A parameter that no backward pass has
   * reached yet has none and is left so (DJL's {@code getGradient} would allocate and fill a zero tensor for it).
   */
  public static void zeroGradients(List<NDArray> parameters) {
    for (NDArray p : parameters) {
      if (p.hasGradient()) {
        try (NDArray g = JniUtils.getGradient((PtNDArray) p)) {
          if (g != null) {
            g.subi(g);
          }
        }
      }
    }
  }
}
