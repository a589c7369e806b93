package dev.knas.scoring.bench;

import dev.knas.scoring.DataOptions;
import dev.knas.scoring.server.ScoringServer;
import dev.knas.v1.Architecture;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.GradientKernelOptions;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoringServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
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
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code scoring-service bench-cache-hits}: ScoreArchitecture answered from a warm cache, through the real
 * server and real Netty channels on loopback, client and server in one process on the same cores. Prints
 * throughput and latency percentiles; a benchmark, not a test.
 */
@Command(name = "bench-cache-hits", mixinStandardHelpOptions = true,
    description = "Requests/s and p50/p99/max latency of cache hits over loopback gRPC.")
public final class CacheHitBenchmark implements Callable<Integer> {

  @Option(names = "--clients", defaultValue = "8", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--seconds", defaultValue = "10", description = "Measured seconds, after a 2-second warm-up"
      + " (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--architectures", defaultValue = "32",
      description = "Distinct architectures scored first and then requested at random (default: ${DEFAULT-VALUE}).")
  int architectures;

  @Option(names = "--dataset", defaultValue = "synthetic", description = "Data set (default: ${DEFAULT-VALUE}).")
  String dataset;

  @Mixin
  DataOptions data;

  @Override
  public Integer call() throws Exception {
    Path store = Files.createTempDirectory("knas-bench-store");
    ScoringServer server = ScoringServer.start(new ScoringServer.Config(new InetSocketAddress("127.0.0.1", 0),
        data.catalog(), dataset, 64, store));
    List<ManagedChannel> channels = new ArrayList<>();
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
      }
      ScoringServiceGrpc.ScoringServiceBlockingStub warm = ScoringServiceGrpc.newBlockingStub(channels.get(0));
      requests.forEach(warm::scoreArchitecture);
      run(channels, requests, pool, 2);
      Result result = run(channels, requests, pool, seconds);
      long[] all = result.latencies();
      Arrays.sort(all);
      System.out.printf("cache hits over loopback gRPC: %d clients, %d s, %d architectures, %d cores%n", clients,
          seconds, architectures, Runtime.getRuntime().availableProcessors());
      System.out.printf("%-10s %-10s %-9s %-9s %-9s %-8s%n", "requests", "req/s", "p50 ms", "p99 ms", "max ms",
          "misses");
      System.out.printf("%-10d %-10.0f %-9.3f %-9.3f %-9.3f %-8d%n", all.length, all.length / (double) seconds,
          percentile(all, 0.50), percentile(all, 0.99), all[all.length - 1] / 1e6, result.misses());
      return 0;
    } finally {
      pool.shutdownNow();
      for (ManagedChannel channel : channels) {
        channel.shutdownNow();
      }
      server.close();
      deleteRecursively(store);
    }
  }

  private record Result(long[] latencies, long misses) {}

  /** Each client sends requests back to back for {@code seconds}; returns every latency in nanoseconds. */
  private static Result run(List<ManagedChannel> channels, List<ScoreArchitectureRequest> requests,
      ExecutorService pool, int seconds) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<Future<Result>> futures = new ArrayList<>();
    for (int c = 0; c < channels.size(); c++) {
      ScoringServiceGrpc.ScoringServiceBlockingStub stub = ScoringServiceGrpc.newBlockingStub(channels.get(c));
      SplittableRandom random = new SplittableRandom(c);
      futures.add(pool.submit(() -> {
        long[] latencies = new long[1 << 14];
        int count = 0;
        long misses = 0;
        while (System.nanoTime() < end) {
          ScoreArchitectureRequest request = requests.get(random.nextInt(requests.size()));
          long start = System.nanoTime();
          boolean hit = stub.scoreArchitecture(request).getCache().getHit();
          long latency = System.nanoTime() - start;
          if (count == latencies.length) {
            latencies = Arrays.copyOf(latencies, count * 2);
          }
          latencies[count++] = latency;
          misses += hit ? 0 : 1;
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
    return new Result(parts.stream().flatMapToLong(Arrays::stream).toArray(), misses);
  }

  private static double percentile(long[] sorted, double q) {
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] / 1e6;
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
