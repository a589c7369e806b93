package dev.knas.cli;

import dev.knas.transport.ClientTransportOptions;
import dev.knas.v1.ScoreCacheServiceGrpc;
import dev.knas.v1.ScoreCacheServiceGrpc.ScoreCacheServiceBlockingStub;
import dev.knas.v1.ScoringServiceGrpc;
import dev.knas.v1.ScoringServiceGrpc.ScoringServiceBlockingStub;
import io.grpc.ManagedChannel;
import io.grpc.stub.AbstractStub;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How to reach the service: options shared by every command that calls it. */
final class Connection {

  @Option(names = "--target", defaultValue = "${env:KNAS_TARGET:-localhost:50051}",
      description = "host:port of the scoring service (default: $KNAS_TARGET or localhost:50051).")
  String target;

  @Mixin
  ClientTransportOptions transport;

  /** Seconds a call may take unless --timeout says otherwise; trainings default to no deadline. */
  static final long DEFAULT_TIMEOUT_SECONDS = 600;

  @Option(names = "--timeout", description = "Seconds to wait for an answer (for a file of architectures: between"
      + " two results); 0 waits as long as it takes (default: 600, and as long as it takes for trainings). A"
      + " training past its deadline is stopped.")
  Long timeoutSeconds;

  /** Runs {@code call} against knas.v1.ScoringService with the deadline. */
  <T> T scoring(Function<ScoringServiceBlockingStub, T> call) throws InterruptedException {
    return scoring(call, DEFAULT_TIMEOUT_SECONDS);
  }

  /** Runs {@code call} against knas.v1.ScoringService, by default within {@code defaultSeconds} (0: none). */
  <T> T scoring(Function<ScoringServiceBlockingStub, T> call, long defaultSeconds) throws InterruptedException {
    return withChannel(channel -> call.apply(withDeadline(ScoringServiceGrpc.newBlockingStub(channel),
        defaultSeconds)));
  }

  /** Runs {@code call} against knas.v1.ScoreCacheService with the deadline. */
  <T> T cache(Function<ScoreCacheServiceBlockingStub, T> call) throws InterruptedException {
    return withChannel(channel -> call.apply(withDeadline(ScoreCacheServiceGrpc.newBlockingStub(channel),
        DEFAULT_TIMEOUT_SECONDS)));
  }

  /** Seconds to wait, --timeout or else {@code defaultSeconds}; 0: as long as it takes. */
  long waitSeconds(long defaultSeconds) {
    return timeoutSeconds != null ? timeoutSeconds : defaultSeconds;
  }

  private <S extends AbstractStub<S>> S withDeadline(S stub, long defaultSeconds) {
    long seconds = waitSeconds(defaultSeconds);
    return seconds > 0 ? stub.withDeadlineAfter(seconds, TimeUnit.SECONDS) : stub;
  }

  /** A fresh channel for one command, shut down after. */
  <T> T withChannel(Function<ManagedChannel, T> call) throws InterruptedException {
    ManagedChannel channel = transport.transport().channelBuilder(target).build();
    try {
      return call.apply(channel);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
