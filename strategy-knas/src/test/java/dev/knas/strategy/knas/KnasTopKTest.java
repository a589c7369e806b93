package dev.knas.strategy.knas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.space.Nb201Architecture;
import dev.knas.strategy.Proposal;
import dev.knas.strategy.Stage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KnasTopKTest {

  @Test
  void screensDistinctCandidatesThenEvaluatesTheHighestMgmFirst() {
    KnasTopK knas = new KnasTopK(11, 8, 3);
    List<Proposal> screened = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Proposal p = knas.ask().orElseThrow();
      assertEquals(Stage.KERNEL, p.stage());
      assertEquals(i, p.sequence());
      screened.add(p);
    }
    assertEquals(8, new HashSet<>(screened.stream().map(Proposal::architecture).toList()).size());
    assertEquals(Optional.empty(), knas.ask(), "nothing to evaluate before every candidate is screened");
    double[] mgm = {3, 7, 1, 7, 9, 2, 0, 5};
    for (int i = 0; i < 8; i++) {
      knas.tell(screened.get(i), mgm[i]);
    }
    // 9 (#4), then the tie 7 (#1 before #3).
    List<Nb201Architecture> expected = List.of(screened.get(4).architecture(), screened.get(1).architecture(),
        screened.get(3).architecture());
    assertEquals(expected, knas.shortlist().orElseThrow());
    List<Nb201Architecture> evaluated = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      assertFalse(knas.finished());
      Proposal p = knas.ask().orElseThrow();
      assertEquals(Stage.EVALUATION, p.stage());
      assertEquals(8 + i, p.sequence());
      evaluated.add(p.architecture());
      knas.tell(p, 90 - i);
    }
    assertEquals(expected, evaluated);
    assertTrue(knas.finished());
    assertEquals(Optional.empty(), knas.ask());
  }

  @Test
  void refusesImpossibleSettings() {
    assertThrows(IllegalArgumentException.class, () -> new KnasTopK(0, 5, 6));
    assertThrows(IllegalArgumentException.class, () -> new KnasTopK(0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new KnasTopK(0, 15_626, 1));
  }

  @Test
  void theSeedDecidesTheCandidates() {
    assertEquals(candidates(4), candidates(4));
    assertFalse(candidates(4).equals(candidates(5)));
  }

  private static List<Nb201Architecture> candidates(long seed) {
    KnasTopK knas = new KnasTopK(seed, 20, 2);
    List<Nb201Architecture> drawn = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      drawn.add(knas.ask().orElseThrow().architecture());
    }
    return drawn;
  }
}
