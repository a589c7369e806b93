package dev.knas.cli;

import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoreArchitectureResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code knas score}: one architecture's score at the gradient-kernel fidelity. */
@Command(name = "score", mixinStandardHelpOptions = true,
    description = "Scores one architecture (gradient-kernel fidelity: MGM).")
final class ScoreCommand extends ServiceCall implements Callable<Integer> {

  @Override
  public Integer call() throws Exception {
    ScoreArchitectureRequest request = ScoreArchitectureRequest.newBuilder()
        .setArchitecture(architecture())
        .setOptions(options())
        .setGradientKernel(kernelOptions())
        .build();
    ScoreArchitectureResponse response = connection.call(stub -> stub.scoreArchitecture(request));
    if (json) {
      printJson(response);
    } else {
      out().printf("architecture %s (index %d, %,d parameters)%n", response.getArchitecture().getNb201String(),
          response.getArchitecture().getNb201Index(), response.getArchitecture().getParameterCount());
      out().printf("score (MGM)  %.10g%n", response.getValue());
      printProvenance(response.getProvenance());
    }
    return 0;
  }
}
