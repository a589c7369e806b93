package dev.knas.cli;

import dev.knas.v1.BenchmarkRecord;
import dev.knas.v1.Fidelity;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoreArchitectureResponse;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code knas score}: one architecture's score at one fidelity. */
@Command(name = "score", mixinStandardHelpOptions = true,
    description = "Scores one architecture: MGM (kernel), held-out accuracy after a short training"
        + " (short-training) or NAS-Bench-201's recorded accuracy (benchmark).")
final class ScoreCommand extends ServiceCall implements Callable<Integer> {

  @Mixin
  ScoreOptions score;

  @Override
  public Integer call() throws Exception {
    ScoreArchitectureRequest request = score.request();
    long timeout = request.getFidelity() == Fidelity.FIDELITY_SHORT_TRAINING ? 0
        : Connection.DEFAULT_TIMEOUT_SECONDS;
    ScoreArchitectureResponse response = connection.scoring(stub -> stub.scoreArchitecture(request), timeout);
    if (json) {
      printJson(response);
      return 0;
    }
    printArchitecture(response.getArchitecture());
    switch (response.getFidelity()) {
      case FIDELITY_SHORT_TRAINING -> out().printf("held-out accuracy  %.2f%%  (loss %.4f)%n", response.getValue(),
          response.getShortTraining().getHeldOutLoss());
      case FIDELITY_BENCHMARK -> printBenchmark(response);
      default -> out().printf("score (MGM)  %.10g%n", response.getValue());
    }
    printProvenance(response.getProvenance());
    if (!response.getCache().getKey().isEmpty()) {
      out().printf("cache %s, key %s%n", response.getCache().getHit() ? "hit" : "miss",
          response.getCache().getKey());
    }
    return 0;
  }

  private void printBenchmark(ScoreArchitectureResponse response) {
    BenchmarkRecord record = response.getBenchmark();
    out().printf("%s %s  %.2f%%%n", response.getProvenance().getOptions().getDataset(),
        response.getMetric().replace('_', ' '), response.getValue());
    out().printf("%-16s %10s %10s %14s%n", "dataset", "valid %", "test %", "train seconds");
    Map<String, Double> test = new TreeMap<>(record.getTestAccuracyMap());
    for (Map.Entry<String, Double> entry : test.entrySet()) {
      String dataset = entry.getKey();
      Double valid = record.getValidationAccuracyMap().get(dataset);
      out().printf("%-16s %10s %10.2f %14.1f%n", dataset, valid == null ? "-" : String.format("%.2f", valid),
          entry.getValue(), record.getTrainSecondsMap().getOrDefault(dataset, Double.NaN));
    }
  }
}
