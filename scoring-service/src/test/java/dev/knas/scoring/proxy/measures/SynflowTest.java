package dev.knas.scoring.proxy.measures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.scoring.kernel.Precision;
import dev.knas.scoring.proxy.ProxyOutcome;
import org.junit.jupiter.api.Test;

class SynflowTest {

  @Test
  void alwaysComputedInFloat64() {
    double float64 = ProxyFixture.value("synflow", ProxyFixture.ALL_CONV3);
    double float32 = ProxyFixture.outcome("synflow", ProxyFixture.ALL_CONV3, 0, Precision.FLOAT32).value()
        .orElseThrow();
    assertEquals(float64, float32);
    assertTrue(float64 > ProxyFixture.value("synflow", ProxyFixture.INDEX_1));
  }

  @Test
  void aNetworkWhoseOutputDependsOnNoWeightHasNoValue() {
    ProxyOutcome outcome = ProxyFixture.outcome("synflow", ProxyFixture.EMPTY, 0, Precision.FLOAT64);
    assertFalse(outcome.value().isPresent());
    assertTrue(outcome.notFinite());
    assertTrue(outcome.error().contains("-Infinity"), outcome.error());
  }
}
