package dev.knas.scoring.proxy.measures;

import com.google.auto.service.AutoService;
import dev.knas.scoring.proxy.Need;
import dev.knas.scoring.proxy.ProxyPasses;
import dev.knas.scoring.proxy.ZeroCostProxy;
import java.util.Set;

/** The number of trainable parameters of the canonical network. */
@AutoService(ZeroCostProxy.class)
public final class Params implements ZeroCostProxy {

  @Override
  public String name() {
    return "params";
  }

  @Override
  public String description() {
    return "number of trainable parameters of the canonical network";
  }

  @Override
  public String source() {
    return "NAS-Bench-201's #params baseline (NASLib 'params', which counts the literal cell in millions)";
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.STRUCTURE);
  }

  @Override
  public double compute(ProxyPasses passes) {
    return passes.network().parameterCount();
  }
}
