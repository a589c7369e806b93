package dev.knas.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.knas.scoring.device.DeviceSelection;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.space.nb201.Operation;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/** What an engine benchmark runs on: architectures, data set and device (options shared by the benchmarks). */
final class BenchTargets {

  @Option(names = "--arch", description = "NAS-Bench-201 index or string; repeatable (default: index 1 and the"
      + " all-nor_conv_3x3 cell).")
  List<String> architectures;

  @Option(names = "--dataset", defaultValue = "cifar10", description = "Data set (default: ${DEFAULT-VALUE}).")
  String dataset;

  @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu or gpu:N"
      + " (default: ${DEFAULT-VALUE}).")
  String device;

  List<Nb201Architecture> cells() {
    return architectures == null
        ? List.of(Nb201Architecture.fromIndex(1), Nb201Architecture.uniform(Operation.NOR_CONV_3X3))
        : architectures.stream().map(Nb201Architecture::fromIndexOrString).toList();
  }

  Device device() {
    return DeviceSelection.ofEngine(Engine.getEngine("PyTorch")).resolve(device);
  }

  /** The median of {@code values}. */
  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
