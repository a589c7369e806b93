package dev.knas.scoring.proxy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.knas.scoring.data.ImageShape;
import dev.knas.scoring.kernel.GradientKernel;
import dev.knas.scoring.network.Nb201Network;
import dev.knas.scoring.network.Nb201Network.Normalization;
import dev.knas.scoring.network.Nb201Network.Role;
import dev.knas.scoring.network.ParameterInit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The network and the passes the proxies of one request share, each run at most once and only when some proxy
 * needs it: ONE forward pass of the first mini-batch (training mode, batch statistics) serves the weight
 * gradients of its mean cross-entropy (grad_norm, snip, zico), naswot's ReLU codes and jacov's input Jacobian
 * (two backward passes over one graph); a second batch's forward and backward serves zico. Results are kept as
 * float64 copies, so no pass disturbs another. All arrays live on the manager given, closed by the caller.
 */
public final class ProxyPasses {

  private final ProxyInputs inputs;
  private final NDManager manager;
  private final Set<Need> needs;
  private final Nb201Network network;
  private List<NDArray> weightGradients;
  private List<NDArray> secondBatchGradients;
  private double[][] reluCodes;
  private NDArray inputJacobian;

  /** Builds and initialises the network (unless only its structure is needed). */
  public ProxyPasses(ProxyInputs inputs, NDManager manager, Set<Need> needs) {
    this.inputs = inputs;
    this.manager = manager;
    this.needs = Set.copyOf(needs);
    this.network = new Nb201Network(inputs.cell(), inputs.shape(), inputs.classes());
    network.initialize(manager, inputs.precision().dataType(), inputs.init());
  }

  /** The network at initialisation, in the request's precision. */
  public Nb201Network network() {
    return network;
  }

  public ImageShape shape() {
    return inputs.shape();
  }

  public int classes() {
    return inputs.classes();
  }

  public NDManager manager() {
    return manager;
  }

  /** A fresh network of the same cell on this manager, initialised by {@code init} in {@code type}. */
  public Nb201Network network(DataType type, ParameterInit init) {
    Nb201Network fresh = new Nb201Network(inputs.cell(), inputs.shape(), inputs.classes());
    fresh.initialize(manager, type, init);
    return fresh;
  }

  /** The request's initialisation (the seed's, or the conformance case's). */
  public ParameterInit initialisation() {
    return inputs.init();
  }

  /** The weight tensors of {@code net}: every convolution's and the classifier's (not BatchNorm, not biases). */
  public static List<NDArray> weights(Nb201Network net) {
    return net.trainables().stream()
        .filter(t -> t.role() == Role.CONV_WEIGHT || t.role() == Role.LINEAR_WEIGHT)
        .map(t -> t.parameter().getArray())
        .toList();
  }

  /** dL/dW on the first mini-batch, float64, in the order of {@link #weights}. */
  public List<NDArray> weightGradients() {
    if (weightGradients == null) {
      firstBatch();
    }
    return weightGradients;
  }

  /** naswot's K: sum over ReLU applications of c c^T + (1 - c)(1 - c)^T, B x B. */
  public double[][] reluCodes() {
    if (reluCodes == null) {
      firstBatch();
    }
    return reluCodes;
  }

  /** d(sum of logits)/dx, one row per image of the first mini-batch, float64 (B x C*H*W). */
  public NDArray inputJacobian() {
    if (inputJacobian == null) {
      firstBatch();
    }
    return inputJacobian;
  }

  /** dL/dW on the second mini-batch, float64, in the order of {@link #weights}. */
  public List<NDArray> secondBatchGradients() {
    if (secondBatchGradients == null) {
      if (inputs.batches() < 2) {
        throw new IllegalStateException("no second mini-batch was drawn");
      }
      secondBatchGradients = batchPass(1, true, false, false).gradients();
    }
    return secondBatchGradients;
  }

  /** MGM on the request's n samples with {@link GradientKernel#batched}. */
  public GradientKernel.Mgm mgm() {
    int n = inputs.kernelLabels().length;
    NDArray images = manager.create(inputs.kernelImages(), imageShape(n))
        .toType(inputs.precision().dataType(), false);
    return GradientKernel.batched(network, images, inputs.kernelLabels());
  }

