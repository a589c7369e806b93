package dev.knas.scoring.proxy.measures;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.scoring.proxy.ProxyOutcome;
import org.junit.jupiter.api.Test;

class NaswotTest {

  @Test
  void boundedByTheDiagonal() {
    // K_ii is the number of ReLU units D, and det K <= prod K_ii (Hadamard): ln det K <= B ln D.
    double units = 0;
    // Index 1 has 3 conv edges per cell: 15 ReLU maps at each stage's size, plus two per reduction and the head.
    units += 5 * 3 * 16 * 32 * 32 + 5 * 3 * 32 * 16 * 16 + 5 * 3 * 64 * 8 * 8;
    units += 16 * 32 * 32 + 32 * 16 * 16 + 32 * 16 * 16 + 64 * 8 * 8 + 64 * 8 * 8;
    double value = ProxyFixture.value("naswot", ProxyFixture.INDEX_1);
    assertTrue(value > 0 && value <= ProxyFixture.BATCH * Math.log(units), value + " vs " + units);
  }

  @Test
  void identicalImagesMakeKSingular() {
    ProxyOutcome outcome = ProxyFixture.onIdenticalImages("naswot", ProxyFixture.INDEX_1);
    assertFalse(outcome.value().isPresent());
    assertTrue(outcome.error().contains("singular"), outcome.error());
  }
}
