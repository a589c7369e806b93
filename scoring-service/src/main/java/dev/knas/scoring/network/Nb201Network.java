package dev.knas.scoring.network;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import dev.knas.scoring.data.ImageShape;
import dev.knas.space.nb201.Edge;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.space.nb201.Operation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * NAS-Bench-201's "TinyNetwork" (C = 16, N = 5) for one cell, as a DJL block, exactly as section 3 of the spec
 * defines it: stem, 5 cells at 16 channels, reduction, 5 cells at 32, reduction, 5 cells at 64, then BatchNorm,
 * ReLU, global average pooling and a linear classifier. Works for any image shape whose height and width are
 * divisible by 4 (both reductions then halve evenly, as the shortcut's pooling requires).
 *
 * <p>Normalisation layers run in one of two modes chosen per forward pass (see {@link #normalization}):
 * ordinary BatchNorm, or per-sample statistics, which makes one batched pass compute exactly what n passes of
 * a batch of one compute (the identity MGM's fast path relies on).
 */
public final class Nb201Network extends AbstractBlock {

  /** How BatchNorm layers normalise in a forward pass. */
  public enum Normalization {
    /** Batch statistics in training, running statistics otherwise (PyTorch's BatchNorm2d). */
    BATCH,
    /** Each sample's own mean and biased variance over height x width, training or not. */
    PER_SAMPLE,
    /** No normalisation at all: every BatchNorm is the identity (synflow's network). */
    IDENTITY
  }

  /**
   * Told of the layers a forward pass applies, in order (zero-cost proxies read activations and layer shapes
   * through it); the arrays are the pass's own and must not be closed.
   */
  public interface Observer {
    /** The input of one ReLU application. */
    default void relu(NDArray input) { }

    /** One convolution: its weight (C_out x C_in x k x k) and its output (N x C_out x H x W). */
    default void convolution(NDArray weight, NDArray output) { }

    /** The classifier: its weight (classes x features). */
    default void linear(NDArray weight) { }
  }

  /** What a trainable tensor is; initialisers need it (and its fan-in). */
  public enum Role { CONV_WEIGHT, BN_SCALE, BN_SHIFT, LINEAR_WEIGHT, LINEAR_BIAS }

  /** One trainable tensor with what an initialiser needs to know about it. */
  public record Trainable(Parameter parameter, Role role, int fanIn) {}

  public static final int STEM_CHANNELS = 16;
  public static final int CELLS_PER_STAGE = 5;
  private static final String NORMALIZATION_KEY = "knas.normalization";
  private static final String OBSERVER_KEY = "knas.observer";
  private static final Observer NO_OBSERVER = new Observer() { };

  private final Nb201Architecture cell;
  private final ImageShape imageShape;
  private final int classes;
  private final List<Trainable> trainables = new ArrayList<>();
  private final ConvBn stem;
  private final List<Stage> stages = new ArrayList<>();
  private final Norm headNorm;
  private final Parameter linearWeight;
  private final Parameter linearBias;

  public Nb201Network(Nb201Architecture cell, ImageShape imageShape, int classes) {
    if (imageShape.height() % 4 != 0 || imageShape.width() % 4 != 0) {
      throw new IllegalArgumentException("image size " + imageShape.height() + "x" + imageShape.width()
          + " is not divisible by 4, which the network's two reductions need");
    }
    this.cell = cell;
    this.imageShape = imageShape;
    this.classes = classes;
    this.stem = new ConvBn("stem", imageShape.channels(), STEM_CHANNELS, 3, 1, false);
    int channels = STEM_CHANNELS;
    for (int stage = 0; stage < 3; stage++) {
      if (stage > 0) {
        stages.add(new Reduction("reduction" + stage, channels, channels * 2));
        channels *= 2;
      }
      for (int i = 0; i < CELLS_PER_STAGE; i++) {
        stages.add(new Cell("cell" + (stage * CELLS_PER_STAGE + i), channels));
      }
    }
    this.headNorm = new Norm("head.bn", channels);
    this.linearWeight = trainable("head.linear.weight", new Shape(classes, channels), Role.LINEAR_WEIGHT, channels);
    this.linearBias = trainable("head.linear.bias", new Shape(classes), Role.LINEAR_BIAS, channels);
  }

  /** Forward-pass parameters that select the normalisation mode. */
  public static PairList<String, Object> normalization(Normalization mode) {
    PairList<String, Object> params = new PairList<>();
    params.add(NORMALIZATION_KEY, mode);
    return params;
  }

  /** Forward-pass parameters that select the normalisation mode and tell {@code observer} of every layer. */
  public static PairList<String, Object> observed(Normalization mode, Observer observer) {
    PairList<String, Object> params = normalization(mode);
    params.add(OBSERVER_KEY, observer);
    return params;
  }

  /** The trainable tensors in the spec's order (PyTorch's {@code named_parameters()} order). */
  public List<Trainable> trainables() {
    return Collections.unmodifiableList(trainables);
  }

  /** Number of trainable scalars. */
  public long parameterCount() {
    return trainables.stream().mapToLong(t -> t.parameter().getShape().size()).sum();
  }

  /** Creates every parameter on {@code manager}'s device, trainable ones from {@code init}. */
  public void initialize(NDManager manager, DataType dataType, ParameterInit init) {
    for (int k = 0; k < trainables.size(); k++) {
      Trainable t = trainables.get(k);
      int position = k;
      Initializer values = (m, shape, type) -> init.initialize(m, shape, type, t.role(), position, t.fanIn());
      t.parameter().setInitializer(values);
    }
    initialize(manager, dataType, new Shape(1, imageShape.channels(), imageShape.height(), imageShape.width()));
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    Object mode = params == null ? null : params.get(NORMALIZATION_KEY);
    Object observer = params == null ? null : params.get(OBSERVER_KEY);
    Pass pass = new Pass(store, inputs.head().getDevice(), training,
        mode == null ? Normalization.BATCH : (Normalization) mode,
        observer == null ? NO_OBSERVER : (Observer) observer, new HashMap<>());
    NDArray x = stem.forward(pass, inputs.head());
    for (Stage stage : stages) {
      x = stage.forward(pass, x);
    }
    x = pass.relu(headNorm.forward(pass, x));
    x = Pool.globalAvgPool2d(x);
    NDArray weight = pass.value(linearWeight);
    pass.observer().linear(weight);
    return Linear.linear(x, weight, pass.value(linearBias));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), classes)};
  }

  private Parameter trainable(String name, Shape shape, Role role, int fanIn) {
    Parameter p = addParameter(Parameter.builder().setName(name).setType(parameterType(role)).optShape(shape)
        .build());
    trainables.add(new Trainable(p, role, fanIn));
    return p;
  }

  private Parameter buffer(String name, Shape shape, Parameter.Type type) {
    return addParameter(Parameter.builder().setName(name).setType(type).optShape(shape).optRequiresGrad(false)
        .build());
  }

  private static Parameter.Type parameterType(Role role) {
    return switch (role) {
      case CONV_WEIGHT, LINEAR_WEIGHT -> Parameter.Type.WEIGHT;
      case BN_SCALE -> Parameter.Type.GAMMA;
      case BN_SHIFT -> Parameter.Type.BETA;
      case LINEAR_BIAS -> Parameter.Type.BIAS;
    };
  }

  /**
   * The state one forward pass shares with every layer, including tensors that several of its layers use
   * ({@code shared}, built once per pass by {@link #shared}).
   */
  private record Pass(ParameterStore store, Device device, boolean training, Normalization normalization,
      Observer observer, Map<String, NDArray> shared) {
    NDArray value(Parameter p) {
      return store.getValue(p, device, training);
    }

    /** The shared tensor named {@code key}, built by {@code build} on the pass's first request for it. */
    NDArray shared(String key, Supplier<NDArray> build) {
      return shared.computeIfAbsent(key, k -> build.get());
    }

    NDArray relu(NDArray x) {
      observer.relu(x);
      return Activation.relu(x);
    }

    NDArray convolution(NDArray x, NDArray weight, Shape stride, Shape padding) {
      NDArray y = Conv2d.conv2d(x, weight, null, stride, padding, new Shape(1, 1), 1).head();
      observer.convolution(weight, y);
      return y;
    }
  }

  /** A block between the stem and the head: a cell or a reduction. */
  private interface Stage {
    NDArray forward(Pass pass, NDArray x);
  }

  /** BatchNorm2d(C), affine, with running statistics. */
  private final class Norm {
    final Parameter scale;
    final Parameter shift;
    final Parameter runningMean;
    final Parameter runningVar;

    Norm(String name, int channels) {
      Shape shape = new Shape(channels);
      scale = trainable(name + ".weight", shape, Role.BN_SCALE, channels);
      shift = trainable(name + ".bias", shape, Role.BN_SHIFT, channels);
      runningMean = buffer(name + ".running_mean", shape, Parameter.Type.RUNNING_MEAN);
      runningVar = buffer(name + ".running_var", shape, Parameter.Type.RUNNING_VAR);
    }

    NDArray forward(Pass pass, NDArray x) {
      if (pass.normalization() == Normalization.IDENTITY) {
        return x;
      }
      NDArray gamma = pass.value(scale);
      NDArray beta = pass.value(shift);
      if (pass.normalization() == Normalization.BATCH) {
        return TorchOps.batchNorm(x, pass.value(runningMean), pass.value(runningVar), gamma, beta,
            pass.training());
      }
      // Per-sample statistics: fold the batch into the channel axis, so each (sample, channel) plane is
      // normalised on its own by one fused kernel; the layer's running statistics are left untouched. The engine
      // wants running statistics to update: scratch ones, shared by the pass's layers with as many planes. In
      // training mode the kernel only writes them (it normalises with the batch's statistics), so sharing is safe.
      Shape shape = x.getShape();
      long samples = shape.get(0);
      long planes = samples * shape.get(1);
      NDArray folded = x.reshape(1, planes, shape.get(2), shape.get(3));
      NDManager m = x.getManager();
      NDArray scratchMean = pass.shared("mean" + planes, () -> m.zeros(new Shape(planes), x.getDataType()));
      NDArray scratchVar = pass.shared("var" + planes, () -> m.ones(new Shape(planes), x.getDataType()));
      NDArray out = TorchOps.batchNorm(folded, scratchMean, scratchVar, gamma.tile(samples), beta.tile(samples),
          true);
      return out.reshape(shape);
    }
  }

  /** [ReLU], Conv2d (no bias), BatchNorm2d. */
  private final class ConvBn {
    final Parameter weight;
    final Norm norm;
    final Shape stride;
    final Shape padding;
    final boolean reluFirst;

    ConvBn(String name, int in, int out, int kernel, int stride, boolean reluFirst) {
      this.weight = trainable(name + ".conv.weight", new Shape(out, in, kernel, kernel), Role.CONV_WEIGHT,
          in * kernel * kernel);
      this.norm = new Norm(name + ".bn", out);
      this.stride = new Shape(stride, stride);
      this.padding = new Shape((kernel - 1) / 2, (kernel - 1) / 2);
      this.reluFirst = reluFirst;
    }

    NDArray forward(Pass pass, NDArray x) {
      NDArray in = reluFirst ? pass.relu(x) : x;
      return norm.forward(pass, pass.convolution(in, pass.value(weight), stride, padding));
    }
  }

  /** A searched cell: node i = sum over j < i of op(i <- j)(node j); output node 3. */
  private final class Cell implements Stage {
    /** Per edge in canonical order: the conv layer of a convolution op, else null. */
    final ConvBn[] convs = new ConvBn[Edge.CANONICAL_ORDER.size()];

    Cell(String name, int channels) {
      for (int e = 0; e < convs.length; e++) {
        Operation op = cell.ops().get(e);
        if (op.isConvolution()) {
          Edge edge = Edge.CANONICAL_ORDER.get(e);
          convs[e] = new ConvBn(name + ".edge" + edge.target() + "_" + edge.source(), channels, channels,
              op.kernelSize(), 1, true);
        }
      }
    }

    @Override
    public NDArray forward(Pass pass, NDArray x) {
      NDArray[] nodes = new NDArray[Nb201Architecture.NODES];
      nodes[0] = x;
      for (int target = 1; target < nodes.length; target++) {
        NDArray sum = null;
        for (int source = 0; source < target; source++) {
          int e = Edge.CANONICAL_ORDER.indexOf(new Edge(target, source));
          NDArray contribution = apply(pass, cell.ops().get(e), convs[e], nodes[source]);
          if (contribution != null) {
            sum = sum == null ? contribution : sum.add(contribution);
          }
        }
        // A node fed only by `none` edges is the zero tensor; its gradient contribution is zero either way.
        nodes[target] = sum == null ? x.zerosLike() : sum;
      }
      return nodes[nodes.length - 1];
    }

    /** The op's output, or null for `none` (a zero contribution to the sum). */
    private NDArray apply(Pass pass, Operation op, ConvBn conv, NDArray in) {
      return switch (op) {
        case NONE -> null;
        case SKIP_CONNECT -> in;
        case NOR_CONV_1X1, NOR_CONV_3X3 -> conv.forward(pass, in);
        case AVG_POOL_3X3 -> TorchOps.avgPool3x3ExcludingPadding(in, pass.shared(
            "pool" + in.getShape().get(2) + "x" + in.getShape().get(3), () -> TorchOps.realCellFraction(in)));
      };
    }
  }

  /** NAS-Bench-201's residual reduction block: b(a(x)) + conv1x1(avgpool2x2(x)). */
  private final class Reduction implements Stage {
    final ConvBn a;
    final ConvBn b;
    final Parameter shortcut;

    Reduction(String name, int in, int out) {
      a = new ConvBn(name + ".a", in, out, 3, 2, true);
      b = new ConvBn(name + ".b", out, out, 3, 1, true);
      shortcut = trainable(name + ".shortcut.weight", new Shape(out, in, 1, 1), Role.CONV_WEIGHT, in);
    }

    @Override
    public NDArray forward(Pass pass, NDArray x) {
      NDArray residual = b.forward(pass, a.forward(pass, x));
      NDArray pooled = Pool.avgPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false, true);
      NDArray projected = pass.convolution(pooled, pass.value(shortcut), new Shape(1, 1), new Shape(0, 0));
      return residual.add(projected);
    }
  }
}
