package dev.knas.strategy.runner;

import dev.knas.contract.FidelityKind;
import dev.knas.progress.Progress;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.strategy.Strategy;
import dev.knas.strategy.screening.ScreeningRank;
import dev.knas.telemetry.Telemetry;
import dev.knas.routing.ServiceTarget;
import dev.knas.transport.ClientLogging;
import dev.knas.transport.ClientTransportOptions;
import dev.knas.transport.ServiceProbe;
import dev.knas.transport.ServiceUnreachable;
import dev.knas.v1.Fidelity;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The command line every strategy process shares: where the service is, how candidates are evaluated, the
 * budget, seed, concurrency, output folder and resume. A strategy's main extends it with its own options and
 * builds its {@link Strategy}; {@link ServiceCheck} checks the service will serve the search and {@link RunFolder}
 * keeps its files ({@code run.json} when a search starts, {@code journal.jsonl} as it goes and {@code summary.json}
 * at the end). Exit codes: 0 done, 1 the search failed (the service refused, stayed busy through the service
 * config's retries, or too many evaluations in a row failed), 2 invalid options, 6 the service cannot be reached
 * (at start, or unavailable through the retries later; bin/knas's code for it).
 */
public abstract class StrategyCommand implements Callable<Integer> {

  /** Version of the strategy programs, recorded in every summary. */
  public static final String VERSION = "0.1.0";

  @Spec
  protected CommandSpec spec;

  @Option(names = "--target", defaultValue = "${env:KNAS_TARGET:-localhost:50051}",
      description = ServiceTarget.OPTION_DESCRIPTION)
  String target;

  @Mixin
  ClientTransportOptions transport;

  @Option(names = "--dataset", defaultValue = "cifar10",
      description = "Data set of the evaluations (default: ${DEFAULT-VALUE}).")
  String dataset;

  @Option(names = "--fidelity", defaultValue = "benchmark",
      description = "How candidates are evaluated: benchmark (NAS-Bench-201's validation accuracy) or"
          + " short-training (held-out accuracy after a short SGD training) (default: ${DEFAULT-VALUE}).")
  String fidelity;

  @Option(names = "--budget", description = "Evaluations at the fidelity above; zero-cost screening is counted"
      + " separately (default: the strategy's).")
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

  @Option(names = "--kernel-dataset", description = "Data set of zero-cost screening (default: --dataset).")
  String kernelDataset;

  @Option(names = "--samples", defaultValue = "50",
      description = "n, the samples of the gradient kernel (the mgm proxy) (default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--batch-size", defaultValue = "64",
      description = "B, the mini-batch of the other zero-cost proxies (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--epochs", defaultValue = "12",
      description = "Epochs of a short-training evaluation (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--timeout", defaultValue = "0", description = "Seconds one evaluation may take; 0 for no limit"
      + " (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(names = "--max-failures", defaultValue = "10", description = "Evaluations in a row that may fail for good"
      + " (an architecture the benchmark table lacks, a proxy with no finite value) before the search ends; each"
      + " is journaled and the search goes on without it (default: ${DEFAULT-VALUE}).")
  int maxFailures;

  /** The budget when --budget is not given. */
  protected abstract long defaultBudget();

  /** Checks the strategy's own options; throw {@link #invalid} for a bad one. */
  protected abstract void validateStrategyOptions();

  /** The strategy's own options, recorded in run.json and the summary. */
  protected abstract Map<String, Object> strategyOptions();

  /** A fresh strategy for {@code seed}. */
  protected abstract Strategy createStrategy(long seed);

  /** How the strategy ranks what it screens with zero-cost proxies; empty when it does not screen. */
  protected Optional<ScreeningRank> screening() {
    return Optional.empty();
  }

  /** The service could not be reached, as bin/knas says it. */
  static final int UNREACHABLE = 6;

  /** Zero-cost screenings the strategy plans besides its evaluations, for its progress; 0 when it does not screen. */
  protected long screenings() {
    return 0;
  }

  /** Evaluations the strategy plans within {@code budget}, for its progress: the budget unless it stops sooner. */
  protected long evaluations(long budget) {
    return budget;
  }

  /** Runs {@code command} as a program: parses, runs, exits with its code. */
  protected static void main(StrategyCommand command, String[] args) {
    ClientLogging.quietGrpc();
    CommandLine cli = new CommandLine(command);
    cli.setParameterExceptionHandler((error, arguments) -> {
      CommandLine commandLine = error.getCommandLine();
      commandLine.getErr().println(commandLine.getCommandName() + ": " + error.getMessage() + " (see '"
          + commandLine.getCommandName() + " --help')");
      return commandLine.getCommandSpec().exitCodeOnInvalidInput();
    });
    cli.setExecutionExceptionHandler((error, commandLine, parseResult) -> {
      commandLine.getErr().println(commandLine.getCommandName() + ": " + error.getMessage());
      return error instanceof ServiceUnreachable ? UNREACHABLE : 1;
    });
    System.exit(cli.execute(args));
  }

  protected ParameterException invalid(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** The --proxy option of a screening strategy as its rank, or its refusal naming the option. */
  protected ScreeningRank screeningRank(String proxy) {
    try {
      return ScreeningRank.parse(proxy);
    } catch (IllegalArgumentException e) {
      throw invalid("--proxy: " + e.getMessage());
    }
  }

  @Override
  public Integer call() throws Exception {
    try {
      return search();
    } catch (InvalidOptions e) {
      throw invalid(e.getMessage());
    } catch (SearchFailure e) {
      if (unavailable(e)) {
        throw new ServiceUnreachable(target, e.getMessage());
      }
      throw e;
    }
  }

  /** Whether the search ended on UNAVAILABLE, which the service config's retries did not get past. */
  static boolean unavailable(SearchFailure failure) {
    return failure.getCause() instanceof StatusRuntimeException e
        && e.getStatus().getCode() == Status.Code.UNAVAILABLE;
  }

  private int search() throws Exception {
    long effectiveBudget = budget == null ? defaultBudget() : budget;
    if (effectiveBudget < 1) {
      throw invalid("--budget must be at least 1, got " + effectiveBudget);
    }
    if (concurrency < 1 || samples < 1 || batchSize < 1 || epochs < 1 || maxFailures < 1 || timeoutSeconds < 0) {
      throw invalid("--concurrency, --samples, --batch-size, --epochs and --max-failures must be at least 1,"
          + " --timeout at least 0");
    }
    validateStrategyOptions();
    FidelityKind[] evaluations = {FidelityKind.BENCHMARK, FidelityKind.SHORT_TRAINING};
    Fidelity evaluationFidelity = FidelityKind.parse(fidelity).filter(k -> Arrays.asList(evaluations).contains(k))
        .orElseThrow(() -> invalid("--fidelity: '" + fidelity + "' is not " + FidelityKind.optionNames(evaluations)))
        .fidelity();
    Strategy strategy = createStrategy(seed);
    RunRecord run = runRecord(strategy.name(), effectiveBudget);
    PrintWriter err = spec.commandLine().getErr();
    Telemetry telemetry = Telemetry.configure("knas-strategy-" + strategy.name(), OptionalInt.empty());
    try {
      ServiceTarget.parse(target);
    } catch (IllegalArgumentException e) {
      throw invalid("--target: " + e.getMessage());
    }
    ManagedChannel channel = transport.transport().channelBuilder(target)
        .intercept(telemetry.clientInterceptor()).build();
    Span search = telemetry.tracer().spanBuilder("search " + strategy.name())
        .setAttribute("knas.strategy", strategy.name()).setAttribute("knas.seed", seed)
        .setAttribute("knas.fidelity", fidelity).setAttribute("knas.budget", effectiveBudget).startSpan();
    try (Scope scope = search.makeCurrent()) {
      ServiceEvaluator evaluator = new ServiceEvaluator(channel, new ServiceEvaluator.Settings(evaluationFidelity,
          dataset, run.options().kernelDataset(), evaluationSeed, samples, epochs, screening(), batchSize,
          timeoutSeconds), telemetry.tracer(), Context.current());
      new ServiceCheck(channel, new ServiceProbe(transport.transport(), target), evaluator)
          .check(evaluationFidelity, dataset, screening());
      RunFolder folder = new RunFolder(out);
      RunRecord started = resume ? folder.resume(run) : folder.create(run);
      SearchRunner.Outcome outcome;
      try (Journal journal = Journal.open(folder.journal());
          SearchProgress progress = new SearchProgress(Progress.start(err, strategy.name() + " seed " + seed,
              screenings() + evaluations(effectiveBudget), "evaluations"), screenings(),
              evaluations(effectiveBudget), journal.recorded().size())) {
        if (!journal.recorded().isEmpty()) {
          err.printf("%s: resuming from %d journaled evaluations%n", strategy.name(), journal.recorded().size());
        }
        outcome = new SearchRunner(strategy, evaluator, journal, effectiveBudget, concurrency, maxFailures,
            progress).run();
      }
      if (outcome.failed() > 0) {
        err.printf("%s: %d evaluations failed for good (see \"error\" in %s)%n", strategy.name(), outcome.failed(),
            folder.journal());
      }
      Optional<Summary.Best> best = Optional.empty();
      if (outcome.best().isPresent()) {
        Evaluation found = outcome.best().get();
        best = Optional.of(Summary.Best.of(found,
            evaluator.benchmarkRecord(Nb201Architecture.fromIndex(found.index())), dataset));
      }
      Summary summary = Summary.of(started, outcome, best, Instant.now());
      folder.writeSummary(summary);
      spec.commandLine().getOut().println(RunFolder.json(summary));
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

  private RunRecord runRecord(String strategy, long effectiveBudget) {
    return new RunRecord(strategy, VERSION, seed, new RunRecord.Options(dataset, fidelity, effectiveBudget,
        concurrency, maxFailures, evaluationSeed, kernelDataset == null ? dataset : kernelDataset, samples,
        batchSize, fidelity.equals(FidelityKind.SHORT_TRAINING.optionName()) ? epochs : null, strategyOptions()),
        null);
  }
}
