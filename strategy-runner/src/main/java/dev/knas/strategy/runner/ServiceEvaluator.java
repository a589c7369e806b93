package dev.knas.strategy.runner;

import dev.knas.contract.FidelityKind;
import dev.knas.space.CanonicalForm;
import dev.knas.strategy.Proposal;
import dev.knas.strategy.Stage;
import dev.knas.v1.Architecture;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.Fidelity;
import dev.knas.v1.GradientKernelOptions;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoreArchitectureResponse;
import dev.knas.v1.ScoringServiceGrpc;
import dev.knas.v1.ShortTrainingOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Scores proposals through knas.v1.ScoringService: the gradient kernel for screening, the search's fidelity for
 * evaluations. Transient failures (UNAVAILABLE, RESOURCE_EXHAUSTED) are retried with exponential backoff;
 * anything else, or a transient failure that outlasts the retries, is a {@link SearchFailure}.
 */
public final class ServiceEvaluator implements Evaluator {

  /** How evaluations are made, every option resolved. */
  public record Settings(Fidelity fidelity, String dataset, String kernelDataset, long evaluationSeed,
      int kernelSamples, int trainingEpochs, long timeoutSeconds, int attempts, long firstBackoffMillis) {}

  /** Selection metric of benchmark evaluations: never a test accuracy. */
  static final String SELECTION_METRIC = "validation_accuracy";
  private static final long MAX_BACKOFF_MILLIS = 30_000;

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

  /** The request that scores {@code architecture} for {@code stage}. */
  public ScoreArchitectureRequest request(Architecture architecture, Stage stage) {
    ScoreArchitectureRequest.Builder request = ScoreArchitectureRequest.newBuilder().setArchitecture(architecture);
    if (stage == Stage.KERNEL) {
      return request.setFidelity(Fidelity.FIDELITY_GRADIENT_KERNEL)
          .setOptions(EvaluationOptions.newBuilder().setDataset(settings.kernelDataset())
              .setSeed(settings.evaluationSeed()))
          .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(settings.kernelSamples()))
          .build();
    }
    request.setFidelity(settings.fidelity())
        .setOptions(EvaluationOptions.newBuilder().setDataset(settings.dataset()).setSeed(settings.evaluationSeed()));
    if (settings.fidelity() == Fidelity.FIDELITY_SHORT_TRAINING) {
      request.setShortTraining(ShortTrainingOptions.newBuilder().setEpochs(settings.trainingEpochs()));
    }
    return request.build();
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
    ScoreArchitectureResponse response;
    try (Scope scope = span.makeCurrent()) {
      response = call(request, "score " + proposal.architecture());
      span.setAttribute("knas.value", response.getValue());
    } catch (RuntimeException e) {
      span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
      throw e;
    } finally {
      span.end();
    }
    double wall = (System.nanoTime() - start) / 1e9;
    boolean benchmark = response.getFidelity() == Fidelity.FIDELITY_BENCHMARK;
    if (benchmark && !response.getMetric().equals(SELECTION_METRIC)) {
      throw new SearchFailure("the benchmark table has no validation accuracy for " + settings.dataset()
          + " (the service answered " + response.getMetric() + "), and a search never selects on test accuracy");
    }
    double cost = benchmark
        ? response.getBenchmark().getTrainSecondsOrDefault(settings.dataset(), Double.NaN) : wall;
    Map<String, Double> validation = benchmark ? response.getBenchmark().getValidationAccuracyMap() : null;
    Map<String, Double> test = benchmark ? response.getBenchmark().getTestAccuracyMap() : null;
    return new Evaluation(proposal.sequence(), proposal.stage().name().toLowerCase(),
        proposal.architecture().toBenchmarkString(), proposal.architecture().index(),
        CanonicalForm.of(proposal.architecture()).toBenchmarkString(), FidelityKind.of(response.getFidelity()).recordName(),
        response.getProvenance().getOptions().getDataset(), response.getMetric(), response.getValue(),
        response.getCache().getHit(), wall, cost, validation, test, 0, 0);
  }

  /** Calls ScoreArchitecture, retrying transient failures; {@code what} names the call in errors. */
  public ScoreArchitectureResponse call(ScoreArchitectureRequest request, String what) throws InterruptedException {
    long backoff = settings.firstBackoffMillis();
    for (int attempt = 1; ; attempt++) {
      ScoringServiceGrpc.ScoringServiceBlockingStub stub = ScoringServiceGrpc.newBlockingStub(channel);
      if (settings.timeoutSeconds() > 0) {
        stub = stub.withDeadlineAfter(settings.timeoutSeconds(), TimeUnit.SECONDS);
      }
      try {
        return stub.scoreArchitecture(request);
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        boolean transientFailure = code == Status.Code.UNAVAILABLE || code == Status.Code.RESOURCE_EXHAUSTED;
        if (!transientFailure || attempt >= settings.attempts()) {
          throw new SearchFailure(what + ": " + code + ": " + e.getStatus().getDescription()
              + (transientFailure ? " (after " + attempt + " attempts)" : ""), e);
        }
        Thread.sleep(backoff);
        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
      }
    }
  }
}
