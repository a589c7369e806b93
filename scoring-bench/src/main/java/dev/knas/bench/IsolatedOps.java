package dev.knas.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The network's main ops alone on their shapes, unprofiled, in the engine: for each stage's width and map size,
 * 3x3 and 1x1 convolutions forward, and forward + backward, per-sample BatchNorm and ReLU forward + backward, in the
 * order and on the inputs {@code op_profile.py} times them in PyTorch. Each run takes fresh leaves,
 * so its gradients are new tensors as in a computation.
 */
final class IsolatedOps {

  /** One op on one input shape: its median milliseconds. */
  record Row(String op, String shape, double millis) {}

  private static final int WARM_UPS = 5;

  private IsolatedOps() {}

  static List<Row> time(int samples, int runs) {
    List<Row> rows = new ArrayList<>();
    Shape one = new Shape(1, 1);
    Shape noPadding = new Shape(0, 0);
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      for (int[] stage : new int[][] {{16, 32}, {32, 16}, {64, 8}}) {
        int channels = stage[0];
        int size = stage[1];
        Shape shape = new Shape(samples, channels, size, size);
        String name = samples + "x" + channels + "x" + size + "x" + size;
        NDArray x = manager.randomNormal(shape);
        NDArray w = manager.randomNormal(new Shape(channels, channels, 3, 3)).mul(0.1);
        NDArray pointwise = manager.randomNormal(new Shape(channels, channels, 1, 1)).mul(0.1);
        NDArray g = manager.randomNormal(shape);
        NDArray gamma = manager.ones(new Shape(channels));
        NDArray beta = manager.zeros(new Shape(channels));
        long planes = (long) samples * channels;
        // Scratch running statistics, made once as the service makes them once per pass (PyTorch passes none).
        NDArray scratchMean = manager.zeros(new Shape(planes));
        NDArray scratchVar = manager.ones(new Shape(planes));
        rows.add(new Row("conv 3x3, forward", name, medianMillis(manager, runs, m ->
            Conv2d.conv2d(x, w, null, one, one, one, 1).head().attach(m))));
        rows.add(new Row("conv 3x3, forward+backward", name, medianMillis(manager, runs, m -> backward(() ->
            Conv2d.conv2d(leaf(x, m), leaf(w, m), null, one, one, one, 1).head().mul(g).sum()))));
        rows.add(new Row("conv 1x1, forward", name, medianMillis(manager, runs, m ->
            Conv2d.conv2d(x, pointwise, null, one, noPadding, one, 1).head().attach(m))));
        rows.add(new Row("conv 1x1, forward+backward", name, medianMillis(manager, runs, m -> backward(() ->
            Conv2d.conv2d(leaf(x, m), leaf(pointwise, m), null, one, noPadding, one, 1).head().mul(g).sum()))));
        rows.add(new Row("per-sample batch norm, forward+backward", name, medianMillis(manager, runs, m ->
            backward(() -> {
              NDArray folded = leaf(x, m).reshape(1, planes, size, size);
              NDArray out = JniUtils.batchNorm((PtNDArray) folded, (PtNDArray) scratchMean,
                  (PtNDArray) scratchVar, (PtNDArray) leaf(gamma, m).tile(samples),
                  (PtNDArray) leaf(beta, m).tile(samples), true, 0.1, 1e-5);
              return out.reshape(shape).mul(g).sum();
            }))));
        rows.add(new Row("ReLU, forward+backward", name, medianMillis(manager, runs, m ->
            backward(() -> Activation.relu(leaf(x, m)).mul(g).sum()))));
      }
    }
    return rows;
  }

  /** A new leaf that shares {@code array}'s values and collects its own gradient, freed with {@code scope}. */
  private static NDArray leaf(NDArray array, NDManager scope) {
    NDArray leaf = array.stopGradient();
    leaf.attach(scope);
    leaf.setRequiresGradient(true);
    return leaf;
  }

  /** Runs {@code forward} with gradients recorded, then the backward pass of the scalar it returns. */
  private static void backward(Supplier<NDArray> forward) {
    try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
      collector.backward(forward.get());
    }
  }

  /** Median milliseconds of {@code run} after the warm-ups, each run's arrays freed with its own sub-manager. */
  private static double medianMillis(NDManager manager, int runs, Consumer<NDManager> run) {
    double[] millis = new double[runs];
    for (int i = -WARM_UPS; i < runs; i++) {
      try (NDManager scope = manager.newSubManager()) {
        long start = System.nanoTime();
        run.accept(scope);
        if (i >= 0) {
          millis[i] = (System.nanoTime() - start) / 1e6;
        }
      }
    }
    return BenchTargets.median(millis);
  }
}
