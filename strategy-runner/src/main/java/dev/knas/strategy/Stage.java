package dev.knas.strategy;

/** What a proposal is scored for. */
public enum Stage {
  /**
   * Screening with training-free zero-cost proxies (the search's proxy expression, MGM by default); not counted
   * against the evaluation budget. Journaled as "kernel", the name KNAS gives its gradient-kernel screening.
   */
  KERNEL,
  /** Evaluation at the search's fidelity (benchmark or short training); counted against the budget. */
  EVALUATION
}
