package dev.knas.space.nb201;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per rule of {@link CanonicalForm}, plus the properties every canonical form must have. */
class CanonicalFormTest {

  private static String canonical(String arch) {
    return CanonicalForm.of(Nb201Architecture.parse(arch)).toBenchmarkString();
  }

  private static void assertSameClass(String a, String b) {
    assertEquals(canonical(a), canonical(b), a + " vs " + b);
  }

  private static void assertDifferentClass(String a, String b) {
    assertNotEquals(canonical(a), canonical(b), a + " vs " + b);
  }

  @Test
  void zeroSourcesSkipAndPoolBecomeNone() {
    // node 1 is zero; skip/pool from it contribute nothing.
    assertSameClass("|none~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_1x1~2|",
        "|none~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|none~1|nor_conv_1x1~2|");
  }

  @Test
  void aConvolutionOfAZeroNodeIsNotNone() {
    assertDifferentClass("|none~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|none~1|skip_connect~2|",
        "|none~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|none~1|skip_connect~2|");
  }

  @Test
  void convolutionsOfAZeroNodeAreOneShiftWhateverTheirKernel() {
    assertSameClass("|none~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|",
        "|none~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|none~1|skip_connect~2|");
  }

  @Test
  void poolingAConstantNodeIsTheIdentity() {
    // node 1 is zero, node 2 = shift(node 1) is constant: pooling it equals passing it on.
    assertSameClass("|none~0|+|none~0|nor_conv_1x1~1|+|skip_connect~0|none~1|avg_pool_3x3~2|",
        "|none~0|+|none~0|nor_conv_1x1~1|+|skip_connect~0|none~1|skip_connect~2|");
  }

  @Test
  void poolingANonConstantNodeIsNotTheIdentity() {
    assertDifferentClass("|nor_conv_3x3~0|+|none~0|nor_conv_1x1~1|+|skip_connect~0|none~1|avg_pool_3x3~2|",
        "|nor_conv_3x3~0|+|none~0|nor_conv_1x1~1|+|skip_connect~0|none~1|skip_connect~2|");
  }

  @Test
  void a3x3ConvolutionOfANonZeroConstantKeepsItsKernel() {
    // node 2 = shift (constant, not zero); a 3x3 conv of it sees zero padding at the border.
    assertDifferentClass("|none~0|+|none~0|nor_conv_1x1~1|+|skip_connect~0|none~1|nor_conv_3x3~2|",
        "|none~0|+|none~0|nor_conv_1x1~1|+|skip_connect~0|none~1|nor_conv_1x1~2|");
  }

  @Test
  void edgesIntoNodesThatNeverReachTheOutputAreDead() {
    // node 2 feeds nothing: whatever enters it is dead.
    assertSameClass("|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|none~2|",
        "|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|nor_conv_3x3~1|none~2|");
  }

  @Test
  void aZeroOutputMakesTheWholeCellNone() {
    assertEquals(Nb201Architecture.uniform(Operation.NONE).toBenchmarkString(),
        canonical("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|none~0|none~1|none~2|"));
    assertSameClass("|skip_connect~0|+|none~0|none~1|+|none~0|none~1|skip_connect~2|",
        Nb201Architecture.uniform(Operation.NONE).toBenchmarkString());
  }

  @Test
  void swappingUnconnectedIntermediateNodesIsTheSameNetwork() {
    assertSameClass("|nor_conv_3x3~0|+|avg_pool_3x3~0|none~1|+|skip_connect~0|nor_conv_1x1~1|skip_connect~2|",
        "|avg_pool_3x3~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|skip_connect~1|nor_conv_1x1~2|");
  }

  @Test
  void connectedIntermediateNodesCannotBeSwapped() {
    assertDifferentClass(
        "|nor_conv_3x3~0|+|avg_pool_3x3~0|skip_connect~1|+|skip_connect~0|nor_conv_1x1~1|skip_connect~2|",
        "|avg_pool_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|skip_connect~1|nor_conv_1x1~2|");
  }

  @Test
  void skipConnectionsAreTheIdentityWhateverTheChain() {
    assertSameClass("|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|skip_connect~2|",
        "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|skip_connect~1|none~2|");
  }

  @Test
  void poolingDistributesOverSums() {
    // avg(skip(x) + conv(x)) = avg(x) + avg(conv(x))
    assertSameClass("|nor_conv_3x3~0|+|skip_connect~0|skip_connect~1|+|none~0|none~1|avg_pool_3x3~2|",
        "|nor_conv_3x3~0|+|none~0|none~1|+|avg_pool_3x3~0|avg_pool_3x3~1|none~2|");
    assertDifferentClass("|avg_pool_3x3~0|+|none~0|avg_pool_3x3~1|+|none~0|none~1|skip_connect~2|",
        "|avg_pool_3x3~0|+|none~0|none~1|+|none~0|skip_connect~1|none~2|");
  }

  @Test
  void oneConvolutionUsedTwiceIsNotTwoConvolutions() {
    assertDifferentClass("|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|skip_connect~1|avg_pool_3x3~2|",
        "|nor_conv_3x3~0|+|nor_conv_3x3~0|none~1|+|none~0|skip_connect~1|avg_pool_3x3~2|");
  }

  @Test
  void theRepresentativeIsTheSmallestMemberAndAnOrdinaryCell() {
    Nb201Architecture rep = CanonicalForm.of(Nb201Architecture.parse(
        "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|skip_connect~2|"));
    assertEquals("|none~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|", rep.toBenchmarkString());
  }

  @Test
  void distinctParameterisationsStayDistinct() {
    assertDifferentClass("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|",
        "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|skip_connect~2|");
  }

  @Test
  void canonicalFormsAreFixedPointsAndClassInvariant() {
    for (int i = 0; i < Nb201Architecture.COUNT; i++) {
      Nb201Architecture arch = Nb201Architecture.fromIndex(i);
      Nb201Architecture canonical = CanonicalForm.of(arch);
      assertEquals(canonical, CanonicalForm.of(canonical), arch.toString());
      if (arch.op(2, 1) == Operation.NONE) {
        Nb201Architecture swapped = new Nb201Architecture(List.of(arch.op(2, 0), arch.op(1, 0), Operation.NONE,
            arch.op(3, 0), arch.op(3, 2), arch.op(3, 1)));
        assertEquals(canonical, CanonicalForm.of(swapped), arch.toString());
      }
    }
  }

  @Test
  void countsTheClassesOfTheSpace() {
    SpaceStatistics stats = SpaceStatistics.nb201();
    System.out.println(stats);
    assertEquals(15_625, stats.architectures());
    assertEquals(stats.canonicalClasses(), SpaceStatistics.nb201().canonicalClasses());
    assertEquals(true, stats.singletonClasses() < stats.canonicalClasses());
  }
}
