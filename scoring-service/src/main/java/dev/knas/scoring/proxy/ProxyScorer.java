package dev.knas.scoring.proxy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.knas.scoring.data.Dataset;
import dev.knas.scoring.data.ImageSplit;
import dev.knas.scoring.kernel.GradientKernelScorer;
import dev.knas.scoring.network.ParameterInit;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Computes the proxies of one request from one network build and shared passes ({@link ProxyPasses}). Each
 * proxy fails on its own: a value that is not finite, or a proxy that throws, becomes that proxy's outcome and
 * the others go on. Not thread-safe across calls: the engine collects gradients for one computation at a time.
 */
public final class ProxyScorer {

  private ProxyScorer() {}

  /**
   * Draws the data from the seed (the first mini-batch is the first B of a seeded draw whose first n are MGM's
   * samples; the second batch the next B) and computes, tracing "data loading" and "proxy passes".
   */
  public static ProxyResult compute(ProxyRequest request, Tracer tracer) {
    long start = System.nanoTime();
    ProxyInputs inputs;
    Span loading = tracer.spanBuilder("data loading").startSpan();
    try (Scope scope = loading.makeCurrent()) {
      inputs = inputs(request);
    } finally {
      loading.end();
    }
    Span passes = tracer.spanBuilder("proxy passes").setAttribute("knas.proxies", request.proxies().size())
        .startSpan();
    try (Scope scope = passes.makeCurrent()) {
      ProxyResult result = evaluate(inputs, request.proxies(), request.device());
      return new ProxyResult(result.outcomes(), result.parameterCount(), (System.nanoTime() - start) / 1e9);
    } finally {
      passes.end();
    }
  }

  /** Computes {@code proxies} on {@code inputs} (the conformance tests call this with their own inputs). */
  public static ProxyResult evaluate(ProxyInputs inputs, List<ZeroCostProxy> proxies, Device device) {
    long start = System.nanoTime();
    Set<Need> needs = EnumSet.noneOf(Need.class);
    proxies.forEach(p -> needs.addAll(p.needs()));
    try (NDManager manager = NDManager.newBaseManager(device)) {
      ProxyPasses passes = new ProxyPasses(inputs, manager, needs);
      List<ProxyOutcome> outcomes = new ArrayList<>();
      for (ZeroCostProxy proxy : proxies) {
        long began = System.nanoTime();
        try {
          double value = proxy.compute(passes);
          outcomes.add(ProxyOutcome.of(proxy, value, (System.nanoTime() - began) / 1e9));
        } catch (ProxyException e) {
          outcomes.add(new ProxyOutcome(proxy, OptionalDouble.empty(), e.getMessage(), true,
              (System.nanoTime() - began) / 1e9));
        }
      }
      return new ProxyResult(outcomes, passes.network().parameterCount(), (System.nanoTime() - start) / 1e9);
    }
  }

  private static ProxyInputs inputs(ProxyRequest request) {
    Dataset dataset = request.dataset();
    ImageSplit train = dataset.train();
    boolean second = request.proxies().stream().anyMatch(p -> p.needs().contains(Need.SECOND_BATCH_GRADIENTS));
    boolean batch = request.proxies().stream().anyMatch(ZeroCostProxy::usesBatch);
    boolean kernel = request.proxies().stream().anyMatch(p -> p.needs().contains(Need.KERNEL_SAMPLES));
    int b = batch ? request.batchSize() : 0;
    int[] drawn = GradientKernelScorer.chooseSamples(train.size(), b * (second ? 2 : 1), request.seed());
    int[] kernelIndices = kernel
        ? GradientKernelScorer.chooseSamples(train.size(), request.kernelSamples(), request.seed()) : new int[0];
    return new ProxyInputs(request.cell(), dataset.shape(), dataset.classes(), request.precision(),
        ParameterInit.kaimingUniform(request.seed()), b, dataset.normalisedImages(train, drawn),
        labels(train, drawn), dataset.normalisedImages(train, kernelIndices), labels(train, kernelIndices));
  }

  private static int[] labels(ImageSplit split, int[] indices) {
    return Arrays.stream(indices).map(split::label).toArray();
  }
}
