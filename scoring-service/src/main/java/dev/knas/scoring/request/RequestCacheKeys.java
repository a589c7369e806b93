package dev.knas.scoring.request;

import dev.knas.scoring.cache.CacheKeys;
import dev.knas.scoring.kernel.GradientKernelScorer;
import dev.knas.scoring.proxy.Need;
import dev.knas.scoring.proxy.ZeroCostProxy;
import dev.knas.scoring.training.ShortTraining;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.v1.CacheKey;
import dev.knas.v1.Fidelity;
import dev.knas.v1.Precision;
import dev.knas.v1.ShortTrainingOptions;

/**
 * The cache key of each computed fidelity: every option its value depends on and nothing else (CacheKeyPinTest
 * holds the keys to the values stores were written with).
 */
final class RequestCacheKeys {

  private RequestCacheKeys() {}

  static CacheKey kernel(ResolvedOptions options, Nb201Architecture canonical, int samples) {
    return common(GradientKernelScorer.DEFINITION_VERSION, Fidelity.FIDELITY_GRADIENT_KERNEL, canonical, options)
        .setNumSamples(samples).build();
  }

  static CacheKey training(ResolvedOptions options, Nb201Architecture canonical, ShortTrainingOptions training) {
    return common(ShortTraining.DEFINITION_VERSION, Fidelity.FIDELITY_SHORT_TRAINING, canonical, options)
        .setShortTraining(training).build();
  }

  /**
   * One proxy's key: the seed, batch size, n and precision only where the proxy's value depends on them.
   *
   * @param batch the batch size the proxy uses (0 when it uses none)
   * @param precision the precision the proxy computes in
   */
  static CacheKey proxy(ResolvedOptions options, Nb201Architecture canonical, ZeroCostProxy proxy, int batch,
      int samples, Precision precision) {
    CacheKey.Builder key = common(proxy.definitionVersion(), Fidelity.FIDELITY_ZERO_COST, canonical, options)
        .setProxy(proxy.name())
        .setBatchSize(batch)
        .setSeed(proxy.usesSeed() ? options.effective().getSeed() : 0)
        .setPrecision(proxy.usesPrecision() || proxy.fixedPrecision().isPresent() ? precision
            : Precision.PRECISION_UNSPECIFIED);
    if (proxy.needs().contains(Need.KERNEL_SAMPLES)) {
      key.setNumSamples(samples);
    }
    return key.build();
  }

  /** The fields every computed fidelity's key has. */
  private static CacheKey.Builder common(String definition, Fidelity fidelity, Nb201Architecture canonical,
      ResolvedOptions options) {
    return CacheKey.newBuilder()
        .setFormatVersion(CacheKeys.FORMAT_VERSION)
        .setDefinitionVersion(definition)
        .setFidelity(fidelity)
        .setCanonicalArchitecture(canonical.toBenchmarkString())
        .setDataset(options.dataset().name())
        .setDatasetFingerprint(options.datasetFingerprint())
        .setSeed(options.effective().getSeed())
        .setPrecision(options.effective().getPrecision())
        .setDeviceKind(options.device().isGpu() ? "gpu" : "cpu");
  }
}
