package dev.knas.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.knas.cli.chart.Charts;
import dev.knas.cli.compare.BestSoFar;
import dev.knas.cli.compare.Curves;
import dev.knas.progress.Progress;
import dev.knas.strategy.catalog.StrategyCatalog;
import dev.knas.strategy.catalog.StrategyVariant;
import dev.knas.strategy.runner.Journal;
import dev.knas.strategy.runner.RunFolder;
import dev.knas.strategy.runner.Summary;
import dev.knas.strategy.runner.SummaryTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleConsumer;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code knas compare}: runs the real strategy programs (their launchers, from the strategy catalog) for several
 * seeds, a few at a time, against the service, then writes a CSV of every run, the comparison table in Markdown
 * and two PNG charts of best-so-far validation accuracy (against evaluations and against search cost), one line
 * per strategy variant with a ± one standard deviation band over seeds, each with its points as JSON. Finished
 * runs are kept: a re-run skips them and resumes interrupted ones from their journals.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = "Compares search strategies over seeds by running their programs against the service; writes"
        + " runs.csv, comparison.md, best-vs-evaluations.png and best-vs-cost.png to --out, each plot's points"
        + " beside it as JSON.")
final class CompareCommand extends ServiceCall implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--strategies", defaultValue = "random,evolution,knas",
      description = "Strategies to compare, each a name from the strategy catalog or a variant name:option=value"
          + "[:option=value...], e.g. random,knas,knas:proxy=ensemble(naswot,synflow,jacov,params),free-evolution"
          + " (default: ${DEFAULT-VALUE}).")
  String strategyList;

  @Option(names = "--seeds", defaultValue = "10", description = "Seeds 0..N-1 per strategy (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(names = "--fidelity", defaultValue = "benchmark",
      description = "benchmark or short-training (default: ${DEFAULT-VALUE}).")
  String fidelity;

  @Option(names = "--dataset", defaultValue = "cifar10", description = "Data set (default: ${DEFAULT-VALUE}).")
  String dataset;

  @Option(names = "--budget", description = "Evaluations per run (default: each strategy's).")
  Long budget;

  // The strategies' own options: each is passed to the strategies whose catalog line lists it; a variant's value
  // of the same option wins.
  @Option(names = "--candidates", description = "KNAS: architectures screened (default: the strategy's, 300).")
  Integer candidates;

  @Option(names = "--top-k", description = "KNAS, free evolution: architectures evaluated (default: the"
      + " strategy's).")
  Integer topK;

  @Option(names = "--population", description = "Evolutions: population size (default: the strategy's).")
  Integer population;

  @Option(names = "--sample-size", description = "Evolutions: tournament size (default: the strategy's).")
  Integer sampleSize;

  @Option(names = "--screen-budget", description = "Free evolution: zero-cost screenings (default: the"
      + " strategy's, 300).")
  Integer screenBudget;

  @Option(names = "--samples", description = "Strategies that screen: n of the gradient kernel (default: 50).")
  Integer samples;

  @Option(names = "--batch-size", description = "Strategies that screen: B of the other zero-cost proxies"
      + " (default: 64).")
  Integer batchSize;

  @Option(names = "--parallel", description = "Strategy programs running at once (default: the cores).")
  Integer parallel;

  @Option(names = "--out", required = true, description = "Folder of the runs and the results.")
  Path out;

  @Override
  public Integer call() throws Exception {
    List<StrategyVariant> strategies;
    try {
      strategies = StrategyCatalog.load().variants(strategyList);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--strategies: " + e.getMessage());
    }
    if (seeds < 1 || (parallel != null && parallel < 1)) {
      throw new ParameterException(spec.commandLine(), "--seeds and --parallel must be at least 1");
    }
    Path home = Path.of(System.getenv().getOrDefault("KNAS_HOME", "")).toAbsolutePath();
    for (StrategyVariant strategy : strategies) {
      if (!Files.isExecutable(home.resolve(strategy.strategy().launcher()))) {
        throw new ParameterException(spec.commandLine(), "cannot find " + strategy.strategy().launcher()
            + " under " + home + "; run bin/knas (it sets KNAS_HOME) or run from the repository root");
      }
    }
    // Once here, rather than once per program.
    connection.probe();
    List<String> failures = runAll(home, strategies);
    if (!failures.isEmpty()) {
      spec.commandLine().getErr().printf("knas: %d run(s) failed: %s%n", failures.size(),
          String.join("; ", failures));
      return 1;
    }
    Map<String, List<Summary>> summaries = new LinkedHashMap<>();
    Map<String, List<BestSoFar>> curves = new LinkedHashMap<>();
    for (StrategyVariant strategy : strategies) {
      for (int seed = 0; seed < seeds; seed++) {
        RunFolder run = new RunFolder(runDir(strategy, seed));
        summaries.computeIfAbsent(strategy.label(), s -> new ArrayList<>()).add(run.summary());
        try (Journal journal = Journal.open(run.journal())) {
          curves.computeIfAbsent(strategy.label(), s -> new ArrayList<>()).add(BestSoFar.of(journal.recorded()));
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
      out().printf("%nwrote %s: runs.csv, comparison.md, best-vs-evaluations.png and .json, best-vs-cost.png and"
          + " .json%n", out);
    }
    return 0;
  }

  private Path runDir(StrategyVariant strategy, int seed) {
    return out.resolve("runs").resolve(strategy.folderName()).resolve("seed-" + seed);
  }

  /** Runs every unfinished (strategy, seed), a few at a time; returns what failed. */
  private List<String> runAll(Path home, List<StrategyVariant> strategies) throws Exception {
    Files.createDirectories(out.resolve("logs"));
    record Job(StrategyVariant strategy, int seed) {}
    List<Job> pending = new ArrayList<>();
    for (int seed = 0; seed < seeds; seed++) {
      for (StrategyVariant strategy : strategies) {
        if (!Files.exists(runDir(strategy, seed).resolve(RunFolder.SUMMARY_FILE))) {
          pending.add(new Job(strategy, seed));
        }
      }
    }
    int total = strategies.size() * seeds;
    AtomicInteger done = new AtomicInteger(total - pending.size());
    int workers = parallel != null ? parallel : Runtime.getRuntime().availableProcessors();
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    List<String> failures = new ArrayList<>();
    // The runs under way and how far each has come, as their programs report it.
    Map<String, Double> running = new TreeMap<>();
    try (Progress progress = progress("compare", total, "runs").resumingFrom(done.get())) {
      progress.stepTo(done.get(), "");
      List<Future<String>> results = new ArrayList<>();
      for (Job job : pending) {
        String name = job.strategy().label() + " seed " + job.seed();
        results.add(pool.submit(() -> {
          String failure = run(home, job.strategy(), job.seed(),
              fraction -> report(progress, running, done, name, fraction));
          report(progress, running, done, name, null);
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

  /** Run {@code name} has come {@code fraction} of its way, or has ended when null; shows the whole. */
  private static void report(Progress progress, Map<String, Double> running, AtomicInteger done, String name,
      Double fraction) {
    synchronized (running) {
      if (fraction == null) {
        running.remove(name);
        done.incrementAndGet();
      } else {
        running.put(name, fraction);
      }
      progress.stepTo(done.get() + running.values().stream().mapToDouble(Double::doubleValue).sum(),
          running.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.0f%%", e.getKey(),
              100 * e.getValue())).collect(Collectors.joining(", ")));
    }
  }

  /**
   * One strategy program to its end, its output kept in its log and its progress lines passed on to
   * {@code progress} as fractions; null when it succeeded, else why not.
   */
  private String run(Path home, StrategyVariant strategy, int seed, DoubleConsumer progress)
      throws IOException, InterruptedException {
    Path dir = runDir(strategy, seed);
    List<String> command = new ArrayList<>(List.of(home.resolve(strategy.strategy().launcher()).toString(),
        "--target", connection.target, "--seed", Integer.toString(seed), "--out", dir.toString(),
        "--fidelity", fidelity, "--dataset", dataset));
    command.addAll(connection.transport.arguments());
    if (Files.exists(dir.resolve(RunFolder.RUN_FILE))) {
      command.add("--resume");
    }
    add(command, "--budget", budget);
    Map<String, Object> own = new LinkedHashMap<>();
    own.put("--candidates", candidates);
    own.put("--top-k", topK);
    own.put("--population", population);
    own.put("--sample-size", sampleSize);
    own.put("--screen-budget", screenBudget);
    own.put("--samples", samples);
    own.put("--batch-size", batchSize);
    own.putAll(strategy.options());
    own.forEach((option, value) -> {
      if (strategy.strategy().options().contains(option)) {
        add(command, option, value);
      }
    });
    Path log = out.resolve("logs").resolve(strategy.folderName() + "-seed-" + seed + ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8));
        Writer logged = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      for (String line = output.readLine(); line != null; line = output.readLine()) {
        logged.write(line + "\n");
        logged.flush();
        Progress.fractionOf(line).ifPresent(progress);
      }
    }
    int code = process.waitFor();
    return code == 0 ? null : strategy.label() + " seed " + seed + " exited with " + code + " (" + log + ")";
  }

  private static void add(List<String> command, String option, Object value) {
    if (value != null) {
      command.add(option);
      command.add(value.toString());
    }
  }

  private ArrayNode writeCsv(Map<String, List<Summary>> summaries) throws IOException {
    ArrayNode rows = JSON.createArrayNode();
    String[] header = {"strategy", "seed", "best_index", "best_architecture", "validation_cifar10",
        "test_cifar10", "test_cifar100", "test_imagenet16-120", "evaluations", "kernel_evaluations",
        "failed_evaluations", "cost_seconds", "wall_seconds"};
    try (Writer writer = Files.newBufferedWriter(out.resolve("runs.csv"), StandardCharsets.UTF_8);
        CSVPrinter csv = new CSVPrinter(writer, CSVFormat.DEFAULT.builder().setHeader(header).get())) {
      for (Map.Entry<String, List<Summary>> entry : summaries.entrySet()) {
        for (Summary summary : entry.getValue()) {
          Optional<Summary.Best> best = Optional.ofNullable(summary.best());
          ObjectNode row = rows.addObject();
          row.put("strategy", entry.getKey());
          row.put("seed", summary.seed());
          row.put("best_index", best.map(Summary.Best::index).orElse(-1));
          row.put("best_architecture", best.map(Summary.Best::architecture).orElse(""));
          row.put("validation_cifar10", accuracy(best.map(Summary.Best::validationAccuracy), "cifar10"));
          row.put("test_cifar10", accuracy(best.map(Summary.Best::testAccuracy), "cifar10"));
          row.put("test_cifar100", accuracy(best.map(Summary.Best::testAccuracy), "cifar100"));
          row.put("test_imagenet16-120", accuracy(best.map(Summary.Best::testAccuracy), "imagenet16-120"));
          row.put("evaluations", summary.evaluations().evaluation());
          row.put("kernel_evaluations", summary.evaluations().kernel());
          row.put("failed_evaluations", summary.evaluations().failed());
          row.put("cost_seconds", summary.costSeconds());
          row.put("wall_seconds", summary.wallSeconds());
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

  private static double accuracy(Optional<Map<String, Double>> accuracies, String dataset) {
    return accuracies.map(a -> a.getOrDefault(dataset, Double.NaN)).orElse(Double.NaN);
  }

  private void plot(Map<String, List<BestSoFar>> curves) throws IOException {
    List<Charts.Band> byEvaluations = new ArrayList<>();
    List<Charts.Band> byCost = new ArrayList<>();
    double maxHours = curves.values().stream().flatMap(List::stream)
        .mapToDouble(r -> r.evaluations() == 0 ? 0 : r.costSeconds()[r.evaluations() - 1] / 3600).max().orElse(1);
    for (Map.Entry<String, List<BestSoFar>> entry : curves.entrySet()) {
      byEvaluations.add(Curves.byEvaluations(entry.getKey(), entry.getValue()));
      byCost.add(Curves.byCost(entry.getKey(), entry.getValue(), maxHours));
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
