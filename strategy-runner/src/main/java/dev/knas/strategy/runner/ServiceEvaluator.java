package dev.knas.strategy.runner;

import dev.knas.contract.FidelityKind;
import dev.knas.space.nb201.CanonicalForm;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.strategy.Proposal;
import dev.knas.strategy.Stage;
import dev.knas.strategy.screening.ScreeningRank;
import dev.knas.v1.Architecture;
import dev.knas.v1.BenchmarkRecord;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.Fidelity;
import dev.knas.v1.GradientKernelOptions;
import dev.knas.v1.ProxyScore;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoreArchitectureResponse;
import dev.knas.v1.ScoringServiceGrpc;
import dev.knas.v1.ShortTrainingOptions;
import dev.knas.v1.ZeroCostOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Scores proposals through knas.v1.ScoringService: the zero-cost fidelity for screening (every proxy of the
 * search's expression in one request), the search's fidelity for evaluations. Transient failures (UNAVAILABLE,
 * RESOURCE_EXHAUSTED) are retried by the channel, under the contract's service config, and nowhere else. A
 * failure that concerns only this architecture and would recur (NOT_FOUND: the benchmark table lacks it;
 * OUT_OF_RANGE: no finite value) is a failed evaluation the search goes on after; anything else, or a transient
 * failure that outlasts the retries, is a {@link SearchFailure}.
 */
public final class ServiceEvaluator implements Evaluator {

  /** How evaluations are made, every option resolved. */
  public record Settings(Fidelity fidelity, String dataset, String kernelDataset, long evaluationSeed,
      int kernelSamples, int trainingEpochs, Optional<ScreeningRank> screening, int batchSize,
      long timeoutSeconds) {}

  /** Failures of one architecture that asking again would not change. */
  private static final Set<Status.Code> PERMANENT = EnumSet.of(Status.Code.NOT_FOUND, Status.Code.OUT_OF_RANGE);

  /** Selection metric of benchmark evaluations: never a test accuracy. */
  static final String SELECTION_METRIC = "validation_accuracy";

  private final ManagedChannel channel;
  private final Settings settings;
  private final Tracer tracer;
  private final Context search;

  /**
   * @param tracer traces each evaluation as an "evaluate" span under {@code search}, the search's span, so the
   *     call to the service and the service's work join the search's trace
   */
  public ServiceEvaluator(ManagedChannel channel, Settings settings, Tracer tracer, Context search) {
    this.channel = channel;
    this.settings = settings;
    this.tracer = tracer;
    this.search = search;
  }

  /** The request that scores {@code architecture} for {@code stage}, screening with {@code proxies}. */
  public ScoreArchitectureRequest request(Architecture architecture, Stage stage, List<String> proxies) {
    ScoreArchitectureRequest.Builder request = ScoreArchitectureRequest.newBuilder().setArchitecture(architecture);
    if (stage == Stage.KERNEL) {
      return request.setFidelity(Fidelity.FIDELITY_ZERO_COST)
          .setOptions(EvaluationOptions.newBuilder().setDataset(settings.kernelDataset())
              .setSeed(settings.evaluationSeed()))
          .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(settings.kernelSamples()))
          .setZeroCost(ZeroCostOptions.newBuilder().addAllProxies(proxies).setBatchSize(settings.batchSize()))
          .build();
    }
    request.setFidelity(settings.fidelity())
        .setOptions(EvaluationOptions.newBuilder().setDataset(settings.dataset()).setSeed(settings.evaluationSeed()));
    if (settings.fidelity() == Fidelity.FIDELITY_SHORT_TRAINING) {
      request.setShortTraining(ShortTrainingOptions.newBuilder().setEpochs(settings.trainingEpochs()));
    }
    return request.build();
  }

  /** The request that scores {@code architecture} for {@code stage}, screening with all the search's proxies. */
  public ScoreArchitectureRequest request(Architecture architecture, Stage stage) {
    return request(architecture, stage, settings.screening().map(ScreeningRank::proxies).orElse(List.of()));
  }

  @Override
  public Evaluation evaluate(Proposal proposal) throws InterruptedException {
    ScoreArchitectureRequest request = request(Architecture.newBuilder()
        .setNb201String(proposal.architecture().toBenchmarkString()).build(), proposal.stage());
    long start = System.nanoTime();
    Span span = tracer.spanBuilder("evaluate").setParent(search)
        .setAttribute("knas.sequence", proposal.sequence())
        .setAttribute("knas.stage", proposal.stage().name().toLowerCase())
        .setAttribute("knas.architecture", proposal.architecture().toBenchmarkString())
        .startSpan();
    try (Scope scope = span.makeCurrent()) {
      ScoreArchitectureResponse response = call(request, "score " + proposal.architecture());
      double wall = (System.nanoTime() - start) / 1e9;
      Evaluation evaluation = request.getFidelity() == Fidelity.FIDELITY_ZERO_COST
          ? screened(proposal, response, wall) : evaluated(proposal, response, wall);
      if (evaluation.value() != null) {
        span.setAttribute("knas.value", evaluation.value());
      }
      if (evaluation.failed()) {
        span.setAttribute("knas.error", evaluation.error());
      }
      return evaluation;
    } catch (SearchFailure e) {
      if (e.getCause() instanceof StatusRuntimeException s && PERMANENT.contains(s.getStatus().getCode())) {
        String error = s.getStatus().getCode() + ": " + s.getStatus().getDescription();
        span.setAttribute("knas.error", error);
        double wall = (System.nanoTime() - start) / 1e9;
        return line(proposal, FidelityKind.of(request.getFidelity()).recordName(),
            request.getOptions().getDataset(), metric(proposal.stage()), null, null, null, error, false, wall, wall,
            null, null);
      }
      span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
      throw e;
    } catch (RuntimeException e) {
      span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
      throw e;
    } finally {
      span.end();
    }
  }

  /** A screening: every proxy's value or why it has none; failed when no proxy has a value. */
  private Evaluation screened(Proposal proposal, ScoreArchitectureResponse response, double wall) {
    Map<String, Double> values = new LinkedHashMap<>();
    Map<String, String> errors = new LinkedHashMap<>();
    boolean allHits = true;
    for (ProxyScore score : response.getProxyScoresList()) {
      if (score.hasError()) {
        Status.Code code = Status.fromCodeValue(score.getError().getCode()).getCode();
        if (!PERMANENT.contains(code)) {
          throw new SearchFailure("screen " + proposal.architecture() + " with " + score.getProxy() + ": " + code
              + ": " + score.getError().getMessage());
        }
        errors.put(score.getProxy(), code + ": " + score.getError().getMessage());
      } else {
        values.put(score.getProxy(), score.getValue());
        allHits &= score.getCache().getHit();
      }
    }
    boolean single = settings.screening().orElseThrow().proxies().size() == 1;
    String error = values.isEmpty() ? "no proxy has a value: " + String.join("; ", errors.values()) : null;
    return line(proposal, FidelityKind.ZERO_COST.recordName(), settings.kernelDataset(),
        metric(Stage.KERNEL), single && error == null ? values.values().iterator().next() : null, values,
        errors.isEmpty() ? null : errors, error, allHits && !values.isEmpty(), wall, wall, null, null);
  }

  /** An evaluation at the search's fidelity. */
  private Evaluation evaluated(Proposal proposal, ScoreArchitectureResponse response, double wall) {
    boolean benchmark = response.getFidelity() == Fidelity.FIDELITY_BENCHMARK;
    if (benchmark && !response.getMetric().equals(SELECTION_METRIC)) {
      throw new SearchFailure("the benchmark table has no validation accuracy for " + settings.dataset()
          + " (the service answered " + response.getMetric() + "), and a search never selects on test accuracy");
    }
    double cost = benchmark
        ? response.getBenchmark().getTrainSecondsOrDefault(settings.dataset(), Double.NaN) : wall;
    Map<String, Double> validation = benchmark ? response.getBenchmark().getValidationAccuracyMap() : null;
    Map<String, Double> test = benchmark ? response.getBenchmark().getTestAccuracyMap() : null;
    return line(proposal, FidelityKind.of(response.getFidelity()).recordName(),
        response.getProvenance().getOptions().getDataset(), response.getMetric(), response.getValue(), null, null,
        null, response.getCache().getHit(), wall, cost, validation, test);
  }

  private String metric(Stage stage) {
    return stage == Stage.KERNEL ? settings.screening().orElseThrow().expression()
        : settings.fidelity() == Fidelity.FIDELITY_BENCHMARK ? SELECTION_METRIC
        : FidelityKind.of(settings.fidelity()).metric();
  }

  private static Evaluation line(Proposal proposal, String fidelity, String dataset, String metric, Double value,
      Map<String, Double> proxies, Map<String, String> proxyErrors, String error, boolean cacheHit, double wall,
      double cost, Map<String, Double> validation, Map<String, Double> test) {
    return new Evaluation(proposal.sequence(), proposal.stage().name().toLowerCase(),
        proposal.architecture().toBenchmarkString(), proposal.architecture().index(),
        CanonicalForm.of(proposal.architecture()).toBenchmarkString(), fidelity, dataset, metric, value, proxies,
        proxyErrors, error, cacheHit, wall, cost, validation, test, 0, 0);
  }

  /** The benchmark's record of {@code architecture}, or empty when the service has no benchmark table. */
  public Optional<BenchmarkRecord> benchmarkRecord(Nb201Architecture architecture) {
    try {
      return Optional.of(call(ScoreArchitectureRequest.newBuilder()
          .setArchitecture(Architecture.newBuilder().setNb201String(architecture.toBenchmarkString()))
          .setFidelity(Fidelity.FIDELITY_BENCHMARK).build(), "benchmark record").getBenchmark());
    } catch (SearchFailure e) {
      if (e.getCause() instanceof StatusRuntimeException s
          && s.getStatus().getCode() == Status.Code.FAILED_PRECONDITION) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Calls ScoreArchitecture; {@code what} names the call in errors. The channel's service config retries
   * UNAVAILABLE and RESOURCE_EXHAUSTED, so either status here has outlasted those retries.
   */
  public ScoreArchitectureResponse call(ScoreArchitectureRequest request, String what) {
    ScoringServiceGrpc.ScoringServiceBlockingStub stub = ScoringServiceGrpc.newBlockingStub(channel);
    if (settings.timeoutSeconds() > 0) {
      stub = stub.withDeadlineAfter(settings.timeoutSeconds(), TimeUnit.SECONDS);
    }
    try {
      return stub.scoreArchitecture(request);
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      boolean transientFailure = code == Status.Code.UNAVAILABLE || code == Status.Code.RESOURCE_EXHAUSTED;
      throw new SearchFailure(what + ": " + code + ": " + e.getStatus().getDescription()
          + (transientFailure ? " (through the service config's retries)" : ""), e);
    }
  }
}
