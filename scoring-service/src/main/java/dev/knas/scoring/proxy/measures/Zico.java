package dev.knas.scoring.proxy.measures;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import com.google.auto.service.AutoService;
import dev.knas.scoring.proxy.Need;
import dev.knas.scoring.proxy.ProxyPasses;
import dev.knas.scoring.proxy.ZeroCostProxy;
import java.util.List;
import java.util.Set;

/**
 * ZiCo: with g_1, g_2 the loss gradients of two disjoint mini-batches (fresh per batch), for each weight tensor
 * s_W = sum over elements whose population std over the two is positive of mean|g| / std(g); score = sum over
 * tensors with s_W > 0 of ln s_W. The paper's definition: its official code forgets to zero the gradients
 * between batches; this does not.
 */
@AutoService(ZeroCostProxy.class)
public final class Zico implements ZeroCostProxy {

  @Override
  public String name() {
    return "zico";
  }

  @Override
  public String description() {
    return "sum over weight tensors of ln(sum of mean|gradient| / std(gradient) over two mini-batches)";
  }

  @Override
  public String source() {
    return "Li et al., ICLR 2023 (the paper's definition, gradients zeroed between batches)";
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.WEIGHT_GRADIENTS, Need.SECOND_BATCH_GRADIENTS);
  }

  @Override
  public double compute(ProxyPasses passes) {
    List<NDArray> first = passes.weightGradients();
    List<NDArray> second = passes.secondBatchGradients();
    double score = 0;
    for (int i = 0; i < first.size(); i++) {
      NDArray a = first.get(i);
      NDArray b = second.get(i);
      // Over M = 2 batches: mean|g| = (|a| + |b|) / 2 and the population std = |a - b| / 2.
      try (NDArray std = a.sub(b).abs().div(2);
          NDArray mean = a.abs().add(b.abs()).div(2);
          NDArray ratio = NDArrays.where(std.gt(0), mean.div(std), std.zerosLike());
          NDArray sum = ratio.sum()) {
        double s = sum.getDouble();
        if (s > 0) {
          score += Math.log(s);
        }
      }
    }
    return score;
  }
}
