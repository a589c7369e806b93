package dev.knas.scoring.server;

import dev.knas.contract.FidelityKind;
import dev.knas.scoring.cache.ScoreCache;
import dev.knas.scoring.proxy.ProxyRegistry;
import dev.knas.scoring.request.RequestException;
import dev.knas.scoring.request.RequestResolver;
import dev.knas.scoring.request.Resolved;
import dev.knas.scoring.request.ResolvedKernel;
import dev.knas.scoring.request.ResolvedTraining;
import dev.knas.v1.ComputeGradientKernelRequest;
import dev.knas.v1.ComputeGradientKernelResponse;
import dev.knas.v1.Fidelity;
import dev.knas.v1.ListProxiesRequest;
import dev.knas.v1.ListProxiesResponse;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoreArchitectureResponse;
import dev.knas.v1.ScoreArchitecturesRequest;
import dev.knas.v1.ScoreArchitecturesResult;
import dev.knas.v1.ScoringServiceGrpc;
import dev.knas.v1.ShortTrainEvent;
import dev.knas.v1.ShortTrainRequest;
import dev.knas.v1.TrainingProgress;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.trace.Span;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The knas.v1.ScoringService RPCs: resolves each request ({@link RequestResolver}), scores it through the cache
 * ({@link CachedScoring}), answers with the mapped messages (the *Messages classes) or the mapped status
 * ({@link StatusMapping}), and records each call's span attributes, metrics and one log line.
 */
final class ScoringGrpcService extends ScoringServiceGrpc.ScoringServiceImplBase {

  private final RequestResolver resolver;
  private final CachedScoring scoring;
  private final String engine;
  private final ServiceTelemetry telemetry;
  private final RequestLog requestLog;

  ScoringGrpcService(RequestResolver resolver, CachedScoring scoring, String engine, ServiceTelemetry telemetry,
      RequestLog requestLog) {
    this.resolver = resolver;
    this.scoring = scoring;
    this.engine = engine;
    this.telemetry = telemetry;
    this.requestLog = requestLog;
  }

  @Override
  public void scoreArchitecture(ScoreArchitectureRequest request, StreamObserver<ScoreArchitectureResponse> out) {
    Resolved resolved;
    try {
      resolved = resolver.score(request);
    } catch (RuntimeException e) {
      reject(out, "ScoreArchitecture", fidelityName(request.getFidelity()), e);
      return;
    }
    answer(out, "ScoreArchitecture", resolved, scoring.score(resolved), (response, o) -> o.onNext(response));
  }

