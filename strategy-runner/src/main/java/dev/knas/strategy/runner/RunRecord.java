package dev.knas.strategy.runner;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * {@code run.json}: what a search is (strategy, version, seed, every option), written when it starts; a resumed
 * search must be the same.
 *
 * @param startedAt when the search started (ISO-8601); null in a record not yet written
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunRecord(String strategy, String version, long seed, Options options, String startedAt) {

  /**
   * Every option of a search.
   *
   * @param epochs short training only
   * @param strategy the strategy's own options, e.g. {"candidates": 300, "top_k": 40, "proxy": "mgm"}
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Options(String dataset, String fidelity, long budget, int concurrency, int maxFailures,
      long evaluationSeed, String kernelDataset, int samples, int batchSize, Integer epochs,
      Map<String, Object> strategy) {}

  /** This record as written when the search starts at {@code now}. */
  RunRecord started(Instant now) {
    return new RunRecord(strategy, version, seed, options, now.toString());
  }

  /** Whether {@code other} records the same search, whenever each started. */
  boolean sameSearch(RunRecord other) {
    return RunFolder.JSON.valueToTree(started(Instant.EPOCH))
        .equals(RunFolder.JSON.valueToTree(other.started(Instant.EPOCH)));
  }
}
