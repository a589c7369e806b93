package dev.knas.strategy.evolution;

import dev.knas.strategy.Strategy;
import dev.knas.strategy.runner.StrategyCommand;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/strategy-evolution}: regularized evolution through a scoring service. */
@Command(name = "strategy-evolution", mixinStandardHelpOptions = true, version = "strategy-evolution "
    + StrategyCommand.VERSION, description = "Regularized (aging) evolution, as NAS-Bench-201's REA baseline"
        + " (default budget: 100 evaluations).")
public final class EvolutionCommand extends StrategyCommand {

  @Option(names = "--population", defaultValue = "10",
      description = "Population size (default: ${DEFAULT-VALUE}, NAS-Bench-201's REA setting).")
  int population;

  @Option(names = "--sample-size", defaultValue = "3",
      description = "Tournament size (default: ${DEFAULT-VALUE}, NAS-Bench-201's REA setting).")
  int sampleSize;

  public static void main(String[] args) {
    main(new EvolutionCommand(), args);
  }

  @Override
  protected long defaultBudget() {
    return 100;
  }

  @Override
  protected void validateStrategyOptions() {
    if (population < 1 || sampleSize < 1) {
      throw invalid("--population and --sample-size must be at least 1");
    }
  }

  @Override
  protected Map<String, Object> strategyOptions() {
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("population", population);
    options.put("sample_size", sampleSize);
    return options;
  }

  @Override
  protected Strategy createStrategy(long seed) {
    return new RegularizedEvolution(seed, population, sampleSize);
  }
}
