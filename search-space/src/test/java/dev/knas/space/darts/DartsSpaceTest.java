package dev.knas.space.darts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.space.SearchSpaces;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The space's identity, size, canonical form and hash, sampling and mutation. */
class DartsSpaceTest {

  private static final DartsSpace SPACE = new DartsSpace();

  private static final DartsArchitecture V2 = SPACE.parse(DartsSpace.DARTS_V2);

  @Test
  void describesItself() {
    assertEquals("darts", SPACE.name());
    assertEquals("darts/1", SPACE.version());
    assertTrue(SPACE.description().contains("either order"), SPACE.description());
    assertEquals(List.of("genotype", "compact"), SPACE.forms().stream().map(f -> f.split(":")[0]).toList());
    assertEquals(SPACE.example(), SPACE.parse(SPACE.example()).text());
    assertEquals("darts", V2.space());
    assertTrue(SPACE.enumerate().isEmpty());
  }

  @Test
  void theRegistryFindsIt() {
    assertInstanceOf(DartsSpace.class, SearchSpaces.named("darts").orElseThrow());
  }

  /**
   * Counts each node's (unordered) pairs of edges by listing every way to fill its two edges in an otherwise
   * fixed cell and keeping the valid ones up to order; the nodes choose independently, so a cell's count is the
   * product, and an architecture is a normal and a reduction cell.
   */
  @Test
  void sizeIsTheBruteForceCountOfOneCellSquared() {
    long cells = 1;
    for (int node = DartsCell.FIRST_NODE; node <= DartsCell.LAST_NODE; node++) {
      Set<DartsCell> distinct = new HashSet<>();
      int first = 2 * (node - DartsCell.FIRST_NODE);
      for (DartsOperation op1 : DartsOperation.values()) {
        for (DartsOperation op2 : DartsOperation.values()) {
          for (int input1 = -1; input1 <= DartsCell.LAST_NODE + 1; input1++) {
            for (int input2 = -1; input2 <= DartsCell.LAST_NODE + 1; input2++) {
              List<DartsEdge> edges = new ArrayList<>(V2.normal().edges());
              edges.set(first, new DartsEdge(op1, input1));
              edges.set(first + 1, new DartsEdge(op2, input2));
              try {
                distinct.add(new DartsCell(edges).canonical());
              } catch (IllegalArgumentException invalid) {
                // Not a cell: an input out of range or both inputs the same.
              }
            }
          }
        }
      }
      assertEquals((long) node * (node - 1) / 2 * 49, distinct.size(), "node " + node);
      cells *= distinct.size();
    }
    assertEquals(1_037_664_180L, cells);
    assertEquals(cells, DartsCell.count());
    assertEquals(BigInteger.valueOf(cells).pow(2), SPACE.size());
    assertEquals(new BigInteger("1076746950455072400"), SPACE.size());
  }

  @Test
  void canonicalOrdersEachNodesEdgesByInputAndIsIdempotent() {
    DartsArchitecture canonical = SPACE.canonical(V2);
    assertEquals(canonical, SPACE.canonical(canonical));
    // DARTS_V2 lists normal node 4 as (sep_conv_3x3 from 1, skip_connect from 0).
    assertEquals(List.of(new DartsEdge(DartsOperation.SKIP_CONNECT, 0), new DartsEdge(DartsOperation.SEP_CONV_3X3, 1)),
        canonical.normal().edgesOf(4));
    assertNotEquals(V2, canonical);
    for (DartsCell cell : List.of(canonical.normal(), canonical.reduce())) {
      for (int node = DartsCell.FIRST_NODE; node <= DartsCell.LAST_NODE; node++) {
        assertTrue(cell.edgesOf(node).get(0).input() < cell.edgesOf(node).get(1).input(), "node " + node);
      }
    }
  }

  @Test
  void swappedEdgesOfANodeAreOneArchitecture() {
    DartsArchitecture swapped = SPACE.parse(DartsSpace.DARTS_V2.replace(
        "('sep_conv_3x3', 1), ('skip_connect', 0)", "('skip_connect', 0), ('sep_conv_3x3', 1)"));
    assertNotEquals(V2, swapped);
    assertEquals(SPACE.canonical(V2), SPACE.canonical(swapped));
    assertEquals(SPACE.canonicalHash(V2), SPACE.canonicalHash(swapped));
  }

