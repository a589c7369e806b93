package dev.knas.space.nb201;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Nb201ArchitectureTest {

  static final String INDEX_0 =
      "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|";
  static final String INDEX_1 =
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|";

  @Test
  void indexMatchesTheBenchmarkCheckValues() {
    assertEquals(INDEX_0, Nb201Architecture.fromIndex(0).toBenchmarkString());
    assertEquals(INDEX_1, Nb201Architecture.fromIndex(1).toBenchmarkString());
    assertEquals(1, Nb201Architecture.parse(INDEX_1).index());
  }

  @Test
  void indexIsABijectionOverTheWholeSpace() {
    Set<Nb201Architecture> seen = new HashSet<>();
    for (int i = 0; i < Nb201Architecture.COUNT; i++) {
      Nb201Architecture arch = Nb201Architecture.fromIndex(i);
      assertTrue(seen.add(arch), "duplicate at " + i);
      assertEquals(i, arch.index());
      assertEquals(arch, Nb201Architecture.parse(arch.toBenchmarkString()));
    }
  }

  /** Every index of the benchmark table, when the shared data is configured (docs/development/testing.md). */
  @Test
  void indexMatchesTheBenchmarkTable() throws Exception {
    String dataDir = System.getenv("KNAS_DATA_DIR");
    assumeTrue(dataDir != null, "KNAS_DATA_DIR not set");
    Path table = Path.of(dataDir, "nb201", "nb201_accuracy.csv");
    assertTrue(Files.isRegularFile(table), "KNAS_DATA_DIR is set but " + table + " is missing");
    int rows = 0;
    try (Reader in = Files.newBufferedReader(table)) {
      for (CSVRecord row : CSVFormat.DEFAULT.builder().setHeader().get().parse(in)) {
        int index = Integer.parseInt(row.get("index"));
        assertEquals(row.get("arch"), Nb201Architecture.fromIndex(index).toBenchmarkString(), "index " + index);
        rows++;
      }
    }
    assertEquals(Nb201Architecture.COUNT, rows);
  }

  @Test
  void sourcesMayBeListedInAnyOrder() {
    Nb201Architecture reordered = Nb201Architecture.parse(
        " |nor_conv_3x3~0|+|avg_pool_3x3~1|nor_conv_3x3~0|+|skip_connect~2|nor_conv_3x3~1|skip_connect~0| ");
    assertEquals(INDEX_1, reordered.toBenchmarkString());
  }

  @Test
  void opLooksUpEdgesByTargetAndSource() {
    Nb201Architecture arch = Nb201Architecture.fromIndex(1);
    assertEquals(Operation.AVG_POOL_3X3, arch.op(2, 1));
    assertEquals(Operation.SKIP_CONNECT, arch.op(3, 0));
    assertEquals(List.of(Operation.NOR_CONV_3X3, Operation.NOR_CONV_3X3, Operation.AVG_POOL_3X3,
        Operation.SKIP_CONNECT, Operation.NOR_CONV_3X3, Operation.SKIP_CONNECT), arch.ops());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|",
      "|conv~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|",
      "|nor_conv_3x3~1|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|",
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~0|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|",
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|",
      "|nor_conv_3x3|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|",
      "|nor_conv_3x3~x|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|",
      "nor_conv_3x3~0+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"})
  void malformedStringsAreRejectedWithAReason(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Nb201Architecture.parse(text));
    assertTrue(e.getMessage().length() > 10, e.getMessage());
  }

  @Test
  void errorsNameTheBadPart() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Nb201Architecture.parse(
        "|nor_conv_3x3~0|+|nor_conv_3x3~0|conv5~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"));
    assertTrue(e.getMessage().contains("2<-1") && e.getMessage().contains("conv5")
        && e.getMessage().contains("avg_pool_3x3"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Nb201Architecture.fromIndex(15625));
    assertTrue(e.getMessage().contains("0..15624"), e.getMessage());
  }
}
