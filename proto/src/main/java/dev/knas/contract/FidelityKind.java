package dev.knas.contract;

import dev.knas.v1.Fidelity;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The fidelities of the contract with the names every program uses for them: the command-line option value
 * ({@code --fidelity kernel}), the record name in journals, logs and metrics ({@code gradient_kernel}), and the
 * metric a response's {@code value} is when the fidelity fixes it. One table, so the service, the strategy
 * runner and the CLI cannot drift apart.
 */
public enum FidelityKind {
  GRADIENT_KERNEL(Fidelity.FIDELITY_GRADIENT_KERNEL, "kernel", "gradient_kernel", "mgm"),
  SHORT_TRAINING(Fidelity.FIDELITY_SHORT_TRAINING, "short-training", "short_training", "held_out_accuracy"),
  /** The metric is the table's validation or test accuracy, whichever the data set has. */
  BENCHMARK(Fidelity.FIDELITY_BENCHMARK, "benchmark", "benchmark", ""),
  /** The metric is the proxy's name. */
  ZERO_COST(Fidelity.FIDELITY_ZERO_COST, "zero-cost", "zero_cost", "");

  private final Fidelity fidelity;
  private final String optionName;
  private final String recordName;
  private final String metric;

  FidelityKind(Fidelity fidelity, String optionName, String recordName, String metric) {
    this.fidelity = fidelity;
    this.optionName = optionName;
    this.recordName = recordName;
    this.metric = metric;
  }

  /** The kind of a request's fidelity; FIDELITY_UNSPECIFIED is the gradient kernel, as the contract says. */
  public static FidelityKind of(Fidelity fidelity) {
    return switch (fidelity) {
      case FIDELITY_UNSPECIFIED, FIDELITY_GRADIENT_KERNEL -> GRADIENT_KERNEL;
      case FIDELITY_SHORT_TRAINING -> SHORT_TRAINING;
      case FIDELITY_BENCHMARK -> BENCHMARK;
      case FIDELITY_ZERO_COST -> ZERO_COST;
      case UNRECOGNIZED -> throw new IllegalArgumentException("unknown fidelity");
    };
  }

  /** The kind a command-line value names ("kernel" also as "gradient-kernel"). */
  public static Optional<FidelityKind> parse(String optionValue) {
    if (optionValue.equals("gradient-kernel")) {
      return Optional.of(GRADIENT_KERNEL);
    }
    return Arrays.stream(values()).filter(k -> k.optionName.equals(optionValue)).findFirst();
  }

  /** "kernel, short-training or benchmark" for messages listing the accepted option values of {@code kinds}. */
  public static String optionNames(FidelityKind... kinds) {
    String[] names = Arrays.stream(kinds).map(FidelityKind::optionName).toArray(String[]::new);
    if (names.length == 1) {
      return names[0];
    }
    return Arrays.stream(names, 0, names.length - 1).collect(Collectors.joining(", "))
        + " or " + names[names.length - 1];
  }

  public Fidelity fidelity() {
    return fidelity;
  }

  /** The value of a {@code --fidelity} option. */
  public String optionName() {
    return optionName;
  }

  /** The name in journals, logs, metrics and spans. */
  public String recordName() {
    return recordName;
  }

  /** What {@code value} is at this fidelity, or "" where the response's {@code metric} says it. */
  public String metric() {
    return metric;
  }
}
