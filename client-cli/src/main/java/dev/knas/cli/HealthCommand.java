package dev.knas.cli;

import dev.knas.transport.ServiceUnreachable;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code knas health}: the service's standard gRPC health status; exit code 0 only when SERVING, 5 otherwise,
 * a service that cannot be reached included (as a load balancer's probe reads it).
 */
@Command(name = "health", mixinStandardHelpOptions = true,
    description = "Asks the service's grpc.health.v1 status (exit code 0 when SERVING, 5 otherwise, also when the"
        + " service cannot be reached).")
final class HealthCommand extends ServiceCall implements Callable<Integer> {

  static final int NOT_SERVING = 5;

  @Option(names = "--service", defaultValue = "",
      description = "Service name to ask about, e.g. knas.v1.ScoringService (default: the whole server).")
  String service;

  @Override
  public Integer call() throws Exception {
    HealthCheckResponse response;
    try {
      response = connection.withChannel(channel -> HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(connection.timeoutSeconds == null ? 10 : connection.timeoutSeconds,
              TimeUnit.SECONDS)
          .check(HealthCheckRequest.newBuilder().setService(service).build()));
    } catch (ServiceUnreachable | StatusRuntimeException e) {
      spec.commandLine().getErr().println("knas: " + KnasCommand.describe(e, connection.target));
      return NOT_SERVING;
    }
    if (json) {
      printJson(response);
    } else {
      out().printf("%s %s%n", connection.target, response.getStatus());
    }
    return response.getStatus() == HealthCheckResponse.ServingStatus.SERVING ? 0 : NOT_SERVING;
  }
}
