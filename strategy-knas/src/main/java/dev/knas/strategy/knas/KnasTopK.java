package dev.knas.strategy.knas;

import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.space.nb201.Nb201Space;
import dev.knas.strategy.Outcome;
import dev.knas.strategy.Proposal;
import dev.knas.strategy.Stage;
import dev.knas.strategy.Strategy;
import dev.knas.strategy.screening.ScreeningRank;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * KNAS's procedure (Xu et al., ICML 2021): draw {@code candidates} distinct architectures at random, screen each
 * with zero-cost proxies, and evaluate only the {@code topK} ranked highest (ties: the earlier draw) at the
 * search's fidelity, highest first; the runner reports the best evaluated. The paper ranks by the gradient
 * kernel (the proxy {@code mgm}); an ensemble ranks by its rank vote within the N candidates. A candidate
 * whose screening failed is never evaluated, so fewer than k may be when more than N - k fail.
 */
public final class KnasTopK implements Strategy {

  private record Screened(Proposal proposal, Map<String, Double> proxies) {}

  private static final Nb201Space SPACE = new Nb201Space();

  private final int candidates;
  private final int topK;
  private final ScreeningRank rank;
  private int told;
  private final List<Nb201Architecture> draws = new ArrayList<>();
  private final List<Screened> screened = new ArrayList<>();
  private List<Nb201Architecture> shortlist;
  private long next;
  private int evaluationsProposed;

  public KnasTopK(long seed, int candidates, int topK, ScreeningRank rank) {
    if (candidates < 1 || topK < 1 || topK > candidates || candidates > Nb201Architecture.COUNT) {
      throw new IllegalArgumentException("need 1 <= k <= N <= " + Nb201Architecture.COUNT);
    }
    this.candidates = candidates;
    this.topK = topK;
    this.rank = rank;
    SplittableRandom random = new SplittableRandom(seed);
    Set<Integer> seen = new HashSet<>();
    while (draws.size() < candidates) {
      Nb201Architecture draw = SPACE.sample(random);
      if (seen.add(draw.index())) {
        draws.add(draw);
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

  /** An evaluation's score, as {@code tell(proposal, new Outcome.Scored(score))}. */
  @Override
  public void tell(Proposal proposal, double score) {
    tell(proposal, new Outcome.Scored(score));
  }

  @Override
  public void tell(Proposal proposal, Outcome outcome) {
    if (proposal.stage() != Stage.KERNEL) {
      return;
    }
    told++;
    if (outcome instanceof Outcome.Screened values) {
      screened.add(new Screened(proposal, values.proxies()));
    }
    if (told == candidates) {
      double[] scores = rank.scores(screened.stream().map(Screened::proxies).toList());
      shortlist = IntStream.range(0, screened.size()).boxed()
          .sorted(Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparingInt(i -> i))
          .limit(topK)
          .map(i -> screened.get(i).proposal().architecture())
          .toList();
    }
  }

  @Override
  public boolean finished() {
    return shortlist != null && evaluationsProposed >= shortlist.size();
  }

  /** The k architectures chosen for evaluation, ranked highest first, once all candidates are screened. */
  public Optional<List<Nb201Architecture>> shortlist() {
    return Optional.ofNullable(shortlist);
  }
}
