package dev.knas.scoring.server;

import com.google.protobuf.util.Timestamps;
import dev.knas.scoring.cache.CacheKeys;
import dev.knas.scoring.cache.ScoreCache;
import dev.knas.scoring.kernel.GradientKernel;
import dev.knas.scoring.kernel.GradientKernelScorer;
import dev.knas.scoring.kernel.KernelResult;
import dev.knas.scoring.proxy.ProxyOutcome;
import dev.knas.scoring.proxy.ProxyResult;
import dev.knas.scoring.proxy.ZeroCostProxy;
import dev.knas.scoring.server.CachedScoring.ProxyAnswer;
import dev.knas.scoring.training.ShortTraining;
import dev.knas.space.CanonicalForm;
import dev.knas.space.Nb201Architecture;
import dev.knas.space.Operation;
import dev.knas.v1.BenchmarkRecord;
import dev.knas.v1.CacheEntry;
import dev.knas.v1.CacheResult;
import dev.knas.v1.CellEdges;
import dev.knas.v1.ComputeGradientKernelResponse;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.Fidelity;
import dev.knas.v1.Matrix;
import dev.knas.v1.Provenance;
import dev.knas.v1.ProxyInfo;
import dev.knas.v1.ProxyScore;
import dev.knas.v1.ResolvedArchitecture;
import dev.knas.v1.ScoreArchitectureResponse;
import dev.knas.v1.ShortTrainResult;
import java.util.Arrays;
import java.util.List;

/**
 * The mapping between the service's domain objects and the knas.v1 messages: architectures, provenance, cache
 * entries and responses of every fidelity (as grpc-java's ChannelzProtoUtil is to ChannelzService).
 */
final class ScoringProtoUtil {

  /** Version of the benchmark fidelity's value: a lookup in NAS-Bench-201's table. */
  static final String BENCHMARK_DEFINITION_VERSION = "nb201-table/1";

  private ScoringProtoUtil() {}

  /** The cell's six operations as the contract numbers them (NAS-Bench-201's order shifted by one). */
  static CellEdges edges(Nb201Architecture cell) {
    CellEdges.Builder edges = CellEdges.newBuilder();
    for (Operation op : cell.ops()) {
      edges.addOpsValue(op.ordinal() + 1);
    }
    return edges.build();
  }

  /** Every form of {@code cell}, as its own canonical form, with the parameter count of what was computed. */
  static ResolvedArchitecture describe(Nb201Architecture cell, long parameterCount) {
    String forms = cell.toBenchmarkString();
    return describe(cell, forms, forms, parameterCount);
  }

  /** The requested architecture's forms, with the canonical form and parameter count of what was computed. */
  static ResolvedArchitecture resolved(Nb201Architecture requested, ResolvedArchitecture computed) {
    return describe(requested, requested.toBenchmarkString(), computed.getNb201String(),
        computed.getParameterCount());
  }

  private static ResolvedArchitecture describe(Nb201Architecture cell, String nb201String, String canonical,
      long parameterCount) {
    return ResolvedArchitecture.newBuilder()
        .setNb201String(nb201String)
        .setNb201Index(cell.index())
        .setEdges(edges(cell))
        .setCanonical(canonical)
        .setParameterCount(parameterCount)
        .build();
  }

  static CacheResult cacheResult(ScoreCache.Answer answer) {
    return CacheResult.newBuilder().setHit(answer.hit()).setKey(answer.entry().getKey()).build();
  }

  // Gradient kernel.

  static Provenance kernelProvenance(ResolvedKernel kernel, KernelResult result, String engine) {
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
        .setArchitecture(describe(kernel.request().cell(), result.parameterCount()))
        .setProvenance(kernelProvenance(kernel, result, engine))
        .setComputedAt(Timestamps.fromMillis(System.currentTimeMillis()))
        .build();
  }

  static ScoreArchitectureResponse kernelScore(ResolvedKernel kernel, ScoreCache.Answer answer) {
    CacheEntry entry = answer.entry();
    return ScoreArchitectureResponse.newBuilder()
        .setArchitecture(resolved(kernel.requested(), entry.getArchitecture()))
        .setFidelity(Fidelity.FIDELITY_GRADIENT_KERNEL)
        .setValue(entry.getValue())
        .setMetric("mgm")
        .setProvenance(entry.getProvenance())
        .setCache(cacheResult(answer))
        .build();
  }

