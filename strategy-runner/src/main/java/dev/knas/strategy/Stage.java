package dev.knas.strategy;

/** What a proposal is scored for. */
public enum Stage {
  /** Screening with the training-free gradient kernel (MGM); not counted against the evaluation budget. */
  KERNEL,
  /** Evaluation at the search's fidelity (benchmark or short training); counted against the budget. */
  EVALUATION
}
