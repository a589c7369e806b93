package dev.knas.scoring.proxy.measures;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.google.auto.service.AutoService;
import dev.knas.scoring.data.ImageShape;
import dev.knas.scoring.kernel.Precision;
import dev.knas.scoring.network.Nb201Network;
import dev.knas.scoring.network.Nb201Network.Normalization;
import dev.knas.scoring.network.ParameterInit;
import dev.knas.scoring.proxy.Need;
import dev.knas.scoring.proxy.ProxyException;
import dev.knas.scoring.proxy.ProxyPasses;
import dev.knas.scoring.proxy.ZeroCostProxy;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * ln of the synaptic flow: on a float64 copy of the network with BatchNorm disabled and every parameter replaced
 * by its absolute value, R = sum of the logits of one all-ones image, score = sum over weight elements of
 * |W * dR/dW|. The raw value overflows float32 for large cells, hence float64 and the logarithm.
 */
@AutoService(ZeroCostProxy.class)
public final class Synflow implements ZeroCostProxy {

  @Override
  public String name() {
    return "synflow";
  }

  @Override
  public String description() {
    return "ln of the synaptic flow of the absolute-valued network without BatchNorm on an all-ones image";
  }

  @Override
  public String source() {
    return "Tanaka et al., NeurIPS 2020; NASLib 'synflow' with bn=False";
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.INITIALISATION);
  }

  @Override
  public Optional<Precision> fixedPrecision() {
    return Optional.of(Precision.FLOAT64);
  }

  @Override
  public double compute(ProxyPasses passes) {
    ParameterInit base = passes.initialisation();
    ParameterInit absolute = (manager, shape, type, role, position, fanIn) ->
        base.initialize(manager, shape, type, role, position, fanIn).abs();
    ImageShape s = passes.shape();
    Nb201Network network = passes.network(DataType.FLOAT64, absolute);
    try (NDManager scope = passes.manager().newSubManager()) {
      double score = 0;
      try (GradientCollector collector = scope.getEngine().newGradientCollector()) {
        NDArray ones = scope.ones(new Shape(1, s.channels(), s.height(), s.width()), DataType.FLOAT64);
        NDArray logits = network.forward(new ParameterStore(scope, false), new NDList(ones), true,
            Nb201Network.normalization(Normalization.IDENTITY)).head();
        collector.backward(logits.sum());
      }
      List<NDArray> weights = ProxyPasses.weights(network);
      for (NDArray w : weights) {
        try (NDArray g = w.getGradient(); NDArray flow = w.mul(g).abs().sum()) {
          score += flow.getDouble();
        }
      }
      if (score == 0) {
        throw new ProxyException("synflow is ln 0 = -Infinity: the output of this network depends on no weight");
      }
      return Math.log(score);
    }
  }
}
