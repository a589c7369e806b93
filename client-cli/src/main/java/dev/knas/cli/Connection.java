package dev.knas.cli;

import dev.knas.routing.RoutedBatch;
import dev.knas.routing.ServiceTarget;
import dev.knas.transport.ClearTextTokenRefused;
import dev.knas.transport.ClientTransportOptions;
import dev.knas.transport.ServiceProbe;
import dev.knas.transport.ServiceUnreachable;
import dev.knas.v1.ScoreCacheServiceGrpc;
import dev.knas.v1.ScoreCacheServiceGrpc.ScoreCacheServiceBlockingStub;
import dev.knas.v1.ScoringServiceGrpc;
import dev.knas.v1.ScoreArchitecturesRequest;
import dev.knas.v1.ScoreArchitecturesResult;
import dev.knas.v1.ScoringServiceGrpc.ScoringServiceBlockingStub;
import dev.knas.v1.ScoringServiceGrpc.ScoringServiceStub;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.StreamObserver;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** How to reach the service: options shared by every command that calls it. */
final class Connection {

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--target", defaultValue = "${env:KNAS_TARGET:-localhost:50051}",
      description = ServiceTarget.OPTION_DESCRIPTION)
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

  /**
   * The results of one ScoreArchitectures batch as they arrive, --timeout (else {@code defaultSeconds}) bounding
   * the wait between two; on replicas, the batch goes as one call per canonical class, each to its owner.
   */
  IdleTimeoutStream<ScoreArchitecturesResult> scoreArchitectures(Channel channel, ScoreArchitecturesRequest request,
      long defaultSeconds) {
    ScoringServiceStub stub = ScoringServiceGrpc.newStub(channel);
    BiConsumer<ScoreArchitecturesRequest, StreamObserver<ScoreArchitecturesResult>> method =
        service().replicated() ? new RoutedBatch(stub)::scoreArchitectures : stub::scoreArchitectures;
    return new IdleTimeoutStream<>(method, request, waitSeconds(defaultSeconds));
  }

  /** The target as parsed; a malformed one is the user's --target error. */
  ServiceTarget service() {
    try {
      return ServiceTarget.parse(target);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--target: " + e.getMessage());
    }
  }

  /**
   * Runs {@code call} against every replica's knas.v1.ScoreCacheService in turn (the one service when the target
   * is not replicated), each answer under its replica's host:port, in the target's order.
   */
  <T> Map<String, T> cacheOfEachReplica(Function<ScoreCacheServiceBlockingStub, T> call)
      throws InterruptedException {
    Map<String, T> answers = new LinkedHashMap<>();
    List<String> replicas;
    try {
      replicas = service().replicas();
    } catch (UnknownHostException e) {
      throw new ServiceUnreachable(target, "the host name does not resolve (" + e.getMessage() + ")");
    }
    for (String replica : replicas) {
      ManagedChannel channel = transport.transport().channelBuilder(replica).build();
      try {
        probe(channel, replica);
        answers.put(replica, call.apply(withDeadline(ScoreCacheServiceGrpc.newBlockingStub(channel),
            DEFAULT_TIMEOUT_SECONDS)));
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    return answers;
  }

  /** Seconds to wait, --timeout or else {@code defaultSeconds}; 0: as long as it takes. */
  long waitSeconds(long defaultSeconds) {
    return timeoutSeconds != null ? timeoutSeconds : defaultSeconds;
  }

  private <S extends AbstractStub<S>> S withDeadline(S stub, long defaultSeconds) {
    long seconds = waitSeconds(defaultSeconds);
    return seconds > 0 ? stub.withDeadlineAfter(seconds, TimeUnit.SECONDS) : stub;
  }

  /** A fresh channel for one command, checked to reach the service, shut down after. */
  <T> T withChannel(Function<ManagedChannel, T> call) throws InterruptedException {
    ManagedChannel channel = transport.transport().channelBuilder(service().channelTarget()).build();
    try {
      probe(channel, target);
      return call.apply(channel);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Checks that the service can be reached, for a command whose calls are made by other programs. */
  void probe() throws InterruptedException {
    withChannel(channel -> null);
  }

  /**
   * Fails at once, in one line, when {@code address} cannot be reached (ServiceUnreachable), rather than after the
   * service config's retries; a token the options would send in clear text is an option error.
   */
  private void probe(ManagedChannel channel, String address) {
    try {
      new ServiceProbe(transport.transport(), address).check(channel);
    } catch (ClearTextTokenRefused e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
