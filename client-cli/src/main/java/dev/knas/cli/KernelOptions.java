package dev.knas.cli;

import dev.knas.v1.GradientKernelOptions;
import picocli.CommandLine.Option;

/** Options of the gradient-kernel fidelity. */
final class KernelOptions {

  @Option(names = "--samples", description = "n, samples in the gradient kernel (default: the service's, 50).")
  Integer samples;

  GradientKernelOptions message() {
    return GradientKernelOptions.newBuilder().setNumSamples(samples == null ? 0 : samples).build();
  }
}
