package dev.knas.strategy;

import java.util.Map;

/** What scoring one proposal told the strategy: a score, a screening's proxy values, or a failure for good. */
public sealed interface Outcome {

  /** An evaluation's score; larger is better. */
  record Scored(double value) implements Outcome {}

  /**
   * A screening's zero-cost proxy values by name (larger is better). A proxy with no finite value for this cell
   * (the contract's OUT_OF_RANGE) is absent, and an ensemble ranks it lowest; at least one proxy has a value.
   */
  record Screened(Map<String, Double> proxies) implements Outcome {
    public Screened {
      proxies = Map.copyOf(proxies);
    }
  }

  /**
   * The architecture cannot be scored, and asking again would not change that (a proxy with no finite value, an
   * architecture the benchmark table lacks). Like Optuna's FAIL state: the search goes on without this score.
   */
  record Failed(String reason) implements Outcome {}
}