  @Override
  public void scoreArchitectures(ScoreArchitecturesRequest request, StreamObserver<ScoreArchitecturesResult> out) {
    int count = request.getArchitecturesCount();
    if (count == 0 || count > BatchScoring.MAX_BATCH) {
      StatusMapping.fail(out, "ScoreArchitectures", RequestException.invalid("architectures", count == 0
          ? "give at least one" : count + " exceeds the limit of " + BatchScoring.MAX_BATCH + " per call"));
      return;
    }
    if (request.getFidelity() == Fidelity.UNRECOGNIZED) {
      StatusMapping.fail(out, "ScoreArchitectures",
          RequestException.invalid("fidelity", "unknown value " + request.getFidelityValue()));
      return;
    }
    new BatchScoring(request, out, single -> {
      try {
        return scoring.score(resolver.score(single));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }).run();
  }

  @Override
  public void computeGradientKernel(ComputeGradientKernelRequest request,
      StreamObserver<ComputeGradientKernelResponse> out) {
    boolean perSample = request.getIncludeGramMatrix() || request.getIncludeSampleGradientNorms();
    ResolvedKernel kernel;
    try {
      kernel = resolver.kernel(request.hasArchitecture(), request.getArchitecture(), request.getOptions(),
          request.getGradientKernel(), perSample);
    } catch (RuntimeException e) {
      reject(out, "ComputeGradientKernel", FidelityKind.GRADIENT_KERNEL.recordName(), e);
      return;
    }
    if (perSample) {
      answer(out, "ComputeGradientKernel", kernel, scoring.perSample(kernel), (result, response) ->
          response.onNext(KernelMessages.perSampleKernel(kernel, result, engine, request.getIncludeGramMatrix(),
              request.getIncludeSampleGradientNorms())));
    } else {
      answer(out, "ComputeGradientKernel", kernel, scoring.kernel(kernel),
          (answer, response) -> response.onNext(KernelMessages.cachedKernel(kernel, answer)));
    }
  }

  @Override
  public void shortTrain(ShortTrainRequest request, StreamObserver<ShortTrainEvent> out) {
    ResolvedTraining training;
    try {
      training = resolver.training(request.hasArchitecture(), request.getArchitecture(), request.getOptions(),
          request.getTraining(), "training");
    } catch (RuntimeException e) {
      reject(out, "ShortTrain", FidelityKind.SHORT_TRAINING.recordName(), e);
      return;
    }
    Consumer<TrainingProgress> progress = event -> {
      synchronized (out) {
        out.onNext(ShortTrainEvent.newBuilder().setProgress(event).build());
      }
    };
    answer(out, "ShortTrain", training, scoring.trained(training, progress, Context.current()),
        (answer, response) -> {
          synchronized (out) {
            response.onNext(ShortTrainEvent.newBuilder()
                .setResult(TrainingMessages.trainingResult(training, answer)).build());
          }
        });
  }

  @Override
  public void listProxies(ListProxiesRequest request, StreamObserver<ListProxiesResponse> out) {
    ListProxiesResponse.Builder response = ListProxiesResponse.newBuilder();
    ProxyRegistry.all().forEach(proxy -> response.addProxies(ZeroCostMessages.proxyInfo(proxy)));
    out.onNext(response.build());
    out.onCompleted();
  }

  /**
   * Completes {@code out} with {@code respond}'s message once {@code work} is done, or with its failure; records
   * the request's span attributes, metrics and one log line.
   */
  private <T, R> void answer(StreamObserver<R> out, String method, Resolved request, CompletableFuture<T> work,
      BiConsumer<T, StreamObserver<R>> respond) {
    long start = System.nanoTime();
    Span span = Span.current();
    String fidelity = request.fidelity().recordName();
    String canonical = request.canonical().toBenchmarkString();
    span.setAttribute(ServiceTelemetry.FIDELITY, fidelity);
    span.setAttribute(ServiceTelemetry.ARCHITECTURE, canonical);
    work.whenComplete((result, error) -> {
      Status status = Status.OK;
      boolean hit = result instanceof ScoreCache.Answer a && a.hit()
          || result instanceof ScoreArchitectureResponse r && r.getCache().getHit();
      if (error == null) {
        try {
          respond.accept(result, out);
          span.setAttribute(ServiceTelemetry.CACHE_HIT, hit);
          out.onCompleted();
        } catch (RuntimeException e) {
          status = StatusMapping.statusOf(method, e);
          out.onError(status.asRuntimeException());
        }
      } else {
        status = StatusMapping.statusOf(method, error);
        out.onError(status.asRuntimeException());
      }
      long nanos = System.nanoTime() - start;
      telemetry.request(method, fidelity, status.getCode().name(), nanos / 1e9);
      requestLog.completed(status.getCode(), hit, nanos);
      if (requestLog.eachRequest()) {
        requestLog.request(method, "arch=" + canonical + " fidelity=" + fidelity + " " + request.summary(),
            status.getCode(), hit, nanos, span.getSpanContext().getTraceId());
      }
    });
  }

  /** Refuses a request that could not be resolved: its status, metrics and log line. */
  private void reject(StreamObserver<?> out, String method, String fidelity, Throwable error) {
    Status status = StatusMapping.statusOf(method, error);
    telemetry.request(method, fidelity, status.getCode().name(), 0);
    requestLog.completed(status.getCode(), false, -1);
    out.onError(status.asRuntimeException());
  }

  /** The record name of a request's fidelity; "unknown" for a value this contract does not define. */
  private static String fidelityName(Fidelity fidelity) {
    return fidelity == Fidelity.UNRECOGNIZED ? "unknown" : FidelityKind.of(fidelity).recordName();
  }
}
