package dev.knas.cli;

import dev.knas.v1.ScoringServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** How to reach the service: options shared by every command that calls it. */
final class Connection {

  @Option(names = "--target", defaultValue = "${env:KNAS_TARGET:-localhost:50051}",
      description = "host:port of the scoring service (default: $KNAS_TARGET or localhost:50051).")
  String target;

  @Option(names = "--timeout", defaultValue = "600", description = "Seconds to wait for an answer (default:"
      + " ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  /** Runs {@code call} with a blocking stub on a fresh plaintext channel, closing the channel after. */
  <T> T call(Function<ScoringServiceGrpc.ScoringServiceBlockingStub, T> call)
      throws InterruptedException {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
    try {
      return call.apply(ScoringServiceGrpc.newBlockingStub(channel).withDeadlineAfter(timeoutSeconds,
          TimeUnit.SECONDS));
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
