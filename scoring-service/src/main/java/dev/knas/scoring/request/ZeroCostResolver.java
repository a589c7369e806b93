package dev.knas.scoring.request;

import dev.knas.scoring.kernel.Precision;
import dev.knas.scoring.proxy.Need;
import dev.knas.scoring.proxy.ProxyRegistry;
import dev.knas.scoring.proxy.ProxyRequest;
import dev.knas.scoring.proxy.ZeroCostProxy;
import dev.knas.space.nb201.CanonicalForm;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.v1.Architecture;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.GradientKernelOptions;
import dev.knas.v1.ZeroCostOptions;
import java.util.ArrayList;
import java.util.List;

/** Resolves ScoreArchitecture's zero-cost fidelity: the proxies, their batch and (for mgm) n. */
final class ZeroCostResolver {

  private final OptionsResolver options;

  ZeroCostResolver(OptionsResolver options) {
    this.options = options;
  }

  ResolvedZeroCost resolve(boolean hasArchitecture, Architecture architecture, EvaluationOptions requested,
      ZeroCostOptions zeroCost, GradientKernelOptions kernelOptions) {
    Nb201Architecture cell = RequestedArchitecture.of(hasArchitecture, architecture);
    List<ZeroCostProxy> proxies = proxies(zeroCost);
    long batch = zeroCost.getBatchSize() == 0 ? RequestLimits.DEFAULT_PROXY_BATCH
        : Integer.toUnsignedLong(zeroCost.getBatchSize());
    if (batch > RequestLimits.MAX_PROXY_BATCH) {
      throw RequestException.invalid("zero_cost.batch_size", batch + " exceeds the limit of "
          + RequestLimits.MAX_PROXY_BATCH);
    }
    ResolvedOptions resolved = options.resolve(requested);
    int trainSize = resolved.trainSize();
    boolean twoBatches = proxies.stream().anyMatch(p -> p.needs().contains(Need.SECOND_BATCH_GRADIENTS));
    long images = proxies.stream().anyMatch(ZeroCostProxy::usesBatch) ? batch * (twoBatches ? 2 : 1) : 0;
    if (images > trainSize) {
      throw RequestException.invalid("zero_cost.batch_size", batch + (twoBatches ? " x 2 images (zico uses two"
          + " disjoint batches)" : " images") + " exceed the " + trainSize + " images of "
          + resolved.dataset().name() + "'s training split");
    }
    boolean kernel = proxies.stream().anyMatch(p -> p.needs().contains(Need.KERNEL_SAMPLES));
    int samples = kernel ? KernelResolver.samples(kernelOptions, false, resolved) : 0;
    Nb201Architecture canonical = CanonicalForm.of(cell);
    List<ResolvedProxy> each = new ArrayList<>();
    for (ZeroCostProxy proxy : proxies) {
      each.add(proxy(proxy, resolved, canonical, (int) batch, samples));
    }
    return new ResolvedZeroCost(cell, new ProxyRequest(canonical, resolved.dataset(), proxies, (int) batch,
        samples, requested.getSeed(), resolved.device(), resolved.precision()), each);
  }

  /** One proxy's options and key: its own precision if it fixes one, the batch only if it uses one. */
  private static ResolvedProxy proxy(ZeroCostProxy proxy, ResolvedOptions options, Nb201Architecture canonical,
      int batch, int samples) {
    dev.knas.v1.Precision precision = proxy.fixedPrecision()
        .map(p -> p == Precision.FLOAT64 ? dev.knas.v1.Precision.PRECISION_FLOAT64
            : dev.knas.v1.Precision.PRECISION_FLOAT32)
        .orElse(options.effective().getPrecision());
    int proxyBatch = proxy.usesBatch() ? batch : 0;
    GradientKernelOptions effectiveKernel = proxy.needs().contains(Need.KERNEL_SAMPLES)
        ? GradientKernelOptions.newBuilder().setNumSamples(samples).build()
        : GradientKernelOptions.getDefaultInstance();
    return new ResolvedProxy(proxy, RequestCacheKeys.proxy(options, canonical, proxy, proxyBatch, samples, precision),
        options.effective().toBuilder().setPrecision(precision).build(),
        ZeroCostOptions.newBuilder().addProxies(proxy.name()).setBatchSize(proxyBatch).build(), effectiveKernel);
  }

  /** The requested proxies, each known and named once. */
  private static List<ZeroCostProxy> proxies(ZeroCostOptions zeroCost) {
    List<String> names = zeroCost.getProxiesList();
    if (names.isEmpty()) {
      throw RequestException.invalid("zero_cost.proxies", "name at least one proxy; known: "
          + ProxyRegistry.names());
    }
    if (names.size() > RequestLimits.MAX_PROXIES) {
      throw RequestException.invalid("zero_cost.proxies", names.size() + " names exceed the limit of "
          + RequestLimits.MAX_PROXIES);
    }
    List<ZeroCostProxy> proxies = new ArrayList<>();
    for (String name : names) {
      ZeroCostProxy proxy = ProxyRegistry.named(name).orElseThrow(() -> RequestException.invalid(
          "zero_cost.proxies", "unknown proxy '" + name + "'; known: " + ProxyRegistry.names()));
      if (proxies.contains(proxy)) {
        throw RequestException.invalid("zero_cost.proxies", "'" + name + "' is named twice");
      }
      proxies.add(proxy);
    }
    return proxies;
  }
}
