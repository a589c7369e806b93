package dev.knas.strategy.random;

import dev.knas.space.nb201.Nb201Space;
import dev.knas.strategy.Proposal;
import dev.knas.strategy.Stage;
import dev.knas.strategy.Strategy;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Random search: every proposal is an architecture drawn uniformly from the 15,625 (with replacement, as in
 * NAS-Bench-201's baseline), evaluated at the search's fidelity; the runner keeps the best.
 */
public final class RandomSearch implements Strategy {

  private static final Nb201Space SPACE = new Nb201Space();

  private final SplittableRandom random;
  private long next;

  public RandomSearch(long seed) {
    this.random = new SplittableRandom(seed);
  }

  @Override
  public String name() {
    return "random";
  }

  @Override
  public Optional<Proposal> ask() {
    return Optional.of(new Proposal(next++, SPACE.sample(random), Stage.EVALUATION));
  }

  @Override
  public void tell(Proposal proposal, double score) {
    // Random search does not learn from scores.
  }

  @Override
  public boolean finished() {
    return false;
  }
}
