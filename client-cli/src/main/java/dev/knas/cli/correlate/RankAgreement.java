package dev.knas.cli.correlate;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.commons.math3.stat.correlation.KendallsCorrelation;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * How well a proxy ranks architectures like a target metric does: Kendall's tau-b and Spearman's rho (Commons
 * Math, both tie-aware), and the precision of the proxy's top fraction: the share of the architectures the proxy
 * ranks in the top {@code fraction} that the target also ranks there (ties broken by position).
 */
public record RankAgreement(int pairs, double kendallTauB, double spearmanRho, double topPrecision,
    double topFraction) {

  public static RankAgreement of(double[] proxy, double[] target, double topFraction) {
    if (proxy.length != target.length || proxy.length < 2) {
      throw new IllegalArgumentException("need two equally long series of at least 2 values");
    }
    int top = Math.max(1, (int) Math.round(topFraction * proxy.length));
    Set<Integer> byProxy = topIndices(proxy, top);
    Set<Integer> byTarget = topIndices(target, top);
    byProxy.retainAll(byTarget);
    return new RankAgreement(proxy.length, new KendallsCorrelation().correlation(proxy, target),
        new SpearmansCorrelation().correlation(proxy, target), (double) byProxy.size() / top, topFraction);
  }

  private static Set<Integer> topIndices(double[] values, int count) {
    List<Integer> order = IntStream.range(0, values.length).boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -values[i]).thenComparingInt(i -> i)).toList();
    return new HashSet<>(order.subList(0, count));
  }
}
