package dev.knas.scoring.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import dev.knas.scoring.data.Dataset;
import dev.knas.scoring.data.SyntheticImages;
import dev.knas.space.nb201.CanonicalForm;
import dev.knas.space.nb201.Nb201Architecture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The canonicalisation rules checked on the real network: two members of one class, each built literally (not
 * canonicalised), give the same float64 MGM. Initial values are drawn per tensor position, so each pair is
 * chosen with the same list of parameter tensors; the members then start from identical weights and differ only
 * in how the cell wires them.
 */
class CanonicalEquivalenceTest {

  private static final Dataset DATA = SyntheticImages.create();

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      "skip chain; |nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|skip_connect~2|;"
          + " |nor_conv_3x3~0|+|none~0|none~1|+|none~0|skip_connect~1|none~2|",
      "dead edge; |skip_connect~0|+|avg_pool_3x3~0|none~1|+|skip_connect~0|none~1|avg_pool_3x3~2|;"
          + " |none~0|+|avg_pool_3x3~0|none~1|+|skip_connect~0|none~1|avg_pool_3x3~2|",
      "pool of zero; |none~0|+|skip_connect~0|avg_pool_3x3~1|+|none~0|none~1|skip_connect~2|;"
          + " |none~0|+|skip_connect~0|none~1|+|none~0|none~1|skip_connect~2|",
      "pool of a shift; |none~0|+|none~0|nor_conv_1x1~1|+|skip_connect~0|none~1|avg_pool_3x3~2|;"
          + " |none~0|+|none~0|nor_conv_1x1~1|+|skip_connect~0|none~1|skip_connect~2|",
      "pool of a sum; |nor_conv_3x3~0|+|skip_connect~0|skip_connect~1|+|none~0|none~1|avg_pool_3x3~2|;"
          + " |nor_conv_3x3~0|+|none~0|none~1|+|avg_pool_3x3~0|avg_pool_3x3~1|none~2|",
      "node swap; |nor_conv_3x3~0|+|avg_pool_3x3~0|none~1|+|none~0|skip_connect~1|skip_connect~2|;"
          + " |avg_pool_3x3~0|+|nor_conv_3x3~0|none~1|+|none~0|skip_connect~1|skip_connect~2|"})
  void membersOfAClassScoreAlikeUnderTheSameInitialisation(String rule, String a, String b) {
    Nb201Architecture first = Nb201Architecture.parse(a.strip());
    Nb201Architecture second = Nb201Architecture.parse(b.strip());
    assertEquals(CanonicalForm.of(first), CanonicalForm.of(second), rule);
    double mgmA = mgm(first);
    double mgmB = mgm(second);
    assertEquals(mgmA, mgmB, 1e-9 * Math.abs(mgmA), rule);
  }

  private static double mgm(Nb201Architecture cell) {
    return GradientKernelScorer.compute(new KernelRequest(cell, DATA, 4, 1, Device.cpu(), Precision.FLOAT64,
        false)).mgm();
  }
}
