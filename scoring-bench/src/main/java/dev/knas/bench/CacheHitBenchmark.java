package dev.knas.bench;

import dev.knas.scoring.DataOptions;
import dev.knas.scoring.server.ScoringServer;
import dev.knas.v1.Architecture;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.GradientKernelOptions;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoringServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code knas-bench cache-hits}: ScoreArchitecture answered from a warm cache, through the real
 * server and real Netty channels on loopback, client and server in one process on the same cores, against gRPC's
 * own floor on the same server, clients and threads: the standard health check, which does nothing but answer.
 * Prints throughput and latency percentiles of both and their ratio; a benchmark, not a test.
 */
@Command(name = "cache-hits", mixinStandardHelpOptions = true,
    description = "Requests/s and p50/p99/max latency of cache hits over loopback gRPC, against the health check's.")
public final class CacheHitBenchmark implements Callable<Integer> {

  @Option(names = "--clients", defaultValue = "8", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--seconds", defaultValue = "10", description = "Measured seconds of each call per round, after"
      + " a 2-second warm-up (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--rounds", defaultValue = "3", description = "Rounds, each timing the three calls in turn"
      + " (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--profile", description = "After the table, run the hits once more for --seconds under the"
      + " JDK's Flight Recorder and print where their time goes, by library and by stage of the hit path.")
  boolean profile;

  @Option(names = "--architectures", defaultValue = "32",
      description = "Distinct architectures scored first and then requested at random (default: ${DEFAULT-VALUE}).")
  int architectures;

  @Option(names = "--dataset", defaultValue = "synthetic", description = "Data set (default: ${DEFAULT-VALUE}).")
  String dataset;

