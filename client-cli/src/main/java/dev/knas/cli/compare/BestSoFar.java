package dev.knas.cli.compare;

import dev.knas.strategy.runner.Evaluation;
import java.util.ArrayList;
import java.util.List;

/**
 * One search's progress read from its journal: after each evaluation (screening excluded), the best validation
 * score so far and the search's cumulative cost at that point (kernel screening included).
 */
public record BestSoFar(double[] best, double[] costSeconds) {

  public static BestSoFar of(List<Evaluation> journal) {
    List<double[]> points = new ArrayList<>();
    double best = Double.NEGATIVE_INFINITY;
    for (Evaluation e : journal) {
      if (e.stage().equals("evaluation")) {
        best = Math.max(best, e.value());
        points.add(new double[] {best, e.cumulativeCostSeconds()});
      }
    }
    double[] values = new double[points.size()];
    double[] costs = new double[points.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = points.get(i)[0];
      costs[i] = points.get(i)[1];
    }
    return new BestSoFar(values, costs);
  }

  public int evaluations() {
    return best.length;
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
