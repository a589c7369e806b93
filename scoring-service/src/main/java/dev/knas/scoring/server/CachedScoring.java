package dev.knas.scoring.server;

import dev.knas.scoring.cache.CacheKeys;
import dev.knas.scoring.cache.ScoreCache;
import dev.knas.scoring.kernel.GradientKernelScorer;
import dev.knas.scoring.kernel.KernelResult;
import dev.knas.scoring.proxy.ProxyOutcome;
import dev.knas.scoring.proxy.ProxyRequest;
import dev.knas.scoring.proxy.ProxyResult;
import dev.knas.scoring.proxy.ProxyScorer;
import dev.knas.scoring.proxy.ZeroCostProxy;
import dev.knas.scoring.request.Resolved;
import dev.knas.scoring.request.ResolvedBenchmark;
import dev.knas.scoring.request.ResolvedKernel;
import dev.knas.scoring.request.ResolvedProxy;
import dev.knas.scoring.request.ResolvedTraining;
import dev.knas.scoring.request.ResolvedZeroCost;
import dev.knas.v1.CacheEntry;
import dev.knas.v1.ScoreArchitectureResponse;
import dev.knas.v1.TrainingProgress;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.api.trace.Span;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Scores validated requests through the score cache: a stored value answers at once; a missing one is computed
 * on the {@link EngineQueue} (trainings as {@link TrainingJob}s within their {@link TrainingSlots}) and stored
 * before anyone is answered with it. Computations run detached from the calling RPC, so requests waiting for
 * the same key do not lose it when the first caller goes away.
 */
final class CachedScoring {

  /**
   * How often a request that joined a training just as all its earlier callers left starts the training again
   * itself.
   */
  private static final int TRAINING_REJOINS = 3;

  /** One proxy's cached or computed value ({@code answer}), or the status it failed with. */
  record ProxyAnswer(ResolvedProxy proxy, ScoreCache.Answer answer, Status error) {}

  private final EngineQueue queue;
  private final TrainingSlots slots;
  private final ScoreCache cache;
  private final String engine;
  private final ServiceTelemetry telemetry;
  /** Trainings under way by cache key, so identical requests can follow their progress. */
  private final ConcurrentHashMap<String, TrainingJob> trainings = new ConcurrentHashMap<>();

  CachedScoring(EngineQueue queue, TrainingSlots slots, ScoreCache cache, String engine,
      ServiceTelemetry telemetry) {
    this.queue = queue;
    this.slots = slots;
    this.cache = cache;
    this.engine = engine;
    this.telemetry = telemetry;
  }

  /** The ScoreArchitecture response to a validated request, at its fidelity. */
  CompletableFuture<ScoreArchitectureResponse> score(Resolved resolved) {
    return resolved.accept(new Resolved.Visitor<>() {
      @Override
      public CompletableFuture<ScoreArchitectureResponse> kernel(ResolvedKernel kernel) {
        return CachedScoring.this.kernel(kernel).thenApply(answer -> KernelMessages.kernelScore(kernel, answer));
      }

      @Override
      public CompletableFuture<ScoreArchitectureResponse> training(ResolvedTraining training) {
        return trained(training, progress -> { }, Context.current())
            .thenApply(answer -> TrainingMessages.trainingScore(training, answer));
      }

      @Override
      public CompletableFuture<ScoreArchitectureResponse> benchmark(ResolvedBenchmark benchmark) {
        return CompletableFuture.completedFuture(BenchmarkMessages.benchmarkScore(benchmark));
      }

      @Override
      public CompletableFuture<ScoreArchitectureResponse> zeroCost(ResolvedZeroCost zeroCost) {
        return CachedScoring.this.zeroCost(zeroCost)
            .thenApply(answers -> ZeroCostMessages.zeroCostScore(zeroCost, answers));
      }
    });
  }

  /** The cached MGM of {@code kernel}, computed on the engine when missing. */
  CompletableFuture<ScoreCache.Answer> kernel(ResolvedKernel kernel) {
    String key = CacheKeys.hash(kernel.cacheKey());
    return lookedUp(key, () -> detached(() -> queue.submit(() -> {
      KernelResult result = GradientKernelScorer.compute(kernel.request(), telemetry.tracer());
      telemetry.kernel(result.seconds(), kernel.effectiveOptions().getDevice());
      return KernelMessages.kernelEntry(kernel, key, result, engine);
    })));
  }

  /** The per-sample kernel (Gram matrix, norms) of {@code kernel}, computed afresh: it is not cached. */
  CompletableFuture<KernelResult> perSample(ResolvedKernel kernel) {
    return queue.submit(() -> GradientKernelScorer.compute(kernel.request(), telemetry.tracer()));
  }

