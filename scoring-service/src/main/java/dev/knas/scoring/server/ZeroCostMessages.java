package dev.knas.scoring.server;

import com.google.protobuf.util.Timestamps;
import dev.knas.scoring.cache.CacheKeys;
import dev.knas.scoring.proxy.ProxyOutcome;
import dev.knas.scoring.proxy.ProxyResult;
import dev.knas.scoring.proxy.ZeroCostProxy;
import dev.knas.scoring.request.ResolvedProxy;
import dev.knas.scoring.request.ResolvedZeroCost;
import dev.knas.scoring.server.CachedScoring.ProxyAnswer;
import dev.knas.v1.CacheEntry;
import dev.knas.v1.Fidelity;
import dev.knas.v1.Provenance;
import dev.knas.v1.ProxyInfo;
import dev.knas.v1.ProxyScore;
import dev.knas.v1.ScoreArchitectureResponse;
import java.util.List;

/** The zero-cost proxies' descriptions, cache entries and responses. */
final class ZeroCostMessages {

  private ZeroCostMessages() {}

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
        .setArchitecture(ArchitectureMessages.describe(request.request().cell(), result.parameterCount()))
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
            .setCache(CacheMessages.result(answer.answer()));
        if (!response.hasArchitecture()) {
          response.setArchitecture(ArchitectureMessages.resolved(request.requested(), entry.getArchitecture()));
        }
      } else {
        score.setError(StatusMapping.toRpc(answer.error()));
      }
      response.addProxyScores(score);
    }
    if (!response.hasArchitecture()) {
      response.setArchitecture(ArchitectureMessages.describe(request.requested(), 0).toBuilder()
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
