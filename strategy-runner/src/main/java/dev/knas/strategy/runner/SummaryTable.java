package dev.knas.strategy.runner;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;

/**
 * The comparison table of finished searches in the form NAS papers use: per strategy, mean ± sample standard
 * deviation over its runs of the found architecture's benchmark accuracies, the evaluations used and the
 * simulated search cost.
 */
public final class SummaryTable {

  private SummaryTable() {}

  /** The Markdown table of summaries grouped by strategy name. */
  public static String markdown(Map<String, List<JsonNode>> runs) {
    StringBuilder table = new StringBuilder();
    table.append("| strategy | runs | CIFAR-10 validation | CIFAR-10 test | CIFAR-100 test | ImageNet16-120 test |"
        + " evaluations | kernel evaluations | simulated cost (h) |\n");
    table.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (Map.Entry<String, List<JsonNode>> entry : runs.entrySet()) {
      List<JsonNode> summaries = entry.getValue();
      table.append("| ").append(entry.getKey()).append(" | ").append(summaries.size())
          .append(" | ").append(stat(summaries, s -> s.path("best").path("validation_accuracy").path("cifar10")
              .asDouble(Double.NaN)))
          .append(" | ").append(stat(summaries, s -> s.path("best").path("test_accuracy").path("cifar10")
              .asDouble(Double.NaN)))
          .append(" | ").append(stat(summaries, s -> s.path("best").path("test_accuracy").path("cifar100")
              .asDouble(Double.NaN)))
          .append(" | ").append(stat(summaries, s -> s.path("best").path("test_accuracy").path("imagenet16-120")
              .asDouble(Double.NaN)))
          .append(" | ").append(stat(summaries, s -> s.path("evaluations").path("evaluation").asDouble()))
          .append(" | ").append(stat(summaries, s -> s.path("evaluations").path("kernel").asDouble()))
          .append(" | ").append(stat(summaries, s -> s.path("cost_seconds").asDouble() / 3600))
          .append(" |\n");
    }
    return table.toString();
  }

  private static String stat(List<JsonNode> summaries, ToDoubleFunction<JsonNode> value) {
    DescriptiveStatistics statistics = new DescriptiveStatistics();
    summaries.stream().mapToDouble(value).filter(Double::isFinite).forEach(statistics::addValue);
    if (statistics.getN() == 0) {
      return "-";
    }
    if (statistics.getStandardDeviation() == 0 || statistics.getN() == 1) {
      double mean = statistics.getMean();
      return mean == Math.rint(mean) ? String.format("%.0f", mean) : String.format("%.2f", mean);
    }
    return String.format("%.2f ± %.2f", statistics.getMean(), statistics.getStandardDeviation());
  }

  /** Every summary.json under {@code folder}, in path order. */
  public static List<JsonNode> summaries(Path folder) throws IOException {
    List<JsonNode> summaries = new ArrayList<>();
    if (!Files.isDirectory(folder)) {
      return summaries;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.filter(f -> f.getFileName().toString().equals(StrategyCommand.SUMMARY_FILE))
          .sorted().toList()) {
        summaries.add(Journal.JSON.readTree(file.toFile()));
      }
    }
    return summaries;
  }
}