  /**
   * The cached values of {@code request}'s proxies. Each proxy has its own cache entry and single flight; the
   * missing ones are computed together, in ONE engine task (one network build, shared passes). A proxy that has
   * no value fails alone, and nothing is cached for it.
   */
  CompletableFuture<List<ProxyAnswer>> zeroCost(ResolvedZeroCost request) {
    Map<ResolvedProxy, CompletableFuture<CacheEntry>> missing = new LinkedHashMap<>();
    List<CompletableFuture<ScoreCache.Answer>> answers = new ArrayList<>();
    for (ResolvedProxy proxy : request.proxies()) {
      answers.add(lookedUp(CacheKeys.hash(proxy.cacheKey()), () -> {
        CompletableFuture<CacheEntry> promise = new CompletableFuture<>();
        missing.put(proxy, promise);
        return promise;
      }));
    }
    if (!missing.isEmpty()) {
      List<ZeroCostProxy> proxies = missing.keySet().stream().map(ResolvedProxy::proxy).toList();
      ProxyRequest work = request.request();
      ProxyRequest only = new ProxyRequest(work.cell(), work.dataset(), proxies, work.batchSize(),
          work.kernelSamples(), work.seed(), work.device(), work.precision());
      detached(() -> queue.submit(() -> ProxyScorer.compute(only, telemetry.tracer())))
          .whenComplete((result, error) -> settle(request, missing, result, error));
    }
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).handle((ignored, error) -> {
      List<ProxyAnswer> outcomes = new ArrayList<>();
      for (int i = 0; i < answers.size(); i++) {
        CompletableFuture<ScoreCache.Answer> answer = answers.get(i);
        ResolvedProxy proxy = request.proxies().get(i);
        try {
          outcomes.add(new ProxyAnswer(proxy, answer.join(), Status.OK));
        } catch (CompletionException e) {
          outcomes.add(new ProxyAnswer(proxy, null, StatusMapping.statusOf("ScoreArchitecture", e)));
        }
      }
      return outcomes;
    });
  }

  /** Completes each missing proxy's promise with its entry, or with the reason it has no value. */
  private void settle(ResolvedZeroCost request, Map<ResolvedProxy, CompletableFuture<CacheEntry>> missing,
      ProxyResult result, Throwable error) {
    if (error != null) {
      missing.values().forEach(promise -> promise.completeExceptionally(error));
      return;
    }
    int i = 0;
    for (Map.Entry<ResolvedProxy, CompletableFuture<CacheEntry>> proxy : missing.entrySet()) {
      ProxyOutcome outcome = result.outcomes().get(i++);
      if (outcome.value().isPresent()) {
        proxy.getValue().complete(ZeroCostMessages.proxyEntry(request, proxy.getKey(),
            CacheKeys.hash(proxy.getKey().cacheKey()), result, outcome.value().getAsDouble(), engine));
      } else {
        proxy.getValue().completeExceptionally(ZeroCostMessages.proxyFailure(outcome).asRuntimeException());
      }
    }
  }

  /**
   * The cached result of {@code training}, training when missing: a request identical to a training under way
   * joins it (and receives its progress from then on). The training runs for as long as one of its callers
   * remains; a caller that joined just as the others left starts it again.
   */
  CompletableFuture<ScoreCache.Answer> trained(ResolvedTraining training, Consumer<TrainingProgress> progress,
      Context caller) {
    return trained(training, progress, caller, TRAINING_REJOINS);
  }

  private CompletableFuture<ScoreCache.Answer> trained(ResolvedTraining training,
      Consumer<TrainingProgress> progress, Context caller, int rejoins) {
    String key = CacheKeys.hash(training.cacheKey());
    CompletableFuture<ScoreCache.Answer> answer = lookedUp(key, () -> {
      TrainingJob job = new TrainingJob(training, queue, slots, telemetry);
      job.join(caller, progress);
      trainings.put(key, job);
      return job.start().thenApply(outcome -> TrainingMessages.trainingEntry(training, key, outcome, engine))
          .whenComplete((entry, error) -> trainings.remove(key, job));
    });
    TrainingJob running = trainings.get(key);
    if (!answer.isDone() && running != null) {
      running.join(caller, progress);
    }
    return answer.handle((result, error) -> {
      Throwable cause = error instanceof CompletionException ? error.getCause() : error;
      if (cause == null) {
        return CompletableFuture.completedFuture(result);
      }
      if (rejoins > 0 && !caller.isCancelled() && cause instanceof StatusRuntimeException e
          && e.getStatus().getCode() == Status.Code.CANCELLED) {
        return trained(training, progress, caller, rejoins - 1);
      }
      return CompletableFuture.<ScoreCache.Answer>failedFuture(cause);
    }).thenCompose(next -> next);
  }

  /** The cache's answer for {@code key}, traced as a "cache lookup" span (the computation is not part of it). */
  private CompletableFuture<ScoreCache.Answer> lookedUp(String key,
      Supplier<CompletableFuture<CacheEntry>> compute) {
    Span span = telemetry.tracer().spanBuilder("cache lookup").startSpan();
    CompletableFuture<ScoreCache.Answer> answer = null;
    try {
      answer = cache.getOrCompute(key, compute);
      return answer;
    } finally {
      span.setAttribute(ServiceTelemetry.CACHE_HIT,
          answer != null && answer.isDone() && !answer.isCompletedExceptionally() && answer.join().hit());
      span.end();
    }
  }

  /** Starts {@code work} in a context detached from the calling RPC's cancellation. */
  private static <T> CompletableFuture<T> detached(Supplier<CompletableFuture<T>> work) {
    Context detached = Context.current().fork();
    Context previous = detached.attach();
    try {
      return work.get();
    } finally {
      detached.detach(previous);
    }
  }
}
