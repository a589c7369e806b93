package dev.knas.scoring.server;

import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.space.nb201.Operation;
import dev.knas.v1.Architecture;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.GradientKernelOptions;
import dev.knas.v1.LookupScoreRequest;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoreCacheServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the service's request path a few calls before it serves, so that the first client's request does not
 * pay for compiling it. On two cores, the JVM compiling the request path (Netty's HTTP/2 stack, the protobuf
 * parsers, request resolution, cache keys, the store's reads: about 850 methods) during the first request took
 * a core from the engine and made that request about 1.5x the second.
 *
 * <p>The calls are cache lookups of a request (resolved and keyed exactly as a scoring request is, read from the
 * store, nothing computed or written) to the service's own cache service, over loopback TCP through a short-lived
 * plaintext Netty server of this process. That server admits only calls that carry a secret drawn at random for
 * this warm-up, so no other process can use it while it exists, and it is closed before the real server starts.
 * The real server's TLS, token check and telemetry interceptor are not on that path and stay cold.
 */
final class RequestPathWarmUp {

  private static final Logger log = LoggerFactory.getLogger(RequestPathWarmUp.class);

  /** Calls to make; the first loads and links the path's classes, the others compile its innermost loops. */
  static final int CALLS = 4;

  static final Metadata.Key<String> SECRET = Metadata.Key.of("knas-warm-up",
      Metadata.ASCII_STRING_MARSHALLER);

  private RequestPathWarmUp() {}

  /**
   * Runs the calls against {@code cacheService}, each an MGM request of {@code samples} images of the default
   * data set, and returns how many were answered; a failure is logged and otherwise ignored (only the first
   * request's speed depends on it).
   */
  static int run(ServerServiceDefinition cacheService, ServerInterceptor clientIdentity, int samples) {
    long start = System.nanoTime();
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    String secret = HexFormat.of().formatHex(bytes);
    Server server = null;
    ManagedChannel channel = null;
    int answered = 0;
    try {
      server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
          .addService(ServerInterceptors.intercept(cacheService, clientIdentity, admitOnly(secret)))
          .build().start();
      channel = NettyChannelBuilder.forAddress(InetAddress.getLoopbackAddress().getHostAddress(), server.getPort())
          .usePlaintext().build();
      Metadata headers = new Metadata();
      headers.put(SECRET, secret);
      ScoreCacheServiceGrpc.ScoreCacheServiceBlockingStub stub = ScoreCacheServiceGrpc.newBlockingStub(channel)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
      for (int i = 0; i < CALLS; i++) {
        stub.withDeadlineAfter(30, TimeUnit.SECONDS).lookupScore(LookupScoreRequest.newBuilder()
            .setRequest(probe(i, samples)).build());
        answered++;
      }
      log.info("request path warmed up ({} cache lookups, {} ms)", CALLS, (System.nanoTime() - start) / 1_000_000);
    } catch (IOException | RuntimeException e) {
      log.warn("request path warm-up failed, the first request will be slower: {}", e.toString());
    } finally {
      if (channel != null) {
        channel.shutdownNow();
      }
      if (server != null) {
        server.shutdownNow();
        try {
          server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    return answered;
  }

  /** An MGM request for the largest network on the default data set. */
  private static ScoreArchitectureRequest probe(int seed, int samples) {
    return ScoreArchitectureRequest.newBuilder()
        .setArchitecture(Architecture.newBuilder()
            .setNb201String(Nb201Architecture.uniform(Operation.NOR_CONV_3X3).toBenchmarkString()))
        .setOptions(EvaluationOptions.newBuilder().setSeed(seed))
        .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(samples))
        .build();
  }

  /** Refuses every call that does not carry {@code secret}. */
  static ServerInterceptor admitOnly(String secret) {
    return new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
          ServerCallHandler<Q, A> next) {
        String presented = headers.get(SECRET);
        if (presented == null || !MessageDigest.isEqual(secret.getBytes(StandardCharsets.US_ASCII),
            presented.getBytes(StandardCharsets.US_ASCII))) {
          call.close(Status.PERMISSION_DENIED.withDescription("this port only serves the service's own warm-up"),
              new Metadata());
          return new ServerCall.Listener<>() { };
        }
        return next.startCall(call, headers);
      }
    };
  }
}
