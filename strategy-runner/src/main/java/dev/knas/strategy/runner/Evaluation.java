package dev.knas.strategy.runner;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * One scored proposal, as one line of the journal (snake_case JSON).
 *
 * @param stage "kernel" or "evaluation"
 * @param fidelity "gradient_kernel", "benchmark" or "short_training"
 * @param metric what {@code value} is ("mgm", "validation_accuracy", "held_out_accuracy")
 * @param wallSeconds seconds the call took, as the strategy process measured it
 * @param costSeconds what the evaluation costs a search: the benchmark's recorded training seconds for a
 *     benchmark lookup (the simulated cost), the call's wall seconds otherwise
 * @param validationAccuracy benchmark lookups: every validation accuracy the table records (reported only)
 * @param testAccuracy benchmark lookups: every test accuracy the table records (reported, never selected on)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Evaluation(long sequence, String stage, String architecture, int index, String canonical,
    String fidelity, String dataset, String metric, double value, boolean cacheHit, double wallSeconds,
    double costSeconds, Map<String, Double> validationAccuracy, Map<String, Double> testAccuracy,
    double cumulativeWallSeconds, double cumulativeCostSeconds) {

  /** This evaluation with the running totals after it. */
  Evaluation withTotals(double cumulativeWall, double cumulativeCost) {
    return new Evaluation(sequence, stage, architecture, index, canonical, fidelity, dataset, metric, value,
        cacheHit, wallSeconds, costSeconds, validationAccuracy, testAccuracy, cumulativeWall, cumulativeCost);
  }
}
