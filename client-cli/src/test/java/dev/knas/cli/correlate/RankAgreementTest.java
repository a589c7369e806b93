package dev.knas.cli.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RankAgreementTest {

  @Test
  void measuresAgreementOfTwoRankings() {
    // One discordant pair of six: tau = (5 - 1) / 6; rank differences 0, 1, -1, 0: rho = 1 - 6 * 2 / (4 * 15).
    RankAgreement a = RankAgreement.of(new double[] {1, 2, 3, 4}, new double[] {10, 30, 20, 40}, 0.5);
    assertEquals(4 / 6.0, a.kendallTauB(), 1e-12);
    assertEquals(0.8, a.spearmanRho(), 1e-12);
    assertEquals(0.5, a.topPrecision(), 1e-12, "top two by proxy: #3 and #2; by target: #3 and #1");
    assertEquals(4, a.pairs());
  }

  @Test
  void perfectAndReversedRankings() {
    double[] x = {0.1, 5, 2, 8, 3};
    RankAgreement same = RankAgreement.of(x, new double[] {1, 9, 4, 10, 6}, 0.2);
    assertEquals(1, same.kendallTauB(), 1e-12);
    assertEquals(1, same.spearmanRho(), 1e-12);
    assertEquals(1, same.topPrecision(), 1e-12);
    RankAgreement reversed = RankAgreement.of(x, new double[] {10, 1, 6, 0, 4}, 0.2);
    assertEquals(-1, reversed.kendallTauB(), 1e-12);
    assertEquals(0, reversed.topPrecision(), 1e-12);
  }

  @Test
  void tiesCountAsTauB() {
    // Pairs: (1,2) tie in y, (1,3) concordant, (2,3) concordant; n0 = 3, n2 = 1: tau-b = 2 / sqrt(3 * 2).
    RankAgreement a = RankAgreement.of(new double[] {1, 2, 3}, new double[] {5, 5, 7}, 0.34);
    assertEquals(2 / Math.sqrt(6), a.kendallTauB(), 1e-12);
  }

  @Test
  void refusesUnequalOrTinySeries() {
    assertThrows(IllegalArgumentException.class, () -> RankAgreement.of(new double[] {1}, new double[] {1}, 0.1));
    assertThrows(IllegalArgumentException.class,
        () -> RankAgreement.of(new double[] {1, 2}, new double[] {1, 2, 3}, 0.1));
  }
}
