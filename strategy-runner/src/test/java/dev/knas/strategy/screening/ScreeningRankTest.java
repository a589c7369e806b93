package dev.knas.strategy.screening;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScreeningRankTest {

  @Test
  void parsesOneProxyOrAnEnsemble() {
    assertEquals(List.of("naswot"), ScreeningRank.parse("naswot").proxies());
    ScreeningRank ensemble = ScreeningRank.parse(" ensemble(naswot, synflow,params) ");
    assertEquals(List.of("naswot", "synflow", "params"), ensemble.proxies());
    assertEquals("ensemble(naswot,synflow,params)", ensemble.expression());
  }

  @Test
  void refusesMalformedExpressionsWithAReason() {
    for (String bad : List.of("", "ensemble(", "ensemble()", "ensemble(naswot,)", "ensemble(a,a)", "Naswot",
        "ensemble(ensemble(a,b))", "naswot+synflow")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScreeningRank.parse(bad));
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }

  @Test
  void averagesRanksWithTiesAndAbsentValuesLowest() {
    ScreeningRank vote = ScreeningRank.parse("ensemble(a,b)");
    double[] scores = vote.scores(List.of(
        Map.of("a", 3.0, "b", -5.0),   // a rank 3, b rank 2
        Map.of("a", 1.0, "b", 1e9),    // a rank 1.5 (tie), b rank 3
        Map.of("a", 1.0)));            // a rank 1.5, b absent: rank 1
    assertArrayEquals(new double[] {2.5, 2.25, 1.25}, scores, 1e-12);
  }

  @Test
  void oneProxyRanksByItsValue() {
    double[] scores = ScreeningRank.parse("synflow").scores(List.of(Map.of("synflow", 7.0), Map.of(),
        Map.of("synflow", -1.0)));
    assertArrayEquals(new double[] {3, 1, 2}, scores, 1e-12);
  }
}
