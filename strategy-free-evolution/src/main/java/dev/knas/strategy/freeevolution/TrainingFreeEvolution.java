package dev.knas.strategy.freeevolution;

import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.space.nb201.Nb201Space;
import dev.knas.strategy.Outcome;
import dev.knas.strategy.Proposal;
import dev.knas.strategy.Stage;
import dev.knas.strategy.Strategy;
import dev.knas.strategy.screening.ScreeningRank;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Training-free evolution (FreeREA, Cavagnero et al., WACV 2023): regularized (aging) evolution whose fitness is
 * a zero-cost proxy rank instead of a trained accuracy, for {@code screenBudget} screenings, then evaluation of
 * the {@code topK} architectures ranked highest among everything screened, highest first.
 *
 * <p>The population is first filled with random architectures; then each proposal is a one-edge mutation of the
 * fittest of {@code sampleSize} members drawn at random (with replacement), and each screened child joins the
 * population while its oldest member leaves. Every screening proposes an architecture not screened before (a
 * mutation that gives one is retried, then replaced by a random draw), so the budget is never spent twice on one
 * cell. A failed screening (no proxy has a value) does not join the population and is never evaluated.
 *
 * <p>Fitness is the member's {@link ScreeningRank} score among <em>every</em> architecture screened so far,
 * recomputed at each tournament. Ranks move as the set grows (under an ensemble a newcomer can even reorder two
 * members), so a fitness computed when a member was screened is never compared with one computed later: at each
 * tournament every member is ranked against the same, current set. The choice then depends only on the outcomes
 * told so far, in order, which is what makes a replayed search propose the same children.
 */
public final class TrainingFreeEvolution implements Strategy {

  /** Mutations of a parent tried before drawing an unscreened architecture at random instead. */
  private static final int MUTATION_TRIES = 50;

  private static final Nb201Space SPACE = new Nb201Space();

  private record Screened(Nb201Architecture architecture, Map<String, Double> proxies) {}

  private final SplittableRandom random;
  private final int populationSize;
  private final int sampleSize;
  private final int screenBudget;
  private final int topK;
  private final ScreeningRank rank;
  /** Every successful screening, in the order told. */
  private final List<Screened> screened = new ArrayList<>();
  /** Positions in {@link #screened}, oldest first. */
  private final Deque<Integer> population = new ArrayDeque<>();
  private final Set<Integer> proposed = new HashSet<>();
  /** Random draws that fill the population, still to be told. */
  private final Set<Long> fillingInFlight = new HashSet<>();
  private long next;
  private int screensProposed;
  private int screensTold;
  private List<Nb201Architecture> shortlist;
  private int evaluationsProposed;

  public TrainingFreeEvolution(long seed, int populationSize, int sampleSize, int screenBudget, int topK,
      ScreeningRank rank) {
    if (populationSize < 1 || sampleSize < 1 || screenBudget < 1 || screenBudget > Nb201Architecture.COUNT
        || topK < 1 || topK > screenBudget) {
      throw new IllegalArgumentException("need population, sample size >= 1 and 1 <= k <= screen budget <= "
          + Nb201Architecture.COUNT);
    }
    this.random = new SplittableRandom(seed);
    this.populationSize = populationSize;
    this.sampleSize = sampleSize;
    this.screenBudget = screenBudget;
    this.topK = topK;
    this.rank = rank;
  }

  @Override
  public String name() {
    return "free-evolution";
  }

  @Override
  public Optional<Proposal> ask() {
    if (screensProposed < screenBudget) {
      if (population.size() + fillingInFlight.size() < populationSize) {
        Proposal proposal = screen(unscreened());
        fillingInFlight.add(proposal.sequence());
        return Optional.of(proposal);
      }
      if (population.size() < populationSize) {
        return Optional.empty();
      }
      return Optional.of(screen(child(tournament())));
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
    screensTold++;
    fillingInFlight.remove(proposal.sequence());
    if (outcome instanceof Outcome.Screened values) {
      screened.add(new Screened(proposal.architecture(), values.proxies()));
      population.addLast(screened.size() - 1);
      if (population.size() > populationSize) {
        population.removeFirst();
      }
    }
    if (screensTold == screenBudget) {
      double[] scores = scores();
      shortlist = IntStream.range(0, screened.size()).boxed()
          .sorted(Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparingInt(i -> i))
          .limit(topK)
          .map(i -> screened.get(i).architecture())
          .toList();
    }
  }

  @Override
  public boolean finished() {
    return shortlist != null && evaluationsProposed >= shortlist.size();
  }

  /** The population, oldest first, with each member's current fitness. */
  public List<Map.Entry<Nb201Architecture, Double>> population() {
    double[] scores = scores();
    return population.stream().map(i -> Map.entry(screened.get(i).architecture(), scores[i])).toList();
  }

  /** The k architectures chosen for evaluation, ranked highest first, once the screen budget is told. */
  public Optional<List<Nb201Architecture>> shortlist() {
    return Optional.ofNullable(shortlist);
  }

  /** The fittest of {@code sampleSize} members drawn with replacement (ties: the first drawn). */
  private Nb201Architecture tournament() {
    double[] scores = scores();
    List<Integer> members = new ArrayList<>(population);
    int winner = -1;
    for (int i = 0; i < sampleSize; i++) {
      int candidate = members.get(random.nextInt(members.size()));
      if (winner < 0 || scores[candidate] > scores[winner]) {
        winner = candidate;
      }
    }
    return screened.get(winner).architecture();
  }

  /** A one-edge mutation of {@code parent} not screened before, else an unscreened random architecture. */
  private Nb201Architecture child(Nb201Architecture parent) {
    for (int i = 0; i < MUTATION_TRIES; i++) {
      Nb201Architecture child = SPACE.mutate(parent, random);
      if (!proposed.contains(child.index())) {
        return child;
      }
    }
    return unscreened();
  }

  private Nb201Architecture unscreened() {
    while (true) {
      Nb201Architecture draw = SPACE.sample(random);
      if (!proposed.contains(draw.index())) {
        return draw;
      }
    }
  }

  private Proposal screen(Nb201Architecture architecture) {
    proposed.add(architecture.index());
    screensProposed++;
    return new Proposal(next++, architecture, Stage.KERNEL);
  }

  /** Every screened architecture's score among all of them. */
  private double[] scores() {
    return rank.scores(screened.stream().map(Screened::proxies).toList());
  }
}
