package dev.knas.scoring.proxy.measures;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.knas.space.nb201.Nb201Architecture;
import org.junit.jupiter.api.Test;

class ParamsTest {

  @Test
  void countsTheSpecsParameters() {
    assertEquals(802_426, ProxyFixture.value("params", ProxyFixture.INDEX_1));
    assertEquals(1_531_546, ProxyFixture.value("params", ProxyFixture.ALL_CONV3));
    assertEquals(73_306, ProxyFixture.value("params", ProxyFixture.EMPTY));
  }

  @Test
  void countsTheCanonicalNetworkNotDeadEdges() {
    // The conv edges into node 2 never reach the output: the canonical cell has no convolution at all, so the
    // network keeps only stem, reductions and head (73,306), not the literal cell's 344,346.
    assertEquals(73_306, ProxyFixture.value("params", Nb201Architecture.parse(
        "|none~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|avg_pool_3x3~1|none~2|")));
  }
}
