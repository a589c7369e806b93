package dev.knas.cli;

import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoreArchitectureResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code knas score}: one architecture's score at the gradient-kernel fidelity. */
@Command(name = "score", mixinStandardHelpOptions = true,
    description = "Scores one architecture (gradient-kernel fidelity: MGM).")
final class ScoreCommand extends ServiceCall implements Callable<Integer> {

  @Mixin
  ScoreOptions score;

  @Override
  public Integer call() throws Exception {
    ScoreArchitectureRequest request = score.scoreRequest();
    ScoreArchitectureResponse response = connection.scoring(stub -> stub.scoreArchitecture(request));
    if (json) {
      printJson(response);
    } else {
      printArchitecture(response.getArchitecture());
      out().printf("score (MGM)  %.10g%n", response.getValue());
      printProvenance(response.getProvenance());
      out().printf("cache %s, key %s%n", response.getCache().getHit() ? "hit" : "miss", response.getCache().getKey());
    }
    return 0;
  }
}
