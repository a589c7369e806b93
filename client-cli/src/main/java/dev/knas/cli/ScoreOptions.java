package dev.knas.cli;

import dev.knas.contract.FidelityKind;
import dev.knas.v1.Architecture;
import dev.knas.v1.Fidelity;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ZeroCostOptions;
import java.util.List;
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

  @Option(names = "--fidelity",
      description = "kernel (MGM at initialisation), short-training (held-out accuracy after SGD), benchmark"
          + " (NAS-Bench-201's recorded accuracy) or zero-cost (the proxies of --proxy) (default: kernel, or"
          + " zero-cost with --proxy).")
  String fidelity;

  @Option(names = "--proxy", split = ",", paramLabel = "PROXY",
      description = "Zero-cost proxies to compute, e.g. naswot,synflow (`knas proxies` lists them); implies"
          + " --fidelity zero-cost, whose mini-batch size is --batch-size (default: the service's, 64).")
  List<String> proxies;

  @Mixin
  KernelOptions kernel;

  @Mixin
  TrainingOptions training;

  Fidelity fidelity() {
    FidelityKind kind = proxies != null ? FidelityKind.ZERO_COST : FidelityKind.GRADIENT_KERNEL;
    if (fidelity != null) {
      kind = FidelityKind.parse(fidelity.toLowerCase()).orElseThrow(() -> new ParameterException(
          spec.commandLine(), "--fidelity: '" + fidelity + "' is not "
              + FidelityKind.optionNames(FidelityKind.values())));
    }
    if (proxies != null && kind != FidelityKind.ZERO_COST) {
      throw new ParameterException(spec.commandLine(), "--proxy computes zero-cost proxies; it cannot be combined"
          + " with --fidelity " + fidelity);
    }
    if (proxies == null && kind == FidelityKind.ZERO_COST) {
      throw new ParameterException(spec.commandLine(), "--fidelity zero-cost needs --proxy, e.g. --proxy"
          + " naswot,synflow");
    }
    return kind.fidelity();
  }

  ScoreArchitectureRequest request() {
    return request(target.architecture());
  }

  /** The request for {@code architecture} with these options. */
  ScoreArchitectureRequest request(Architecture architecture) {
    Fidelity fidelity = fidelity();
    ScoreArchitectureRequest.Builder request = ScoreArchitectureRequest.newBuilder()
        .setArchitecture(architecture)
        .setFidelity(fidelity)
        .setOptions(target.options())
        .setGradientKernel(kernel.message());
    if (fidelity == Fidelity.FIDELITY_ZERO_COST) {
      // --batch-size is B here, the proxies' mini-batch; the proxy mgm takes its n from --samples.
      request.setZeroCost(ZeroCostOptions.newBuilder().addAllProxies(proxies)
          .setBatchSize(training.message().getBatchSize()));
    } else {
      request.setShortTraining(training.message());
    }
    return request.build();
  }
}
