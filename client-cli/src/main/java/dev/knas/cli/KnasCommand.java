package dev.knas.cli;

import dev.knas.transport.CallFailure;
import io.grpc.StatusRuntimeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/knas}: the scoring service from a terminal. */
@Command(name = "knas", mixinStandardHelpOptions = true, version = "knas 0.1.0",
    description = "Scores NAS-Bench-201 architectures with a running KNAS scoring service.",
    subcommands = {ScoreCommand.class, KernelCommand.class, TrainCommand.class, CacheCommand.class,
        SpaceCommand.class, HealthCommand.class, CompareCommand.class, CorrelateCommand.class,
        ProxiesCommand.class})
public final class KnasCommand {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with its one-line error reporting, for the main program and tests. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new KnasCommand());
    cli.setParameterExceptionHandler((error, arguments) -> {
      CommandLine commandLine = error.getCommandLine();
      String name = commandLine.getCommandSpec().qualifiedName();
      commandLine.getErr().println(name + ": " + error.getMessage() + " (see '" + name + " --help')");
      return commandLine.getCommandSpec().exitCodeOnInvalidInput();
    });
    cli.setExecutionExceptionHandler((error, commandLine, parseResult) -> {
      commandLine.getErr().println("knas: " + describe(error, commandLine));
      return error instanceof StatusRuntimeException ? 3 : 1;
    });
    return cli;
  }

  private static String describe(Exception error, CommandLine commandLine) {
    if (error instanceof StatusRuntimeException e) {
      String target = commandLine.getCommand() instanceof UsesService command ? command.connection().target : "?";
      return switch (e.getStatus().getCode()) {
        case UNAVAILABLE -> "cannot reach the scoring service at " + target + " ("
            + CallFailure.reason(e.getStatus()) + ")";
        case DEADLINE_EXCEEDED -> String.valueOf(e.getStatus().getDescription()).startsWith(IdleTimeoutStream.SILENT)
            ? "the scoring service at " + target + " sent " + e.getStatus().getDescription()
            : "no answer from " + target + " within the deadline (--timeout)";
        default -> e.getStatus().getCode() + ": " + e.getStatus().getDescription();
      };
    }
    return error.getMessage() == null ? error.toString() : error.getMessage();
  }
}
