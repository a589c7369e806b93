package dev.knas.bench;

import ai.djl.Device;
import dev.knas.scoring.DataOptions;
import dev.knas.scoring.data.Dataset;
import dev.knas.scoring.device.DeviceSelection;
import dev.knas.scoring.kernel.GradientKernelScorer;
import dev.knas.scoring.kernel.KernelRequest;
import dev.knas.scoring.kernel.Precision;
import dev.knas.scoring.proxy.ProxyOutcome;
import dev.knas.scoring.proxy.ProxyRegistry;
import dev.knas.scoring.proxy.ProxyRequest;
import dev.knas.scoring.proxy.ProxyResult;
import dev.knas.scoring.proxy.ProxyScorer;
import dev.knas.scoring.proxy.ZeroCostProxy;
import dev.knas.space.nb201.CanonicalForm;
import dev.knas.space.nb201.Nb201Architecture;
import io.opentelemetry.api.OpenTelemetry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code knas-bench proxies}: on the kernel benchmark's 20 architectures (canonical forms, as the
 * service computes them), the wall time of every registered proxy computed together (one network build, shared
 * passes) against MGM alone, each including data, network construction and passes. Prints a table with the
 * target "all proxies within 3x MGM"; a benchmark, not a test.
 */
@Command(name = "proxies", mixinStandardHelpOptions = true,
    description = "Median seconds of all zero-cost proxies of one architecture together vs MGM alone.")
public final class ProxyCostBenchmark implements Callable<Integer> {

  private static final double TARGET_RATIO = 3;

  @Option(names = "--dataset", defaultValue = "cifar10", description = "Data set (default: ${DEFAULT-VALUE}).")
  String dataset;

  @Option(names = "--repeats", defaultValue = "3", description = "Timed runs of each, after one warm-up"
      + " (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--batch-size", defaultValue = "64", description = "B of the proxies (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--samples", defaultValue = "50", description = "MGM's n (default: ${DEFAULT-VALUE}).")
  int samples;

  @Mixin
  DataOptions data;

  @Override
  public Integer call() {
    Device device = Device.cpu();
    Dataset images = data.catalog().get(dataset);
    List<ZeroCostProxy> proxies = new ArrayList<>(ProxyRegistry.all());
    System.out.printf("zero-cost proxies vs MGM, %s, B = %d, n = %d, float32, %s, %s threads, median of %d after 1"
        + " warm-up; all proxies: %s%n", dataset, batchSize, samples, DeviceSelection.name(device),
        System.getProperty("ai.djl.pytorch.num_threads", "default"), repeats, ProxyRegistry.names());
    System.out.printf("%-7s %-10s %-12s %-8s  %s%n", "index", "MGM s", "all s", "ratio",
        "per proxy s (shared passes counted by the first proxy that uses them)");
    double[] ratios = new double[KernelComparisonBenchmark.ARCHITECTURES.size()];
    double[] mgmTimes = new double[ratios.length];
    double[] allTimes = new double[ratios.length];
    for (int i = 0; i < ratios.length; i++) {
      Nb201Architecture cell = CanonicalForm.of(
          Nb201Architecture.fromIndex(KernelComparisonBenchmark.ARCHITECTURES.get(i)));
      KernelRequest mgm = new KernelRequest(cell, images, samples, 0, device, Precision.FLOAT32, false);
      ProxyRequest all = new ProxyRequest(cell, images, proxies, batchSize, samples, 0, device, Precision.FLOAT32);
      GradientKernelScorer.compute(mgm);
      ProxyResult last = ProxyScorer.compute(all, OpenTelemetry.noop().getTracer("bench"));
      double[] mgmSeconds = new double[repeats];
      double[] allSeconds = new double[repeats];
      for (int r = 0; r < repeats; r++) {
        mgmSeconds[r] = GradientKernelScorer.compute(mgm).seconds();
        last = ProxyScorer.compute(all, OpenTelemetry.noop().getTracer("bench"));
        allSeconds[r] = last.seconds();
      }
      mgmTimes[i] = BenchTargets.median(mgmSeconds);
      allTimes[i] = BenchTargets.median(allSeconds);
      ratios[i] = allTimes[i] / mgmTimes[i];
      StringBuilder parts = new StringBuilder();
      for (ProxyOutcome outcome : last.outcomes()) {
        parts.append(String.format("%s %.3f  ", outcome.proxy().name(), outcome.seconds()));
      }
      System.out.printf("%-7d %-10.3f %-12.3f %-8.2f  %s%n", KernelComparisonBenchmark.ARCHITECTURES.get(i),
          mgmTimes[i], allTimes[i], ratios[i], parts.toString().strip());
    }
    double median = BenchTargets.median(ratios);
    double worst = Arrays.stream(ratios).max().orElse(0);
    System.out.printf("%-7s %-10.3f %-12.3f %-8.2f%n", "median", BenchTargets.median(mgmTimes),
        BenchTargets.median(allTimes), median);
    System.out.printf("target: all proxies within %.0fx MGM alone on every architecture: %s (median %.2fx, worst"
        + " %.2fx)%n", TARGET_RATIO, worst <= TARGET_RATIO ? "met" : "not met", median, worst);
    return 0;
  }
}
