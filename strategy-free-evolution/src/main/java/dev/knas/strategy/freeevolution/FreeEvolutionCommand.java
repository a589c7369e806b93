package dev.knas.strategy.freeevolution;

import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.strategy.Strategy;
import dev.knas.strategy.runner.StrategyCommand;
import dev.knas.strategy.screening.ScreeningRank;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/strategy-free-evolution}: training-free evolution (FreeREA) through a scoring service. */
@Command(name = "strategy-free-evolution", mixinStandardHelpOptions = true, version = "strategy-free-evolution "
    + StrategyCommand.VERSION, description = "Training-free evolution (FreeREA, Cavagnero et al. 2023): regularized"
        + " evolution whose fitness is the zero-cost proxy rank among everything screened so far, for"
        + " --screen-budget screenings, then evaluation of the --top-k ranked highest (default budget: k"
        + " evaluations; screenings are counted separately).")
public final class FreeEvolutionCommand extends StrategyCommand {

  @Option(names = "--population", defaultValue = "25",
      description = "Population size (default: ${DEFAULT-VALUE}, FreeREA's).")
  int population;

  @Option(names = "--sample-size", defaultValue = "5",
      description = "Tournament size (default: ${DEFAULT-VALUE}, FreeREA's).")
  int sampleSize;

  @Option(names = "--screen-budget", defaultValue = "300",
      description = "Zero-cost screenings, each of a different architecture (default: ${DEFAULT-VALUE}, KNAS's N).")
  int screenBudget;

  @Option(names = "--top-k", defaultValue = "10",
      description = "k, the architectures ranked highest that are evaluated at the fidelity (default:"
          + " ${DEFAULT-VALUE}).")
  int topK;

  @Option(names = "--proxy", defaultValue = "ensemble(naswot,synflow,jacov,params)",
      description = "The fitness: a zero-cost proxy the service computes (bin/knas proxies lists them) or"
          + " ensemble(P1,P2,...), the rank vote of several (the sum of their ranks, an absent value ranking lowest)"
          + " (default: ${DEFAULT-VALUE}, the vote docs/spec/zero-cost-proxies.md reports best on NAS-Bench-201).")
  String proxy;

  private ScreeningRank rank;

  public static void main(String[] args) {
    main(new FreeEvolutionCommand(), args);
  }

  @Override
  protected long defaultBudget() {
    return topK;
  }

  @Override
  protected void validateStrategyOptions() {
    if (population < 1 || sampleSize < 1) {
      throw invalid("--population and --sample-size must be at least 1");
    }
    if (screenBudget < 1 || screenBudget > Nb201Architecture.COUNT) {
      throw invalid("--screen-budget must be in 1.." + Nb201Architecture.COUNT + ", got " + screenBudget);
    }
    if (topK < 1 || topK > screenBudget) {
      throw invalid("--top-k must be in 1..--screen-budget (" + screenBudget + "), got " + topK);
    }
    rank = screeningRank(proxy);
  }

  @Override
  protected Map<String, Object> strategyOptions() {
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("population", population);
    options.put("sample_size", sampleSize);
    options.put("screen_budget", screenBudget);
    options.put("top_k", topK);
    options.put("proxy", rank.expression());
    return options;
  }

  @Override
  protected Optional<ScreeningRank> screening() {
    return Optional.of(rank);
  }

  @Override
  protected long screenings() {
    return screenBudget;
  }

  @Override
  protected long evaluations(long budget) {
    return Math.min(budget, topK);
  }

  @Override
  protected Strategy createStrategy(long seed) {
    return new TrainingFreeEvolution(seed, population, sampleSize, screenBudget, topK, rank);
  }
}
