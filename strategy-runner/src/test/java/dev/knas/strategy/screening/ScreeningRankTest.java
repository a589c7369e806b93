package dev.knas.strategy.screening;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The adapter from screened candidates (proxy values by name, absent when none) to the ensemble library. */
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
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ScreeningRank.parse("ensemble(naswot,synflow"));
    assertTrue(e.getMessage().contains("missing ')'"), e.getMessage());
  }

  @Test
  void sumsRanksWithTiesAndAbsentValuesLowest() {
    ScreeningRank vote = ScreeningRank.parse("ensemble(a,b)");
    double[] scores = vote.scores(List.of(
        Map.of("a", 3.0, "b", -5.0),   // a rank 3, b rank 2
        Map.of("a", 1.0, "b", 1e9),    // a rank 1.5 (tie), b rank 3
        Map.of("a", 1.0)));            // a rank 1.5, b absent: rank 1
    assertArrayEquals(new double[] {5, 4.5, 2.5}, scores, 1e-12);
  }

  @Test
  void oneProxyRanksByItsValue() {
    double[] scores = ScreeningRank.parse("synflow").scores(List.of(Map.of("synflow", 7.0), Map.of(),
        Map.of("synflow", -1.0)));
    assertArrayEquals(new double[] {3, 1, 2}, scores, 1e-12);
    assertEquals(0, ScreeningRank.parse("synflow").scores(List.of()).length, "nothing screened yet");
  }
}
