package dev.knas.scoring.proxy.measures;

import com.google.auto.service.AutoService;
import dev.knas.scoring.kernel.GradientKernelScorer;
import dev.knas.scoring.proxy.Need;
import dev.knas.scoring.proxy.ProxyPasses;
import dev.knas.scoring.proxy.ZeroCostProxy;
import java.util.Set;

/**
 * MGM, the KNAS gradient kernel (nb201-and-mgm.md section 4) on the request's n samples, through the same
 * batched path as FIDELITY_GRADIENT_KERNEL, so the two give the same value.
 */
@AutoService(ZeroCostProxy.class)
public final class Mgm implements ZeroCostProxy {

  @Override
  public String name() {
    return "mgm";
  }

  @Override
  public String definitionVersion() {
    return GradientKernelScorer.DEFINITION_VERSION;
  }

  @Override
  public String description() {
    return "mean of the Gram matrix of per-sample gradients (KNAS), on gradient_kernel.num_samples images";
  }

  @Override
  public String source() {
    return "Xu et al., ICML 2021 (the paper's definition; see nb201-and-mgm.md)";
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.KERNEL_SAMPLES);
  }

  @Override
  public double compute(ProxyPasses passes) {
    return passes.mgm().mgm();
  }
}
