package dev.knas.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.knas.scoring.data.DatasetCatalog;
import dev.knas.scoring.device.NativeAllocator;
import dev.knas.scoring.server.ScoringServer;
import dev.knas.space.nb201.CanonicalForm;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.v1.Architecture;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.GradientKernelOptions;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoreArchitectureResponse;
import dev.knas.v1.ScoringServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code knas-bench kernel-vs-pytorch}: seconds per architecture of MGM (n = 50, float32, CIFAR-10) for
 * a fixed set of 20 NAS-Bench-201 architectures, three ways in one run on the same machine and threads:
 * (a) this service through its real gRPC server, warm, each request a cache miss; (b) PyTorch as the KNAS code
 * does it, n single-image forward+backward passes; (c) PyTorch, one batched forward+backward with per-sample
 * normalisation. The three are timed in turn, cell by cell and round after round, so that machine noise falls on
 * both sides of a ratio alike. Prints a table with the medians and ratios and writes it as JSON.
 */
@Command(name = "kernel-vs-pytorch", mixinStandardHelpOptions = true,
    description = "MGM seconds per architecture: this service vs PyTorch per-sample passes vs PyTorch batched.")
public final class KernelComparisonBenchmark implements Callable<Integer> {

  /** Cache hits sent before timing, so that the JIT has compiled the request path on both ends. */
  private static final int REQUEST_PATH_WARM_UPS = 2_000;

  /** Pause before each timed computation, longer than OpenMP threads spin after their work (see settle). */
  private static final long SETTLE_MILLIS = 100;

  /** Untimed rounds over all cells, of (a) and (c), before the timed ones. */
  private static final int WARM_UP_ROUNDS = 3;

  /** The benchmark's architectures: index 1, the all-nor_conv_3x3 cell, and 18 more of distinct classes. */
  static final List<Integer> ARCHITECTURES = List.of(1, 1462, 0, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 857,
      6111, 7777, 9930);

  @Spec
  CommandSpec spec;

  @Mixin
  PytorchOptions baseline;

  @Option(names = "--repeats", defaultValue = "3",
      description = "Timed runs per architecture for (a) and (c) (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--per-sample-repeats", defaultValue = "1",
      description = "Timed runs per architecture for (b), the slow one (default: ${DEFAULT-VALUE}).")
  int perSampleRepeats;

