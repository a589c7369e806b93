package dev.knas.scoring.request;

import dev.knas.scoring.data.Cifar10;
import dev.knas.scoring.training.TrainingRecipe;
import dev.knas.scoring.training.TrainingRequest;
import dev.knas.space.nb201.CanonicalForm;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.v1.Architecture;
import dev.knas.v1.Augmentation;
import dev.knas.v1.CacheKey;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.ShortTrainingOptions;

/** Resolves short-training requests: ScoreArchitecture's short-training fidelity and ShortTrain. */
final class TrainingResolver {

  private final OptionsResolver options;
  private final long maxTrainingImages;

  /** @param maxTrainingImages the most image passes (epochs x training images) one training may ask for */
  TrainingResolver(OptionsResolver options, long maxTrainingImages) {
    this.options = options;
    this.maxTrainingImages = maxTrainingImages;
  }

  /** @param field the name of the training options' field in the request (for messages) */
  ResolvedTraining resolve(boolean hasArchitecture, Architecture architecture, EvaluationOptions requested,
      ShortTrainingOptions training, String field) {
    Nb201Architecture cell = RequestedArchitecture.of(hasArchitecture, architecture);
    int epochs = (int) unsigned(training.getEpochs(), RequestLimits.DEFAULT_EPOCHS, 1, RequestLimits.MAX_EPOCHS,
        field + ".epochs");
    int batchSize = (int) unsigned(training.getBatchSize(), RequestLimits.DEFAULT_BATCH_SIZE, 1,
        RequestLimits.MAX_BATCH_SIZE, field + ".batch_size");
    double learningRate = training.getLearningRate() == 0 ? RequestLimits.DEFAULT_LEARNING_RATE
        : training.getLearningRate();
    if (!(learningRate >= RequestLimits.MIN_LEARNING_RATE && learningRate <= RequestLimits.MAX_LEARNING_RATE)) {
      throw RequestException.invalid(field + ".learning_rate", learningRate + " is not in ["
          + RequestLimits.MIN_LEARNING_RATE + ", " + RequestLimits.MAX_LEARNING_RATE + "]");
    }
    double momentum = training.hasMomentum() ? training.getMomentum() : RequestLimits.DEFAULT_MOMENTUM;
    if (!(momentum >= 0 && momentum < 1)) {
      throw RequestException.invalid(field + ".momentum", momentum + " is not in [0, 1)");
    }
    double weightDecay = training.hasWeightDecay() ? training.getWeightDecay() : RequestLimits.DEFAULT_WEIGHT_DECAY;
    if (!(weightDecay >= 0 && weightDecay <= RequestLimits.MAX_WEIGHT_DECAY)) {
      throw RequestException.invalid(field + ".weight_decay", weightDecay + " is not in [0, "
          + RequestLimits.MAX_WEIGHT_DECAY + "]");
    }
    ResolvedOptions resolved = options.resolve(requested);
    int available = resolved.trainSize();
    long heldOut = training.getHeldOutSize() != 0 ? Integer.toUnsignedLong(training.getHeldOutSize())
        : Math.min(RequestLimits.MAX_DEFAULT_HELD_OUT, available / 5);
    if (heldOut >= available) {
      throw RequestException.invalid(field + ".held_out_size", heldOut + " leaves none of the " + available
          + " images of " + resolved.dataset().name() + "'s training split to train on");
    }
    long trainSize = training.getTrainSize() != 0 ? Integer.toUnsignedLong(training.getTrainSize())
        : available - heldOut;
    if (trainSize + heldOut > available) {
      throw RequestException.invalid(field + ".train_size", trainSize + " training plus " + heldOut
          + " held-out images exceed the " + available + " images of " + resolved.dataset().name()
          + "'s training split");
    }
    if ((long) epochs * trainSize > maxTrainingImages) {
      throw RequestException.invalid(field + ".epochs", epochs + " epochs of " + trainSize + " images ("
          + (long) epochs * trainSize + " image passes) exceed this service's training budget of "
          + maxTrainingImages + " per request; train fewer epochs or on fewer images");
    }
    Augmentation augmentation = switch (training.getAugmentation()) {
      case AUGMENTATION_UNSPECIFIED -> resolved.dataset().name().equals(Cifar10.NAME)
          ? Augmentation.AUGMENTATION_CROP_FLIP : Augmentation.AUGMENTATION_NONE;
      case AUGMENTATION_NONE, AUGMENTATION_CROP_FLIP -> training.getAugmentation();
      default -> throw RequestException.invalid(field + ".augmentation",
          "unknown value " + training.getAugmentationValue());
    };
    ShortTrainingOptions effective = ShortTrainingOptions.newBuilder().setEpochs(epochs).setBatchSize(batchSize)
        .setLearningRate(learningRate).setTrainSize((int) trainSize).setHeldOutSize((int) heldOut)
        .setMomentum(momentum)
        .setWeightDecay(weightDecay).setAugmentation(augmentation).build();
    Nb201Architecture canonical = CanonicalForm.of(cell);
    CacheKey key = RequestCacheKeys.training(resolved, canonical, effective);
    TrainingRecipe recipe = new TrainingRecipe(epochs, batchSize, learningRate, momentum, weightDecay,
        (int) trainSize, (int) heldOut, augmentation == Augmentation.AUGMENTATION_CROP_FLIP);
    return new ResolvedTraining(cell, new TrainingRequest(canonical, resolved.dataset(), recipe,
        requested.getSeed(), resolved.device(), resolved.precision()), resolved.effective(), effective, key);
  }

  /**
   * A uint32 field read as the unsigned number it is (Java reads 2^31 and above as negative): {@code fallback}
   * when unset (0), else refused unless within [{@code min}, {@code max}].
   */
  private static long unsigned(int raw, long fallback, long min, long max, String field) {
    long value = raw == 0 ? fallback : Integer.toUnsignedLong(raw);
    if (value < min || value > max) {
      throw RequestException.invalid(field, value + (value > max ? " exceeds the limit of " + max
          : " is below the minimum of " + min));
    }
    return value;
  }
}
