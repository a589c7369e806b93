package dev.knas.cli.compare;

import dev.knas.cli.chart.Charts;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;

/** Mean and spread over the runs of one strategy, against evaluations or against search cost. */
public final class Curves {

  private Curves() {}

  /** Best-so-far against evaluations 1..n, over the runs that reached each count. */
  public static Charts.Band byEvaluations(String name, List<BestSoFar> runs) {
    int longest = runs.stream().mapToInt(BestSoFar::evaluations).max().orElse(0);
    List<double[]> points = new ArrayList<>();
    for (int i = 0; i < longest; i++) {
      DescriptiveStatistics statistics = new DescriptiveStatistics();
      for (BestSoFar run : runs) {
        if (i < run.evaluations()) {
          statistics.addValue(run.best()[i]);
        }
      }
      points.add(new double[] {i + 1, statistics.getMean(), spread(statistics)});
    }
    return band(name, points);
  }

  /** Best-so-far against cumulative cost in hours, sampled at {@code steps} points up to {@code maxHours}. */
  public static Charts.Band byCost(String name, List<BestSoFar> runs, double maxHours, int steps) {
    List<double[]> points = new ArrayList<>();
    for (int s = 1; s <= steps; s++) {
      double hours = maxHours * s / steps;
      DescriptiveStatistics statistics = new DescriptiveStatistics();
      for (BestSoFar run : runs) {
        double value = run.atCost(hours * 3600);
        if (!Double.isNaN(value)) {
          statistics.addValue(value);
        }
      }
      if (statistics.getN() > 0) {
        points.add(new double[] {hours, statistics.getMean(), spread(statistics)});
      }
    }
    return band(name, points);
  }

  private static double spread(DescriptiveStatistics statistics) {
    return statistics.getN() > 1 ? statistics.getStandardDeviation() : 0;
  }

  private static Charts.Band band(String name, List<double[]> points) {
    double[] x = new double[points.size()];
    double[] mean = new double[points.size()];
    double[] spread = new double[points.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = points.get(i)[0];
      mean[i] = points.get(i)[1];
      spread[i] = points.get(i)[2];
    }
    return new Charts.Band(name, x, mean, spread);
  }
}
