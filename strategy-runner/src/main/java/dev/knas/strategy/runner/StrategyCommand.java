package dev.knas.strategy.runner;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.knas.contract.FidelityKind;
import dev.knas.space.Nb201Architecture;
import dev.knas.strategy.Stage;
import dev.knas.strategy.Strategy;
import dev.knas.telemetry.Telemetry;
import dev.knas.v1.Architecture;
import dev.knas.v1.Fidelity;
import dev.knas.v1.GetCacheStatsRequest;
import dev.knas.v1.LookupScoreRequest;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoreArchitectureResponse;
import dev.knas.v1.ScoreCacheServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The command line every strategy process shares: where the service is, how candidates are evaluated, the
 * budget, seed, concurrency, output folder and resume. A strategy's main extends it with its own options and
 * builds its {@link Strategy}. Writes {@code run.json} (the options) when a search starts, {@code journal.jsonl}
 * as it goes and {@code summary.json} at the end. Exit codes: 0 done, 1 the search failed (the service refused
 * or kept failing), 2 invalid options or an unreachable service.
 */
public abstract class StrategyCommand implements Callable<Integer> {

  /** Version of the strategy programs, recorded in every summary. */
  public static final String VERSION = "0.1.0";
  static final String RUN_FILE = "run.json";
  static final String JOURNAL_FILE = "journal.jsonl";
  static final String SUMMARY_FILE = "summary.json";

  @Spec
  protected CommandSpec spec;

  @Option(names = "--target", defaultValue = "${env:KNAS_TARGET:-localhost:50051}",
      description = "host:port of the scoring service (default: $KNAS_TARGET or localhost:50051).")
  String target;

  @Option(names = "--dataset", defaultValue = "cifar10",
      description = "Data set of the evaluations (default: ${DEFAULT-VALUE}).")
  String dataset;

  @Option(names = "--fidelity", defaultValue = "benchmark",
      description = "How candidates are evaluated: benchmark (NAS-Bench-201's validation accuracy) or"
          + " short-training (held-out accuracy after a short SGD training) (default: ${DEFAULT-VALUE}).")
  String fidelity;

  @Option(names = "--budget", description = "Evaluations at the fidelity above; gradient-kernel screening is"
      + " counted separately (default: the strategy's).")
  Long budget;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the strategy's choices (default: 0).")
  long seed;

  @Option(names = "--concurrency", defaultValue = "1",
      description = "Evaluations in flight at once (default: ${DEFAULT-VALUE}). A strategy that learns from scores"
          + " proposes with fewer of them known when more are in flight, so results depend on it (never on the"
          + " order the service answers in); --resume needs the same value.")
  int concurrency;

  @Option(names = "--out", required = true, description = "Folder for run.json, journal.jsonl and summary.json.")
  Path out;

  @Option(names = "--resume", description = "Continue the search recorded in --out (after a crash or kill).")
  boolean resume;

  @Option(names = "--evaluation-seed", defaultValue = "0", description = "Seed of the networks the service"
      + " builds (gradient kernel, short training), shared by all search seeds so scores are cached across them"
      + " (default: ${DEFAULT-VALUE}).")
  long evaluationSeed;

  @Option(names = "--kernel-dataset", description = "Data set of gradient-kernel screening (default: --dataset).")
  String kernelDataset;

  @Option(names = "--samples", defaultValue = "50",
      description = "n of gradient-kernel screening (default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--epochs", defaultValue = "12",
      description = "Epochs of a short-training evaluation (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--timeout", defaultValue = "0", description = "Seconds one evaluation may take; 0 for no limit"
      + " (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(names = "--attempts", defaultValue = "8", description = "Tries per evaluation when the service is"
      + " unavailable or busy, backing off from 0.5 s to 30 s (default: ${DEFAULT-VALUE}).")
  int attempts;

  /** The budget when --budget is not given. */
  protected abstract long defaultBudget();

  /** Checks the strategy's own options; throw {@link #invalid} for a bad one. */
  protected abstract void validateStrategyOptions();

  /** The strategy's own options, recorded in run.json and the summary. */
  protected abstract Map<String, Object> strategyOptions();

  /** A fresh strategy for {@code seed}. */
  protected abstract Strategy createStrategy(long seed);

  /** Whether the strategy screens with the gradient kernel (then its data set is checked up front). */
  protected boolean screensWithKernel() {
    return false;
  }

  /** Runs {@code command} as a program: parses, runs, exits with its code. */
  protected static void main(StrategyCommand command, String[] args) {
    CommandLine cli = new CommandLine(command);
    cli.setParameterExceptionHandler((error, arguments) -> {
      CommandLine commandLine = error.getCommandLine();
      commandLine.getErr().println(commandLine.getCommandName() + ": " + error.getMessage() + " (see '"
          + commandLine.getCommandName() + " --help')");
      return commandLine.getCommandSpec().exitCodeOnInvalidInput();
    });
    cli.setExecutionExceptionHandler((error, commandLine, parseResult) -> {
      commandLine.getErr().println(commandLine.getCommandName() + ": " + error.getMessage());
      return 1;
    });
    System.exit(cli.execute(args));
  }

