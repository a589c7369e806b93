package dev.knas.scoring.proxy.measures;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.google.auto.service.AutoService;
import dev.knas.scoring.data.ImageShape;
import dev.knas.scoring.network.Nb201Network;
import dev.knas.scoring.network.Nb201Network.Normalization;
import dev.knas.scoring.proxy.Need;
import dev.knas.scoring.proxy.ProxyPasses;
import dev.knas.scoring.proxy.ZeroCostProxy;
import dev.knas.scoring.network.NoGrad;
import java.util.Set;

/**
 * Millions of multiply-accumulates of one forward pass of one image: each convolution C_out H_out W_out C_in k k,
 * the classifier in x out; BatchNorm, pooling and additions are not counted. Counted on the layers a real
 * forward pass applies, so it always agrees with the network that is built.
 */
@AutoService(ZeroCostProxy.class)
public final class Flops implements ZeroCostProxy {

  @Override
  public String name() {
    return "flops";
  }

  @Override
  public String description() {
    return "millions of multiply-accumulates of one forward pass of one image (convolutions and the classifier)";
  }

  @Override
  public String source() {
    return "NAS-Bench-201's FLOPs baseline; counts what the spec defines (NASLib also counts pooling and BN)";
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.STRUCTURE);
  }

  @Override
  public double compute(ProxyPasses passes) {
    ImageShape s = passes.shape();
    long[] macs = new long[1];
    Nb201Network.Observer counter = new Nb201Network.Observer() {
      @Override
      public void convolution(NDArray weight, NDArray output) {
        Shape out = output.getShape();
        macs[0] += weight.getShape().size() * out.get(2) * out.get(3);
      }

      @Override
      public void linear(NDArray weight) {
        macs[0] += weight.getShape().size();
      }
    };
    try (NDManager scope = passes.manager().newSubManager(); NoGrad noGrad = new NoGrad()) {
      NDArray image = scope.zeros(new Shape(1, s.channels(), s.height(), s.width()),
          passes.network().trainables().get(0).parameter().getArray().getDataType());
      passes.network().forward(new ParameterStore(scope, false), new NDList(image), false,
          Nb201Network.observed(Normalization.BATCH, counter));
    }
    return macs[0] / 1e6;
  }
}
