package dev.knas.strategy;

import java.util.Optional;

/**
 * A search strategy as a pure ask/tell state machine: it proposes architectures and is told their scores, in the
 * order it proposed them. It does no I/O and draws randomness only from its own generator seeded at
 * construction, so the same seed and the same sequence of calls give the same proposals; the runner relies on
 * that to resume a search from its journal.
 */
public interface Strategy {

  /** The strategy's name as recorded in journals and summaries, e.g. "random". */
  String name();

  /**
   * The next architecture to score, or empty when the strategy must first be told the scores of proposals still
   * outstanding, or has nothing more to propose ({@link #finished}).
   */
  Optional<Proposal> ask();

  /** The score of {@code proposal}; larger is better. Proposals are told in the order they were asked. */
  void tell(Proposal proposal, double score);

  /** Whether the strategy will propose nothing more, whatever it is told. */
  boolean finished();
}
