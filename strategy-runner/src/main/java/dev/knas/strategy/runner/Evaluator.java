package dev.knas.strategy.runner;

import dev.knas.strategy.Proposal;

/** Scores proposals: the runner's one way to the scoring service (a fake in the runner's unit tests). */
public interface Evaluator {

  /**
   * The proposal's score, without running totals; may be called from several threads at once.
   *
   * @throws SearchFailure when the service refuses or keeps failing
   */
  Evaluation evaluate(Proposal proposal) throws InterruptedException;
}
