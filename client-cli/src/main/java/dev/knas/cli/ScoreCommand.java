package dev.knas.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.knas.progress.Progress;
import dev.knas.v1.Architecture;
import dev.knas.v1.BenchmarkRecord;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.Fidelity;
import dev.knas.v1.Precision;
import dev.knas.v1.Provenance;
import dev.knas.v1.ProxyScore;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoreArchitectureResponse;
import dev.knas.v1.ScoreArchitecturesRequest;
import dev.knas.v1.ScoreArchitecturesResult;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code knas score}: one architecture's score at one fidelity. */
@Command(name = "score", mixinStandardHelpOptions = true,
    description = "Scores one architecture, or each of a file of them (results stream as they finish): MGM"
        + " (kernel), held-out accuracy after a short training (short-training), NAS-Bench-201's recorded"
        + " accuracy (benchmark) or zero-cost proxies (--proxy naswot,synflow,...).")
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
      return missingProxies(response);
    }
    printArchitecture(response.getArchitecture());
    if (response.getFidelity() == Fidelity.FIDELITY_ZERO_COST) {
      printProxyScores(response);
      return missingProxies(response);
    }
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
   * Scores every architecture of {@code file} in one ScoreArchitectures batch, printing each result as it
   * arrives (a table row, or one JSON object per line); exit code 3 when some could not be scored. --timeout
   * bounds the wait between two results, not the whole file.
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
        .setZeroCost(shared.getZeroCost())
        .build();
    long timeout = shared.getFidelity() == Fidelity.FIDELITY_SHORT_TRAINING ? 0 : Connection.DEFAULT_TIMEOUT_SECONDS;
    JsonFormat.Printer lines = JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();
    List<String> proxies = shared.getZeroCost().getProxiesList();
    if (!json && proxies.isEmpty()) {
      out().printf("%-6s %-7s %-16s %-6s %s%n", "entry", "index", "value", "cache", "architecture or error");
    } else if (!json) {
      out().printf("%-6s %-7s ", "entry", "index");
      proxies.forEach(proxy -> out().printf("%-" + proxyColumn(proxy) + "s ", proxy));
      out().println("architecture or error");
    }
    int[] failed = new int[2]; // architectures that could not be scored, proxy values that could not be computed
    try {
      connection.withChannel(channel -> {
        int done = 0;
        try (IdleTimeoutStream<ScoreArchitecturesResult> results =
                connection.scoreArchitectures(channel, request, timeout);
            Progress progress = progress("scoring", architectures.size(), "architectures")) {
          while (results.hasNext()) {
            ScoreArchitecturesResult result = results.next();
            failed[0] += result.hasError() ? 1 : 0;
            failed[1] += (int) result.getScore().getProxyScoresList().stream().filter(ProxyScore::hasError).count();
            progress.stepTo(++done, failed[0] + " failed");
            print(result, lines, proxies);
          }
        }
        return null;
      });
    } finally {
      out().flush(); // what arrived before a failure is the user's too
    }
    if (failed[0] > 0) {
      spec.commandLine().getErr().printf("knas: %d of %d architectures could not be scored%n", failed[0],
          architectures.size());
    }
    if (failed[1] > 0) {
      spec.commandLine().getErr().printf("knas: %d proxy values could not be computed%n", failed[1]);
    }
    return failed[0] + failed[1] > 0 ? 3 : 0;
  }

  /** The zero-cost table of one architecture: a row per proxy with its value and provenance, or its error. */
  private void printProxyScores(ScoreArchitectureResponse response) {
    out().printf("%-10s %-18s %-8s %-12s %s%n", "proxy", "value", "seconds", "definition", "cache");
    int batch = 0;
    Provenance shared = null;
    for (ProxyScore score : response.getProxyScoresList()) {
      if (score.hasError()) {
        out().printf("%-10s %s: %s%n", score.getProxy(), Status.fromCodeValue(score.getError().getCode()).getCode(),
            score.getError().getMessage());
        continue;
      }
      Provenance p = score.getProvenance();
      shared = shared == null ? p : shared;
      batch = Math.max(batch, p.getZeroCost().getBatchSize());
      out().printf("%-10s %-18.10g %-8.3f %-12s %s %s%n", score.getProxy(), score.getValue(), p.getWallSeconds(),
          p.getDefinitionVersion(), score.getCache().getHit() ? "hit" : "miss", score.getCache().getKey());
    }
    if (shared != null) {
      EvaluationOptions o = shared.getOptions();
      out().printf("dataset %s, %sseed %d, %s, device %s, %s%n", o.getDataset(),
          batch > 0 ? "batch " + batch + ", " : "", o.getSeed(),
          o.getPrecision() == Precision.PRECISION_FLOAT64 ? "float64" : "float32", shared.getDevice(),
          shared.getEngine());
    }
  }

  /** Exit code 3, with a line saying how many, when some requested proxy has no value; else 0. */
  private int missingProxies(ScoreArchitectureResponse response) {
    long missing = response.getProxyScoresList().stream().filter(ProxyScore::hasError).count();
    if (missing == 0) {
      return 0;
    }
    spec.commandLine().getErr().printf("knas: %d of %d proxies could not be computed%n", missing,
        response.getProxyScoresCount());
    return 3;
  }

  /** Width of a proxy's column in the table of a file: wide enough for a value, or for a status code name. */
  private static int proxyColumn(String proxy) {
    return Math.max(14, proxy.length());
  }

  private void print(ScoreArchitecturesResult result, JsonFormat.Printer lines, List<String> proxies) {
    try {
      if (json) {
        out().println(lines.print(result));
      } else if (result.hasError() && !proxies.isEmpty()) {
        out().printf("%-6d %-7s %s%s: %s%n", result.getPosition() + 1, "-",
            proxies.stream().map(proxy -> String.format("%-" + proxyColumn(proxy) + "s ", "-"))
                .collect(Collectors.joining()),
            Status.fromCodeValue(result.getError().getCode()).getCode(), result.getError().getMessage());
      } else if (!proxies.isEmpty()) {
        ScoreArchitectureResponse r = result.getScore();
        out().printf("%-6d %-7d ", result.getPosition() + 1, r.getArchitecture().getNb201Index());
        for (ProxyScore score : r.getProxyScoresList()) {
          String cell = score.hasError() ? Status.fromCodeValue(score.getError().getCode()).getCode().name()
              : String.format("%.8g", score.getValue());
          out().printf("%-" + proxyColumn(score.getProxy()) + "s ", cell);
        }
        out().println(r.getArchitecture().getNb201String());
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
