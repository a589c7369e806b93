package dev.knas.cli.compare;

import dev.knas.cli.chart.Charts;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;

/**
 * Mean and spread over the runs of one strategy, against evaluations or against search cost. Every run is read on
 * one grid that starts where every run has a score, a run that has ended keeping its best: averaging a run in
 * only where it exists would make the mean of non-decreasing curves dip when a run with lower scores joins.
 */
public final class Curves {

  private Curves() {}

  /** Best-so-far after 1..n evaluations (n the longest run), from the count at which every run has a score. */
  public static Charts.Band byEvaluations(String name, List<BestSoFar> all) {
    List<BestSoFar> runs = scored(all);
    int longest = runs.stream().mapToInt(BestSoFar::evaluations).max().orElse(0);
    List<double[]> points = new ArrayList<>();
    int first = runs.stream().mapToInt(BestSoFar::firstScored).max().orElse(1);
    for (int n = first; n <= longest; n++) {
      DescriptiveStatistics statistics = new DescriptiveStatistics();
      for (BestSoFar run : runs) {
        statistics.addValue(run.afterEvaluations(n));
      }
      points.add(new double[] {n, statistics.getMean(), spread(statistics)});
    }
    return band(name, points);
  }

  /**
   * Best-so-far against cumulative cost in hours, up to {@code endHours}, as the step function it is: each run's
   * steps are read at every cost where some run's best may change (from the first at which every run has a
   * score), and the mean and spread drawn flat between them.
   */
  public static Charts.Band byCost(String name, List<BestSoFar> all, double endHours) {
    List<BestSoFar> runs = scored(all);
    List<double[]> points = new ArrayList<>();
    double start = runs.stream().mapToDouble(BestSoFar::firstScoredCost).max().orElse(Double.POSITIVE_INFINITY);
    double end = endHours * 3600;
    if (runs.isEmpty() || start > end) {
      return band(name, points);
    }
    TreeSet<Double> grid = new TreeSet<>(List.of(start, end));
    for (BestSoFar run : runs) {
      for (double cost : run.costSeconds()) {
        if (cost > start && cost < end) {
          grid.add(cost);
        }
      }
    }
    double[] previous = null;
    for (double cost : grid) {
      DescriptiveStatistics statistics = new DescriptiveStatistics();
      for (BestSoFar run : runs) {
        statistics.addValue(run.atCost(cost));
      }
      double[] point = {cost / 3600, statistics.getMean(), spread(statistics)};
      if (previous != null) {
        points.add(new double[] {point[0], previous[1], previous[2]});
      }
      points.add(point);
      previous = point;
    }
    return band(name, points);
  }

  /** The runs with some score: one whose every evaluation failed has no curve to average in. */
  private static List<BestSoFar> scored(List<BestSoFar> runs) {
    return runs.stream().filter(run -> run.firstScored() > 0).toList();
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
