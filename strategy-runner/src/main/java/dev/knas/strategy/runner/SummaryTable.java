package dev.knas.strategy.runner;

import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;

/**
 * The comparison table of finished searches in the form NAS papers use: per strategy, mean ± sample standard
 * deviation over its runs of the found architecture's benchmark accuracies, the evaluations used and the
 * simulated search cost.
 */
public final class SummaryTable {

  private SummaryTable() {}

  /** The Markdown table of summaries grouped by row label (a strategy, or a strategy with options). */
  public static String markdown(Map<String, List<Summary>> runs) {
    StringBuilder table = new StringBuilder();
    table.append("| strategy | runs | CIFAR-10 validation | CIFAR-10 test | CIFAR-100 test | ImageNet16-120 test |"
        + " evaluations | kernel evaluations | failed | simulated cost (h) |\n");
    table.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (Map.Entry<String, List<Summary>> entry : runs.entrySet()) {
      List<Summary> summaries = entry.getValue();
      table.append("| ").append(entry.getKey()).append(" | ").append(summaries.size())
          .append(" | ").append(stat(summaries, s -> accuracy(s.best() == null ? null
              : s.best().validationAccuracy(), "cifar10")))
          .append(" | ").append(stat(summaries, s -> test(s, "cifar10")))
          .append(" | ").append(stat(summaries, s -> test(s, "cifar100")))
          .append(" | ").append(stat(summaries, s -> test(s, "imagenet16-120")))
          .append(" | ").append(stat(summaries, s -> s.evaluations().evaluation()))
          .append(" | ").append(stat(summaries, s -> s.evaluations().kernel()))
          .append(" | ").append(stat(summaries, s -> s.evaluations().failed()))
          .append(" | ").append(stat(summaries, s -> s.costSeconds() / 3600))
          .append(" |\n");
    }
    return table.toString();
  }

  private static double test(Summary summary, String dataset) {
    return accuracy(summary.best() == null ? null : summary.best().testAccuracy(), dataset);
  }

  private static double accuracy(Map<String, Double> accuracies, String dataset) {
    return accuracies == null ? Double.NaN : accuracies.getOrDefault(dataset, Double.NaN);
  }

  private static String stat(List<Summary> summaries, ToDoubleFunction<Summary> value) {
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
}
