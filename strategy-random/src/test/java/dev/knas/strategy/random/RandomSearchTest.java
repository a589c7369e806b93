package dev.knas.strategy.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.strategy.Proposal;
import dev.knas.strategy.Stage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomSearchTest {

  private static List<Proposal> proposals(long seed, int count) {
    RandomSearch search = new RandomSearch(seed);
    List<Proposal> proposals = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Proposal p = search.ask().orElseThrow();
      proposals.add(p);
      search.tell(p, i);
    }
    return proposals;
  }

  @Test
  void proposesUniformEvaluationsInSequence() {
    List<Proposal> proposals = proposals(3, 2000);
    Set<Integer> distinct = new HashSet<>();
    int[] firstOps = new int[5];
    for (int i = 0; i < proposals.size(); i++) {
      Proposal p = proposals.get(i);
      assertEquals(i, p.sequence());
      assertEquals(Stage.EVALUATION, p.stage());
      distinct.add(p.architecture().index());
      firstOps[p.architecture().ops().get(0).ordinal()]++;
    }
    assertTrue(distinct.size() > 1800, "2,000 uniform draws from 15,625 repeat rarely: " + distinct.size());
    for (int count : firstOps) {
      assertTrue(count > 300 && count < 500, "each op about a fifth of the time: " + count);
    }
    assertFalse(new RandomSearch(3).finished());
  }

  @Test
  void theSeedDecides() {
    assertEquals(proposals(5, 50), proposals(5, 50));
    assertNotEquals(proposals(5, 50), proposals(6, 50));
  }
}
