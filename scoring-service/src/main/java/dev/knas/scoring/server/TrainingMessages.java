package dev.knas.scoring.server;

import com.google.protobuf.util.Timestamps;
import dev.knas.scoring.cache.CacheKeys;
import dev.knas.scoring.cache.ScoreCache;
import dev.knas.scoring.request.ResolvedTraining;
import dev.knas.scoring.training.ShortTraining;
import dev.knas.v1.CacheEntry;
import dev.knas.v1.Fidelity;
import dev.knas.v1.Provenance;
import dev.knas.v1.ResolvedArchitecture;
import dev.knas.v1.ScoreArchitectureResponse;
import dev.knas.v1.ShortTrainResult;

/** The short training's cache entries and responses (ScoreArchitecture and ShortTrain). */
final class TrainingMessages {

  private TrainingMessages() {}

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
    ResolvedArchitecture computed = ArchitectureMessages.describe(training.request().cell(),
        outcome.parameterCount());
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
        .setArchitecture(ArchitectureMessages.resolved(training.requested(), entry.getArchitecture()))
        .setCache(CacheMessages.result(answer))
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
}
