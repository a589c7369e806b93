package dev.knas.scoring.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.knas.scoring.network.NoGrad;
import java.util.ArrayList;
import java.util.List;

/**
 * PyTorch's {@code SGD(params, lr, momentum, weight_decay, nesterov=True)}: for each parameter p with gradient
 * g, {@code d = g + wd p; b = m b + d; p -= lr (d + m b)}, with b starting at zero. DJL's own Sgd has no
 * Nesterov variant, which NAS-Bench-201's recipe uses. Updates run in place on the parameters, outside autograd
 * recording, and must run outside a gradient collector.
 */
final class NesterovSgd {

  private final List<NDArray> parameters;
  private final List<NDArray> buffers = new ArrayList<>();
  private final double momentum;
  private final double weightDecay;

  /** Momentum buffers are created on {@code manager}, which must outlive the optimizer's use. */
  NesterovSgd(List<NDArray> parameters, NDManager manager, double momentum, double weightDecay) {
    this.parameters = parameters;
    this.momentum = momentum;
    this.weightDecay = weightDecay;
    for (NDArray p : parameters) {
      buffers.add(manager.zeros(p.getShape(), p.getDataType()));
    }
  }

  /** One update with learning rate {@code lr}; temporaries are closed before returning. */
  void step(double lr) {
    try (NoGrad noGrad = new NoGrad()) {
      update(lr);
    }
  }

  private void update(double lr) {
    for (int i = 0; i < parameters.size(); i++) {
      NDArray p = parameters.get(i);
      NDArray buffer = buffers.get(i);
      try (NDArray g = p.getGradient();
          NDArray decay = p.mul(weightDecay);
          NDArray d = g.add(decay)) {
        buffer.muli(momentum).addi(d);
        try (NDArray lookahead = buffer.mul(momentum)) {
          p.subi(d.addi(lookahead).muli(lr));
        }
      }
    }
  }
}
