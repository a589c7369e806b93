package dev.knas.cli;

import dev.knas.v1.ListProxiesRequest;
import dev.knas.v1.ListProxiesResponse;
import dev.knas.v1.ProxyInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code knas proxies}: the zero-cost proxies the service computes. */
@Command(name = "proxies", mixinStandardHelpOptions = true,
    description = "Lists the zero-cost proxies the service computes (the names of score --proxy and correlate"
        + " --proxy), with their definition versions.")
final class ProxiesCommand extends ServiceCall implements Callable<Integer> {

  @Override
  public Integer call() throws Exception {
    ListProxiesResponse response = connection.scoring(stub -> stub.listProxies(
        ListProxiesRequest.getDefaultInstance()));
    if (json) {
      printJson(response);
      return 0;
    }
    out().printf("%-10s %-12s %-5s %-6s %s%n", "proxy", "definition", "seed", "batch", "what it is (source)");
    for (ProxyInfo proxy : response.getProxiesList()) {
      out().printf("%-10s %-12s %-5s %-6s %s (%s)%n", proxy.getName(), proxy.getDefinitionVersion(),
          proxy.getUsesSeed() ? "yes" : "no", proxy.getUsesBatch() ? "yes" : "no", proxy.getDescription(), proxy.getSource());
    }
    return 0;
  }
}
