package dev.knas.bench;

import dev.knas.scoring.benchmark.BenchmarkTableException;
import dev.knas.scoring.cache.StoreException;
import dev.knas.scoring.server.ScoringServer;
import org.apache.logging.log4j.LogManager;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/knas-bench}: the scoring service's benchmarks, on its engine, through gRPC and against PyTorch. Each
 * prints a table; none is a test.
 */
@Command(name = "knas-bench", mixinStandardHelpOptions = true, version = "knas-bench " + ScoringServer.VERSION,
    description = "Benchmarks of the KNAS scoring service.",
    subcommands = {KernelPathBenchmark.class, CacheHitBenchmark.class, TrainingEpochBenchmark.class,
        KernelComparisonBenchmark.class, ProcessBenchmark.class, ProxyCostBenchmark.class, ReplicaBenchmark.class,
        OpProfileBenchmark.class})
public final class KnasBenchCommand {

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new KnasBenchCommand());
    // A bad option is one line naming it, not the whole usage.
    cli.setParameterExceptionHandler((error, arguments) -> {
      String name = error.getCommandLine().getCommandSpec().qualifiedName();
      error.getCommandLine().getErr().println(name + ": " + error.getMessage() + " (see '" + name + " --help')");
      return error.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
    });
    cli.setExecutionExceptionHandler((error, commandLine, parseResult) -> {
      if (error instanceof StoreException || error instanceof BenchmarkTableException) {
        commandLine.getErr().println("knas-bench: " + error.getMessage());
        return 1;
      }
      throw error;
    });
    // Log4j's own shutdown hook is off (the service's log4j2.xml): the log of a service the benchmark runs in this
    // process is flushed here, last.
    Runtime.getRuntime().addShutdownHook(new Thread(LogManager::shutdown, "knas-shutdown"));
    System.exit(cli.execute(args));
  }
}
