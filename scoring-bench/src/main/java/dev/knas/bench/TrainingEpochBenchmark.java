package dev.knas.bench;

import ai.djl.Device;
import dev.knas.scoring.DataOptions;
import dev.knas.scoring.data.Dataset;
import dev.knas.scoring.device.DeviceSelection;
import dev.knas.scoring.kernel.Precision;
import dev.knas.scoring.training.ShortTraining;
import dev.knas.scoring.training.TrainingRecipe;
import dev.knas.scoring.training.TrainingRequest;
import dev.knas.space.nb201.Nb201Architecture;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code knas-bench training}: seconds per training epoch of the short-training fidelity's default
 * recipe (batch 256, crop-flip on CIFAR-10, one fifth held out), directly on the engine. Prints a table; a
 * benchmark, not a test.
 */
@Command(name = "training", mixinStandardHelpOptions = true,
    description = "Seconds per epoch of a short training (NAS-Bench-201's recipe), per architecture.")
public final class TrainingEpochBenchmark implements Callable<Integer> {

  @Mixin
  BenchTargets targets;

  @Option(names = "--epochs", defaultValue = "2", description = "Epochs timed per architecture"
      + " (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "256", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Mixin
  DataOptions data;

  @Override
  public Integer call() {
    Device target = targets.device();
    String dataset = targets.dataset;
    Dataset images = data.catalog().get(dataset);
    int available = images.train().size();
    int heldOut = Math.min(10_000, available / 5);
    TrainingRecipe recipe = new TrainingRecipe(epochs, batchSize, 0.1, 0.9, 5e-4, available - heldOut, heldOut,
        dataset.equals("cifar10"));
    List<Nb201Architecture> cells = targets.cells();
    System.out.printf("Short-training wall time, %s, %,d training images, batch %d, %s, float32, %s, %s threads%n",
        dataset, recipe.trainSize(), batchSize, recipe.augment() ? "crop-flip" : "no augmentation",
        DeviceSelection.name(target), System.getProperty("ai.djl.pytorch.num_threads", "default"));
    System.out.printf("%-7s %-10s %-8s %-14s %-10s %-12s %-14s%n", "index", "params", "epochs", "s/epoch (med)",
        "images/s", "held-out s", "held-out acc");
    for (Nb201Architecture cell : cells) {
      double[] epochSeconds = new double[epochs];
      double measureSeconds;
      ShortTraining.HeldOut result;
      long parameters;
      try (ShortTraining training = ShortTraining.start(new TrainingRequest(cell, images, recipe, 0, target,
          Precision.FLOAT32))) {
        parameters = training.parameterCount();
        long start = System.nanoTime();
        int epoch = 0;
        while (!training.trainingDone()) {
          if (training.step().epochEnd()) {
            long now = System.nanoTime();
            epochSeconds[epoch++] = (now - start) / 1e9;
            start = now;
          }
        }
        long measureStart = System.nanoTime();
        while (!training.measurementDone()) {
          training.measureNextBatch();
        }
        measureSeconds = (System.nanoTime() - measureStart) / 1e9;
        result = training.heldOut();
      }
      double median = BenchTargets.median(epochSeconds);
      System.out.printf("%-7d %-10d %-8d %-14.2f %-10.1f %-12.2f %.2f%%%n", cell.index(), parameters, epochs,
          median, recipe.trainSize() / median, measureSeconds, result.accuracy());
    }
    return 0;
  }
}
