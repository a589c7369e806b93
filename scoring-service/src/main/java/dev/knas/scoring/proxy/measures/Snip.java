package dev.knas.scoring.proxy.measures;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.google.auto.service.AutoService;
import dev.knas.scoring.proxy.Need;
import dev.knas.scoring.proxy.ProxyPasses;
import dev.knas.scoring.proxy.ZeroCostProxy;
import java.util.List;
import java.util.Set;

/** The sum over every weight element of |W * dL/dW| on the mini-batch (connection sensitivity). */
@AutoService(ZeroCostProxy.class)
public final class Snip implements ZeroCostProxy {

  @Override
  public String name() {
    return "snip";
  }

  @Override
  public String description() {
    return "sum over weight elements of |weight x loss gradient|";
  }

  @Override
  public String source() {
    return "Lee et al., ICLR 2019; Abdelfattah et al., ICLR 2021 (NASLib 'snip')";
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.WEIGHT_GRADIENTS);
  }

  @Override
  public double compute(ProxyPasses passes) {
    List<NDArray> weights = ProxyPasses.weights(passes.network());
    List<NDArray> gradients = passes.weightGradients();
    double total = 0;
    for (int i = 0; i < weights.size(); i++) {
      try (NDArray w = weights.get(i).toType(DataType.FLOAT64, true);
          NDArray saliency = w.mul(gradients.get(i)).abs().sum()) {
        total += saliency.getDouble();
      }
    }
    return total;
  }
}
