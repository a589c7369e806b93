package dev.knas.strategy.runner;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.knas.v1.BenchmarkRecord;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * {@code summary.json}, written (and printed) when a search ends: the run record, what the search used and the
 * best architecture it evaluated, with its benchmark accuracies on every data set the table has.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Summary(String strategy, String version, long seed, RunRecord.Options options, String startedAt,
    Evaluations evaluations, double wallSeconds, double costSeconds, Best best, String finishedAt) {

  /**
   * What the search used.
   *
   * @param evaluation at the search's fidelity, failed ones included
   * @param kernel screenings with zero-cost proxies, failed ones included
   * @param failed evaluations and screenings that failed for good
   * @param replayedFromJournal how many were read from the journal of an interrupted run instead of asked for
   */
  public record Evaluations(long evaluation, long kernel, long failed, int replayedFromJournal) {}

  /**
   * The best evaluated architecture.
   *
   * @param foundAtEvaluation the journal sequence of its evaluation
   * @param validationAccuracy the benchmark's, per data set (absent without a benchmark table)
   * @param testAccuracy the benchmark's, per data set: reported, never selected on
   * @param benchmark "the service has no benchmark table" when the accuracies are absent
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Best(String architecture, int index, String canonical, String metric, double value,
      long foundAtEvaluation, Map<String, Double> validationAccuracy, Map<String, Double> testAccuracy,
      Double benchmarkTrainSeconds, String benchmark) {

    static Best of(Evaluation best, Optional<BenchmarkRecord> record, String dataset) {
      return new Best(best.architecture(), best.index(), best.canonical(), best.metric(), best.value(),
          best.sequence(), record.map(BenchmarkRecord::getValidationAccuracyMap).orElse(null),
          record.map(BenchmarkRecord::getTestAccuracyMap).orElse(null),
          record.map(r -> r.getTrainSecondsOrDefault(dataset, Double.NaN)).orElse(null),
          record.isPresent() ? null : "the service has no benchmark table");
    }
  }

  static Summary of(RunRecord run, SearchRunner.Outcome outcome, Optional<Best> best, Instant finished) {
    return new Summary(run.strategy(), run.version(), run.seed(), run.options(), run.startedAt(),
        new Evaluations(outcome.evaluations(), outcome.kernelEvaluations(), outcome.failed(), outcome.replayed()),
        outcome.wallSeconds(), outcome.costSeconds(), best.orElse(null), finished.toString());
  }
}
