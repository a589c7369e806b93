package dev.knas.scoring.conformance;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.knas.scoring.data.ImageShape;
import dev.knas.scoring.kernel.GradientKernel;
import dev.knas.scoring.kernel.Precision;
import dev.knas.scoring.network.Nb201Network;
import dev.knas.scoring.network.Nb201Network.Normalization;
import dev.knas.scoring.network.ParameterInit;
import dev.knas.space.nb201.Nb201Architecture;
import java.util.Arrays;

/**
 * The spec's deterministic conformance case (section 5): sin-formula weights, sin-formula images, labels
 * n mod 10, no input normalisation, n = 50. Any implementation of the spec reproduces PyTorch's float64 values
 * to about 1e-9 relative error, which is how this engine's networks and MGM are checked against PyTorch.
 */
public final class ConformanceCase {

  public static final int SAMPLES = 50;
  static final int CLASSES = 10;
  static final ImageShape SHAPE = new ImageShape(3, 32, 32);

  /** MGM through the production (batched) path, plus sample 0's loss and first three logits. */
  public record Result(String architecture, String precision, double mgm, double sample0Loss,
      double[] sample0Logits, long parameterCount) {}

  private ConformanceCase() {}

  public static Result run(Nb201Architecture cell, Precision precision, Device device) {
    DataType type = precision.dataType();
    try (NDManager manager = NDManager.newBaseManager(device)) {
      Nb201Network network = new Nb201Network(cell, SHAPE, CLASSES);
      network.initialize(manager, type, ParameterInit.conformance());
      NDArray images = manager.create(images(SAMPLES), new Shape(SAMPLES, 3, 32, 32)).toType(type, false);
      int[] labels = labels(SAMPLES);
      GradientKernel.Mgm mgm = GradientKernel.batched(network, images, labels);
      try (NDManager scope = manager.newSubManager()) {
        NDArray first = images.get("0:1");
        first.attach(scope);
        NDArray logits = network.forward(new ParameterStore(scope, false), new NDList(first), true,
            Nb201Network.normalization(Normalization.PER_SAMPLE)).head();
        double loss = GradientKernel.crossEntropy(logits, new int[] {labels[0]})
            .toType(DataType.FLOAT64, false).getDouble(0);
        double[] firstLogits = Arrays.copyOf(logits.toType(DataType.FLOAT64, false).toDoubleArray(), 3);
        return new Result(cell.toBenchmarkString(), precision.name().toLowerCase(), mgm.mgm(), loss,
            firstLogits, network.parameterCount());
      }
    }
  }

  /** x[n][c][h][w] = sin(0.001 * (c * 1024 + h * 32 + w) + 0.5 * n), NCHW. */
  public static double[] images(int count) {
    int pixels = SHAPE.pixels();
    double[] values = new double[count * pixels];
    for (int n = 0; n < count; n++) {
      for (int p = 0; p < pixels; p++) {
        values[n * pixels + p] = Math.sin(0.001 * p + 0.5 * n);
      }
    }
    return values;
  }

  public static int[] labels(int count) {
    int[] labels = new int[count];
    for (int n = 0; n < count; n++) {
      labels[n] = n % CLASSES;
    }
    return labels;
  }
}
