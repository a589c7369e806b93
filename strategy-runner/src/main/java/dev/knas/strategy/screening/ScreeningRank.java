package dev.knas.strategy.screening;

import dev.knas.ensemble.ProxyExpression;
import dev.knas.ensemble.RankVote;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How a search ranks the architectures it screened: by one zero-cost proxy ({@code naswot}) or by the rank vote
 * of several ({@code ensemble(naswot,synflow,jacov,params)}), with the project's ensemble library
 * (dev.knas.ensemble). It adapts the library to what screening yields: each candidate's proxy values by name,
 * a proxy without a value for a cell absent from its map.
 */
public final class ScreeningRank {

  private final ProxyExpression expression;

  private ScreeningRank(ProxyExpression expression) {
    this.expression = expression;
  }

  /**
   * The rank of {@code expression}.
   *
   * @throws IllegalArgumentException with a one-line reason when the expression is malformed
   */
  public static ScreeningRank parse(String expression) {
    return new ScreeningRank(ProxyExpression.parse(expression));
  }

  /** The expression as written canonically, e.g. "ensemble(naswot,synflow)"; journals record it as the metric. */
  public String expression() {
    return expression.toString();
  }

  /** The proxies to request, each once, in the expression's order. */
  public List<String> proxies() {
    return expression.proxies();
  }

  /**
   * Each candidate's score within {@code candidates} (larger is better; equal scores are ties): the sum over the
   * proxies of the candidate's rank among them, a proxy it has no value for ranking lowest. Ranks move as the set
   * changes, so scores are comparable only within one call.
   */
  public double[] scores(List<Map<String, Double>> candidates) {
    if (candidates.isEmpty()) {
      return new double[0]; // the library's ranking needs at least one value
    }
    return RankVote.scores(expression, proxies().stream().collect(Collectors.toMap(
        proxy -> proxy,
        proxy -> List.of(candidates.stream().mapToDouble(c -> c.getOrDefault(proxy, Double.NaN)).toArray()))));
  }

  @Override
  public String toString() {
    return expression();
  }
}
