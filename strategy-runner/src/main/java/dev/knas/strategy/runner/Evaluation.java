package dev.knas.strategy.runner;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.knas.strategy.Outcome;
import dev.knas.strategy.Stage;
import java.util.Map;

/**
 * One scored proposal, as one line of the journal (snake_case JSON).
 *
 * @param stage "kernel" (screening with zero-cost proxies) or "evaluation"
 * @param fidelity "zero_cost", "benchmark" or "short_training"
 * @param metric what {@code value} is ("validation_accuracy", "held_out_accuracy"; for screening the proxy
 *     expression, e.g. "mgm" or "ensemble(naswot,synflow)")
 * @param value the score; absent when the evaluation failed, and for an ensemble screening, whose rank depends on
 *     every candidate (its proxies are in {@code proxies})
 * @param proxies screening: every proxy's value by name
 * @param proxyErrors screening: why a proxy has no value (OUT_OF_RANGE: no finite value for this cell)
 * @param error why the evaluation failed for good (e.g. "NOT_FOUND: ..."); the strategy was told it failed
 * @param wallSeconds seconds the call took, as the strategy process measured it
 * @param costSeconds what the evaluation costs a search: the benchmark's recorded training seconds for a
 *     benchmark lookup (the simulated cost), the call's wall seconds otherwise
 * @param validationAccuracy benchmark lookups: every validation accuracy the table records (reported only)
 * @param testAccuracy benchmark lookups: every test accuracy the table records (reported, never selected on)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Evaluation(long sequence, String stage, String architecture, int index, String canonical,
    String fidelity, String dataset, String metric, Double value, Map<String, Double> proxies,
    Map<String, String> proxyErrors, String error, boolean cacheHit, double wallSeconds, double costSeconds,
    Map<String, Double> validationAccuracy, Map<String, Double> testAccuracy, double cumulativeWallSeconds,
    double cumulativeCostSeconds) {

  /** This evaluation with the running totals after it. */
  Evaluation withTotals(double cumulativeWall, double cumulativeCost) {
    return new Evaluation(sequence, stage, architecture, index, canonical, fidelity, dataset, metric, value,
        proxies, proxyErrors, error, cacheHit, wallSeconds, costSeconds, validationAccuracy, testAccuracy,
        cumulativeWall, cumulativeCost);
  }

  /** Whether the evaluation failed for good. */
  public boolean failed() {
    return error != null;
  }

  /** What the strategy is told of this line, the same when it is replayed from the journal. */
  Outcome outcome() {
    if (error != null) {
      return new Outcome.Failed(error);
    }
    if (stage.equals(Stage.KERNEL.name().toLowerCase())) {
      return new Outcome.Screened(proxies);
    }
    return new Outcome.Scored(value);
  }
}
