package dev.knas.scoring.server;

import com.google.protobuf.util.Timestamps;
import dev.knas.scoring.cache.CacheKeys;
import dev.knas.scoring.cache.ScoreCache;
import dev.knas.scoring.kernel.GradientKernel;
import dev.knas.scoring.kernel.GradientKernelScorer;
import dev.knas.scoring.kernel.KernelResult;
import dev.knas.scoring.request.ResolvedKernel;
import dev.knas.v1.CacheEntry;
import dev.knas.v1.CacheResult;
import dev.knas.v1.ComputeGradientKernelResponse;
import dev.knas.v1.Fidelity;
import dev.knas.v1.Matrix;
import dev.knas.v1.Provenance;
import dev.knas.v1.ScoreArchitectureResponse;
import java.util.Arrays;

/** The gradient kernel's cache entries and responses (ScoreArchitecture and ComputeGradientKernel). */
final class KernelMessages {

  private KernelMessages() {}

  private static Provenance kernelProvenance(ResolvedKernel kernel, KernelResult result, String engine) {
    return Provenance.newBuilder()
        .setOptions(kernel.effectiveOptions())
        .setGradientKernel(kernel.effectiveKernelOptions())
        .setDevice(kernel.effectiveOptions().getDevice())
        .setWallSeconds(result.seconds())
        .setEngine(engine)
        .setDefinitionVersion(GradientKernelScorer.DEFINITION_VERSION)
        .setServiceVersion(ScoringServer.VERSION)
        .build();
  }

  static CacheEntry kernelEntry(ResolvedKernel kernel, String key, KernelResult result, String engine) {
    if (!Double.isFinite(result.mgm())) {
      throw io.grpc.Status.OUT_OF_RANGE.withDescription("gradient kernel: MGM is " + result.mgm() + " for this"
          + " architecture and options; nothing was cached").asRuntimeException();
    }
    return CacheEntry.newBuilder()
        .setFormatVersion(CacheKeys.FORMAT_VERSION)
        .setKey(key)
        .setKeyFields(kernel.cacheKey())
        .setValue(result.mgm())
        .setMeanLoss(result.meanLoss())
        .addAllSampleIndices(Arrays.stream(result.sampleIndices()).boxed().toList())
        .setArchitecture(ArchitectureMessages.describe(kernel.request().cell(), result.parameterCount()))
        .setProvenance(kernelProvenance(kernel, result, engine))
        .setComputedAt(Timestamps.fromMillis(System.currentTimeMillis()))
        .build();
  }

  static ScoreArchitectureResponse kernelScore(ResolvedKernel kernel, ScoreCache.Answer answer) {
    CacheEntry entry = answer.entry();
    return ScoreArchitectureResponse.newBuilder()
        .setArchitecture(ArchitectureMessages.resolved(kernel.requested(), entry.getArchitecture()))
        .setFidelity(Fidelity.FIDELITY_GRADIENT_KERNEL)
        .setValue(entry.getValue())
        .setMetric("mgm")
        .setProvenance(entry.getProvenance())
        .setCache(CacheMessages.result(answer))
        .build();
  }

  static ComputeGradientKernelResponse cachedKernel(ResolvedKernel kernel, ScoreCache.Answer answer) {
    CacheEntry entry = answer.entry();
    return ComputeGradientKernelResponse.newBuilder()
        .setArchitecture(ArchitectureMessages.resolved(kernel.requested(), entry.getArchitecture()))
        .setMgm(entry.getValue())
        .setMeanLoss(entry.getMeanLoss())
        .addAllSampleIndices(entry.getSampleIndicesList())
        .setProvenance(entry.getProvenance())
        .setCache(CacheMessages.result(answer))
        .build();
  }

  /** A per-sample kernel computation (not cached), with the Gram matrix and norms as requested. */
  static ComputeGradientKernelResponse perSampleKernel(ResolvedKernel kernel, KernelResult result, String engine,
      boolean gramMatrix, boolean norms) {
    ComputeGradientKernelResponse.Builder message = ComputeGradientKernelResponse.newBuilder()
        .setArchitecture(ArchitectureMessages.resolved(kernel.requested(),
            ArchitectureMessages.describe(kernel.request().cell(), result.parameterCount())))
        .setMgm(result.mgm())
        .setMeanLoss(result.meanLoss())
        .setProvenance(kernelProvenance(kernel, result, engine))
        .setCache(CacheResult.getDefaultInstance());
    for (int index : result.sampleIndices()) {
      message.addSampleIndices(index);
    }
    GradientKernel.Gram gram = result.gram().orElseThrow();
    if (gramMatrix) {
      Matrix.Builder matrix = Matrix.newBuilder().setRows(gram.matrix().length).setColumns(gram.matrix().length);
      for (double[] row : gram.matrix()) {
        for (double value : row) {
          matrix.addValues(value);
        }
      }
      message.setGramMatrix(matrix);
    }
    if (norms) {
      for (double norm : gram.norms()) {
        message.addSampleGradientNorms(norm);
      }
    }
    return message.build();
  }
}
