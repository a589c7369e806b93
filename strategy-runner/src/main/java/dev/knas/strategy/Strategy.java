package dev.knas.strategy;

import java.util.Optional;

/**
 * A search strategy as a pure ask/tell state machine: it proposes architectures and is told their outcomes, in
 * the order it proposed them. It does no I/O and draws randomness only from its own generator seeded at
 * construction, so the same seed and the same sequence of calls give the same proposals; the runner relies on
 * that to resume a search from its journal.
 */
public interface Strategy {

  /** The strategy's name as recorded in journals and summaries, e.g. "random". */
  String name();

  /**
   * The next architecture to score, or empty when the strategy must first be told the outcomes of proposals still
   * outstanding, or has nothing more to propose ({@link #finished}).
   */
  Optional<Proposal> ask();

  /** The score of {@code proposal}; larger is better. Proposals are told in the order they were asked. */
  void tell(Proposal proposal, double score);

  /**
   * The outcome of {@code proposal}; the runner tells every proposal through this, in the order they were asked.
   * By default a score is told as {@link #tell(Proposal, double)} and a failure as the worst possible score
   * (negative infinity), so a strategy that learns from scores never prefers a failed architecture. Strategies
   * that screen with zero-cost proxies override it.
   */
  default void tell(Proposal proposal, Outcome outcome) {
    if (outcome instanceof Outcome.Scored scored) {
      tell(proposal, scored.value());
    } else if (outcome instanceof Outcome.Failed) {
      tell(proposal, Double.NEGATIVE_INFINITY);
    } else {
      throw new UnsupportedOperationException(name() + " does not screen with zero-cost proxies");
    }
  }

  /** Whether the strategy will propose nothing more, whatever it is told. */
  boolean finished();
}
