package dev.knas.scoring.proxy.measures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SnipTest {

  @Test
  void isZeroWhenNoWeightInfluencesTheLoss() {
    assertEquals(0, ProxyFixture.value("snip", ProxyFixture.EMPTY));
  }

  @Test
  void moreConvolutionsMoreSaliency() {
    double index1 = ProxyFixture.value("snip", ProxyFixture.INDEX_1);
    double allConv3 = ProxyFixture.value("snip", ProxyFixture.ALL_CONV3);
    assertTrue(index1 > 0 && allConv3 > index1, index1 + " " + allConv3);
  }
}
