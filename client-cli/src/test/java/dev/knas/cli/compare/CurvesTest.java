package dev.knas.cli.compare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.knas.cli.chart.Charts;
import java.util.List;
import org.junit.jupiter.api.Test;

class CurvesTest {

  private static final double HOUR = 3600;

  /** Starts at 1 h with 90 and keeps it. */
  private static final BestSoFar EARLY = new BestSoFar(new double[] {90, 90}, new double[] {1 * HOUR, 2 * HOUR});
  /** Starts at 3 h with 80, reaches 95 at 4 h and ends there. */
  private static final BestSoFar LATE = new BestSoFar(new double[] {80, 95}, new double[] {3 * HOUR, 4 * HOUR});

  @Test
  void theCostCurveStartsWhereEveryRunHasAScoreAndNeverDips() {
    Charts.Band band = Curves.byCost("s", List.of(EARLY, LATE), 5);
    // Grid 3 h, 4 h, 5 h, drawn as steps: each new level at its cost, flat until the next.
    assertArrayEquals(new double[] {3, 4, 4, 5, 5}, band.x(), 1e-12);
    assertArrayEquals(new double[] {85, 85, 92.5, 92.5, 92.5}, band.mean(), 1e-12);
    assertEquals(Math.sqrt(50), band.spread()[0], 1e-12);
    for (int i = 1; i < band.x().length; i++) {
      assertEquals(true, band.mean()[i] >= band.mean()[i - 1], "mean at point " + i);
    }
  }

  @Test
  void aRunThatEndedKeepsItsBestAgainstEvaluations() {
    BestSoFar shortRun = new BestSoFar(new double[] {91}, new double[] {HOUR});
    BestSoFar longRun = new BestSoFar(new double[] {85, 89, 93}, new double[] {HOUR, 2 * HOUR, 3 * HOUR});
    Charts.Band band = Curves.byEvaluations("s", List.of(shortRun, longRun));
    assertArrayEquals(new double[] {1, 2, 3}, band.x());
    assertArrayEquals(new double[] {88, 90, 92}, band.mean(), 1e-12);
  }

  @Test
  void evaluationsBeforeEveryRunHasAScoreAreLeftOut() {
    BestSoFar failedFirst = new BestSoFar(new double[] {Double.NaN, 88}, new double[] {HOUR, 2 * HOUR});
    BestSoFar scored = new BestSoFar(new double[] {90, 92}, new double[] {HOUR, 2 * HOUR});
    BestSoFar neverScored = new BestSoFar(new double[] {Double.NaN}, new double[] {HOUR});
    Charts.Band band = Curves.byEvaluations("s", List.of(failedFirst, scored, neverScored));
    assertArrayEquals(new double[] {2}, band.x());
    assertArrayEquals(new double[] {90}, band.mean(), 1e-12);
    assertEquals(2, failedFirst.firstScored());
    assertEquals(2 * HOUR, failedFirst.firstScoredCost());
  }
}
