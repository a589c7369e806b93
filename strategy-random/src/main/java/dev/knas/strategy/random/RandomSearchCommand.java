package dev.knas.strategy.random;

import dev.knas.strategy.Strategy;
import dev.knas.strategy.runner.StrategyCommand;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code bin/strategy-random}: random search through a scoring service. */
@Command(name = "strategy-random", mixinStandardHelpOptions = true, version = "strategy-random "
    + StrategyCommand.VERSION, description = "Random search: evaluates uniformly drawn architectures and reports"
        + " the best (default budget: 100 evaluations).")
public final class RandomSearchCommand extends StrategyCommand {

  public static void main(String[] args) {
    main(new RandomSearchCommand(), args);
  }

  @Override
  protected long defaultBudget() {
    return 100;
  }

  @Override
  protected void validateStrategyOptions() {
    // Random search has no options of its own.
  }

  @Override
  protected Map<String, Object> strategyOptions() {
    return Map.of();
  }

  @Override
  protected Strategy createStrategy(long seed) {
    return new RandomSearch(seed);
  }
}
