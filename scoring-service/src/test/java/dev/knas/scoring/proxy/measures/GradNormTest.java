package dev.knas.scoring.proxy.measures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.scoring.kernel.Precision;
import org.junit.jupiter.api.Test;

class GradNormTest {

  @Test
  void isZeroWhenNoWeightInfluencesTheLoss() {
    assertEquals(0, ProxyFixture.value("grad_norm", ProxyFixture.EMPTY));
  }

  @Test
  void dependsOnTheSeedAndAgreesAcrossPrecisions() {
    double seed0 = ProxyFixture.value("grad_norm", ProxyFixture.INDEX_1);
    assertTrue(seed0 > 0 && Double.isFinite(seed0));
    assertNotEquals(seed0, ProxyFixture.outcome("grad_norm", ProxyFixture.INDEX_1, 1, Precision.FLOAT64)
        .value().orElseThrow());
    double float32 = ProxyFixture.outcome("grad_norm", ProxyFixture.INDEX_1, 0, Precision.FLOAT32).value()
        .orElseThrow();
    assertEquals(seed0, float32, 1e-3 * seed0);
  }
}
