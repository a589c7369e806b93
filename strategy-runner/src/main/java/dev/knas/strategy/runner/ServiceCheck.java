package dev.knas.strategy.runner;

import dev.knas.strategy.Stage;
import dev.knas.strategy.screening.ScreeningRank;
import dev.knas.transport.ClearTextTokenRefused;
import dev.knas.transport.ServiceProbe;
import dev.knas.transport.ServiceUnreachable;
import dev.knas.v1.Architecture;
import dev.knas.v1.Fidelity;
import dev.knas.v1.ListProxiesRequest;
import dev.knas.v1.LookupScoreRequest;
import dev.knas.v1.ProxyInfo;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoreArchitectureResponse;
import dev.knas.v1.ScoreCacheServiceGrpc;
import dev.knas.v1.ScoringServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Checks, before anything is written, that the service is reachable (else {@link ServiceUnreachable}, at once) and
 * will serve the search: the evaluation fidelity and data set, and the screening proxies (each known to
 * ListProxies, with the search's options). Everything else it finds is an {@link InvalidOptions}.
 */
final class ServiceCheck {

  private static final long DEADLINE_SECONDS = 20;
  private static final Architecture PROBE = Architecture.newBuilder().setNb201Index(0).build();

  private final ManagedChannel channel;
  private final ServiceProbe probe;
  private final ServiceEvaluator evaluator;

  ServiceCheck(ManagedChannel channel, ServiceProbe probe, ServiceEvaluator evaluator) {
    this.channel = channel;
    this.probe = probe;
    this.evaluator = evaluator;
  }

  void check(Fidelity fidelity, String dataset, Optional<ScreeningRank> screening) {
    try {
      probe.check(channel);
    } catch (ClearTextTokenRefused e) {
      throw new InvalidOptions(e.getMessage());
    }
    try {
      if (fidelity == Fidelity.FIDELITY_BENCHMARK) {
        ScoreArchitectureResponse response = evaluator.call(evaluator.request(PROBE, Stage.EVALUATION),
            "benchmark lookup");
        if (!response.getMetric().equals(ServiceEvaluator.SELECTION_METRIC)) {
          throw new InvalidOptions("--dataset " + dataset + ": the benchmark table has no validation accuracy for"
              + " it, and a search selects on validation accuracy only");
        }
      } else {
        lookup(evaluator.request(PROBE, Stage.EVALUATION), "evaluation");
      }
    } catch (SearchFailure e) {
      if (StrategyCommand.unavailable(e)) {
        throw e;
      }
      throw new InvalidOptions(e.getMessage());
    }
    if (screening.isPresent()) {
      checkProxies(screening.get());
    }
  }

  /** Every proxy is one the service computes, and it accepts the screening options for each. */
  private void checkProxies(ScreeningRank screening) {
    List<String> served;
    try {
      served = ScoringServiceGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .listProxies(ListProxiesRequest.getDefaultInstance()).getProxiesList().stream().map(ProxyInfo::getName)
          .toList();
    } catch (StatusRuntimeException e) {
      unavailable(e, "list proxies");
      throw new InvalidOptions("--proxy: the service does not list its zero-cost proxies (" + e.getStatus().getCode()
          + ": " + e.getStatus().getDescription() + ")");
    }
    for (String proxy : screening.proxies()) {
      if (!served.contains(proxy)) {
        throw new InvalidOptions("--proxy " + screening.expression() + ": the service computes no proxy '" + proxy
            + "'; it has " + String.join(", ", served));
      }
      lookup(evaluator.request(PROBE, Stage.KERNEL, List.of(proxy)), "screening with " + proxy);
    }
  }

  /** Validates a request the way scoring it would, without computing anything. */
  private void lookup(ScoreArchitectureRequest request, String what) {
    try {
      ScoreCacheServiceGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .lookupScore(LookupScoreRequest.newBuilder().setRequest(request).build());
    } catch (StatusRuntimeException e) {
      unavailable(e, what);
      throw new InvalidOptions(what + " refused by the service: " + e.getStatus().getCode() + ": "
          + e.getStatus().getDescription());
    }
  }

  /** A service that stopped answering after the probe is unreachable, not a refusal of the options. */
  private static void unavailable(StatusRuntimeException e, String what) {
    if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
      throw new SearchFailure(what + ": UNAVAILABLE: " + e.getStatus().getDescription(), e);
    }
  }
}
