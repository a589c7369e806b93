package dev.knas.bench;

import dev.knas.scoring.DataOptions;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.transport.ClientTransport;
import dev.knas.v1.Architecture;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.GetCacheStatsRequest;
import dev.knas.v1.GradientKernelOptions;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoreArchitectureResponse;
import dev.knas.v1.ScoreCacheServiceGrpc;
import dev.knas.v1.ScoringServiceGrpc;
import dev.knas.v1.ScoringServiceGrpc.ScoringServiceBlockingStub;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code knas-bench replicas}: MGM scoring of the same architectures through a client routing among
 * 1, 2 and 3 local service processes (gRPC ring_hash on the canonical hash), cold and then from the cache, and
 * with the most replicas, the cache-hit rate after one is killed. On one machine the replicas share its cores,
 * so this measures what routing costs, not a speed-up. Prints a table; a benchmark, not a test.
 */
@Command(name = "replicas", mixinStandardHelpOptions = true,
    description = "MGM throughput through 1..N local replicas behind canonical-hash routing, and the hit rate"
        + " after losing one.")
public final class ReplicaBenchmark implements Callable<Integer> {

  @Option(names = "--replicas", defaultValue = "3", description = "Largest number of replicas; every count from"
      + " 1 up is measured (default: ${DEFAULT-VALUE}).")
  int maxReplicas;

  @Option(names = "--architectures", defaultValue = "200", description = "Distinct random architectures scored"
      + " (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(names = "--samples", defaultValue = "50", description = "n of MGM (default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--dataset", defaultValue = "cifar10", description = "Data set (default: ${DEFAULT-VALUE}).")
  String dataset;

  @Option(names = "--concurrency", defaultValue = "8", description = "Requests the client keeps in flight"
      + " (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Mixin
  DataOptions data;

  /** One pass over the architectures: wall seconds and how many the cache answered. */
  private record Pass(double seconds, long hits) {}

  @Override
  public Integer call() throws Exception {
    if (maxReplicas < 1 || count < 1 || concurrency < 1) {
      throw new IllegalArgumentException("--replicas, --architectures and --concurrency must be at least 1");
    }
    List<Architecture> architectures = architectures();
    int cores = Runtime.getRuntime().availableProcessors();
    System.out.printf("MGM (n = %d, %s) of %d random architectures, %d requests in flight, %d cores%n", samples,
        dataset, count, concurrency, cores);
    System.out.printf("%-9s %-15s %-13s %-14s %-13s %-12s %s%n", "replicas", "engine threads", "cold (s)",
        "cold (arch/s)", "cached (s)", "cached hits", "entries per replica");
    List<String> lossRows = new ArrayList<>();
    for (int replicas = 1; replicas <= maxReplicas; replicas++) {
      int threads = Math.max(1, cores / replicas);
      List<BenchmarkedService> services = start(replicas, threads);
      try {
        String target = services.stream().map(s -> "127.0.0.1:" + s.port()).collect(Collectors.joining(","));
        ManagedChannel channel = ClientTransport.PLAINTEXT.channelBuilder(target).build();
        try {
          Pass cold = pass(channel, architectures);
          Pass cached = pass(channel, architectures);
          System.out.printf("%-9d %-15s %-13.1f %-14.2f %-13.2f %-12s %s%n", replicas,
              replicas + " x " + threads, cold.seconds(), count / cold.seconds(), cached.seconds(),
              cached.hits() + "/" + count, entries(services));
          if (replicas == maxReplicas && replicas > 1) {
            services.get(replicas - 1).kill();
            Pass afterLoss = pass(channel, architectures);
            Pass settled = pass(channel, architectures);
            lossRows.add(String.format("%-44s %-12s %.1f s", "first pass after killing replica " + replicas,
                afterLoss.hits() + "/" + count, afterLoss.seconds()));
            lossRows.add(String.format("%-44s %-12s %.1f s", "second pass", settled.hits() + "/" + count,
                settled.seconds()));
          }
        } finally {
          channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      } finally {
        for (BenchmarkedService service : services) {
          service.close();
        }
      }
    }
    if (!lossRows.isEmpty()) {
      System.out.printf("%nafter losing one of %d replicas (its shard is computed again by the others)%n",
          maxReplicas);
      System.out.printf("%-44s %-12s %s%n", "pass", "cache hits", "wall");
      lossRows.forEach(System.out::println);
    }
    return 0;
  }

  private List<Architecture> architectures() {
    Random random = new Random(0);
    Set<Integer> indices = new LinkedHashSet<>();
    while (indices.size() < count) {
      indices.add(random.nextInt(Nb201Architecture.COUNT));
    }
    return indices.stream().map(i -> Architecture.newBuilder().setNb201Index(i).build()).toList();
  }

  private List<BenchmarkedService> start(int replicas, int threads) throws Exception {
    List<String> args = new ArrayList<>(List.of("--default-dataset", dataset));
    data.arguments().forEach(args::add);
    List<BenchmarkedService> services = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      services.add(BenchmarkedService.start(Files.createTempDirectory("knas-bench-replica"), threads, args));
    }
    for (BenchmarkedService service : services) {
      service.awaitServing();
    }
    return services;
  }

  private Pass pass(ManagedChannel channel, List<Architecture> architectures) throws Exception {
    ScoringServiceBlockingStub stub = ScoringServiceGrpc.newBlockingStub(channel);
    ScoreArchitectureRequest shared = ScoreArchitectureRequest.newBuilder()
        .setOptions(EvaluationOptions.newBuilder().setDataset(dataset))
        .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(samples)).build();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      long start = System.nanoTime();
      List<Future<ScoreArchitectureResponse>> calls = new ArrayList<>();
      for (Architecture architecture : architectures) {
        calls.add(pool.submit(() -> stub.withDeadlineAfter(10, TimeUnit.MINUTES)
            .scoreArchitecture(shared.toBuilder().setArchitecture(architecture).build())));
      }
      long hits = 0;
      for (Future<ScoreArchitectureResponse> call : calls) {
        hits += call.get().getCache().getHit() ? 1 : 0;
      }
      return new Pass((System.nanoTime() - start) / 1e9, hits);
    } finally {
      pool.shutdownNow();
    }
  }

  private static String entries(List<BenchmarkedService> services) {
    return services.stream().map(s -> Long.toString(ScoreCacheServiceGrpc.newBlockingStub(s.channel())
            .withDeadlineAfter(30, TimeUnit.SECONDS).getCacheStats(GetCacheStatsRequest.getDefaultInstance())
            .getEntries()))
        .collect(Collectors.joining(" / "));
  }
}
