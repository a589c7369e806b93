package dev.knas.cli;

import dev.knas.v1.Augmentation;
import dev.knas.v1.ShortTrainingOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Options of the short-training fidelity; unset ones take the service's defaults (NAS-Bench-201's recipe). */
final class TrainingOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--epochs", description = "Epochs over the training images (default: 12).")
  Integer epochs;

  @Option(names = "--batch-size", description = "Mini-batch size (default: 256).")
  Integer batchSize;

  @Option(names = "--learning-rate", description = "Initial learning rate of the cosine schedule (default: 0.1).")
  Double learningRate;

  @Option(names = "--train-size", description = "Training images used (default: all not held out).")
  Integer trainSize;

  @Option(names = "--held-out-size",
      description = "Images held out of the training split to measure accuracy on (default: one fifth).")
  Integer heldOutSize;

  @Option(names = "--momentum", description = "Nesterov momentum (default: 0.9).")
  Double momentum;

  @Option(names = "--weight-decay", description = "Weight decay (default: 5e-4).")
  Double weightDecay;

  @Option(names = "--augmentation",
      description = "none or crop-flip (default: crop-flip for cifar10, none otherwise).")
  String augmentation;

  ShortTrainingOptions message() {
    ShortTrainingOptions.Builder options = ShortTrainingOptions.newBuilder();
    if (epochs != null) {
      options.setEpochs(positive("--epochs", epochs));
    }
    if (batchSize != null) {
      options.setBatchSize(positive("--batch-size", batchSize));
    }
    if (learningRate != null) {
      options.setLearningRate(learningRate);
    }
    if (trainSize != null) {
      options.setTrainSize(positive("--train-size", trainSize));
    }
    if (heldOutSize != null) {
      options.setHeldOutSize(positive("--held-out-size", heldOutSize));
    }
    if (momentum != null) {
      options.setMomentum(momentum);
    }
    if (weightDecay != null) {
      options.setWeightDecay(weightDecay);
    }
    if (augmentation != null) {
      options.setAugmentation(switch (augmentation.toLowerCase()) {
        case "none" -> Augmentation.AUGMENTATION_NONE;
        case "crop-flip" -> Augmentation.AUGMENTATION_CROP_FLIP;
        default -> throw new ParameterException(spec.commandLine(),
            "--augmentation: '" + augmentation + "' is not none or crop-flip");
      });
    }
    return options.build();
  }

  private int positive(String option, int value) {
    if (value <= 0) {
      throw new ParameterException(spec.commandLine(), option + ": " + value + " is not a positive number");
    }
    return value;
  }
}
