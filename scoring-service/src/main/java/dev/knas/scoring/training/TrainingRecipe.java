package dev.knas.scoring.training;

/**
 * How a short training runs: every option with its effective value (see ShortTrainingOptions in the contract for
 * the defaults, which follow NAS-Bench-201's 12-epoch recipe).
 *
 * @param trainSize images trained on: the first {@code trainSize} of the training split
 * @param heldOutSize images measured on: the last {@code heldOutSize} of the training split
 * @param augment random flip and 4-pixel-padded random crop of every training image
 */
public record TrainingRecipe(int epochs, int batchSize, double learningRate, double momentum, double weightDecay,
    int trainSize, int heldOutSize, boolean augment) {

  /** Padding of the random crop. */
  public static final int CROP_PADDING = 4;

  public TrainingRecipe {
    if (epochs < 1 || batchSize < 1 || trainSize < 1 || heldOutSize < 1) {
      throw new IllegalArgumentException("epochs, batch size, train size and held-out size must be positive");
    }
    if (!(momentum >= 0 && momentum < 1) || !(weightDecay >= 0) || !(learningRate > 0)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), weight decay >= 0, learning rate > 0");
    }
  }

  /** Mini-batches per epoch; the last one may be smaller. */
  public int stepsPerEpoch() {
    return (trainSize + batchSize - 1) / batchSize;
  }

  public long totalSteps() {
    return (long) stepsPerEpoch() * epochs;
  }
}
