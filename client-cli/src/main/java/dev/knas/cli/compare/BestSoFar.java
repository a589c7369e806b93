package dev.knas.cli.compare;

import dev.knas.strategy.runner.Evaluation;
import java.util.List;

/**
 * One search's progress read from its journal, as a step function: after each evaluation (screening excluded,
 * failures included), the best validation score so far (NaN until the first that has one) and the search's
 * cumulative cost at that point (kernel screening included). A search that has ended keeps its best.
 */
public record BestSoFar(double[] best, double[] costSeconds) {

  public static BestSoFar of(List<Evaluation> journal) {
    List<Evaluation> evaluations = journal.stream().filter(e -> e.stage().equals("evaluation")).toList();
    double[] values = new double[evaluations.size()];
    double[] costs = new double[evaluations.size()];
    double best = Double.NaN;
    for (int i = 0; i < values.length; i++) {
      Evaluation e = evaluations.get(i);
      if (!e.failed() && !(best >= e.value())) {
        best = e.value();
      }
      values[i] = best;
      costs[i] = e.cumulativeCostSeconds();
    }
    return new BestSoFar(values, costs);
  }

  public int evaluations() {
    return best.length;
  }

  /** The evaluations after which the search first has a score (1-based), or 0 when it never has one. */
  public int firstScored() {
    for (int i = 0; i < best.length; i++) {
      if (!Double.isNaN(best[i])) {
        return i + 1;
      }
    }
    return 0;
  }

  /** The cost at which the search first has a score, or +infinity when it never has one. */
  public double firstScoredCost() {
    int first = firstScored();
    return first == 0 ? Double.POSITIVE_INFINITY : costSeconds[first - 1];
  }

  /** The best score after {@code n} evaluations (n at least 1); past its end, the search's final best. */
  public double afterEvaluations(int n) {
    return best.length == 0 ? Double.NaN : best[Math.min(n, best.length) - 1];
  }

  /** The best score among evaluations finished within {@code cost} seconds, or NaN before the first. */
  public double atCost(double cost) {
    double value = Double.NaN;
    for (int i = 0; i < best.length && costSeconds[i] <= cost; i++) {
      value = best[i];
    }
    return value;
  }
}
