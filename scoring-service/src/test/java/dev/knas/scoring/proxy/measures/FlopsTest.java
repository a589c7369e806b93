package dev.knas.scoring.proxy.measures;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Multiply-accumulates counted by hand for 3 x 32 x 32 images and 10 classes. */
class FlopsTest {

  /** Stem: 16 x 32 x 32 outputs, each 3 x 3 x 3. */
  private static final long STEM = 16L * 32 * 32 * 3 * 9;
  /** A 3x3 cell convolution at any stage: C x H x W outputs of C x 9 (16 at 32x32, 32 at 16x16, 64 at 8x8). */
  private static final long CELL_CONV3 = 16L * 32 * 32 * 16 * 9;
  /** Reduction 16 -> 32: a (32 x 16 x 16 outputs of 16 x 9), b (of 32 x 9), shortcut (of 16). */
  private static final long REDUCTION = 32L * 16 * 16 * 16 * 9 + 32L * 16 * 16 * 32 * 9 + 32L * 16 * 16 * 16;
  private static final long LINEAR = 64 * 10;

  @Test
  void handCountedCells() {
    assertEquals(2_359_296, CELL_CONV3);
    assertEquals(3_670_016, REDUCTION);
    // All nor_conv_3x3: 6 convolutions in each of 15 cells; the second reduction costs what the first does.
    assertEquals((STEM + 90 * CELL_CONV3 + 2 * REDUCTION + LINEAR) / 1e6,
        ProxyFixture.value("flops", ProxyFixture.ALL_CONV3));
    assertEquals(220.11968, ProxyFixture.value("flops", ProxyFixture.ALL_CONV3));
    // Index 1: three 3x3 convolutions per cell.
    assertEquals(113.95136, ProxyFixture.value("flops", ProxyFixture.INDEX_1));
    // No convolution in the cells: stem, reductions and classifier only.
    assertEquals((STEM + 2 * REDUCTION + LINEAR) / 1e6, ProxyFixture.value("flops", ProxyFixture.EMPTY));
  }
}
