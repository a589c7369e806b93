package dev.knas.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.knas.v1.Architecture;
import dev.knas.v1.BenchmarkRecord;
import dev.knas.v1.Fidelity;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoreArchitectureResponse;
import dev.knas.v1.ScoreArchitecturesRequest;
import dev.knas.v1.ScoreArchitecturesResult;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code knas score}: one architecture's score at one fidelity. */
@Command(name = "score", mixinStandardHelpOptions = true,
    description = "Scores one architecture, or each of a file of them (results stream as they finish): MGM"
        + " (kernel), held-out accuracy after a short training (short-training) or NAS-Bench-201's recorded"
        + " accuracy (benchmark).")
final class ScoreCommand extends ServiceCall implements Callable<Integer> {

  @Mixin
  ScoreOptions score;

  @Override
  public Integer call() throws Exception {
    Optional<Path> file = score.target.file();
    if (file.isPresent()) {
      return scoreAll(file.get());
    }
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

  /**
   * Scores every architecture of {@code file} in one ScoreArchitectures call, printing each result as it
   * arrives (a table row, or one JSON object per line); exit code 3 when some could not be scored.
   */
  private int scoreAll(Path file) throws Exception {
    ScoreArchitectureRequest shared = score.request(Architecture.getDefaultInstance());
    List<Architecture> architectures = score.target.architectures(file);
    ScoreArchitecturesRequest request = ScoreArchitecturesRequest.newBuilder()
        .addAllArchitectures(architectures)
        .setFidelity(shared.getFidelity())
        .setOptions(shared.getOptions())
        .setGradientKernel(shared.getGradientKernel())
        .setShortTraining(shared.getShortTraining())
        .build();
    long timeout = shared.getFidelity() == Fidelity.FIDELITY_SHORT_TRAINING ? 0 : Connection.DEFAULT_TIMEOUT_SECONDS;
    JsonFormat.Printer lines = JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();
    if (!json) {
      out().printf("%-6s %-7s %-16s %-6s %s%n", "entry", "index", "value", "cache", "architecture or error");
    }
    int failed = connection.scoring(stub -> {
      int failures = 0;
      int done = 0;
      try (Progress progress = Progress.start("scoring", architectures.size(), "architectures")) {
        for (Iterator<ScoreArchitecturesResult> results = stub.scoreArchitectures(request); results.hasNext(); ) {
          ScoreArchitecturesResult result = results.next();
          failures += result.hasError() ? 1 : 0;
          progress.stepTo(++done, failures + " failed");
          print(result, lines);
        }
      }
      return failures;
    }, timeout);
    out().flush();
    if (failed > 0) {
      spec.commandLine().getErr().printf("knas: %d of %d architectures could not be scored%n", failed,
          architectures.size());
      return 3;
    }
    return 0;
  }

  private void print(ScoreArchitecturesResult result, JsonFormat.Printer lines) {
    try {
      if (json) {
        out().println(lines.print(result));
      } else if (result.hasError()) {
        out().printf("%-6d %-7s %-16s %-6s %s: %s%n", result.getPosition() + 1, "-", "-", "-",
            Status.fromCodeValue(result.getError().getCode()).getCode(), result.getError().getMessage());
      } else {
        ScoreArchitectureResponse r = result.getScore();
        out().printf("%-6d %-7d %-16.10g %-6s %s%n", result.getPosition() + 1, r.getArchitecture().getNb201Index(),
            r.getValue(), r.getCache().getKey().isEmpty() ? "-" : r.getCache().getHit() ? "hit" : "miss",
            r.getArchitecture().getNb201String());
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
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
