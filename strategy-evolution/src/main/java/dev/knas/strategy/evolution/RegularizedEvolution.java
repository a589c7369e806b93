package dev.knas.strategy.evolution;

import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.space.nb201.Nb201Space;
import dev.knas.strategy.Proposal;
import dev.knas.strategy.Stage;
import dev.knas.strategy.Strategy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Regularized (aging) evolution, Real et al. 2019, as NAS-Bench-201 runs it (REA): the population is first
 * filled with random architectures; then each proposal is a mutation of the best of a tournament of
 * {@code sampleSize} members drawn at random (with replacement) from the population, and each scored child joins
 * the population while its oldest member leaves. Draws and mutations are the space's ({@link Nb201Space}): a
 * mutation gives one random edge a different operation.
 */
public final class RegularizedEvolution implements Strategy {

  /** A scored member of the population. */
  public record Member(Nb201Architecture architecture, double score) {}

  private static final Nb201Space SPACE = new Nb201Space();

  private final SplittableRandom random;
  private final int populationSize;
  private final int sampleSize;
  private final Deque<Member> population = new ArrayDeque<>();
  private long next;

  public RegularizedEvolution(long seed, int populationSize, int sampleSize) {
    if (populationSize < 1 || sampleSize < 1) {
      throw new IllegalArgumentException("population and sample sizes must be at least 1");
    }
    this.random = new SplittableRandom(seed);
    this.populationSize = populationSize;
    this.sampleSize = sampleSize;
  }

  @Override
  public String name() {
    return "evolution";
  }

  @Override
  public Optional<Proposal> ask() {
    if (next < populationSize) {
      return Optional.of(propose(SPACE.sample(random)));
    }
    if (population.size() < populationSize) {
      return Optional.empty();
    }
    List<Member> members = new ArrayList<>(population);
    Member parent = null;
    for (int i = 0; i < sampleSize; i++) {
      Member candidate = members.get(random.nextInt(members.size()));
      if (parent == null || candidate.score() > parent.score()) {
        parent = candidate;
      }
    }
    return Optional.of(propose(SPACE.mutate(parent.architecture(), random)));
  }

  @Override
  public void tell(Proposal proposal, double score) {
    population.addLast(new Member(proposal.architecture(), score));
    if (population.size() > populationSize) {
      population.removeFirst();
    }
  }

  @Override
  public boolean finished() {
    return false;
  }

  /** The population, oldest first. */
  public List<Member> population() {
    return List.copyOf(population);
  }

  private Proposal propose(Nb201Architecture architecture) {
    return new Proposal(next++, architecture, Stage.EVALUATION);
  }
}
