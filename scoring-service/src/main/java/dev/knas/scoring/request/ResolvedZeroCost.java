package dev.knas.scoring.request;

import dev.knas.contract.FidelityKind;
import dev.knas.scoring.proxy.ProxyRequest;
import dev.knas.scoring.proxy.ZeroCostProxy;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.v1.CacheKey;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Zero-cost proxies of one architecture, computed together on its canonical form; each proxy with the cache
 * key and options of its own value.
 */
public record ResolvedZeroCost(Nb201Architecture requested, ProxyRequest request, List<ResolvedProxy> proxies)
    implements Resolved {

  @Override
  public Nb201Architecture canonical() {
    return request.cell();
  }

  @Override
  public FidelityKind fidelity() {
    return FidelityKind.ZERO_COST;
  }

  /** The one proxy's key: each proxy's value is an entry of its own. */
  @Override
  public CacheKey lookupKey() {
    if (proxies.size() != 1) {
      throw RequestException.invalid("request.zero_cost.proxies", "name exactly one proxy to look up");
    }
    return proxies.get(0).cacheKey();
  }

  @Override
  public String summary() {
    return "proxies=" + request.proxies().stream().map(ZeroCostProxy::name).collect(Collectors.joining(","))
        + " batch=" + request.batchSize() + " dataset=" + request.dataset().name() + " device=" + request.device();
  }

  @Override
  public <T> T accept(Visitor<T> visitor) {
    return visitor.zeroCost(this);
  }
}
