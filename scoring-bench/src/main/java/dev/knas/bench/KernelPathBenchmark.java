package dev.knas.bench;

import ai.djl.Device;
import dev.knas.scoring.DataOptions;
import dev.knas.scoring.data.Dataset;
import dev.knas.scoring.device.DeviceSelection;
import dev.knas.scoring.kernel.GradientKernelScorer;
import dev.knas.scoring.kernel.KernelRequest;
import dev.knas.scoring.kernel.KernelResult;
import dev.knas.scoring.kernel.Precision;
import dev.knas.space.nb201.Nb201Architecture;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code knas-bench kernel-paths}: wall time of one MGM computation (data sampling, network
 * construction and initialisation, passes) by the batched path and by n single-sample passes, same
 * architecture, data, seed and threads. Prints a table; a benchmark, not a test.
 */
@Command(name = "kernel-paths", mixinStandardHelpOptions = true,
    description = "Median seconds per MGM: one batched pass with per-sample normalisation vs n single-sample"
        + " passes.")
public final class KernelPathBenchmark implements Callable<Integer> {

  @Mixin
  BenchTargets targets;

  @Option(names = "--samples", defaultValue = "50", description = "n (default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--repeats", defaultValue = "3", description = "Timed runs per path, after one warm-up"
      + " (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Mixin
  DataOptions data;

  @Override
  public Integer call() {
    Device target = targets.device();
    String dataset = targets.dataset;
    Dataset images = data.catalog().get(dataset);
    List<Nb201Architecture> cells = targets.cells();
    System.out.printf("MGM wall time, %s, n = %d, float32, %s, %s threads, median of %d after 1 warm-up%n",
        dataset, samples, DeviceSelection.name(target), System.getProperty("ai.djl.pytorch.num_threads", "default"),
        repeats);
    System.out.printf("%-7s %-10s %-12s %-14s %-9s %-14s %-10s%n", "index", "params", "batched s", "per-sample s",
        "speed-up", "MGM", "rel. diff");
    for (Nb201Architecture cell : cells) {
      KernelRequest batched = new KernelRequest(cell, images, samples, 0, target, Precision.FLOAT32, false);
      KernelRequest perSample = new KernelRequest(cell, images, samples, 0, target, Precision.FLOAT32, true);
      Timing fast = time(batched);
      Timing slow = time(perSample);
      System.out.printf("%-7d %-10d %-12.3f %-14.3f %-9.1f %-14.6g %-10.1e%n", cell.index(),
          fast.result().parameterCount(), fast.medianSeconds(), slow.medianSeconds(),
          slow.medianSeconds() / fast.medianSeconds(), fast.result().mgm(),
          Math.abs(fast.result().mgm() - slow.result().mgm()) / Math.abs(slow.result().mgm()));
    }
    return 0;
  }

  private record Timing(double medianSeconds, KernelResult result) {}

  private Timing time(KernelRequest request) {
    KernelResult last = GradientKernelScorer.compute(request);
    double[] seconds = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      last = GradientKernelScorer.compute(request);
      seconds[i] = last.seconds();
    }
    return new Timing(BenchTargets.median(seconds), last);
  }
}
