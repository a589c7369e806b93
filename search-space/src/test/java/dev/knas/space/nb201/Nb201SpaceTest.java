package dev.knas.space.nb201;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.knas.space.SpaceArchitecture;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class Nb201SpaceTest {

  private static final Nb201Space SPACE = new Nb201Space();

  @Test
  void describesItself() {
    assertEquals("nb201", SPACE.name());
    assertEquals("nb201/1", SPACE.version());
    assertEquals(BigInteger.valueOf(15_625), SPACE.size());
    assertEquals(3, SPACE.forms().size());
    assertEquals(Nb201ArchitectureTest.INDEX_1, SPACE.example());
  }

  @Test
  void architecturesSayTheirSpaceAndText() {
    Nb201Architecture arch = Nb201Architecture.fromIndex(1);
    assertEquals("nb201", arch.space());
    assertEquals(Nb201ArchitectureTest.INDEX_1, arch.text());
  }

  @Test
  void everyFormParsesToTheSameArchitecture() {
    Nb201Architecture one = Nb201Architecture.fromIndex(1);
    assertEquals(one, SPACE.parse(Nb201ArchitectureTest.INDEX_1));
    assertEquals(one, SPACE.parse("1"));
    assertEquals(one, SPACE.parse(" 1\n"));
    assertEquals(one, SPACE.parse(
        "nor_conv_3x3, nor_conv_3x3, avg_pool_3x3, skip_connect, nor_conv_3x3, skip_connect"));
    for (int i = 0; i < Nb201Architecture.COUNT; i++) {
      Nb201Architecture arch = Nb201Architecture.fromIndex(i);
      String ops = arch.ops().stream().map(Operation::benchmarkName).collect(Collectors.joining(","));
      assertEquals(arch, SPACE.parse(arch.text()));
      assertEquals(arch, SPACE.parse(Integer.toString(i)));
      assertEquals(arch, SPACE.parse(ops), ops);
    }
  }

  @Test
  void parseErrorsNameTheBadPart() {
    assertMessage("edge 2<-1: unknown operation 'conv5'; known: none, skip_connect, nor_conv_1x1, nor_conv_3x3,"
        + " avg_pool_3x3", "none, none, conv5, none, none, none");
    assertMessage("a cell has exactly 6 edge operations, got 5", "none,none,none,none,none");
    assertMessage("edge 2<-1: unknown operation 'conv5'; known: none, skip_connect, nor_conv_1x1, nor_conv_3x3,"
        + " avg_pool_3x3", "|none~0|+|none~0|conv5~1|+|none~0|none~1|none~2|");
    assertMessage("NAS-Bench-201 index 15625 is out of range 0..15624", "15625");
    assertMessage("architecture string is empty", " ");
  }

  private static void assertMessage(String expected, String text) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> SPACE.parse(text)).getMessage());
  }

  @Test
  void canonicalFormAndHashAreTheExistingOnes() {
    for (int i = 0; i < Nb201Architecture.COUNT; i++) {
      Nb201Architecture arch = Nb201Architecture.fromIndex(i);
      assertEquals(CanonicalForm.of(arch), SPACE.canonical(arch));
      assertEquals(CanonicalHash.of(arch), SPACE.canonicalHash(arch));
    }
  }

  @Test
  void refusesAnotherSpacesArchitecture() {
    SpaceArchitecture other = new SpaceArchitecture() {
      @Override
      public String space() {
        return "other";
      }

      @Override
      public String text() {
        return "cell";
      }
    };
    assertThrows(IllegalArgumentException.class, () -> SPACE.canonical(other));
    assertThrows(IllegalArgumentException.class, () -> SPACE.canonicalHash(other));
    assertThrows(IllegalArgumentException.class, () -> SPACE.mutate(other, new SplittableRandom(0)));
  }

  /** The strategies drew {@code fromIndex(random.nextInt(COUNT))}; a seeded search must propose the same. */
  @Test
  void samplesAsTheStrategiesDrew() {
    for (long seed = 0; seed < 5; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      SplittableRandom old = new SplittableRandom(seed);
      for (int i = 0; i < 1000; i++) {
        assertEquals(Nb201Architecture.fromIndex(old.nextInt(Nb201Architecture.COUNT)), SPACE.sample(random));
      }
      assertEquals(old.nextLong(), random.nextLong(), "the generators part ways");
    }
  }

  @Test
  void mutationChangesExactlyOneEdge() {
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 5000; i++) {
      Nb201Architecture parent = SPACE.sample(random);
      Nb201Architecture child = SPACE.mutate(parent, random);
      assertNotEquals(parent, child);
      int differing = 0;
      for (int e = 0; e < Edge.CANONICAL_ORDER.size(); e++) {
        differing += parent.ops().get(e) == child.ops().get(e) ? 0 : 1;
      }
      assertEquals(1, differing, parent + " -> " + child);
    }
  }

  /** A walk of mutations, each from the last, is the one strategy-evolution's own mutation gave before it moved. */
  @Test
  void mutatesAsRegularizedEvolutionDid() {
    SplittableRandom random = new SplittableRandom(11);
    SplittableRandom old = new SplittableRandom(11);
    Nb201Architecture walk = Nb201Architecture.fromIndex(0);
    Nb201Architecture oldWalk = walk;
    List<Integer> indices = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      walk = SPACE.mutate(walk, random);
      oldWalk = regularizedEvolutionMutate(oldWalk, old);
      assertEquals(oldWalk, walk, "step " + i);
      if (i < 5) {
        indices.add(walk.index());
      }
    }
    assertEquals(old.nextLong(), random.nextLong(), "the generators part ways");
    // Pinned, so that a change to both this copy and the space still shows.
    assertEquals(List.of(11645, 13313, 9159, 5296, 9927), indices);
  }

  /** RegularizedEvolution.mutate as it was written before the space took it over. */
  private static Nb201Architecture regularizedEvolutionMutate(Nb201Architecture parent, SplittableRandom random) {
    List<Operation> ops = new ArrayList<>(parent.ops());
    int edge = random.nextInt(ops.size());
    List<Operation> others = new ArrayList<>(List.of(Operation.values()));
    others.remove(ops.get(edge));
    ops.set(edge, others.get(random.nextInt(others.size())));
    return new Nb201Architecture(ops);
  }

  @Test
  void enumeratesEveryArchitectureInIndexOrder() {
    List<SpaceArchitecture> all = SPACE.enumerate().orElseThrow().toList();
    assertEquals(Nb201Architecture.COUNT, all.size());
    assertEquals(Nb201Architecture.COUNT, new HashSet<>(all).size());
    for (int i = 0; i < all.size(); i++) {
      assertEquals(Nb201Architecture.fromIndex(i), all.get(i));
    }
  }
}
