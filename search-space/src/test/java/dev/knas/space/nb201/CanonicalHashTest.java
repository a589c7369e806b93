package dev.knas.space.nb201;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CanonicalHashTest {

  /** Pinned with `printf '%s' '<canonical string>' | sha256sum`, so clients in other languages can check theirs. */
  @Test
  void isTheSha256OfTheCanonicalBenchmarkString() {
    assertEquals("4153203d6a46e413d2963a3c65133ecbc2c844b117ef68c9b1ef7d7f87c64116",
        CanonicalHash.of(Nb201Architecture.uniform(Operation.NOR_CONV_3X3)));
    // A cell whose output is zero is in the all-none cell's class.
    assertEquals("234a50f160cf8fc631ebf5dfc989c87334919b9be8a209cf27dcfdf53b1a0d6d",
        CanonicalHash.of(Nb201Architecture.parse(
            "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|")));
  }

  @Test
  void equivalentCellsShareItAndClassesDoNot() {
    assertEquals(CanonicalHash.of(Nb201Architecture.parse(
            "|none~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_1x1~2|")),
        CanonicalHash.of(Nb201Architecture.parse(
            "|none~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|none~1|nor_conv_1x1~2|")));
    Set<String> classes = new HashSet<>();
    Set<String> hashes = new HashSet<>();
    for (Nb201Architecture cell : Nb201Architecture.enumerate()) {
      classes.add(CanonicalForm.of(cell).toBenchmarkString());
      hashes.add(CanonicalHash.of(cell));
    }
    assertEquals(classes.size(), hashes.size());
    assertNotEquals(1, hashes.size());
  }
}
