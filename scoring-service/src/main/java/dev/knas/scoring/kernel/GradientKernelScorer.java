package dev.knas.scoring.kernel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.knas.scoring.data.Dataset;
import dev.knas.scoring.data.ImageShape;
import dev.knas.scoring.data.ImageSplit;
import dev.knas.scoring.network.Nb201Network;
import dev.knas.scoring.network.ParameterInit;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Computes the gradient kernel of one architecture on a data set: draws n training samples and a network
 * initialisation from the seed, then runs {@link GradientKernel}. Every NDArray lives in a manager closed before
 * returning. Not thread-safe across calls: the engine collects gradients for one computation at a time.
 */
public final class GradientKernelScorer {

  /** Version of the computed quantity; bump when the definition (not the implementation) changes. */
  public static final String DEFINITION_VERSION = "mgm/1";

  private GradientKernelScorer() {}

  public static KernelResult compute(KernelRequest request) {
    long start = System.nanoTime();
    Dataset dataset = request.dataset();
    ImageSplit train = dataset.train();
    if (request.samples() > train.size()) {
      throw new IllegalArgumentException("num_samples " + request.samples() + " exceeds the " + train.size()
          + " images of " + dataset.name() + "'s training split");
    }
    int[] indices = chooseSamples(train.size(), request.samples(), request.seed());
    int[] labels = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      labels[i] = train.label(indices[i]);
    }
    ImageShape shape = dataset.shape();
    try (NDManager manager = NDManager.newBaseManager(request.device())) {
      Nb201Network network = new Nb201Network(request.cell(), shape, dataset.classes());
      network.initialize(manager, request.precision().dataType(), ParameterInit.kaimingUniform(request.seed()));
      NDArray images = manager.create(dataset.normalisedImages(train, indices),
          new Shape(indices.length, shape.channels(), shape.height(), shape.width()))
          .toType(request.precision().dataType(), false);
      double mgm;
      double meanLoss;
      Optional<GradientKernel.Gram> gram = Optional.empty();
      if (request.perSampleGradients()) {
        GradientKernel.Gram g = GradientKernel.perSample(network, images, labels);
        mgm = g.mgm();
        meanLoss = g.meanLoss();
        gram = Optional.of(g);
      } else {
        GradientKernel.Mgm m = GradientKernel.batched(network, images, labels);
        mgm = m.mgm();
        meanLoss = m.meanLoss();
      }
      return new KernelResult(mgm, meanLoss, gram, indices, network.parameterCount(),
          (System.nanoTime() - start) / 1e9);
    }
  }

  /** n distinct indices of 0..size-1, a seeded partial Fisher-Yates shuffle. */
  static int[] chooseSamples(int size, int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] all = new int[size];
    for (int i = 0; i < size; i++) {
      all[i] = i;
    }
    int[] chosen = new int[n];
    for (int i = 0; i < n; i++) {
      int j = i + random.nextInt(size - i);
      int t = all[i];
      all[i] = all[j];
      all[j] = t;
      chosen[i] = all[i];
    }
    return chosen;
  }
}
