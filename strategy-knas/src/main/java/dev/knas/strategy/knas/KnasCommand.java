package dev.knas.strategy.knas;

import dev.knas.strategy.Strategy;
import dev.knas.strategy.runner.StrategyCommand;
import dev.knas.strategy.screening.ScreeningRank;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/strategy-knas}: KNAS top-k through a scoring service. */
@Command(name = "strategy-knas", mixinStandardHelpOptions = true, version = "strategy-knas "
    + StrategyCommand.VERSION, description = "KNAS: screens N random architectures with a zero-cost proxy (the"
        + " paper's gradient kernel, MGM, by default) or an ensemble of them, and evaluates only the k ranked"
        + " highest (default budget: k evaluations; the N screenings are counted separately).")
public final class KnasCommand extends StrategyCommand {

  @Option(names = "--candidates", defaultValue = "300",
      description = "N, architectures screened with the gradient kernel (default: ${DEFAULT-VALUE}, the paper's"
          + " setting for CIFAR).")
  int candidates;

  @Option(names = "--top-k", defaultValue = "40",
      description = "k, architectures evaluated at the fidelity (default: ${DEFAULT-VALUE}, the paper's setting).")
  int topK;

  @Option(names = "--proxy", defaultValue = "mgm", description = "How candidates are ranked: a zero-cost proxy the"
      + " service computes (bin/knas proxies lists them) or ensemble(P1,P2,...), the rank vote of several (the sum of"
      + " their ranks among the candidates, an absent value ranking lowest) (default: ${DEFAULT-VALUE}, the paper's).")
  String proxy;

  private ScreeningRank rank;

  public static void main(String[] args) {
    main(new KnasCommand(), args);
  }

  @Override
  protected long defaultBudget() {
    return topK;
  }

  @Override
  protected void validateStrategyOptions() {
    if (candidates < 1 || candidates > 15_625) {
      throw invalid("--candidates must be in 1..15625, got " + candidates);
    }
    if (topK < 1 || topK > candidates) {
      throw invalid("--top-k must be in 1..--candidates (" + candidates + "), got " + topK);
    }
    rank = screeningRank(proxy);
  }

  @Override
  protected Map<String, Object> strategyOptions() {
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("candidates", candidates);
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
    return candidates;
  }

  @Override
  protected long evaluations(long budget) {
    return Math.min(budget, topK);
  }

  @Override
  protected Strategy createStrategy(long seed) {
    return new KnasTopK(seed, candidates, topK, rank);
  }
}
