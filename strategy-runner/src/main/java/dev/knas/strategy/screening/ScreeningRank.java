package dev.knas.strategy.screening;

import java.util.List;
import java.util.Map;

/**
 * How a search ranks the architectures it screened: by one zero-cost proxy ({@code naswot}) or by an average-rank
 * vote of several ({@code ensemble(naswot,synflow,jacov,params)}), as shared/spec/zero-cost-proxies.md defines
 * the ensemble. Proxies live on unrelated scales, so only ranks within a set of candidates are compared.
 *
 * <p>The strategies depend on this interface only; {@link RankVote} implements it until the project's ensemble
 * library (dev.knas.ensemble) is on this branch, and then delegates to it.
 */
public interface ScreeningRank {

  /**
   * The rank of {@code expression}.
   *
   * @throws IllegalArgumentException with a one-line reason when the expression is malformed
   */
  static ScreeningRank parse(String expression) {
    return RankVote.parse(expression);
  }

  /** The expression as written canonically, e.g. "ensemble(naswot,synflow)"; journals record it as the metric. */
  String expression();

  /** The proxies to request, each once, in the expression's order. */
  List<String> proxies();

  /**
   * Each candidate's score within {@code candidates} (larger is better; equal scores are ties): the candidates'
   * average rank over the proxies, a proxy a candidate has no value for (absent from its map) ranking lowest.
   * Scores are comparable only within one call.
   */
  double[] scores(List<Map<String, Double>> candidates);
}