  @Mixin
  DataOptions data;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (clients < 1 || seconds < 1 || rounds < 1 || architectures < 1) {
      throw new ParameterException(spec.commandLine(), "--clients, --seconds, --rounds and --architectures must be"
          + " at least 1");
    }
    Path store = Files.createTempDirectory("knas-bench-store");
    ScoringServer server = ScoringServer.start(new ScoringServer.Config(new InetSocketAddress("127.0.0.1", 0),
        data.catalog(), dataset, 64, store));
    // gRPC's floor: a server with gRPC's defaults and nothing but the health service, in the same process.
    Server bare = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new HealthStatusManager().getHealthService()).build().start();
    List<ManagedChannel> channels = new ArrayList<>();
    List<ManagedChannel> bareChannels = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<ScoreArchitectureRequest> requests = new ArrayList<>();
      for (int i = 0; i < architectures; i++) {
        requests.add(ScoreArchitectureRequest.newBuilder()
            .setArchitecture(Architecture.newBuilder().setNb201Index(i * 487 % 15_625))
            .setOptions(EvaluationOptions.newBuilder().setDataset(dataset))
            .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(8)).build());
      }
      for (int c = 0; c < clients; c++) {
        channels.add(NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build());
        bareChannels.add(NettyChannelBuilder.forAddress("127.0.0.1", bare.getPort()).usePlaintext().build());
      }
      ScoringServiceGrpc.ScoringServiceBlockingStub warm = ScoringServiceGrpc.newBlockingStub(channels.get(0));
      requests.forEach(warm::scoreArchitecture);
      Function<ManagedChannel, BooleanSupplier> health = channel -> {
        HealthGrpc.HealthBlockingStub stub = HealthGrpc.newBlockingStub(channel);
        return () -> stub.check(HealthCheckRequest.getDefaultInstance()) == null;
      };
      Function<ManagedChannel, BooleanSupplier> hits = channel -> {
        ScoringServiceGrpc.ScoringServiceBlockingStub stub = ScoringServiceGrpc.newBlockingStub(channel);
        SplittableRandom random = new SplittableRandom(channel.hashCode());
        return () -> !stub.scoreArchitecture(requests.get(random.nextInt(requests.size()))).getCache().getHit();
      };
      // Each warmed up before it is timed, so that each runs compiled by the JIT; then timed in turn, round by
      // round, so that the machine's drift falls on all three alike.
      run(bareChannels, health, pool, 2);
      run(channels, health, pool, 2);
      run(channels, hits, pool, 2);
      Result floor = Result.NONE;
      Result serviceHealth = Result.NONE;
      Result hit = Result.NONE;
      for (int round = 0; round < rounds; round++) {
        floor = floor.and(run(bareChannels, health, pool, seconds));
        serviceHealth = serviceHealth.and(run(channels, health, pool, seconds));
        hit = hit.and(run(channels, hits, pool, seconds));
      }
      int timed = seconds * rounds;
      System.out.printf("cache hits over loopback gRPC: %d clients, %d rounds of %d s per call, %d architectures, %d"
          + " cores, %s%n", clients, rounds, seconds, architectures, Runtime.getRuntime().availableProcessors(),
          CpuModel.name());
      System.out.printf("%-28s %-10s %-10s %-9s %-9s %-9s %-8s%n", "call", "requests", "req/s", "p50 ms", "p99 ms",
          "max ms", "misses");
      floor.print("health, bare gRPC server", timed);
      serviceHealth.print("health, the scoring service", timed);
      hit.print("ScoreArchitecture cache hit", timed);
      double ratio = hit.perSecond(timed) / floor.perSecond(timed);
      System.out.printf("cache hits at %.0f%% of the bare server's req/s (target >= 70%%), p99 %.3f ms (target < 5"
          + " ms)%n",
          100 * ratio, hit.percentile(0.99));
      if (profile) {
        HitPathProfile recording = HitPathProfile.start();
        run(channels, hits, pool, seconds);
        recording.stopAndPrint();
      }
      return 0;
    } finally {
      pool.shutdownNow();
      for (ManagedChannel channel : channels) {
        channel.shutdownNow();
      }
      for (ManagedChannel channel : bareChannels) {
        channel.shutdownNow();
      }
      bare.shutdownNow();
      server.close();
      deleteRecursively(store);
    }
  }

  /** Every latency in nanoseconds, sorted, and the number of calls that were cache misses. */
  private record Result(long[] latencies, long misses) {

    static final Result NONE = new Result(new long[0], 0);

    /** This result and {@code other}'s together, the latencies sorted. */
    Result and(Result other) {
      long[] all = Arrays.copyOf(latencies, latencies.length + other.latencies.length);
      System.arraycopy(other.latencies, 0, all, latencies.length, other.latencies.length);
      Arrays.sort(all);
      return new Result(all, misses + other.misses);
    }

    double perSecond(int seconds) {
      return latencies.length / (double) seconds;
    }

    double percentile(double q) {
      return latencies[(int) Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] / 1e6;
    }

    void print(String call, int seconds) {
      System.out.printf("%-28s %-10d %-10.0f %-9.3f %-9.3f %-9.3f %-8d%n", call, latencies.length,
          perSecond(seconds), percentile(0.50), percentile(0.99), latencies[latencies.length - 1] / 1e6, misses);
    }
  }

  /**
   * Each client calls back to back for {@code seconds}; {@code calls} makes a client's call on its channel, which
   * says whether it was a cache miss.
   */
  private static Result run(List<ManagedChannel> channels, Function<ManagedChannel, BooleanSupplier> calls,
      ExecutorService pool, int seconds) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<Future<Result>> futures = new ArrayList<>();
    for (ManagedChannel channel : channels) {
      BooleanSupplier call = calls.apply(channel);
      futures.add(pool.submit(() -> {
        long[] latencies = new long[1 << 14];
        int count = 0;
        long misses = 0;
        while (System.nanoTime() < end) {
          long start = System.nanoTime();
          boolean missed = call.getAsBoolean();
          long latency = System.nanoTime() - start;
          if (count == latencies.length) {
            latencies = Arrays.copyOf(latencies, count * 2);
          }
          latencies[count++] = latency;
          misses += missed ? 1 : 0;
        }
        return new Result(Arrays.copyOf(latencies, count), misses);
      }));
    }
    List<long[]> parts = new ArrayList<>();
    long misses = 0;
    for (Future<Result> f : futures) {
      parts.add(f.get().latencies());
      misses += f.get().misses();
    }
    long[] all = parts.stream().flatMapToLong(Arrays::stream).toArray();
    Arrays.sort(all);
    return new Result(all, misses);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
