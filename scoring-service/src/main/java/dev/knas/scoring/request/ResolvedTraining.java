package dev.knas.scoring.request;

import dev.knas.contract.FidelityKind;
import dev.knas.scoring.training.TrainingRequest;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.v1.CacheKey;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.ShortTrainingOptions;

/** A short training (of the canonical form), its effective options and the cache key of its result. */
public record ResolvedTraining(Nb201Architecture requested, TrainingRequest request, EvaluationOptions effectiveOptions,
    ShortTrainingOptions effectiveTraining, CacheKey cacheKey) implements Resolved {

  @Override
  public Nb201Architecture canonical() {
    return request.cell();
  }

  @Override
  public FidelityKind fidelity() {
    return FidelityKind.SHORT_TRAINING;
  }

  @Override
  public CacheKey lookupKey() {
    return cacheKey;
  }

  @Override
  public String summary() {
    return "epochs=" + request.recipe().epochs() + " dataset=" + request.dataset().name() + " device="
        + effectiveOptions.getDevice();
  }

  @Override
  public <T> T accept(Visitor<T> visitor) {
    return visitor.training(this);
  }
}
