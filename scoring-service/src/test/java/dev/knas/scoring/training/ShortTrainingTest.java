package dev.knas.scoring.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.knas.scoring.data.Dataset;
import dev.knas.scoring.data.SyntheticImages;
import dev.knas.scoring.kernel.Precision;
import dev.knas.space.nb201.Nb201Architecture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The step-by-step training on the generated data set: its schedule, bookkeeping and determinism. */
class ShortTrainingTest {

  private static final Dataset SYNTHETIC = SyntheticImages.create();
  private static final Nb201Architecture CELL = Nb201Architecture.parse(
      "|nor_conv_1x1~0|+|skip_connect~0|avg_pool_3x3~1|+|none~0|nor_conv_1x1~1|skip_connect~2|");

  private record Run(List<ShortTraining.Step> steps, ShortTraining.HeldOut heldOut) {}

  private static Run train(long seed, boolean augment) {
    TrainingRecipe recipe = new TrainingRecipe(2, 16, 0.1, 0.9, 5e-4, 40, 24, augment);
    List<ShortTraining.Step> steps = new ArrayList<>();
    try (ShortTraining training = ShortTraining.start(new TrainingRequest(CELL, SYNTHETIC, recipe, seed,
        Device.cpu(), Precision.FLOAT32))) {
      while (!training.trainingDone()) {
        steps.add(training.step());
      }
      assertThrows(IllegalStateException.class, training::step);
      assertThrows(IllegalStateException.class, training::heldOut);
      while (!training.measurementDone()) {
        training.measureNextBatch();
      }
      return new Run(steps, training.heldOut());
    }
  }

  @Test
  void followsTheRecipesScheduleAndBatches() {
    Run run = train(5, true);
    // 40 images in batches of 16: 16, 16, 8 per epoch.
    assertEquals(6, run.steps().size());
    for (int i = 0; i < 6; i++) {
      ShortTraining.Step step = run.steps().get(i);
      assertEquals(i + 1, step.step());
      assertEquals(i < 3 ? 1 : 2, step.epoch());
      assertEquals(i == 2 || i == 5, step.epochEnd());
      assertEquals(0.05 * (1 + Math.cos(Math.PI * i / 6)), step.learningRate(), 1e-7, "cosine at step " + i);
      assertTrue(Double.isFinite(step.trainLoss()) && step.trainLoss() > 0);
    }
    double accuracy = run.heldOut().accuracy();
    assertTrue(accuracy >= 0 && accuracy <= 100);
    assertEquals(0, accuracy * 24 / 100 - Math.round(accuracy * 24 / 100), 1e-9, "a whole number of 24 images");
  }

  @Test
  void aSeedGivesTheSameTrainingAndAnotherSeedAnother() {
    assertEquals(train(5, true), train(5, true));
    assertEquals(train(5, false), train(5, false));
    assertNotEquals(train(5, true), train(6, true));
    assertNotEquals(train(5, true).steps(), train(5, false).steps());
  }

  @Test
  void refusesMoreImagesThanTheSplitHas() {
    TrainingRecipe recipe = new TrainingRecipe(1, 16, 0.1, 0.9, 5e-4, SYNTHETIC.train().size(), 1, false);
    assertThrows(IllegalArgumentException.class, () -> ShortTraining.start(new TrainingRequest(CELL, SYNTHETIC,
        recipe, 0, Device.cpu(), Precision.FLOAT32)));
  }
}
