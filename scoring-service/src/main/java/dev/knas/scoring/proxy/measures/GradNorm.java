package dev.knas.scoring.proxy.measures;

import ai.djl.ndarray.NDArray;
import com.google.auto.service.AutoService;
import dev.knas.scoring.proxy.Need;
import dev.knas.scoring.proxy.ProxyPasses;
import dev.knas.scoring.proxy.ZeroCostProxy;
import java.util.Set;

/** The sum over weight tensors W of the Euclidean norm of dL/dW on the mini-batch. */
@AutoService(ZeroCostProxy.class)
public final class GradNorm implements ZeroCostProxy {

  @Override
  public String name() {
    return "grad_norm";
  }

  @Override
  public String description() {
    return "sum over weight tensors of the Euclidean norm of the loss gradient";
  }

  @Override
  public String source() {
    return "Abdelfattah et al., ICLR 2021 (NASLib 'grad_norm')";
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.WEIGHT_GRADIENTS);
  }

  @Override
  public double compute(ProxyPasses passes) {
    double total = 0;
    for (NDArray g : passes.weightGradients()) {
      try (NDArray squares = g.square().sum()) {
        total += Math.sqrt(squares.getDouble());
      }
    }
    return total;
  }
}
