package dev.knas.cli;

import dev.knas.v1.ScoreCacheServiceGrpc;
import dev.knas.v1.ScoreCacheServiceGrpc.ScoreCacheServiceBlockingStub;
import dev.knas.v1.ScoringServiceGrpc;
import dev.knas.v1.ScoringServiceGrpc.ScoringServiceBlockingStub;
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

  /** Runs {@code call} against knas.v1.ScoringService with the deadline. */
  <T> T scoring(Function<ScoringServiceBlockingStub, T> call) throws InterruptedException {
    return withChannel(channel -> call.apply(ScoringServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS)));
  }

  /** Runs {@code call} against knas.v1.ScoreCacheService with the deadline. */
  <T> T cache(Function<ScoreCacheServiceBlockingStub, T> call) throws InterruptedException {
    return withChannel(channel -> call.apply(ScoreCacheServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS)));
  }

  /** A fresh plaintext channel for one command, shut down after. */
  private <T> T withChannel(Function<ManagedChannel, T> call) throws InterruptedException {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
    try {
      return call.apply(channel);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
