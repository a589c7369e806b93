package dev.knas.ensemble;

import java.util.List;
import java.util.Map;
import org.apache.commons.math3.stat.ranking.NaNStrategy;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.TiesStrategy;

/**
 * The unsupervised rank vote of docs/spec/zero-cost-proxies.md over one set of architectures: proxies live on
 * unrelated scales, so each is replaced by its ranks within the set and the ranks are summed.
 *
 * <p>Values are given per architecture of the set, in one order for every proxy and seed. A value that is
 * absent (the proxy could not be computed for that architecture, e.g. synflow's ln 0 for a cell whose output
 * depends on no weight) is {@code NaN}: it ranks below every present value, and absent values tie with each
 * other. Present values must be finite, as the service guarantees.
 */
public final class RankVote {

  private RankVote() {}

  /** Ranks within the set: 1 = lowest, ties take their average rank, absent (NaN) values rank lowest. */
  public static double[] ranks(double[] values) {
    for (double value : values) {
      if (Double.isInfinite(value)) {
        throw new IllegalArgumentException("a proxy value is finite or absent (NaN), got " + value);
      }
    }
    return new NaturalRanking(NaNStrategy.MINIMAL, TiesStrategy.AVERAGE).rank(values);
  }

  /**
   * One proxy's ranks averaged over seeds: each seed's values (one array per seed, over the same set) are ranked
   * within the set, then each architecture's ranks are averaged.
   */
  public static double[] meanRanks(List<double[]> valuesPerSeed) {
    if (valuesPerSeed.isEmpty()) {
      throw new IllegalArgumentException("no seeds to average over");
    }
    int size = valuesPerSeed.get(0).length;
    double[] mean = new double[size];
    for (double[] values : valuesPerSeed) {
      if (values.length != size) {
        throw new IllegalArgumentException("every seed scores the same set: " + values.length + " values, not "
            + size);
      }
      double[] ranks = ranks(values);
      for (int i = 0; i < size; i++) {
        mean[i] += ranks[i] / valuesPerSeed.size();
      }
    }
    return mean;
  }

  /**
   * Each architecture's score under {@code expression}, higher is better: for one proxy its mean rank over the
   * seeds, for an ensemble the sum over its proxies of those mean ranks.
   *
   * @param valuesPerSeed for each proxy the expression names, its values over the set, one array per seed
   */
  public static double[] scores(ProxyExpression expression, Map<String, List<double[]>> valuesPerSeed) {
    double[] sum = null;
    for (String proxy : expression.proxies()) {
      List<double[]> values = valuesPerSeed.get(proxy);
      if (values == null) {
        throw new IllegalArgumentException("no values of '" + proxy + "' for " + expression);
      }
      double[] ranks = meanRanks(values);
      if (sum == null) {
        sum = ranks;
        continue;
      }
      if (ranks.length != sum.length) {
        throw new IllegalArgumentException("'" + proxy + "' scores " + ranks.length + " architectures, not "
            + sum.length);
      }
      for (int i = 0; i < sum.length; i++) {
        sum[i] += ranks[i];
      }
    }
    return sum;
  }
}
