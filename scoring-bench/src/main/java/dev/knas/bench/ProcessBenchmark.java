package dev.knas.bench;

import dev.knas.scoring.DataOptions;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.space.nb201.Operation;
import dev.knas.v1.Architecture;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.GradientKernelOptions;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoringServiceGrpc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code knas-bench process}: the service as a fresh OS process, as {@code bin/scoring-service} starts
 * it: seconds from process start to health SERVING, the client times of its first two requests (cache misses,
 * so the first shows what start-up left undone), and peak resident memory (VmHWM) after it scores the
 * all-nor_conv_3x3 architecture with n = 50 on CIFAR-10. Prints a table; a benchmark, not a test.
 */
@Command(name = "process", mixinStandardHelpOptions = true,
    description = "Start-up time to health SERVING, the first and second requests' times, and peak resident memory"
        + " while scoring all-nor_conv_3x3.")
public final class ProcessBenchmark implements Callable<Integer> {

  @Option(names = "--starts", defaultValue = "3", description = "Fresh processes timed (default: ${DEFAULT-VALUE}).")
  int starts;

  @Mixin
  DataOptions data;

  @Override
  public Integer call() throws Exception {
    double[] seconds = new double[starts];
    double[] first = new double[starts];
    double[] second = new double[starts];
    long[] peakBytes = new long[starts];
    int threads = Integer.getInteger("ai.djl.pytorch.num_threads", 2);
    for (int i = 0; i < starts; i++) {
      List<String> args = new ArrayList<>(List.of("--default-dataset", "cifar10"));
      data.arguments().forEach(args::add);
      try (BenchmarkedService service =
          BenchmarkedService.start(Files.createTempDirectory("knas-bench-process"), threads, args)) {
        seconds[i] = service.awaitServing();
        // Two cache misses in a row (different seeds): the first pays whatever start-up left undone.
        first[i] = timedScore(service, 2 * i);
        second[i] = timedScore(service, 2 * i + 1);
        peakBytes[i] = peakResident(service.pid());
      }
    }
    double[] sorted = seconds.clone();
    Arrays.sort(sorted);
    long peak = Arrays.stream(peakBytes).max().orElse(0);
    System.out.printf("service process: %d fresh starts, CIFAR-10, %s engine threads%n", starts,
        System.getProperty("ai.djl.pytorch.num_threads", "default"));
    System.out.printf("%-44s %-10s %-10s %-10s %s%n", "measure", "median", "min", "max", "target");
    System.out.printf("%-44s %-10.2f %-10.2f %-10.2f < 5 s: %s%n", "start to health SERVING (s)",
        sorted[starts / 2], sorted[0], sorted[starts - 1], sorted[starts / 2] < 5 ? "met" : "NOT met");
    double firstMedian = BenchTargets.median(first);
    double secondMedian = BenchTargets.median(second);
    System.out.printf("%-44s %-10.2f %-10.2f %-10.2f%n", "first request, all-conv3, n = 50 (s)", firstMedian,
        Arrays.stream(first).min().orElse(0), Arrays.stream(first).max().orElse(0));
    System.out.printf("%-44s %-10.2f %-10.2f %-10.2f first within 1.2x: %s%n", "second request, another seed (s)",
        secondMedian, Arrays.stream(second).min().orElse(0), Arrays.stream(second).max().orElse(0),
        firstMedian <= 1.2 * secondMedian ? "met" : "NOT met");
    long[] mib = Arrays.stream(peakBytes).map(b -> b >> 20).sorted().toArray();
    System.out.printf("%-44s %-10d %-10d %-10d < 2048 MiB: %s%n", "peak resident after all-conv3, n = 50 (MiB)",
        mib[starts / 2], mib[0], mib[starts - 1], peak < 2L << 30 ? "met" : "NOT met");
    return 0;
  }

  /** Client wall seconds of one MGM request (all-nor_conv_3x3, n = 50, CIFAR-10) with {@code seed}. */
  private static double timedScore(BenchmarkedService service, int seed) {
    long start = System.nanoTime();
    ScoringServiceGrpc.newBlockingStub(service.channel()).withDeadlineAfter(5, TimeUnit.MINUTES)
        .scoreArchitecture(ScoreArchitectureRequest.newBuilder()
            .setArchitecture(Architecture.newBuilder().setNb201String(
                Nb201Architecture.uniform(Operation.NOR_CONV_3X3).toBenchmarkString()))
            .setOptions(EvaluationOptions.newBuilder().setSeed(seed))
            .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(50)).build());
    return (System.nanoTime() - start) / 1e9;
  }

  /** VmHWM of a Linux process: its peak resident set size. */
  private static long peakResident(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IllegalStateException("no VmHWM in /proc/" + pid + "/status (Linux only)");
  }
}
