package dev.knas.strategy.freeevolution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.space.nb201.Operation;
import dev.knas.strategy.Outcome;
import dev.knas.strategy.Proposal;
import dev.knas.strategy.Stage;
import dev.knas.strategy.screening.ScreeningRank;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The strategy alone, told made-up proxy values, with one to several screenings in flight (no service). */
class TrainingFreeEvolutionTest {

  private static final ScreeningRank VOTE = ScreeningRank.parse("ensemble(convs,idx)");

  /** Made-up proxies: convs counts 3x3 convolutions; idx is absent for every seventh index; none for 13k. */
  private static Outcome screen(Nb201Architecture a) {
    if (a.index() % 13 == 0) {
      return new Outcome.Failed("OUT_OF_RANGE: no finite value");
    }
    Map<String, Double> values = new HashMap<>();
    values.put("convs", (double) a.ops().stream().filter(o -> o == Operation.NOR_CONV_3X3).count());
    if (a.index() % 7 != 0) {
      values.put("idx", (double) (a.index() % 101));
    }
    return new Outcome.Screened(values);
  }

  /** Everything one search proposes, telling outcomes in order with up to {@code inFlight} outstanding. */
  private static List<Proposal> run(TrainingFreeEvolution strategy, int inFlight) {
    List<Proposal> asked = new ArrayList<>();
    Deque<Proposal> outstanding = new ArrayDeque<>();
    while (!strategy.finished()) {
      while (outstanding.size() < inFlight) {
        var next = strategy.ask();
        if (next.isEmpty()) {
          break;
        }
        asked.add(next.get());
        outstanding.add(next.get());
      }
      Proposal head = outstanding.poll();
      assertTrue(head != null, "the strategy waits for nothing");
      strategy.tell(head, head.stage() == Stage.KERNEL ? screen(head.architecture())
          : new Outcome.Scored(head.architecture().index()));
    }
    return asked;
  }

  @Test
  void screensTheBudgetOfDistinctArchitecturesThenEvaluatesTheTopKAmongAllOfThem() {
    TrainingFreeEvolution evolution = new TrainingFreeEvolution(5, 8, 3, 60, 4, VOTE);
    List<Proposal> asked = run(evolution, 1);
    List<Proposal> screened = asked.stream().filter(p -> p.stage() == Stage.KERNEL).toList();
    assertEquals(60, screened.size());
    assertEquals(60, new HashSet<>(screened.stream().map(Proposal::architecture).toList()).size());
    assertEquals(IntStream.range(0, 64).boxed().toList(), asked.stream().map(p -> (int) p.sequence()).toList());

    List<Nb201Architecture> succeeded = screened.stream().map(Proposal::architecture)
        .filter(a -> screen(a) instanceof Outcome.Screened).toList();
    double[] scores = VOTE.scores(succeeded.stream().map(a -> ((Outcome.Screened) screen(a)).proxies()).toList());
    List<Nb201Architecture> expected = IntStream.range(0, succeeded.size()).boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparingInt(i -> i)).limit(4)
        .map(succeeded::get).toList();
    assertEquals(expected, evolution.shortlist().orElseThrow());
    assertEquals(expected, asked.subList(60, 64).stream().map(Proposal::architecture).toList(),
        "the k ranked highest are evaluated, highest first");
    assertTrue(evolution.finished());
  }

  @Test
  void childrenAreOneEdgeMutationsOfThePopulationAndFailuresNeverJoinIt() {
    TrainingFreeEvolution evolution = new TrainingFreeEvolution(2, 6, 2, 80, 1, VOTE);
    int mutations = 0;
    for (int i = 0; i < 80; i++) {
      List<Nb201Architecture> members = evolution.population().stream().map(Map.Entry::getKey).toList();
      assertTrue(members.size() <= 6);
      assertTrue(members.stream().allMatch(m -> screen(m) instanceof Outcome.Screened), "failures never join");
      Proposal p = evolution.ask().orElseThrow();
      if (members.size() == 6 && members.stream().anyMatch(m -> differingEdges(m, p.architecture()) == 1)) {
        mutations++;
      }
      evolution.tell(p, screen(p.architecture()));
    }
    assertTrue(mutations >= 60, "after the population is filled, children are mutations: " + mutations);
  }

  @Test
  void theSameSeedAndOutcomesGiveTheSameSearchAndTheSeedMatters() {
    for (int inFlight : new int[] {1, 3}) {
      List<Proposal> first = run(new TrainingFreeEvolution(9, 10, 4, 50, 3, VOTE), inFlight);
      assertEquals(first, run(new TrainingFreeEvolution(9, 10, 4, 50, 3, VOTE), inFlight));
      assertNotEquals(first, run(new TrainingFreeEvolution(10, 10, 4, 50, 3, VOTE), inFlight));
    }
  }

  @Test
  void waitsForThePopulationBeforeMutatingAndForEveryScreeningBeforeEvaluating() {
    TrainingFreeEvolution evolution = new TrainingFreeEvolution(1, 3, 2, 4, 2, VOTE);
    List<Proposal> filling = List.of(evolution.ask().orElseThrow(), evolution.ask().orElseThrow(),
        evolution.ask().orElseThrow());
    assertTrue(evolution.ask().isEmpty(), "no parent before the population is told");
    for (Proposal p : filling) {
      evolution.tell(p, new Outcome.Screened(Map.of("convs", 1.0, "idx", (double) p.sequence())));
    }
    Proposal child = evolution.ask().orElseThrow();
    assertTrue(evolution.ask().isEmpty(), "the screen budget is spent; evaluations wait for its last outcome");
    assertFalse(evolution.finished());
    evolution.tell(child, new Outcome.Failed("OUT_OF_RANGE"));
    assertEquals(List.of(filling.get(2).architecture(), filling.get(1).architecture()),
        evolution.shortlist().orElseThrow());
  }

  @Test
  void refusesImpossibleSettings() {
    assertThrows(IllegalArgumentException.class, () -> new TrainingFreeEvolution(0, 0, 1, 5, 1, VOTE));
    assertThrows(IllegalArgumentException.class, () -> new TrainingFreeEvolution(0, 5, 0, 5, 1, VOTE));
    assertThrows(IllegalArgumentException.class, () -> new TrainingFreeEvolution(0, 5, 1, 5, 6, VOTE));
    assertThrows(IllegalArgumentException.class, () -> new TrainingFreeEvolution(0, 5, 1, 15_626, 1, VOTE));
  }

  private static int differingEdges(Nb201Architecture a, Nb201Architecture b) {
    return (int) IntStream.range(0, a.ops().size()).filter(i -> a.ops().get(i) != b.ops().get(i)).count();
  }
}
