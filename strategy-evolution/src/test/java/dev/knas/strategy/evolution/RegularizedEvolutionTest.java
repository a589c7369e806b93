package dev.knas.strategy.evolution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.space.nb201.Nb201Space;
import dev.knas.strategy.Proposal;
import dev.knas.strategy.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RegularizedEvolutionTest {

  @Test
  void mutationChangesExactlyOneEdge() {
    SplittableRandom random = new SplittableRandom(1);
    int[] edgesChanged = new int[6];
    for (int i = 0; i < 5000; i++) {
      Nb201Architecture parent = Nb201Architecture.fromIndex(random.nextInt(Nb201Architecture.COUNT));
      Nb201Architecture child = new Nb201Space().mutate(parent, random);
      int differing = 0;
      for (int e = 0; e < 6; e++) {
        if (parent.ops().get(e) != child.ops().get(e)) {
          differing++;
          edgesChanged[e]++;
        }
      }
      assertEquals(1, differing, parent + " -> " + child);
    }
    for (int count : edgesChanged) {
      assertTrue(count > 650 && count < 1010, "every edge is mutated about a sixth of the time: " + count);
    }
  }

  @Test
  void fillsThePopulationThenWaitsForItsScores() {
    RegularizedEvolution evolution = new RegularizedEvolution(2, 4, 2);
    List<Proposal> initial = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Proposal p = evolution.ask().orElseThrow();
      assertEquals(i, p.sequence());
      assertEquals(Stage.EVALUATION, p.stage());
      initial.add(p);
    }
    assertEquals(Optional.empty(), evolution.ask(), "no child before the population is scored");
    for (int i = 0; i < 3; i++) {
      evolution.tell(initial.get(i), i);
    }
    assertEquals(Optional.empty(), evolution.ask());
    evolution.tell(initial.get(3), 3);
    assertTrue(evolution.ask().isPresent());
  }

  @Test
  void theOldestMemberLeavesWhenAChildJoins() {
    RegularizedEvolution evolution = new RegularizedEvolution(3, 3, 2);
    List<Proposal> told = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Proposal p = evolution.ask().orElseThrow();
      evolution.tell(p, 100 - i);
      told.add(p);
      List<RegularizedEvolution.Member> population = evolution.population();
      assertEquals(Math.min(i + 1, 3), population.size());
      List<Nb201Architecture> expected = told.subList(Math.max(0, told.size() - 3), told.size()).stream()
          .map(Proposal::architecture).toList();
      assertEquals(expected, population.stream().map(RegularizedEvolution.Member::architecture).toList(),
          "the population is the last three told, oldest first");
    }
  }

  @Test
  void childrenDescendFromTheTournamentsBest() {
    // With a tournament far larger than the population, the best member is virtually always drawn.
    RegularizedEvolution evolution = new RegularizedEvolution(4, 3, 60);
    List<Proposal> initial = List.of(evolution.ask().orElseThrow(), evolution.ask().orElseThrow(),
        evolution.ask().orElseThrow());
    evolution.tell(initial.get(0), 1);
    evolution.tell(initial.get(1), 9);
    evolution.tell(initial.get(2), 5);
    Nb201Architecture child = evolution.ask().orElseThrow().architecture();
    Nb201Architecture best = initial.get(1).architecture();
    int differing = 0;
    for (int e = 0; e < 6; e++) {
      differing += child.ops().get(e) == best.ops().get(e) ? 0 : 1;
    }
    assertEquals(1, differing, best + " -> " + child);
  }

  @Test
  void theSeedDecides() {
    assertEquals(run(7), run(7));
    assertNotEquals(run(7), run(8));
  }

  private static List<Nb201Architecture> run(long seed) {
    RegularizedEvolution evolution = new RegularizedEvolution(seed, 5, 2);
    List<Nb201Architecture> proposed = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      Proposal p = evolution.ask().orElseThrow();
      proposed.add(p.architecture());
      evolution.tell(p, p.architecture().index() % 97);
    }
    return proposed;
  }
}
