package dev.knas.scoring.proxy.measures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ZicoTest {

  @Test
  void twoEqualBatchesHaveNoVarianceAndScoreZero() {
    assertEquals(0, ProxyFixture.onIdenticalImages("zico", ProxyFixture.INDEX_1).value().orElseThrow());
  }

  @Test
  void disjointBatchesGiveAPositiveScore() {
    double value = ProxyFixture.value("zico", ProxyFixture.INDEX_1);
    assertTrue(value > 0 && Double.isFinite(value), String.valueOf(value));
  }
}
