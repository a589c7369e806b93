package dev.knas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.knas.cli.chart.Charts;
import dev.knas.cli.compare.BestSoFar;
import dev.knas.cli.compare.Curves;
import dev.knas.strategy.runner.Journal;
import dev.knas.strategy.runner.SummaryTable;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code knas compare}: runs the real strategy programs ({@code bin/strategy-*}) for several seeds, a few at a
 * time, against the service, then writes a CSV of every run, the comparison table in Markdown and two PNG
 * charts of best-so-far validation accuracy (against evaluations and against search cost), one line per
 * strategy with a ± one standard deviation band over seeds. Finished runs are kept: a re-run skips them and
 * resumes interrupted ones from their journals.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = "Compares search strategies over seeds by running bin/strategy-* against the service; writes"
        + " runs.csv, comparison.md, best-vs-evaluations.png and best-vs-cost.png to --out.")
final class CompareCommand extends ServiceCall implements Callable<Integer> {

  static final List<String> STRATEGIES = List.of("random", "evolution", "knas");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--strategies", defaultValue = "random,evolution,knas", split = ",",
      description = "Strategies to compare (default: ${DEFAULT-VALUE}).")
  List<String> strategies;

  @Option(names = "--seeds", defaultValue = "10", description = "Seeds 0..N-1 per strategy (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(names = "--fidelity", defaultValue = "benchmark",
      description = "benchmark or short-training (default: ${DEFAULT-VALUE}).")
  String fidelity;

  @Option(names = "--dataset", defaultValue = "cifar10", description = "Data set (default: ${DEFAULT-VALUE}).")
  String dataset;

  @Option(names = "--budget", description = "Evaluations per run (default: each strategy's).")
  Long budget;

  @Option(names = "--candidates", description = "KNAS: architectures screened (default: the strategy's, 300).")
  Integer candidates;

  @Option(names = "--top-k", description = "KNAS: architectures evaluated (default: the strategy's, 40).")
  Integer topK;

  @Option(names = "--population", description = "Evolution: population size (default: the strategy's, 10).")
  Integer population;

  @Option(names = "--sample-size", description = "Evolution: tournament size (default: the strategy's, 3).")
  Integer sampleSize;

  @Option(names = "--samples", description = "KNAS: n of the gradient kernel (default: 50).")
  Integer samples;

  @Option(names = "--parallel", description = "Strategy programs running at once (default: the cores).")
  Integer parallel;

  @Option(names = "--out", required = true, description = "Folder of the runs and the results.")
  Path out;

  @Override
  public Integer call() throws Exception {
    for (String strategy : strategies) {
      if (!STRATEGIES.contains(strategy)) {
        throw new ParameterException(spec.commandLine(), "--strategies: unknown strategy '" + strategy
            + "'; known: " + String.join(", ", STRATEGIES));
      }
    }
    if (seeds < 1 || (parallel != null && parallel < 1)) {
      throw new ParameterException(spec.commandLine(), "--seeds and --parallel must be at least 1");
    }
    Path home = Path.of(System.getenv().getOrDefault("KNAS_HOME", "")).toAbsolutePath();
    for (String strategy : strategies) {
      if (!Files.isExecutable(home.resolve("bin/strategy-" + strategy))) {
        throw new ParameterException(spec.commandLine(), "cannot find bin/strategy-" + strategy + " under "
            + home + "; run bin/knas (it sets KNAS_HOME) or run from the repository root");
      }
    }
    List<String> failures = runAll(home);
    if (!failures.isEmpty()) {
      spec.commandLine().getErr().printf("knas: %d run(s) failed: %s%n", failures.size(),
          String.join("; ", failures));
      return 1;
    }
    Map<String, List<JsonNode>> summaries = new LinkedHashMap<>();
    Map<String, List<BestSoFar>> curves = new LinkedHashMap<>();
    for (String strategy : strategies) {
      for (int seed = 0; seed < seeds; seed++) {
        Path run = runDir(strategy, seed);
        summaries.computeIfAbsent(strategy, s -> new ArrayList<>())
            .add(JSON.readTree(run.resolve("summary.json").toFile()));
        try (Journal journal = Journal.open(run.resolve("journal.jsonl"))) {
          curves.computeIfAbsent(strategy, s -> new ArrayList<>()).add(BestSoFar.of(journal.recorded()));
        }
      }
    }
    String table = SummaryTable.markdown(summaries);
    Files.writeString(out.resolve("comparison.md"), table, StandardCharsets.UTF_8);
    ArrayNode rows = writeCsv(summaries);
    plot(curves);
    if (json) {
      ObjectNode result = JSON.createObjectNode();
      result.set("runs", rows);
      result.put("table", table);
      result.put("out", out.toAbsolutePath().toString());
      out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
    } else {
      out().print(table);
      out().printf("%nwrote %s: runs.csv, comparison.md, best-vs-evaluations.png, best-vs-cost.png%n", out);
    }
    return 0;
  }

  private Path runDir(String strategy, int seed) {
    return out.resolve("runs").resolve(strategy).resolve("seed-" + seed);
  }

  /** Runs every unfinished (strategy, seed), a few at a time; returns what failed. */
  private List<String> runAll(Path home) throws Exception {
    Files.createDirectories(out.resolve("logs"));
    List<String[]> pending = new ArrayList<>();
    for (int seed = 0; seed < seeds; seed++) {
      for (String strategy : strategies) {
        if (!Files.exists(runDir(strategy, seed).resolve("summary.json"))) {
          pending.add(new String[] {strategy, Integer.toString(seed)});
        }
      }
    }
    int total = strategies.size() * seeds;
    AtomicInteger done = new AtomicInteger(total - pending.size());
    int workers = parallel != null ? parallel : Runtime.getRuntime().availableProcessors();
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    List<String> failures = new ArrayList<>();
    try (Progress progress = Progress.start("compare", total, "runs")) {
      progress.stepTo(done.get(), "");
      List<Future<String>> results = new ArrayList<>();
      for (String[] job : pending) {
        results.add(pool.submit(() -> {
          String failure = run(home, job[0], Integer.parseInt(job[1]));
          progress.stepTo(done.incrementAndGet(), job[0] + " seed " + job[1]);
          return failure;
        }));
      }
      for (Future<String> result : results) {
        String failure = result.get();
        if (failure != null) {
          failures.add(failure);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return failures;
  }

  /** One strategy program to its end; null when it succeeded, else why not. */
  private String run(Path home, String strategy, int seed) throws IOException, InterruptedException {
    Path dir = runDir(strategy, seed);
    List<String> command = new ArrayList<>(List.of(home.resolve("bin/strategy-" + strategy).toString(),
        "--target", connection.target, "--seed", Integer.toString(seed), "--out", dir.toString(),
        "--fidelity", fidelity, "--dataset", dataset));
    if (Files.exists(dir.resolve("run.json"))) {
      command.add("--resume");
    }
    add(command, "--budget", budget);
    if (strategy.equals("knas")) {
      add(command, "--candidates", candidates);
      add(command, "--top-k", topK);
      add(command, "--samples", samples);
    }
    if (strategy.equals("evolution")) {
      add(command, "--population", population);
      add(command, "--sample-size", sampleSize);
    }
    Path log = out.resolve("logs").resolve(strategy + "-seed-" + seed + ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    int code = process.waitFor();
    return code == 0 ? null : strategy + " seed " + seed + " exited with " + code + " (" + log + ")";
  }

  private static void add(List<String> command, String option, Object value) {
    if (value != null) {
      command.add(option);
      command.add(value.toString());
    }
  }

  private ArrayNode writeCsv(Map<String, List<JsonNode>> summaries) throws IOException {
    ArrayNode rows = JSON.createArrayNode();
    String[] header = {"strategy", "seed", "best_index", "best_architecture", "validation_cifar10",
        "test_cifar10", "test_cifar100", "test_imagenet16-120", "evaluations", "kernel_evaluations",
        "cost_seconds", "wall_seconds"};
    try (Writer writer = Files.newBufferedWriter(out.resolve("runs.csv"), StandardCharsets.UTF_8);
        CSVPrinter csv = new CSVPrinter(writer, CSVFormat.DEFAULT.builder().setHeader(header).get())) {
      for (Map.Entry<String, List<JsonNode>> entry : summaries.entrySet()) {
        for (JsonNode summary : entry.getValue()) {
          JsonNode best = summary.path("best");
          ObjectNode row = rows.addObject();
          row.put("strategy", entry.getKey());
          row.put("seed", summary.path("seed").asLong());
          row.put("best_index", best.path("index").asInt());
          row.put("best_architecture", best.path("architecture").asText());
          row.put("validation_cifar10", best.path("validation_accuracy").path("cifar10").asDouble(Double.NaN));
          row.put("test_cifar10", best.path("test_accuracy").path("cifar10").asDouble(Double.NaN));
          row.put("test_cifar100", best.path("test_accuracy").path("cifar100").asDouble(Double.NaN));
          row.put("test_imagenet16-120", best.path("test_accuracy").path("imagenet16-120").asDouble(Double.NaN));
          row.put("evaluations", summary.path("evaluations").path("evaluation").asLong());
          row.put("kernel_evaluations", summary.path("evaluations").path("kernel").asLong());
          row.put("cost_seconds", summary.path("cost_seconds").asDouble());
          row.put("wall_seconds", summary.path("wall_seconds").asDouble());
          List<Object> values = new ArrayList<>();
          for (String column : header) {
            values.add(row.get(column).asText());
          }
          csv.printRecord(values);
        }
      }
    }
    return rows;
  }

  private void plot(Map<String, List<BestSoFar>> curves) throws IOException {
    List<Charts.Band> byEvaluations = new ArrayList<>();
    List<Charts.Band> byCost = new ArrayList<>();
    double maxHours = curves.values().stream().flatMap(List::stream)
        .mapToDouble(r -> r.evaluations() == 0 ? 0 : r.costSeconds()[r.evaluations() - 1] / 3600).max().orElse(1);
    for (Map.Entry<String, List<BestSoFar>> entry : curves.entrySet()) {
      byEvaluations.add(Curves.byEvaluations(entry.getKey(), entry.getValue()));
      byCost.add(Curves.byCost(entry.getKey(), entry.getValue(), maxHours, 200));
    }
    String metric = fidelity.equals("benchmark") ? dataset + " validation accuracy (%)" : "held-out accuracy (%)";
    String runs = seeds + " seed" + (seeds == 1 ? "" : "s") + ", mean ± 1 std";
    Charts.bands(out.resolve("best-vs-evaluations.png"), "Best so far vs evaluations (" + runs + ")",
        "evaluations", "best " + metric, byEvaluations);
    Charts.bands(out.resolve("best-vs-cost.png"), "Best so far vs search cost (" + runs + ")",
        fidelity.equals("benchmark") ? "simulated search cost (hours)" : "search cost (hours)", "best " + metric,
        byCost);
  }
}
