package dev.knas.scoring.proxy.measures;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.scoring.kernel.Precision;
import dev.knas.scoring.proxy.ProxyOutcome;
import org.junit.jupiter.api.Test;

class JacovTest {

  @Test
  void atMostMinusTheBatchSize() {
    // ln(v + e) + 1/(v + e) >= 1 for every eigenvalue v, so the score is at most -B.
    double value = ProxyFixture.value("jacov", ProxyFixture.INDEX_1);
    assertTrue(Double.isFinite(value) && value <= -ProxyFixture.BATCH, String.valueOf(value));
  }

  @Test
  void aConstantJacobianHasNoValue() {
    ProxyOutcome outcome = ProxyFixture.outcome("jacov", ProxyFixture.EMPTY, 0, Precision.FLOAT64);
    assertFalse(outcome.value().isPresent());
    assertTrue(outcome.error().contains("constant"), outcome.error());
  }
}
