package dev.knas.cli;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code knas health}: the service's standard gRPC health status; exit code 0 only when SERVING. */
@Command(name = "health", mixinStandardHelpOptions = true,
    description = "Asks the service's grpc.health.v1 status (exit code 0 when SERVING, 5 otherwise).")
final class HealthCommand extends ServiceCall implements Callable<Integer> {

  @Option(names = "--service", defaultValue = "",
      description = "Service name to ask about, e.g. knas.v1.ScoringService (default: the whole server).")
  String service;

  @Override
  public Integer call() throws Exception {
    HealthCheckResponse response = connection.withChannel(channel -> HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(connection.timeoutSeconds == null ? 10 : connection.timeoutSeconds,
            TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build()));
    if (json) {
      printJson(response);
    } else {
      out().printf("%s %s%n", connection.target, response.getStatus());
    }
    return response.getStatus() == HealthCheckResponse.ServingStatus.SERVING ? 0 : 5;
  }
}
