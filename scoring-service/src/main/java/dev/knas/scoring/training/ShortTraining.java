package dev.knas.scoring.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.tracker.Tracker;
import dev.knas.scoring.data.CropPlacement;
import dev.knas.scoring.data.Dataset;
import dev.knas.scoring.data.ImageShape;
import dev.knas.scoring.data.ImageSplit;
import dev.knas.scoring.kernel.GradientKernel;
import dev.knas.scoring.network.Nb201Network.Normalization;
import dev.knas.scoring.network.Nb201Network;
import dev.knas.scoring.network.NoGrad;
import dev.knas.scoring.network.ParameterInit;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A short SGD training of one architecture, advanced one mini-batch at a time so that the caller can interleave
 * other engine work, report progress and stop between any two batches: {@link #step} until
 * {@link #trainingDone}, then {@link #measureNextBatch} until {@link #measurementDone}, then {@link #heldOut}.
 *
 * <p>The network starts from the seed's initialisation (the one the gradient kernel scores); the seed also
 * drives the batch order and the augmentation, so a seed gives the same result on a given device. All arrays
 * live in one manager released by {@link #close}. Not thread-safe; every call must come from the engine's
 * thread, as the engine collects gradients for one computation at a time.
 */
public final class ShortTraining implements AutoCloseable {

  /** Version of the trained quantity; bump when the recipe's meaning (not its implementation) changes. */
  public static final String DEFINITION_VERSION = "sgd-nb201/1";

  /** The outcome of one step: the epoch's running means so far, in percent for accuracy. */
  public record Step(int epoch, long step, double trainLoss, double trainAccuracy, double learningRate,
      boolean epochEnd) {}

  /** Accuracy (percent) and mean loss on the held-out images. */
  public record HeldOut(double accuracy, double loss) {}

  private final TrainingRequest request;
  private final TrainingRecipe recipe;
  private final ImageSplit split;
  private final NDManager manager;
  private final Nb201Network network;
  private final List<NDArray> parameters;
  private final NesterovSgd optimizer;
  private final Tracker schedule;
  private final SplittableRandom random;
  private final int stepsPerEpoch;
  private final long parameterCount;
  private int[] order;
  private long stepsDone;
  private double epochLoss;
  private long epochCorrect;
  private int epochSeen;
  private int measured;
  private double heldOutLoss;
  private long heldOutCorrect;

  private ShortTraining(TrainingRequest request) {
    this.request = request;
    this.recipe = request.recipe();
    Dataset dataset = request.dataset();
    this.split = dataset.train();
    if ((long) recipe.trainSize() + recipe.heldOutSize() > split.size()) {
      throw new IllegalArgumentException("train size " + recipe.trainSize() + " plus held-out size "
          + recipe.heldOutSize() + " exceed the " + split.size() + " images of " + dataset.name()
          + "'s training split");
    }
    this.manager = NDManager.newBaseManager(request.device());
    try {
      this.network = new Nb201Network(request.cell(), dataset.shape(), dataset.classes());
      network.initialize(manager, request.precision().dataType(), ParameterInit.kaimingUniform(request.seed()));
      this.parameterCount = network.parameterCount();
      this.parameters = network.trainables().stream().map(t -> t.parameter().getArray()).toList();
      this.optimizer = new NesterovSgd(parameters, manager, recipe.momentum(), recipe.weightDecay());
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
    this.schedule = Tracker.cosine().setBaseValue((float) recipe.learningRate()).optFinalValue(0)
        .setMaxUpdates(Math.toIntExact(recipe.totalSteps())).build();
    this.random = new SplittableRandom(request.seed() ^ 0x5DEECE66DL);
    this.stepsPerEpoch = recipe.stepsPerEpoch();
  }

  /** Builds and initialises the network on the request's device. */
  public static ShortTraining start(TrainingRequest request) {
    return new ShortTraining(request);
  }

  public TrainingRecipe recipe() {
    return recipe;
  }

  public long parameterCount() {
    return parameterCount;
  }

  public boolean trainingDone() {
    return stepsDone == recipe.totalSteps();
  }

  /** Trains on the next mini-batch: forward, backward, one SGD update at the schedule's learning rate. */
  public Step step() {
    if (trainingDone()) {
      throw new IllegalStateException("the training has no steps left");
    }
    int inEpoch = (int) (stepsDone % stepsPerEpoch);
    if (inEpoch == 0) {
      order = shuffledTrainingImages();
      epochLoss = 0;
      epochCorrect = 0;
      epochSeen = 0;
    }
    int from = inEpoch * recipe.batchSize();
    int to = Math.min(recipe.trainSize(), from + recipe.batchSize());
    int[] indices = Arrays.copyOfRange(order, from, to);
    int[] labels = labels(indices);
    double lr = schedule.getNewValue(Math.toIntExact(stepsDone));
    try (NDScope scope = new NDScope()) {
      NDArray images = images(indices, request.recipe().augment() ? placements(indices.length) : null);
      GradientKernel.zeroGradients(parameters);
      NDArray logits;
      NDArray loss;
      try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
        logits = network.forward(new ParameterStore(manager, false), new NDList(images), true,
            Nb201Network.normalization(Normalization.BATCH)).head();
        loss = GradientKernel.crossEntropy(logits, labels).mean();
        collector.backward(loss);
      }
      optimizer.step(lr);
      epochLoss += loss.toType(DataType.FLOAT64, false).getDouble() * indices.length;
      epochCorrect += correct(logits, labels);
      epochSeen += indices.length;
      scope.suppressNotUsedWarning();
    }
    stepsDone++;
    boolean epochEnd = stepsDone % stepsPerEpoch == 0;
    return new Step((int) ((stepsDone - 1) / stepsPerEpoch) + 1, stepsDone, epochLoss / epochSeen,
        100.0 * epochCorrect / epochSeen, lr, epochEnd);
  }

  public boolean measurementDone() {
    return measured == recipe.heldOutSize();
  }

  /** Measures loss and accuracy on the next batch of held-out images, BatchNorm on its running statistics. */
  public void measureNextBatch() {
    if (!trainingDone() || measurementDone()) {
      throw new IllegalStateException("measure after the training, once per held-out batch");
    }
    int first = split.size() - recipe.heldOutSize();
    int count = Math.min(recipe.batchSize(), recipe.heldOutSize() - measured);
    int[] indices = new int[count];
    for (int i = 0; i < count; i++) {
      indices[i] = first + measured + i;
    }
    int[] labels = labels(indices);
    try (NDScope scope = new NDScope(); NoGrad noGrad = new NoGrad()) {
      NDArray logits = network.forward(new ParameterStore(manager, false), new NDList(images(indices, null)),
          false, Nb201Network.normalization(Normalization.BATCH)).head();
      heldOutLoss += GradientKernel.crossEntropy(logits, labels).sum().toType(DataType.FLOAT64, false).getDouble();
      heldOutCorrect += correct(logits, labels);
      scope.suppressNotUsedWarning();
    }
    measured += count;
  }

  public HeldOut heldOut() {
    if (!measurementDone()) {
      throw new IllegalStateException("the held-out images are not all measured yet");
    }
    return new HeldOut(100.0 * heldOutCorrect / measured, heldOutLoss / measured);
  }

  @Override
  public void close() {
    manager.close();
  }

  private int[] shuffledTrainingImages() {
    int[] all = new int[recipe.trainSize()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    for (int i = all.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    return all;
  }

  private CropPlacement[] placements(int count) {
    CropPlacement[] placements = new CropPlacement[count];
    int span = 2 * TrainingRecipe.CROP_PADDING + 1;
    for (int i = 0; i < count; i++) {
      boolean flip = random.nextBoolean();
      placements[i] = new CropPlacement(random.nextInt(span), random.nextInt(span), flip);
    }
    return placements;
  }

  private int[] labels(int[] indices) {
    int[] labels = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      labels[i] = split.label(indices[i]);
    }
    return labels;
  }

  /** The images as an NCHW array on the device, augmented when {@code placements} is given. */
  private NDArray images(int[] indices, CropPlacement[] placements) {
    Dataset dataset = request.dataset();
    ImageShape shape = dataset.shape();
    double[] values = placements == null ? dataset.normalisedImages(split, indices)
        : dataset.augmentedImages(split, indices, placements, TrainingRecipe.CROP_PADDING);
    return manager.create(values, new Shape(indices.length, shape.channels(), shape.height(), shape.width()))
        .toType(request.precision().dataType(), false);
  }

  private static long correct(NDArray logits, int[] labels) {
    long[] predicted = logits.argMax(1).toType(DataType.INT64, false).toLongArray();
    long correct = 0;
    for (int i = 0; i < labels.length; i++) {
      if (predicted[i] == labels[i]) {
        correct++;
      }
    }
    return correct;
  }
}