  @Test
  void canonicalKeepsDifferentFunctionsApart() {
    // Swapping the operations but not the inputs of a node changes what it computes.
    DartsArchitecture opsSwapped = SPACE.parse(DartsSpace.DARTS_V2.replace(
        "('sep_conv_3x3', 1), ('skip_connect', 0)", "('skip_connect', 1), ('sep_conv_3x3', 0)"));
    assertNotEquals(SPACE.canonical(V2), SPACE.canonical(opsSwapped));
    // So does swapping the normal and the reduction cell.
    assertNotEquals(SPACE.canonical(V2), SPACE.canonical(new DartsArchitecture(V2.reduce(), V2.normal())));
    assertNotEquals(SPACE.canonicalHash(V2), SPACE.canonicalHash(SPACE.parse(DartsFormsTest.DARTS_V1)));
  }

  @Test
  void canonicalHashIsSha256OfTheSpaceNameAndCanonicalText() throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-256")
        .digest(("darts:" + SPACE.canonical(V2).text()).getBytes(StandardCharsets.UTF_8));
    assertEquals(HexFormat.of().formatHex(digest), SPACE.canonicalHash(V2));
    assertTrue(SPACE.canonicalHash(V2).matches("[0-9a-f]{64}"));
  }

  @Test
  void samplesAreCanonicalAndCoverOperationsAndInputPairsUniformly() {
    SplittableRandom random = new SplittableRandom(301);
    int samples = 20_000;
    int[][] opCounts = new int[2 * DartsCell.EDGES][DartsOperation.values().length];
    Map<String, Integer> lastNodeInputs = new TreeMap<>();
    for (int i = 0; i < samples; i++) {
      DartsArchitecture sample = SPACE.sample(random);
      assertEquals(sample, sample.canonical());
      List<DartsEdge> edges = new ArrayList<>(sample.normal().edges());
      edges.addAll(sample.reduce().edges());
      for (int e = 0; e < edges.size(); e++) {
        opCounts[e][edges.get(e).operation().ordinal()]++;
      }
      List<DartsEdge> last = sample.reduce().edgesOf(DartsCell.LAST_NODE);
      lastNodeInputs.merge(last.get(0).input() + "," + last.get(1).input(), 1, Integer::sum);
    }
    // Expected counts 2857 and 2000, standard deviations about 50 and 42: 10% is over 4.5 of them.
    double perOp = (double) samples / DartsOperation.values().length;
    for (int[] edge : opCounts) {
      for (int count : edge) {
        assertEquals(perOp, count, perOp / 10);
      }
    }
    assertEquals(10, lastNodeInputs.size(), lastNodeInputs.toString());
    double perPair = samples / 10.0;
    lastNodeInputs.values().forEach(count -> assertEquals(perPair, count, perPair / 10, lastNodeInputs.toString()));
  }

  @Test
  void mutationChangesExactlyOneEdgeAndNeverReturnsAnEquivalent() {
    SplittableRandom random = new SplittableRandom(2019);
    Set<String> kinds = new HashSet<>();
    for (int i = 0; i < 5_000; i++) {
      DartsArchitecture parent = i % 2 == 0 ? SPACE.sample(random) : SPACE.mutate(V2, random);
      DartsArchitecture child = SPACE.mutate(parent, random);
      assertNotEquals(SPACE.canonical(parent), SPACE.canonical(child));
      List<String> changes = new ArrayList<>();
      compare("normal", parent.normal(), child.normal(), changes);
      compare("reduce", parent.reduce(), child.reduce(), changes);
      assertEquals(1, changes.size(), parent + " -> " + child);
      kinds.add(changes.get(0));
    }
    // Both cells, every edge, both the operation and (except node 2's, fixed at {0, 1}) the input.
    assertEquals(2 * (DartsCell.EDGES * 2 - 2), kinds.size(), kinds.toString());
  }

  private static void compare(String cellName, DartsCell parent, DartsCell child, List<String> changes) {
    for (int e = 0; e < DartsCell.EDGES; e++) {
      DartsEdge before = parent.edges().get(e);
      DartsEdge after = child.edges().get(e);
      if (before.operation() != after.operation()) {
        changes.add(cellName + "[" + e + "] operation");
      }
      if (before.input() != after.input()) {
        changes.add(cellName + "[" + e + "] input");
      }
    }
  }
}
