package dev.knas.space.darts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The genotype and compact forms: published architectures read, print and read back, and the forms agree. */
class DartsFormsTest {

  private static final DartsSpace SPACE = new DartsSpace();

  /** DARTS_V1 as DARTS's cnn/genotypes.py writes it (DARTS_V2 is {@link DartsSpace#DARTS_V2}). */
  static final String DARTS_V1 = "Genotype(normal=[('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('skip_connect', 0),"
      + " ('sep_conv_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('skip_connect', 2)],"
      + " normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2),"
      + " ('max_pool_3x3', 0), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('avg_pool_3x3', 0)],"
      + " reduce_concat=[2, 3, 4, 5])";

  /** DARTS_V2 converted to NASLib's compact form by hand, with NASLib's op indices. */
  private static final String DARTS_V2_COMPACT = "(((0, 3), (1, 3), (0, 3), (1, 3), (1, 3), (0, 2), (0, 2), (2, 5)),"
      + " ((0, 0), (1, 0), (2, 2), (1, 0), (0, 0), (2, 2), (2, 2), (1, 0)))";

  /** Compact forms in Python's tuple spelling, which {@link DartsArchitecture#compact} reproduces exactly. */
  static Stream<String> compactForms() {
    return Stream.of(
        // From NAS-Bench-Suite-Zero's NAS-Bench-301 data.
        "(((0, 0), (1, 5), (1, 1), (0, 1), (1, 3), (0, 3), (1, 3), (3, 2)),"
            + " ((1, 0), (0, 2), (1, 3), (0, 3), (3, 0), (0, 1), (2, 0), (3, 6)))",
        // NASLib's tests/test_nb301_search_space.py.
        "(((0, 6), (1, 4), (0, 0), (1, 5), (1, 4), (3, 2), (0, 6), (3, 2)),"
            + " ((0, 1), (1, 4), (0, 1), (1, 4), (2, 6), (3, 4), (1, 5), (2, 1)))",
        "(((0, 1), (1, 4), (0, 6), (2, 0), (2, 6), (1, 4), (0, 5), (2, 2)),"
            + " ((0, 5), (1, 6), (0, 1), (1, 5), (2, 5), (1, 2), (3, 3), (0, 3)))",
        DARTS_V2_COMPACT);
  }

  static Stream<String> genotypes() {
    return Stream.of(DartsSpace.DARTS_V2, DARTS_V1);
  }

  @ParameterizedTest
  @MethodSource("compactForms")
  void compactFormsPrintAndReadBackInBothForms(String compact) {
    DartsArchitecture architecture = SPACE.parse(compact);
    assertEquals(compact, architecture.compact());
    assertEquals(architecture, SPACE.parse(architecture.text()));
    assertEquals(architecture.text(), SPACE.parse(architecture.text()).text());
  }

  @ParameterizedTest
  @MethodSource("genotypes")
  void genotypesPrintAsDartsWritesThemAndReadBackInBothForms(String genotype) {
    DartsArchitecture architecture = SPACE.parse(genotype);
    assertEquals(genotype, architecture.text());
    assertEquals(architecture, SPACE.parse(architecture.compact()));
  }

  @Test
  void compactAndGenotypeOfDartsV2AreOneArchitecture() {
    assertEquals(SPACE.parse(DartsSpace.DARTS_V2), SPACE.parse(DARTS_V2_COMPACT));
  }

  @Test
  void opIndicesFollowNaslibOpsOrder() {
    List<String> naslibOps = List.of("max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3", "sep_conv_5x5",
        "dil_conv_3x3", "dil_conv_5x5");
    for (int i = 0; i < naslibOps.size(); i++) {
      assertEquals(naslibOps.get(i), DartsOperation.ofCompactIndex(i).orElseThrow().spelling());
      assertEquals(i, DartsOperation.spelled(naslibOps.get(i)).orElseThrow().ordinal());
    }
    assertEquals(naslibOps.size(), DartsOperation.values().length);
  }

  @Test
  void compactPairsAreInputThenOpIndex() {
    DartsArchitecture architecture = SPACE.parse(compactForms().findFirst().orElseThrow());
    assertEquals(new DartsEdge(DartsOperation.MAX_POOL_3X3, 0), architecture.normal().edges().get(0));
    assertEquals(new DartsEdge(DartsOperation.DIL_CONV_3X3, 1), architecture.normal().edges().get(1));
    assertEquals(new DartsEdge(DartsOperation.DIL_CONV_5X5, 3), architecture.reduce().edges().get(7));
  }

  @Test
  void readsListsSpacingAndTheAlternativeSpellingsPythonAllows() {
    DartsArchitecture v2 = SPACE.parse(DartsSpace.DARTS_V2);
    String lists = "[[(0, 3), (1, 3), (0, 3), (1, 3), (1, 3), (0, 2), (0, 2), (2, 5)],"
        + "[[0,0],[1,0],[2,2],[1,0],[0,0],[2,2],[2,2],[1,0],],]";
    assertEquals(v2, SPACE.parse(lists));
    String dartsSearchOutput = DartsSpace.DARTS_V2.replace("[2, 3, 4, 5]", "range(2, 6)");
    assertEquals(v2, SPACE.parse(dartsSearchOutput));
    String positional = DartsSpace.DARTS_V2.replace("normal=", "").replace("normal_concat=", "")
        .replace("reduce=", "").replace("reduce_concat=", "");
    assertEquals(v2, SPACE.parse(positional));
    String normal = between(DartsSpace.DARTS_V2, "normal=", ", normal_concat");
    String reduce = between(DartsSpace.DARTS_V2, "reduce=", ", reduce_concat");
    String reordered = "Genotype(reduce_concat=(2, 3, 4, 5), reduce=" + reduce + ", normal="
        + normal.replace('\'', '"') + ", normal_concat=[2, 3, 4, 5])";
    assertEquals(v2, SPACE.parse("\n  " + reordered + "\n"));
  }

  private static String between(String text, String start, String end) {
    int from = text.indexOf(start) + start.length();
    return text.substring(from, text.indexOf(end, from));
  }
}
