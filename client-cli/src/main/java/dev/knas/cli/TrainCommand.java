package dev.knas.cli;

import dev.knas.progress.Progress;
import dev.knas.v1.ShortTrainEvent;
import dev.knas.v1.ShortTrainRequest;
import dev.knas.v1.ShortTrainResult;
import dev.knas.v1.TrainingProgress;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code knas train}: a short training with live progress on standard error (a progress bar on a terminal, one
 * plain line per epoch otherwise), then the result on standard output.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Trains one architecture briefly with SGD (NAS-Bench-201's recipe), showing progress, then"
        + " prints the per-epoch curve and the held-out accuracy. Results are cached: a repeat answers at once.")
final class TrainCommand extends ServiceCall implements Callable<Integer> {

  @Mixin
  ArchitectureOptions target;

  @Mixin
  TrainingOptions training;

  @Override
  public Integer call() throws Exception {
    ShortTrainRequest request = ShortTrainRequest.newBuilder()
        .setArchitecture(target.architecture())
        .setOptions(target.options())
        .setTraining(training.message())
        .build();
    ShortTrainResult result = connection.scoring(stub -> follow(stub.shortTrain(request)), 0);
    if (json) {
      printJson(result);
      return 0;
    }
    printArchitecture(result.getArchitecture());
    out().printf("%5s %11s %10s %9s%n", "epoch", "train loss", "train acc", "seconds");
    for (TrainingProgress epoch : result.getCurveList()) {
      out().printf("%5d %11.4f %9.2f%% %9.1f%n", epoch.getEpoch(), epoch.getTrainLoss(), epoch.getTrainAccuracy(),
          epoch.getElapsedSeconds());
    }
    out().printf("held-out accuracy  %.2f%%  (loss %.4f on %,d images)%n", result.getHeldOutAccuracy(),
        result.getHeldOutLoss(), result.getProvenance().getShortTraining().getHeldOutSize());
    printProvenance(result.getProvenance());
    out().printf("cache %s, key %s%n", result.getCache().getHit() ? "hit" : "miss", result.getCache().getKey());
    return 0;
  }

  /** Shows the progress events as they arrive and returns the final result. */
  private ShortTrainResult follow(Iterator<ShortTrainEvent> events) {
    PrintWriter err = spec.commandLine().getErr();
    boolean bar = Progress.drawsBar();
    ShortTrainResult result = null;
    Progress progress = null;
    try {
      while (events.hasNext()) {
        ShortTrainEvent event = events.next();
        if (event.hasResult()) {
          result = event.getResult();
          continue;
        }
        TrainingProgress p = event.getProgress();
        if (bar) {
          if (progress == null) {
            progress = progress("training", p.getTotalSteps(), "steps");
          }
          progress.stepTo(p.getStep(), String.format("epoch %d/%d, loss %.3f, accuracy %.1f%%", p.getEpoch(),
              p.getEpochs(), p.getTrainLoss(), p.getTrainAccuracy()));
        } else if (p.getEpochEnd()) {
          err.printf("epoch %d/%d: train loss %.4f, train accuracy %.2f%%, %.1f s%n", p.getEpoch(), p.getEpochs(),
              p.getTrainLoss(), p.getTrainAccuracy(), p.getElapsedSeconds());
          err.flush();
        }
      }
    } finally {
      if (progress != null) {
        progress.close();
      }
    }
    if (result == null) {
      throw new IllegalStateException("the service ended the training without a result");
    }
    return result;
  }
}
