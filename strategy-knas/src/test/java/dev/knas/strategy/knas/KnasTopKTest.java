package dev.knas.strategy.knas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.strategy.Outcome;
import dev.knas.strategy.Proposal;
import dev.knas.strategy.Stage;
import dev.knas.strategy.screening.ScreeningRank;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KnasTopKTest {

  private static final ScreeningRank MGM = ScreeningRank.parse("mgm");

  @Test
  void screensDistinctCandidatesThenEvaluatesTheHighestMgmFirst() {
    KnasTopK knas = new KnasTopK(11, 8, 3, MGM);
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
      knas.tell(screened.get(i), new Outcome.Screened(Map.of("mgm", mgm[i])));
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
  void anEnsembleRanksWithinTheCandidatesAndFailedScreeningsAreNeverEvaluated() {
    KnasTopK knas = new KnasTopK(3, 4, 3, ScreeningRank.parse("ensemble(naswot,synflow)"));
    List<Proposal> screened = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      screened.add(knas.ask().orElseThrow());
    }
    knas.tell(screened.get(0), new Outcome.Screened(Map.of("naswot", 1.0, "synflow", 30.0)));
    knas.tell(screened.get(1), new Outcome.Screened(Map.of("naswot", 2.0)));
    knas.tell(screened.get(2), new Outcome.Failed("OUT_OF_RANGE: synflow is ln 0"));
    knas.tell(screened.get(3), new Outcome.Screened(Map.of("naswot", 3.0, "synflow", 20.0)));
    // naswot ranks #0 1, #1 2, #3 3; synflow ranks #1 1 (absent), #3 2, #0 3: votes #0 4, #1 3, #3 5.
    assertEquals(List.of(screened.get(3).architecture(), screened.get(0).architecture(),
        screened.get(1).architecture()), knas.shortlist().orElseThrow());
    for (int i = 0; i < 3; i++) {
      Proposal p = knas.ask().orElseThrow();
      assertEquals(Stage.EVALUATION, p.stage());
      knas.tell(p, new Outcome.Failed("NOT_FOUND"));
    }
    assertTrue(knas.finished());
  }

  @Test
  void refusesImpossibleSettings() {
    assertThrows(IllegalArgumentException.class, () -> new KnasTopK(0, 5, 6, MGM));
    assertThrows(IllegalArgumentException.class, () -> new KnasTopK(0, 0, 0, MGM));
    assertThrows(IllegalArgumentException.class, () -> new KnasTopK(0, 15_626, 1, MGM));
  }

  @Test
  void theSeedDecidesTheCandidates() {
    assertEquals(candidates(4), candidates(4));
    assertFalse(candidates(4).equals(candidates(5)));
  }

  private static List<Nb201Architecture> candidates(long seed) {
    KnasTopK knas = new KnasTopK(seed, 20, 2, MGM);
    List<Nb201Architecture> drawn = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      drawn.add(knas.ask().orElseThrow().architecture());
    }
    return drawn;
  }
}
