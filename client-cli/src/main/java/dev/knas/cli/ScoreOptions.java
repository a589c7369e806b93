package dev.knas.cli;

import dev.knas.contract.FidelityKind;
import dev.knas.v1.Architecture;
import dev.knas.v1.Fidelity;
import dev.knas.v1.ScoreArchitectureRequest;
import java.util.Arrays;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A whole ScoreArchitecture request: the architecture, the fidelity and its options (score and cache get). */
final class ScoreOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Mixin
  ArchitectureOptions target;

  @Option(names = "--fidelity", defaultValue = "kernel",
      description = "kernel (MGM at initialisation), short-training (held-out accuracy after SGD) or benchmark"
          + " (NAS-Bench-201's recorded accuracy) (default: ${DEFAULT-VALUE}).")
  String fidelity;

  @Mixin
  KernelOptions kernel;

  @Mixin
  TrainingOptions training;

  Fidelity fidelity() {
    FidelityKind[] accepted = {FidelityKind.GRADIENT_KERNEL, FidelityKind.SHORT_TRAINING, FidelityKind.BENCHMARK};
    return FidelityKind.parse(fidelity.toLowerCase()).filter(k -> Arrays.asList(accepted).contains(k))
        .orElseThrow(() -> new ParameterException(spec.commandLine(), "--fidelity: '" + fidelity + "' is not "
            + FidelityKind.optionNames(accepted)))
        .fidelity();
  }

  ScoreArchitectureRequest request() {
    return request(target.architecture());
  }

  /** The request for {@code architecture} with these options. */
  ScoreArchitectureRequest request(Architecture architecture) {
    return ScoreArchitectureRequest.newBuilder()
        .setArchitecture(architecture)
        .setFidelity(fidelity())
        .setOptions(target.options())
        .setGradientKernel(kernel.message())
        .setShortTraining(training.message())
        .build();
  }
}
