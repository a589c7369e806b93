package dev.knas.cli;

import dev.knas.transport.CallFailure;
import dev.knas.transport.ClientLogging;
import dev.knas.transport.ServiceUnreachable;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/knas}: the scoring service from a terminal. Exit codes (docs/guide/cli.md's table): 0 success, 1 an
 * unexpected failure, 2 bad arguments, 3 the service answered with an error status (or some entry of a batch has
 * no value), 4 {@code cache get} found no entry, 5 {@code health} is not SERVING (reachable or not), 6 the service
 * cannot be reached.
 */
@Command(name = "knas", mixinStandardHelpOptions = true, version = "knas 0.1.0",
    description = "Scores NAS-Bench-201 architectures with a running KNAS scoring service.",
    subcommands = {ScoreCommand.class, KernelCommand.class, TrainCommand.class, CacheCommand.class,
        SpaceCommand.class, HealthCommand.class, CompareCommand.class, CorrelateCommand.class,
        ProxiesCommand.class})
public final class KnasCommand {

  /** The service answered a call with an error status. */
  static final int SERVICE_ERROR = 3;

  /** The service could not be reached (refused, unresolvable, TLS, or unavailable through the retries). */
  static final int UNREACHABLE = 6;

  public static void main(String[] args) {
    ClientLogging.quietGrpc();
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
      commandLine.getErr().println("knas: " + describe(error, target(commandLine)));
      return exitCode(error);
    });
    return cli;
  }

  static int exitCode(Exception error) {
    if (error instanceof ServiceUnreachable) {
      return UNREACHABLE;
    }
    if (error instanceof StatusRuntimeException e) {
      return e.getStatus().getCode() == Status.Code.UNAVAILABLE ? UNREACHABLE : SERVICE_ERROR;
    }
    return 1;
  }

  /** One line for a failed command; a status as its code and description, naming the target when unreached. */
  static String describe(Exception error, String target) {
    if (error instanceof StatusRuntimeException e) {
      return switch (e.getStatus().getCode()) {
        // Reached once (the probe answered), then unavailable through the service config's retries.
        case UNAVAILABLE -> new ServiceUnreachable(target, CallFailure.reason(e.getStatus())).getMessage();
        case DEADLINE_EXCEEDED -> String.valueOf(e.getStatus().getDescription()).startsWith(IdleTimeoutStream.SILENT)
            ? "the scoring service at " + target + " sent " + e.getStatus().getDescription()
            : "no answer from " + target + " within the deadline (--timeout)";
        default -> e.getStatus().getCode() + ": " + e.getStatus().getDescription();
      };
    }
    return error.getMessage() == null ? error.toString() : error.getMessage();
  }

  private static String target(CommandLine commandLine) {
    return commandLine.getCommand() instanceof UsesService command ? command.connection().target : "?";
  }
}