  @Option(names = "--out", defaultValue = "bench-kernel-vs-pytorch.json",
      description = "Where to write the results as JSON (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    DatasetCatalog catalog = baseline.catalog();
    Path cifar = baseline.cifar10(catalog);
    List<Nb201Architecture> cells = ARCHITECTURES.stream().map(Nb201Architecture::fromIndex).toList();
    if (new HashSet<>(cells.stream().map(CanonicalForm::of).toList()).size() != cells.size()) {
      throw new IllegalStateException("two benchmark architectures share a canonical form (one would be a hit)");
    }
    if (repeats < 1 || perSampleRepeats < 1 || perSampleRepeats > repeats) {
      throw new ParameterException(spec.commandLine(), "--repeats must be at least 1 and --per-sample-repeats"
          + " between 1 and --repeats (they are " + repeats + " and " + perSampleRepeats + ")");
    }
    int threads = Integer.parseInt(System.getProperty("ai.djl.pytorch.num_threads", "2"));
    Measured times = measure(cells, catalog, cifar, threads);
    ObjectMapper json = new ObjectMapper();
    ObjectNode result = json.createObjectNode();
    result.put("date", Instant.now().toString());
    result.put("threads", threads);
    result.put("samples", baseline.samples);
    String serviceAllocator = NativeAllocator.name();
    result.put("service_allocator", serviceAllocator);
    result.put("pytorch_allocator", times.pytorchAllocator());
    ArrayNode rows = result.putArray("architectures");
    StringBuilder table = new StringBuilder();
    table.append(String.format("MGM seconds per architecture, cifar10, n = %d, float32, %d threads; (a) service"
        + " over gRPC, warm, cache miss; (a') the computation inside (a) as the service reports it (provenance"
        + " wall_seconds; the rest of (a) is the request: gRPC both ways, thread hand-offs, the synced store"
        + " write); (b) PyTorch, %d single-image passes; (c) PyTorch, one batched pass, per-sample"
        + " normalisation; native allocator: service %s, PyTorch %s; after %,d cache hits and %d untimed"
        + " rounds of (a) and (c), each cell's (a), (c) and (b) timed in turn, each after a %d ms pause, %d rounds"
        + " over all cells; medians of %d for (a), (a') and (c), of %d for (b)%n", baseline.samples, threads,
        baseline.samples, serviceAllocator, times.pytorchAllocator(), REQUEST_PATH_WARM_UPS, WARM_UP_ROUNDS,
        SETTLE_MILLIS, repeats, repeats, perSampleRepeats));
    table.append(String.format("%-7s %-10s %-10s %-10s %-10s %-8s %-8s %-8s%n", "index", "(a) s", "(a') s",
        "(b) s", "(c) s", "(b)/(a)", "(a)/(c)", "(a')/(c)"));
    double[] a = times.service();
    double[] inside = times.serviceCompute();
    double[] b = times.perSample();
    double[] c = times.batched();
    double worstOwnCanonical = 0;
    double worstOwnCanonicalInside = 0;
    for (int i = 0; i < cells.size(); i++) {
      Nb201Architecture cell = cells.get(i);
      boolean ownCanonical = ownCanonicalForm(cell);
      if (ownCanonical) {
        worstOwnCanonical = Math.max(worstOwnCanonical, a[i] / c[i]);
        worstOwnCanonicalInside = Math.max(worstOwnCanonicalInside, inside[i] / c[i]);
      }
      table.append(String.format("%-7s %-10.3f %-10.3f %-10.3f %-10.3f %-8.1f %-8.2f %-8.2f%n",
          ARCHITECTURES.get(i) + (ownCanonical ? "" : "*"), a[i], inside[i], b[i], c[i], b[i] / a[i], a[i] / c[i],
          inside[i] / c[i]));
      ObjectNode row = rows.addObject();
      row.put("index", ARCHITECTURES.get(i));
      row.put("architecture", cell.toBenchmarkString());
      row.put("own_canonical_form", ownCanonical);
      row.put("service_seconds", a[i]);
      row.put("service_computation_seconds", inside[i]);
      row.put("pytorch_per_sample_seconds", b[i]);
      row.put("pytorch_batched_seconds", c[i]);
      row.put("pytorch_per_sample_mgm", times.perSampleMgm()[i]);
      row.put("pytorch_batched_mgm", times.batchedMgm()[i]);
    }
    double ma = BenchTargets.median(a);
    double mi = BenchTargets.median(inside);
    double mb = BenchTargets.median(b);
    double mc = BenchTargets.median(c);
    table.append(String.format("%-7s %-10.3f %-10.3f %-10.3f %-10.3f %-8.1f %-8.2f %-8.2f%n", "median", ma, mi, mb,
        mc, mb / ma, ma / mc, mi / mc));
    table.append(String.format("* not its own canonical form: the service computes the canonical form, an"
        + " equivalent network that may be smaller or larger than the literal cell PyTorch builds%ntarget (a) at"
        + " least 5x faster than (b): %s; target (a) within 1.3x of (c): %s; target (a) at most 1.1x (c) on every"
        + " cell that is its own canonical form: %s (worst %.2fx; (a') at most %.2fx (c) there)%n",
        mb / ma >= 5 ? "met" : "NOT met", ma / mc <= 1.3 ? "met" : "NOT met",
        worstOwnCanonical <= 1.1 ? "met" : "NOT met", worstOwnCanonical, worstOwnCanonicalInside));
    result.put("median_service_seconds", ma);
    result.put("median_service_computation_seconds", mi);
    result.put("median_pytorch_per_sample_seconds", mb);
    result.put("median_pytorch_batched_seconds", mc);
    result.put("table", table.toString());
    Files.writeString(out, json.writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n",
        StandardCharsets.UTF_8);
    System.out.print(table);
    System.out.println("wrote " + out);
    return 0;
  }

  /**
   * Per cell: the medians of (a), (a'), (b) and (c) in seconds, and the MGM (b) and (c) computed; and the native
   * allocator the PyTorch workers ran on.
   */
  private record Measured(double[] service, double[] serviceCompute, double[] perSample, double[] batched,
      double[] perSampleMgm, double[] batchedMgm, String pytorchAllocator) {}