  private void firstBatch() {
    boolean gradients = needs.contains(Need.WEIGHT_GRADIENTS) || needs.contains(Need.SECOND_BATCH_GRADIENTS);
    Pass pass = batchPass(0, gradients, needs.contains(Need.RELU_CODES), needs.contains(Need.INPUT_JACOBIAN));
    weightGradients = gradients ? pass.gradients() : List.of();
    reluCodes = pass.reluCodes();
    inputJacobian = pass.jacobian();
  }

  private record Pass(List<NDArray> gradients, double[][] reluCodes, NDArray jacobian) {}

  /**
   * One forward pass of mini-batch {@code batch} and the backward passes asked for: with {@code gradients} the
   * weight gradients of the mean cross-entropy, with {@code jacobian} the input gradient of the summed logits
   * (reusing the graph); with {@code codes}, the ReLU-code matrix collected during the forward pass.
   */
  private Pass batchPass(int batch, boolean gradients, boolean codes, boolean jacobian) {
    int b = inputs.batchSize();
    List<NDArray> parameters = network.trainables().stream().map(t -> t.parameter().getArray()).toList();
    GradientKernel.zeroGradients(parameters);
    int pixels = inputs.shape().pixels();
    double[] values = new double[b * pixels];
    System.arraycopy(inputs.batchImages(), batch * b * pixels, values, 0, values.length);
    int[] labels = Arrays.copyOfRange(inputs.batchLabels(), batch * b, (batch + 1) * b);
    try (NDManager scope = manager.newSubManager();
        GradientCollector collector = manager.getEngine().newGradientCollector()) {
      NDArray x = scope.create(values, imageShape(b)).toType(inputs.precision().dataType(), false);
      if (jacobian) {
        x.setRequiresGradient(true);
      }
      ReluCodes observer = new ReluCodes(codes, b, scope);
      NDArray logits = network.forward(new ParameterStore(scope, false), new NDList(x), true,
          Nb201Network.observed(Normalization.BATCH, observer)).head();
      List<NDArray> copies = new ArrayList<>();
      if (gradients) {
        NDArray loss = GradientKernel.crossEntropy(logits, labels).mean();
        JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), jacobian, false);
        for (NDArray w : weights(network)) {
          // A clone: toType(..., copy) of a tensor already float64 shares its storage, and later backward
          // passes accumulate into that storage.
          try (NDArray g = w.getGradient()) {
            NDArray copy = g.duplicate().toType(DataType.FLOAT64, false);
            copy.attach(manager);
            copies.add(copy);
          }
        }
      }
      NDArray rows = null;
      if (jacobian) {
        // The loss's backward pass above also left dL/dx in x's gradient; J is of the summed logits alone.
        GradientKernel.zeroGradients(List.of(x));
        NDArray total = logits.sum();
        JniUtils.backward((PtNDArray) total, (PtNDArray) total.onesLike(), false, false);
        rows = x.getGradient().duplicate().toType(DataType.FLOAT64, false).reshape(b, pixels);
        rows.attach(manager);
      }
      return new Pass(copies, codes ? observer.matrix() : null, rows);
    }
  }

  private Shape imageShape(int count) {
    ImageShape s = inputs.shape();
    return new Shape(count, s.channels(), s.height(), s.width());
  }

  /** Sums c c^T + (1 - c)(1 - c)^T over the ReLU inputs of a forward pass, c = (input > 0), in float64. */
  private static final class ReluCodes implements Nb201Network.Observer {
    private final boolean active;
    private final int batch;
    private final NDManager scope;
    private NDArray sum;

    ReluCodes(boolean active, int batch, NDManager scope) {
      this.active = active;
      this.batch = batch;
      this.scope = scope;
    }

    @Override
    public void relu(NDArray input) {
      if (!active) {
        return;
      }
      try (NDManager temporary = scope.newSubManager()) {
        NDArray active = input.gt(0).toType(DataType.FLOAT64, false).reshape(batch, -1);
        active.attach(temporary);
        NDArray inactive = active.neg().add(1);
        NDArray agreeing = active.matMul(active.transpose()).add(inactive.matMul(inactive.transpose()));
        NDArray next = sum == null ? agreeing : sum.add(agreeing);
        next.attach(scope);
        sum = next;
      }
    }

    double[][] matrix() {
      double[] flat = sum.toDoubleArray();
      double[][] k = new double[batch][batch];
      for (int i = 0; i < batch; i++) {
        System.arraycopy(flat, i * batch, k[i], 0, batch);
      }
      return k;
    }
  }
}
