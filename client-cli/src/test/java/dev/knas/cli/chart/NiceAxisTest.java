package dev.knas.cli.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class NiceAxisTest {

  @Test
  void stepsAreOneTwoTwoAndAHalfOrFiveTimesAPowerOfTen() {
    assertEquals(1, NiceAxis.roundStep(0.7));
    assertEquals(2, NiceAxis.roundStep(1.3));
    assertEquals(2.5, NiceAxis.roundStep(2.1));
    assertEquals(5, NiceAxis.roundStep(4.9));
    assertEquals(10, NiceAxis.roundStep(5.1));
    assertEquals(0.25, NiceAxis.roundStep(0.24));
    assertEquals(0.5, NiceAxis.roundStep(0.36));
    assertEquals(20, NiceAxis.roundStep(13.1));
    assertEquals(2, NiceAxis.roundStep(2));
  }

  @Test
  void theRangeHoldsTheValuesAndEndsOnTheStep() {
    // The committed best-vs-cost plot's values: the range 1.4..131.2 hours, accuracies 87.9..91.4.
    assertEquals(new NiceAxis(0, 140, 20), NiceAxis.covering(1.4, 131.2, 10));
    assertEquals(new NiceAxis(87.5, 91.5, 0.5), NiceAxis.covering(87.93, 91.41, 8));
    assertEquals(new NiceAxis(0, 100, 10), NiceAxis.covering(1, 100, 10));
    assertEquals(new NiceAxis(0.1, 0.3, 0.1), NiceAxis.covering(0.1, 0.3, 2));
    assertEquals(new NiceAxis(90, 92, 2), NiceAxis.covering(91, 91, 8));
  }

  @Test
  void nothingToCoverIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> NiceAxis.covering(2, 1, 5));
    assertThrows(IllegalArgumentException.class, () -> NiceAxis.covering(Double.NaN, 1, 5));
  }
}