  /**
   * Round after round, each cell is timed through the real server (each request a new cache key) and then by the
   * PyTorch workers, so that both sides of a ratio share the machine's state of the moment instead of minutes
   * apart.
   */
  private Measured measure(List<Nb201Architecture> cells, DatasetCatalog catalog, Path cifar, int threads)
      throws Exception {
    String warmUp = cells.get(0).toBenchmarkString();
    double[][] a = new double[cells.size()][repeats];
    double[][] inside = new double[cells.size()][repeats];
    double[][] b = new double[cells.size()][perSampleRepeats];
    double[][] c = new double[cells.size()][repeats];
    double[] mgmB = new double[cells.size()];
    double[] mgmC = new double[cells.size()];
    String pytorchAllocator;
    Path store = Files.createTempDirectory("knas-bench-store");
    try (ScoringServer server = ScoringServer.start(new ScoringServer.Config(new InetSocketAddress("127.0.0.1", 0),
        catalog, "cifar10", 4, store));
        PytorchBaseline batched = PytorchBaseline.start(baseline, "batched", cifar, threads, warmUp);
        PytorchBaseline perSample = PytorchBaseline.start(baseline, "per-sample", cifar, threads, warmUp)) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      try {
        ScoringServiceGrpc.ScoringServiceBlockingStub stub = ScoringServiceGrpc.newBlockingStub(channel);
        // Timed as a service that has been serving: the request path on both ends compiled by the JIT (cache
        // hits), and untimed rounds of every cell on both sides, over which the JIT compiles the computation's Java
        // code (its time settles after about 40 computations in a fresh JVM) and the engines fill their per-shape
        // caches.
        pytorchAllocator = batched.allocator();
        for (int i = 0; i < REQUEST_PATH_WARM_UPS; i++) {
          score(stub, cells.get(0), 999_999);
        }
        for (int r = 0; r < WARM_UP_ROUNDS; r++) {
          for (int i = 0; i < cells.size(); i++) {
            score(stub, cells.get(i), 500 + r);
            batched.compute(cells.get(i).toBenchmarkString());
          }
        }
        for (int r = 0; r < repeats; r++) {
          for (int i = 0; i < cells.size(); i++) {
            String arch = cells.get(i).toBenchmarkString();
            settle();
            long start = System.nanoTime();
            ScoreArchitectureResponse response = score(stub, cells.get(i), 1000 + r);
            a[i][r] = (System.nanoTime() - start) / 1e9;
            inside[i][r] = response.getProvenance().getWallSeconds();
            if (response.getCache().getHit()) {
              throw new IllegalStateException("a benchmark request hit the cache");
            }
            settle();
            PytorchBaseline.Computation floor = batched.compute(arch);
            c[i][r] = floor.seconds();
            mgmC[i] = floor.mgm();
            if (r < perSampleRepeats) {
              settle();
              PytorchBaseline.Computation loop = perSample.compute(arch);
              b[i][r] = loop.seconds();
              mgmB[i] = loop.mgm();
            }
          }
        }
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      try (var files = Files.walk(store)) {
        files.sorted((x, y) -> y.getNameCount() - x.getNameCount()).forEach(p -> p.toFile().delete());
      }
    }
    return new Measured(medians(a), medians(inside), medians(b), medians(c), mgmB, mgmC, pytorchAllocator);
  }

  /**
   * Waits before each timed computation until the other side's engine threads have stopped spinning: OpenMP's
   * threads spin for milliseconds after their last parallel region before they sleep, and on two cores that
   * spinning would slow whichever side is timed next.
   */
  private static void settle() throws InterruptedException {
    Thread.sleep(SETTLE_MILLIS);
  }

  /** Whether the service computes {@code cell} itself, so that PyTorch builds the same network. */
  static boolean ownCanonicalForm(Nb201Architecture cell) {
    return CanonicalForm.of(cell).equals(cell);
  }

  private static double[] medians(double[][] times) {
    return Arrays.stream(times).mapToDouble(BenchTargets::median).toArray();
  }

  private ScoreArchitectureResponse score(ScoringServiceGrpc.ScoringServiceBlockingStub stub,
      Nb201Architecture cell, long seed) {
    return stub.withDeadlineAfter(10, TimeUnit.MINUTES).scoreArchitecture(ScoreArchitectureRequest.newBuilder()
        .setArchitecture(Architecture.newBuilder().setNb201String(cell.toBenchmarkString()))
        .setOptions(EvaluationOptions.newBuilder().setDataset("cifar10").setSeed(seed))
        .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(baseline.samples)).build());
  }
}
