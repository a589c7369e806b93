package dev.knas.ensemble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RankVoteTest {

  private static final double NA = Double.NaN;

  @Test
  void ranksRunFromOneForTheLowest() {
    assertArrayEquals(new double[] {3, 1, 2, 4}, RankVote.ranks(new double[] {0.5, -7, 0.1, 12}));
  }

  @Test
  void tiesTakeTheirAverageRank() {
    assertArrayEquals(new double[] {2.5, 2.5, 1, 4}, RankVote.ranks(new double[] {5, 5, 1, 9}));
    assertArrayEquals(new double[] {2, 2, 2}, RankVote.ranks(new double[] {3, 3, 3}));
  }

  @Test
  void absentValuesRankLowestAndTieWithEachOther() {
    assertArrayEquals(new double[] {1.5, 4, 1.5, 3}, RankVote.ranks(new double[] {NA, 2, NA, -100}));
    assertArrayEquals(new double[] {1, 2}, RankVote.ranks(new double[] {NA, -1e300}));
  }

  @Test
  void infiniteValuesAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RankVote.ranks(new double[] {1, Double.NEGATIVE_INFINITY}));
    assertEquals("a proxy value is finite or absent (NaN), got -Infinity", e.getMessage());
  }

  @Test
  void seedsAverageRanksNotValues() {
    // Seed 1 ranks a, b, c as 1, 2, 3; seed 2 as 3, 1, 2 (its scale is a thousand times larger, which must not
    // matter); seed 3 leaves a absent: 1, 2.5, 2.5.
    List<double[]> seeds = List.of(new double[] {1, 2, 3}, new double[] {3000, 1000, 2000},
        new double[] {NA, 5, 5});
    assertArrayEquals(new double[] {5 / 3.0, 5.5 / 3, 7.5 / 3}, RankVote.meanRanks(seeds), 1e-12);
    assertArrayEquals(new double[] {2, 1, 3}, RankVote.meanRanks(List.of(new double[] {0.2, 0.1, 0.3})));
  }

  @Test
  void anEnsembleSumsItsProxiesRanks() {
    // naswot ranks (3, 1, 2, 4); synflow, absent for the second, ranks (2, 1, 3.5, 3.5).
    Map<String, List<double[]>> values = Map.of(
        "naswot", List.of(new double[] {700, 650, 680, 710}),
        "synflow", List.of(new double[] {40, NA, 55, 55}),
        "params", List.of(new double[] {1, 2, 3, 4}));
    assertArrayEquals(new double[] {5, 2, 5.5, 7.5},
        RankVote.scores(ProxyExpression.parse("ensemble(naswot,synflow)"), values), 1e-12);
    assertArrayEquals(new double[] {2, 1, 3.5, 3.5}, RankVote.scores(ProxyExpression.parse("synflow"), values));
    assertArrayEquals(new double[] {6, 4, 8.5, 11.5},
        RankVote.scores(ProxyExpression.parse("ensemble(params,synflow,naswot)"), values), 1e-12);
  }

  @Test
  void anEnsembleAveragesEachProxyOverItsSeedsFirst() {
    Map<String, List<double[]>> values = Map.of(
        "jacov", List.of(new double[] {1, 2}, new double[] {2, 1}),
        "snip", List.of(new double[] {5, 9}, new double[] {6, 8}));
    assertArrayEquals(new double[] {1.5 + 1, 1.5 + 2},
        RankVote.scores(ProxyExpression.parse("ensemble(jacov,snip)"), values), 1e-12);
  }

  @Test
  void mismatchedOrMissingValuesAreRefused() {
    assertEquals("no values of 'zico' for ensemble(snip,zico)", assertThrows(IllegalArgumentException.class,
        () -> RankVote.scores(ProxyExpression.parse("ensemble(snip,zico)"),
            Map.of("snip", List.of(new double[] {1, 2})))).getMessage());
    assertEquals("'zico' scores 3 architectures, not 2", assertThrows(IllegalArgumentException.class,
        () -> RankVote.scores(ProxyExpression.parse("ensemble(snip,zico)"), Map.of(
            "snip", List.of(new double[] {1, 2}), "zico", List.of(new double[] {1, 2, 3})))).getMessage());
    assertEquals("every seed scores the same set: 3 values, not 2", assertThrows(IllegalArgumentException.class,
        () -> RankVote.meanRanks(List.of(new double[] {1, 2}, new double[] {1, 2, 3}))).getMessage());
    assertThrows(IllegalArgumentException.class, () -> RankVote.meanRanks(List.of()));
  }
}
