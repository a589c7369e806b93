package dev.knas.strategy.knas;

import dev.knas.space.Nb201Architecture;
import dev.knas.strategy.Proposal;
import dev.knas.strategy.Stage;
import dev.knas.strategy.Strategy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * KNAS's procedure (Xu et al., ICML 2021): draw {@code candidates} distinct architectures at random, score each
 * with the gradient kernel (MGM), and evaluate only the {@code topK} with the highest MGM (ties: the earlier
 * draw) at the search's fidelity, in decreasing order of MGM; the runner reports the best evaluated.
 */
public final class KnasTopK implements Strategy {

  private record Screened(Proposal proposal, double mgm) {}

  private final int candidates;
  private final int topK;
  private final List<Nb201Architecture> draws = new ArrayList<>();
  private final List<Screened> screened = new ArrayList<>();
  private List<Nb201Architecture> shortlist;
  private long next;
  private int evaluationsProposed;

  public KnasTopK(long seed, int candidates, int topK) {
    if (candidates < 1 || topK < 1 || topK > candidates || candidates > Nb201Architecture.COUNT) {
      throw new IllegalArgumentException("need 1 <= k <= N <= " + Nb201Architecture.COUNT);
    }
    this.candidates = candidates;
    this.topK = topK;
    SplittableRandom random = new SplittableRandom(seed);
    Set<Integer> seen = new HashSet<>();
    while (draws.size() < candidates) {
      int index = random.nextInt(Nb201Architecture.COUNT);
      if (seen.add(index)) {
        draws.add(Nb201Architecture.fromIndex(index));
      }
    }
  }

  @Override
  public String name() {
    return "knas";
  }

  @Override
  public Optional<Proposal> ask() {
    if (next < candidates) {
      return Optional.of(new Proposal(next, draws.get((int) next++), Stage.KERNEL));
    }
    if (shortlist == null || evaluationsProposed >= shortlist.size()) {
      return Optional.empty();
    }
    return Optional.of(new Proposal(next++, shortlist.get(evaluationsProposed++), Stage.EVALUATION));
  }

  @Override
  public void tell(Proposal proposal, double score) {
    if (proposal.stage() != Stage.KERNEL) {
      return;
    }
    screened.add(new Screened(proposal, score));
    if (screened.size() == candidates) {
      shortlist = screened.stream()
          .sorted(Comparator.comparingDouble(Screened::mgm).reversed()
              .thenComparingLong(s -> s.proposal().sequence()))
          .limit(topK)
          .map(s -> s.proposal().architecture())
          .toList();
    }
  }

  @Override
  public boolean finished() {
    return shortlist != null && evaluationsProposed >= shortlist.size();
  }

  /** The k architectures chosen for evaluation, highest MGM first, once all candidates are screened. */
  public Optional<List<Nb201Architecture>> shortlist() {
    return Optional.ofNullable(shortlist);
  }
}