  protected ParameterException invalid(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  @Override
  public Integer call() throws Exception {
    long effectiveBudget = budget == null ? defaultBudget() : budget;
    if (effectiveBudget < 1) {
      throw invalid("--budget must be at least 1, got " + effectiveBudget);
    }
    if (concurrency < 1 || samples < 1 || epochs < 1 || attempts < 1 || timeoutSeconds < 0) {
      throw invalid("--concurrency, --samples, --epochs and --attempts must be at least 1, --timeout at least 0");
    }
    validateStrategyOptions();
    FidelityKind[] evaluations = {FidelityKind.BENCHMARK, FidelityKind.SHORT_TRAINING};
    Fidelity evaluationFidelity = FidelityKind.parse(fidelity).filter(k -> Arrays.asList(evaluations).contains(k))
        .orElseThrow(() -> invalid("--fidelity: '" + fidelity + "' is not " + FidelityKind.optionNames(evaluations)))
        .fidelity();
    Strategy strategy = createStrategy(seed);
    ObjectNode run = runRecord(strategy.name(), effectiveBudget);
    PrintWriter err = spec.commandLine().getErr();
    Telemetry telemetry = Telemetry.configure("knas-strategy-" + strategy.name(), OptionalInt.empty());
    ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext()
        .intercept(telemetry.clientInterceptor()).build();
    Span search = telemetry.tracer().spanBuilder("search " + strategy.name())
        .setAttribute("knas.strategy", strategy.name()).setAttribute("knas.seed", seed)
        .setAttribute("knas.fidelity", fidelity).setAttribute("knas.budget", effectiveBudget).startSpan();
    try (Scope scope = search.makeCurrent()) {
      ServiceEvaluator evaluator = new ServiceEvaluator(channel, new ServiceEvaluator.Settings(evaluationFidelity,
          dataset, kernelDataset == null ? dataset : kernelDataset, evaluationSeed, samples, epochs,
          timeoutSeconds, attempts, 500), telemetry.tracer(), Context.current());
      checkService(channel, evaluator);
      prepareOutput(run);
      SearchRunner.Outcome outcome;
      try (Journal journal = Journal.open(out.resolve(JOURNAL_FILE))) {
        if (!journal.recorded().isEmpty()) {
          err.printf("%s: resuming from %d journaled evaluations%n", strategy.name(), journal.recorded().size());
        }
        outcome = new SearchRunner(strategy, evaluator, journal, effectiveBudget, concurrency,
            evaluation -> { }).run();
      }
      ObjectNode summary = summary(run, outcome, evaluator);
      writeAtomically(out.resolve(SUMMARY_FILE), summary);
      spec.commandLine().getOut().println(Journal.JSON.writerWithDefaultPrettyPrinter()
          .writeValueAsString(summary));
      return 0;
    } catch (RuntimeException e) {
      search.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
      throw e;
    } finally {
      search.end();
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      telemetry.close();
    }
  }

  private ObjectNode runRecord(String strategy, long effectiveBudget) {
    ObjectNode run = Journal.JSON.createObjectNode();
    run.put("strategy", strategy);
    run.put("version", VERSION);
    run.put("seed", seed);
    ObjectNode options = run.putObject("options");
    options.put("dataset", dataset);
    options.put("fidelity", fidelity);
    options.put("budget", effectiveBudget);
    options.put("concurrency", concurrency);
    options.put("evaluation_seed", evaluationSeed);
    options.put("kernel_dataset", kernelDataset == null ? dataset : kernelDataset);
    options.put("samples", samples);
    if (fidelity.equals("short-training")) {
      options.put("epochs", epochs);
    }
    options.set("strategy", Journal.JSON.valueToTree(strategyOptions()));
    return run;
  }

  /** Creates --out with run.json, or on --resume checks that run.json records the same search. */
  private void prepareOutput(ObjectNode run) throws IOException {
    Path runFile = out.resolve(RUN_FILE);
    if (resume) {
      if (!Files.isRegularFile(runFile)) {
        throw invalid("--resume: " + out + " holds no search to resume (no " + RUN_FILE + ")");
      }
      ObjectNode recorded = (ObjectNode) Journal.JSON.readTree(runFile.toFile());
      ObjectNode comparable = recorded.deepCopy();
      comparable.remove("started_at");
      if (!comparable.equals(Journal.JSON.readTree(Journal.JSON.writeValueAsString(run)))) {
        throw invalid("--resume: " + out + " holds a different search: " + comparable + "; this command asks for "
            + run);
      }
      return;
    }
    if (Files.exists(runFile) || Files.exists(out.resolve(JOURNAL_FILE))) {
      throw invalid("--out " + out + " already holds a search; pass --resume to continue it, or choose another"
          + " folder");
    }
    Files.createDirectories(out);
    ObjectNode started = run.deepCopy();
    started.put("started_at", Instant.now().toString());
    writeAtomically(runFile, started);
  }

  /** Fails with exit code 2 when the service cannot be reached or refuses the evaluation options. */
  private void checkService(ManagedChannel channel, ServiceEvaluator evaluator) throws InterruptedException {
    try {
      ScoreCacheServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
          .getCacheStats(GetCacheStatsRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      throw invalid("cannot reach the scoring service at " + target + " (" + e.getStatus().getCode() + ": "
          + e.getStatus().getDescription() + ")");
    }
    Architecture probe = Architecture.newBuilder().setNb201Index(0).build();
    try {
      if (fidelity.equals("benchmark")) {
        ScoreArchitectureResponse response = evaluator.call(evaluator.request(probe, Stage.EVALUATION),
            "benchmark lookup");
        if (!response.getMetric().equals(ServiceEvaluator.SELECTION_METRIC)) {
          throw invalid("--dataset " + dataset + ": the benchmark table has no validation accuracy for it, and a"
              + " search selects on validation accuracy only");
        }
      } else {
        lookup(channel, evaluator, probe, Stage.EVALUATION);
      }
      if (screensWithKernel()) {
        lookup(channel, evaluator, probe, Stage.KERNEL);
      }
    } catch (SearchFailure e) {
      throw invalid(e.getMessage());
    }
  }

  /** Validates a request the way scoring it would, without computing anything. */
  private void lookup(ManagedChannel channel, ServiceEvaluator evaluator, Architecture probe, Stage stage) {
    try {
      ScoreCacheServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
          .lookupScore(LookupScoreRequest.newBuilder().setRequest(evaluator.request(probe, stage)).build());
    } catch (StatusRuntimeException e) {
      throw invalid((stage == Stage.KERNEL ? "gradient-kernel screening" : "evaluation") + " refused by the"
          + " service: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
    }
  }

  private ObjectNode summary(ObjectNode run, SearchRunner.Outcome outcome, ServiceEvaluator evaluator)
      throws InterruptedException {
    ObjectNode summary = run.deepCopy();
    ObjectNode evaluations = summary.putObject("evaluations");
    evaluations.put("evaluation", outcome.evaluations());
    evaluations.put("kernel", outcome.kernelEvaluations());
    evaluations.put("replayed_from_journal", outcome.replayed());
    summary.put("wall_seconds", outcome.wallSeconds());
    summary.put("cost_seconds", outcome.costSeconds());
    if (outcome.best().isPresent()) {
      Evaluation best = outcome.best().get();
      ObjectNode node = summary.putObject("best");
      node.put("architecture", best.architecture());
      node.put("index", best.index());
      node.put("canonical", best.canonical());
      node.put("metric", best.metric());
      node.put("value", best.value());
      node.put("found_at_evaluation", best.sequence());
      benchmarkRecord(node, best, evaluator);
    }
    summary.put("finished_at", Instant.now().toString());
    return summary;
  }

  /** The best architecture's benchmark record for every data set the table has, when the service has one. */
  private void benchmarkRecord(ObjectNode best, Evaluation evaluation, ServiceEvaluator evaluator)
      throws InterruptedException {
    Architecture architecture = Architecture.newBuilder()
        .setNb201String(Nb201Architecture.fromIndex(evaluation.index()).toBenchmarkString()).build();
    try {
      ScoreArchitectureResponse response = evaluator.call(ScoreArchitectureRequest.newBuilder()
          .setArchitecture(architecture).setFidelity(Fidelity.FIDELITY_BENCHMARK).build(), "benchmark record");
      best.set("validation_accuracy", Journal.JSON.valueToTree(response.getBenchmark().getValidationAccuracyMap()));
      best.set("test_accuracy", Journal.JSON.valueToTree(response.getBenchmark().getTestAccuracyMap()));
      best.put("benchmark_train_seconds", response.getBenchmark().getTrainSecondsOrDefault(dataset, Double.NaN));
    } catch (SearchFailure e) {
      if (!(e.getCause() instanceof StatusRuntimeException s)
          || s.getStatus().getCode() != Status.Code.FAILED_PRECONDITION) {
        throw e;
      }
      best.put("benchmark", "the service has no benchmark table");
    }
  }

  private static void writeAtomically(Path file, ObjectNode content) throws IOException {
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    Files.writeString(partial, Journal.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(content) + "\n", StandardCharsets.UTF_8);
    Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
