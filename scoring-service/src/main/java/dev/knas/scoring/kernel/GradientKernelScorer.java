package dev.knas.scoring.kernel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.knas.scoring.data.Dataset;
import dev.knas.scoring.data.ImageShape;
import dev.knas.scoring.data.ImageSplit;
import dev.knas.scoring.network.Nb201Network;
import dev.knas.scoring.network.ParameterInit;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Computes the gradient kernel of one architecture on a data set: draws n training samples and a network
 * initialisation from the seed, then runs {@link GradientKernel}. Every NDArray lives in a manager closed before
 * returning. Not thread-safe across calls: the engine collects gradients for one computation at a time.
 */
public final class GradientKernelScorer {

  /** Version of the computed quantity; bump when the definition (not the implementation) changes. */
  public static final String DEFINITION_VERSION = "mgm/1";

  private GradientKernelScorer() {}

  /** Computes without tracing (benchmarks, conformance). */
  public static KernelResult compute(KernelRequest request) {
    return compute(request, OpenTelemetry.noop().getTracer("dev.knas"));
  }

  /**
   * Computes, tracing its phases as child spans of the current span: "data loading", "network construction",
   * "forward/backward" (batched MGM) or "gram computation" (per-sample gradients, Gram matrix and norms).
   */
  public static KernelResult compute(KernelRequest request, Tracer tracer) {
    long start = System.nanoTime();
    Dataset dataset = request.dataset();
    ImageShape shape = dataset.shape();
    try (NDManager manager = NDManager.newBaseManager(request.device())) {
      int[] indices;
      int[] labels;
      NDArray images;
      Span loading = tracer.spanBuilder("data loading").startSpan();
      try (Scope scope = loading.makeCurrent()) {
        ImageSplit train = dataset.train();
        if (request.samples() > train.size()) {
          throw new IllegalArgumentException("num_samples " + request.samples() + " exceeds the " + train.size()
              + " images of " + dataset.name() + "'s training split");
        }
        indices = chooseSamples(train.size(), request.samples(), request.seed());
        labels = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
          labels[i] = train.label(indices[i]);
        }
        images = manager.create(dataset.normalisedImages(train, indices),
            new Shape(indices.length, shape.channels(), shape.height(), shape.width()))
            .toType(request.precision().dataType(), false);
      } finally {
        loading.end();
      }
      Nb201Network network;
      Span construction = tracer.spanBuilder("network construction").startSpan();
      try (Scope scope = construction.makeCurrent()) {
        network = new Nb201Network(request.cell(), shape, dataset.classes());
        network.initialize(manager, request.precision().dataType(), ParameterInit.kaimingUniform(request.seed()));
      } finally {
        construction.end();
      }
      double mgm;
      double meanLoss;
      Optional<GradientKernel.Gram> gram = Optional.empty();
      Span passes = tracer.spanBuilder(request.perSampleGradients() ? "gram computation" : "forward/backward")
          .setAttribute("knas.samples", request.samples()).startSpan();
      try (Scope scope = passes.makeCurrent()) {
        if (request.perSampleGradients()) {
          GradientKernel.Gram g = GradientKernel.perSample(network, images, labels);
          mgm = g.mgm();
          meanLoss = g.meanLoss();
          gram = Optional.of(g);
        } else {
          GradientKernel.Mgm m = GradientKernel.batched(network, images, labels);
          mgm = m.mgm();
          meanLoss = m.meanLoss();
        }
      } finally {
        passes.end();
      }
      return new KernelResult(mgm, meanLoss, gram, indices, network.parameterCount(),
          (System.nanoTime() - start) / 1e9);
    }
  }

  /** n distinct indices of 0..size-1, a seeded partial Fisher-Yates shuffle. */
  public static int[] chooseSamples(int size, int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] all = new int[size];
    for (int i = 0; i < size; i++) {
      all[i] = i;
    }
    int[] chosen = new int[n];
    for (int i = 0; i < n; i++) {
      int j = i + random.nextInt(size - i);
      int t = all[i];
      all[i] = all[j];
      all[j] = t;
      chosen[i] = all[i];
    }
    return chosen;
  }
}
