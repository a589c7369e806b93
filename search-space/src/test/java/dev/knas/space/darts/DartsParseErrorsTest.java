package dev.knas.space.darts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every refusal names the bad part. */
class DartsParseErrorsTest {

  private static final DartsSpace SPACE = new DartsSpace();

  private static final String V2 = DartsSpace.DARTS_V2;

  private static final String V2_COMPACT = new DartsSpace().parse(V2).compact();

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of("", "at character 1: expected a value, found the end"),
        Arguments.of(V2.substring(0, 36), "at character 37: expected ',' or ']', found the end"),
        Arguments.of(V2 + ")", "expected the end, found ')'"),
        Arguments.of("Genotype(normal=[('sep_conv_3x3, 0)])", "expected a string closed by '"),
        Arguments.of("[".repeat(20), "expected at most 8 levels of nesting"),
        Arguments.of(V2_COMPACT.replaceFirst("\\(0, 3\\)", "(12345678901, 3)"), "expected a number of 1 to 9 digits"),
        Arguments.of("True", "expected '(' after 'True'"),
        Arguments.of("'darts'", "expected Genotype(...) or a compact ((...), (...)), found ''darts''"),
        Arguments.of("Genotype(normal=[], normal=[])", "expected each keyword once, 'normal' again"),
        Arguments.of(replaceNth(V2, "'sep_conv_3x3'", 3, "'conv5'"),
            "normal[3]: unknown operation 'conv5'; known: max_pool_3x3, avg_pool_3x3, skip_connect, sep_conv_3x3,"
                + " sep_conv_5x5, dil_conv_3x3, dil_conv_5x5"),
        Arguments.of(V2.replace("('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2)",
            "('max_pool_3x3', 7), ('skip_connect', 2), ('skip_connect', 2)"),
            "reduce node 4: input 7 is out of range 0..3"),
        Arguments.of(V2.replace("('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0)",
            "('sep_conv_3x3', 0), ('sep_conv_3x3', 0), ('sep_conv_3x3', 0)"), "normal node 2: both inputs are node 0"),
        Arguments.of(V2.replace("normal=[('sep_conv_3x3', 0), ", "normal=["),
            "normal has 7 edges; a cell has 8, two for each of nodes 2..5"),
        Arguments.of(V2.replace("normal=[('sep_conv_3x3', 0), ", "normal=[('sep_conv_3x3', 0, 1), "),
            "normal[0]: expected a pair ('operation', input node), found '('sep_conv_3x3', 0, 1)'"),
        Arguments.of(V2.replace("normal_concat=[2, 3, 4, 5]", "normal_concat=[2, 3, 5]"),
            "normal_concat: only [2, 3, 4, 5] (every intermediate node) is in this space, found '[2, 3, 5]'"),
        Arguments.of(V2.replace("reduce_concat=[2, 3, 4, 5]", "reduce_concat=range(2, 5)"),
            "reduce_concat: only [2, 3, 4, 5] (every intermediate node) is in this space, found 'range(2, 5)'"),
        Arguments.of(V2.replace("reduce_concat", "reduce_cat"), "genotype: unknown field 'reduce_cat'"),
        Arguments.of(V2.replace(", reduce_concat=[2, 3, 4, 5]", ""), "genotype: missing field 'reduce_concat'"),
        Arguments.of("Genotype([], [], [], [], [])", "genotype: 5 fields; Genotype has normal, normal_concat,"),
        Arguments.of("Genotype([], [2, 3, 4, 5], [], [2, 3, 4, 5], normal=[])", "genotype: field 'normal' given twice"),
        Arguments.of(V2_COMPACT.replaceFirst("\\(0, 3\\)", "(0, 7)"), "normal[0]: op index 7 is out of range 0..6"),
        Arguments.of(V2_COMPACT.replaceFirst("\\(2, 2\\)", "(-1, 2)"), "reduce node 3: input -1 is out of range 0..2"),
        Arguments.of(V2_COMPACT.replaceFirst("\\(0, 3\\)", "('0', 3)"), "normal[0]: expected a pair (input node, op"),
        Arguments.of("(" + V2_COMPACT + ")", "compact: expected two cells (normal, reduce), found 1"),
        Arguments.of("((), (), ())", "compact: expected two cells (normal, reduce), found 3"),
        Arguments.of("(1, 2)", "normal: expected 8 (input node, op index) pairs, found '1'"),
        Arguments.of("Genotype(normal=5, normal_concat=[2, 3, 4, 5], reduce=[], reduce_concat=[2, 3, 4, 5])",
            "normal: expected a list of 8 (operation, input node) pairs, found '5'"));
  }

  @ParameterizedTest
  @MethodSource("refusals")
  void refusalNamesTheBadPart(String text, String expected) {
    IllegalArgumentException refusal = assertThrows(IllegalArgumentException.class, () -> SPACE.parse(text));
    assertTrue(refusal.getMessage().contains(expected), refusal.getMessage());
  }

  @Test
  void userTextIsEscapedInMessages() {
    String text = replaceNth(V2, "'sep_conv_3x3'", 0, "'a\u0000b\u202ec'");
    IllegalArgumentException refusal = assertThrows(IllegalArgumentException.class, () -> SPACE.parse(text));
    assertEquals("normal[0]: unknown operation 'a\\u0000b\\u202ec'; known: " + DartsOperation.spellings(),
        refusal.getMessage());
    String newline = "Genotype(normal=[('sep\n', 0)])";
    assertFalse(assertThrows(IllegalArgumentException.class, () -> SPACE.parse(newline)).getMessage()
        .contains("\n"));
  }

  @Test
  void anotherSpacesArchitectureIsRefused() {
    dev.knas.space.SpaceArchitecture other = new dev.knas.space.SpaceArchitecture() {
      @Override
      public String space() {
        return "nb201";
      }

      @Override
      public String text() {
        return "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|skip_connect~1|skip_connect~2|";
      }
    };
    IllegalArgumentException refusal = assertThrows(IllegalArgumentException.class, () -> SPACE.canonical(other));
    assertEquals("an architecture of space 'nb201', not 'darts'", refusal.getMessage());
  }

  /** {@code text} with the {@code n}th (from 0) occurrence of {@code target} replaced. */
  private static String replaceNth(String text, String target, int n, String replacement) {
    int at = -1;
    for (int i = 0; i <= n; i++) {
      at = text.indexOf(target, at + 1);
    }
    return text.substring(0, at) + replacement + text.substring(at + target.length());
  }
}