  static ComputeGradientKernelResponse cachedKernel(ResolvedKernel kernel, ScoreCache.Answer answer) {
    CacheEntry entry = answer.entry();
    return ComputeGradientKernelResponse.newBuilder()
        .setArchitecture(resolved(kernel.requested(), entry.getArchitecture()))
        .setMgm(entry.getValue())
        .setMeanLoss(entry.getMeanLoss())
        .addAllSampleIndices(entry.getSampleIndicesList())
        .setProvenance(entry.getProvenance())
        .setCache(cacheResult(answer))
        .build();
  }

  /** A per-sample kernel computation (not cached), with the Gram matrix and norms as requested. */
  static ComputeGradientKernelResponse perSampleKernel(ResolvedKernel kernel, KernelResult result, String engine,
      boolean gramMatrix, boolean norms) {
    ComputeGradientKernelResponse.Builder message = ComputeGradientKernelResponse.newBuilder()
        .setArchitecture(resolved(kernel.requested(), describe(kernel.request().cell(), result.parameterCount())))
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

  // Short training.

  static CacheEntry trainingEntry(ResolvedTraining training, String key, TrainingJob.Outcome outcome,
      String engine) {
    Provenance provenance = Provenance.newBuilder()
        .setOptions(training.effectiveOptions())
        .setShortTraining(training.effectiveTraining())
        .setDevice(training.effectiveOptions().getDevice())
        .setWallSeconds(outcome.seconds())
        .setEngine(engine)
        .setDefinitionVersion(ShortTraining.DEFINITION_VERSION)
        .setServiceVersion(ScoringServer.VERSION)
        .build();
    double finalLoss = outcome.curve().get(outcome.curve().size() - 1).getTrainLoss();
    if (!Double.isFinite(finalLoss) || !Double.isFinite(outcome.heldOut().loss())) {
      throw io.grpc.Status.OUT_OF_RANGE.withDescription("the short training diverged"
          + " (final train loss " + finalLoss + ", held-out loss " + outcome.heldOut().loss() + ") at learning_rate"
          + " " + training.effectiveTraining().getLearningRate() + "; nothing was cached").asRuntimeException();
    }
    ResolvedArchitecture computed = describe(training.request().cell(), outcome.parameterCount());
    ShortTrainResult result = ShortTrainResult.newBuilder()
        .setArchitecture(computed)
        .addAllCurve(outcome.curve())
        .setFinalTrainLoss(finalLoss)
        .setHeldOutAccuracy(outcome.heldOut().accuracy())
        .setHeldOutLoss(outcome.heldOut().loss())
        .setProvenance(provenance)
        .build();
    return CacheEntry.newBuilder()
        .setFormatVersion(CacheKeys.FORMAT_VERSION)
        .setKey(key)
        .setKeyFields(training.cacheKey())
        .setValue(result.getHeldOutAccuracy())
        .setArchitecture(computed)
        .setProvenance(provenance)
        .setComputedAt(Timestamps.fromMillis(System.currentTimeMillis()))
        .setShortTrainResult(result)
        .build();
  }

  /** The cached training result as the caller asked for it: its architecture forms and how the cache answered. */
  static ShortTrainResult trainingResult(ResolvedTraining training, ScoreCache.Answer answer) {
    CacheEntry entry = answer.entry();
    return entry.getShortTrainResult().toBuilder()
        .setArchitecture(resolved(training.requested(), entry.getArchitecture()))
        .setCache(cacheResult(answer))
        .build();
  }

  static ScoreArchitectureResponse trainingScore(ResolvedTraining training, ScoreCache.Answer answer) {
    ShortTrainResult result = trainingResult(training, answer);
    return ScoreArchitectureResponse.newBuilder()
        .setArchitecture(result.getArchitecture())
        .setFidelity(Fidelity.FIDELITY_SHORT_TRAINING)
        .setValue(result.getHeldOutAccuracy())
        .setMetric("held_out_accuracy")
        .setProvenance(result.getProvenance())
        .setCache(result.getCache())
        .setShortTraining(result)
        .build();
  }

  // Benchmark.

  static ScoreArchitectureResponse benchmarkScore(ResolvedBenchmark lookup) {
    BenchmarkRecord record = BenchmarkRecord.newBuilder()
        .setNb201Index(lookup.row().index())
        .putAllTestAccuracy(lookup.row().testAccuracy())
        .putAllValidationAccuracy(lookup.row().validationAccuracy())
        .putAllTrainSeconds(lookup.row().trainSeconds())
        .setParametersMillions(Double.isNaN(lookup.row().parametersMillions()) ? 0
            : lookup.row().parametersMillions())
        .build();
    return ScoreArchitectureResponse.newBuilder()
        .setArchitecture(describe(lookup.requested(), lookup.parameterCount()).toBuilder()
            .setCanonical(CanonicalForm.of(lookup.requested()).toBenchmarkString()))
        .setFidelity(Fidelity.FIDELITY_BENCHMARK)
        .setValue(lookup.value())
        .setMetric(lookup.metric())
        .setProvenance(Provenance.newBuilder()
            .setOptions(EvaluationOptions.newBuilder().setDataset(lookup.dataset()))
            .setDefinitionVersion(BENCHMARK_DEFINITION_VERSION)
            .setServiceVersion(ScoringServer.VERSION)
            .setBenchmarkTable(lookup.table().getFileName().toString()))
        .setCache(CacheResult.getDefaultInstance())
        .setBenchmark(record)
        .build();
  }

  // Zero-cost proxies.

  static ProxyInfo proxyInfo(ZeroCostProxy proxy) {
    return ProxyInfo.newBuilder()
        .setName(proxy.name())
        .setDefinitionVersion(proxy.definitionVersion())
        .setDescription(proxy.description())
        .setSource(proxy.source())
        .setUsesSeed(proxy.usesSeed())
        .setUsesBatch(proxy.usesBatch())
        .build();
  }

  static CacheEntry proxyEntry(ResolvedZeroCost request, ResolvedProxy proxy, String key, ProxyResult result,
      double value, String engine) {
    Provenance provenance = Provenance.newBuilder()
        .setOptions(proxy.effectiveOptions())
        .setGradientKernel(proxy.effectiveKernel())
        .setZeroCost(proxy.effectiveZeroCost())
        .setDevice(proxy.effectiveOptions().getDevice())
        .setWallSeconds(result.seconds())
        .setEngine(engine)
        .setDefinitionVersion(proxy.proxy().definitionVersion())
        .setServiceVersion(ScoringServer.VERSION)
        .build();
    return CacheEntry.newBuilder()
        .setFormatVersion(CacheKeys.FORMAT_VERSION)
        .setKey(key)
        .setKeyFields(proxy.cacheKey())
        .setValue(value)
        .setArchitecture(describe(request.request().cell(), result.parameterCount()))
        .setProvenance(provenance)
        .setComputedAt(Timestamps.fromMillis(System.currentTimeMillis()))
        .build();
  }

  /**
   * The response to a zero-cost request: every proxy's value or error in request order, the first proxy's in
   * {@code value}. A request for one proxy that failed fails with that proxy's status.
   */
  static ScoreArchitectureResponse zeroCostScore(ResolvedZeroCost request, List<ProxyAnswer> answers) {
    if (answers.size() == 1 && answers.get(0).answer() == null) {
      throw answers.get(0).error().asRuntimeException();
    }
    ScoreArchitectureResponse.Builder response = ScoreArchitectureResponse.newBuilder()
        .setFidelity(Fidelity.FIDELITY_ZERO_COST);
    for (ProxyAnswer answer : answers) {
      ProxyScore.Builder score = ProxyScore.newBuilder().setProxy(answer.proxy().proxy().name());
      if (answer.answer() != null) {
        CacheEntry entry = answer.answer().entry();
        score.setValue(entry.getValue()).setProvenance(entry.getProvenance())
            .setCache(cacheResult(answer.answer()));
        if (!response.hasArchitecture()) {
          response.setArchitecture(resolved(request.requested(), entry.getArchitecture()));
        }
      } else {
        score.setError(StatusMapping.toRpc(answer.error()));
      }
      response.addProxyScores(score);
    }
    if (!response.hasArchitecture()) {
      response.setArchitecture(describe(request.requested(), 0).toBuilder()
          .setCanonical(request.request().cell().toBenchmarkString()));
    }
    ProxyScore first = response.getProxyScores(0);
    if (first.hasValue()) {
      response.setValue(first.getValue()).setMetric(first.getProxy()).setProvenance(first.getProvenance())
          .setCache(first.getCache());
    }
    return response.build();
  }

  /** The status of a proxy that has no value: OUT_OF_RANGE when its value is not finite, else INTERNAL. */
  static io.grpc.Status proxyFailure(ProxyOutcome outcome) {
    return (outcome.notFinite() ? io.grpc.Status.OUT_OF_RANGE : io.grpc.Status.INTERNAL)
        .withDescription(outcome.error());
  }
}
