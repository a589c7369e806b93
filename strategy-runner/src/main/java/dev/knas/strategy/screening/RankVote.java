package dev.knas.strategy.screening;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The average-rank vote of {@link ScreeningRank}: one proxy, or {@code ensemble(p1,p2,...)}. */
final class RankVote implements ScreeningRank {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
  private static final String ENSEMBLE = "ensemble(";

  private final List<String> proxies;

  private RankVote(List<String> proxies) {
    this.proxies = List.copyOf(proxies);
  }

  static RankVote parse(String expression) {
    String text = expression.strip();
    if (!text.startsWith(ENSEMBLE)) {
      return new RankVote(List.of(name(text, expression)));
    }
    if (!text.endsWith(")")) {
      throw new IllegalArgumentException("'" + expression + "' is not a proxy or ensemble(p1,p2,...): missing ')'");
    }
    LinkedHashSet<String> names = new LinkedHashSet<>();
    for (String part : text.substring(ENSEMBLE.length(), text.length() - 1).split(",", -1)) {
      String name = name(part.strip(), expression);
      if (!names.add(name)) {
        throw new IllegalArgumentException("'" + expression + "' names " + name + " twice");
      }
    }
    return new RankVote(new ArrayList<>(names));
  }

  private static String name(String text, String expression) {
    if (!NAME.matcher(text).matches()) {
      throw new IllegalArgumentException("'" + expression + "' is not a proxy or ensemble(p1,p2,...): '" + text
          + "' is not a proxy name");
    }
    return text;
  }

  @Override
  public String expression() {
    return proxies.size() == 1 ? proxies.get(0) : "ensemble(" + String.join(",", proxies) + ")";
  }

  @Override
  public List<String> proxies() {
    return proxies;
  }

  @Override
  public double[] scores(List<Map<String, Double>> candidates) {
    double[] sum = new double[candidates.size()];
    for (String proxy : proxies) {
      double[] ranks = ranks(candidates.stream()
          .mapToDouble(c -> c.getOrDefault(proxy, Double.NEGATIVE_INFINITY)).toArray());
      for (int i = 0; i < sum.length; i++) {
        sum[i] += ranks[i];
      }
    }
    for (int i = 0; i < sum.length; i++) {
      sum[i] /= proxies.size();
    }
    return sum;
  }

  /** 1-based ascending ranks (the largest value ranks highest), ties sharing their average rank. */
  private static double[] ranks(double[] values) {
    Integer[] order = new Integer[values.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
    double[] ranks = new double[values.length];
    for (int start = 0; start < order.length; ) {
      int end = start;
      while (end + 1 < order.length && values[order[end + 1]] == values[order[start]]) {
        end++;
      }
      double average = (start + end) / 2.0 + 1;
      for (int i = start; i <= end; i++) {
        ranks[order[i]] = average;
      }
      start = end + 1;
    }
    return ranks;
  }

  @Override
  public String toString() {
    return expression();
  }
}
