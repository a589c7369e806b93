package dev.knas.scoring.server;

import com.google.protobuf.util.Timestamps;
import dev.knas.scoring.cache.CacheKeys;
import dev.knas.scoring.cache.ScoreCache;
import dev.knas.scoring.data.DatasetException;
import dev.knas.scoring.kernel.GradientKernel;
import dev.knas.scoring.kernel.GradientKernelScorer;
import dev.knas.scoring.kernel.KernelResult;
import dev.knas.scoring.server.RequestResolver.Resolved;
import dev.knas.scoring.server.RequestResolver.ResolvedBenchmark;
import dev.knas.scoring.server.RequestResolver.ResolvedKernel;
import dev.knas.scoring.server.RequestResolver.ResolvedTraining;
import dev.knas.scoring.training.ShortTraining;
import dev.knas.space.CanonicalForm;
import dev.knas.space.Nb201Architecture;
import dev.knas.space.Operation;
import dev.knas.v1.BenchmarkRecord;
import dev.knas.v1.CacheEntry;
import dev.knas.v1.CacheResult;
import dev.knas.v1.CellEdges;
import dev.knas.v1.ComputeGradientKernelRequest;
import dev.knas.v1.ComputeGradientKernelResponse;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.Fidelity;
import dev.knas.v1.Matrix;
import dev.knas.v1.Provenance;
import dev.knas.v1.ResolvedArchitecture;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoreArchitectureResponse;
import dev.knas.v1.ScoreArchitecturesRequest;
import dev.knas.v1.ScoreArchitecturesResult;
import dev.knas.v1.ScoringServiceGrpc;
import dev.knas.v1.ShortTrainEvent;
import dev.knas.v1.ShortTrainRequest;
import dev.knas.v1.ShortTrainResult;
import dev.knas.v1.TrainingProgress;
import io.grpc.Context;
import io.opentelemetry.api.trace.Span;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The knas.v1.ScoringService RPCs: validation, the score cache, engine work on the {@link EngineQueue} (trainings
 * as {@link TrainingJob}s within their {@link TrainingSlots}), benchmark lookups, and the mapping of failures to
 * statuses.
 */
final class ScoringGrpcService extends ScoringServiceGrpc.ScoringServiceImplBase {

  private static final Logger log = LoggerFactory.getLogger(ScoringGrpcService.class);
  /** Version of the benchmark fidelity's value: a lookup in NAS-Bench-201's table. */
  static final String BENCHMARK_DEFINITION_VERSION = "nb201-table/1";
  /**
   * How often a request that joined a training just as all its earlier callers left starts the training again
   * itself.
   */
  private static final int TRAINING_REJOINS = 3;
  /** Most architectures in one ScoreArchitectures call. */
  static final int MAX_BATCH = 16_384;
  /** Architectures of one ScoreArchitectures call scored at once; the rest wait their turn. */
  static final int BATCH_IN_FLIGHT = 8;

  private final ServiceTelemetry telemetry;
  private final RequestResolver resolver;
  private final EngineQueue queue;
  private final TrainingSlots slots;
  private final ScoreCache cache;
  private final String engine;
  /** Trainings under way by cache key, so identical requests can follow their progress. */
  private final ConcurrentHashMap<String, TrainingJob> trainings = new ConcurrentHashMap<>();

  ScoringGrpcService(RequestResolver resolver, EngineQueue queue, TrainingSlots slots, ScoreCache cache,
      String engine, ServiceTelemetry telemetry) {
    this.telemetry = telemetry;
    this.resolver = resolver;
    this.queue = queue;
    this.slots = slots;
    this.cache = cache;
    this.engine = engine;
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
    answer(out, "ScoreArchitecture", resolved, score(resolved), (response, o) -> o.onNext(response));
  }

  /** The response to a validated ScoreArchitecture request, computed, trained, cached or looked up. */
  private CompletableFuture<ScoreArchitectureResponse> score(Resolved resolved) {
    if (resolved instanceof ResolvedKernel kernel) {
      return cached(kernel).thenApply(answer -> {
        CacheEntry entry = answer.entry();
        return ScoreArchitectureResponse.newBuilder()
            .setArchitecture(resolved(kernel.requested(), entry.getArchitecture()))
            .setFidelity(Fidelity.FIDELITY_GRADIENT_KERNEL)
            .setValue(entry.getValue())
            .setMetric("mgm")
            .setProvenance(entry.getProvenance())
            .setCache(cacheResult(answer))
            .build();
      });
    }
    if (resolved instanceof ResolvedTraining training) {
      return trained(training, progress -> { }, Context.current(), TRAINING_REJOINS).thenApply(answer -> {
        ShortTrainResult result = trainingResult(training, answer);
        return ScoreArchitectureResponse.newBuilder()
            .setArchitecture(result.getArchitecture())
            .setFidelity(Fidelity.FIDELITY_SHORT_TRAINING)
            .setValue(result.getHeldOutAccuracy())
            .setMetric("held_out_accuracy")
            .setProvenance(result.getProvenance())
            .setCache(result.getCache())
            .setShortTraining(result)
            .build();
      });
    }
    return CompletableFuture.completedFuture(benchmarkResponse((ResolvedBenchmark) resolved));
  }

  /**
   * Scores each architecture of the batch as ScoreArchitecture would, at most {@link #BATCH_IN_FLIGHT} at a
   * time, and streams each result as it is ready; an architecture that cannot be scored gets its status in
   * place of a score and the others go on. A cancelled call starts no more.
   */
  @Override
  public void scoreArchitectures(ScoreArchitecturesRequest request, StreamObserver<ScoreArchitecturesResult> out) {
    int count = request.getArchitecturesCount();
    if (count == 0 || count > MAX_BATCH) {
      fail(out, "ScoreArchitectures", RequestException.invalid("architectures",
          count == 0 ? "give at least one" : count + " exceeds the limit of " + MAX_BATCH + " per call"));
      return;
    }
    Context call = Context.current();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    long start = System.nanoTime();
    Runnable[] startNext = new Runnable[1];
    startNext[0] = () -> {
      int position = next.getAndIncrement();
      if (position >= count) {
        return;
      }
      if (call.isCancelled()) {
        return;
      }
      ScoreArchitectureRequest single = ScoreArchitectureRequest.newBuilder()
          .setArchitecture(request.getArchitectures(position))
          .setFidelity(request.getFidelity())
          .setOptions(request.getOptions())
          .setGradientKernel(request.getGradientKernel())
          .setShortTraining(request.getShortTraining())
          .build();
      CompletableFuture<ScoreArchitectureResponse> scored;
      try {
        scored = call.call(() -> score(resolver.score(single)));
      } catch (Exception e) {
        scored = CompletableFuture.failedFuture(e);
      }
      scored.whenComplete((response, error) -> {
        ScoreArchitecturesResult.Builder result = ScoreArchitecturesResult.newBuilder().setPosition(position);
        if (error == null) {
          result.setScore(response);
        } else {
          Status status = statusOf("ScoreArchitectures",
              error instanceof CompletionException ? error.getCause() : error);
          result.setError(com.google.rpc.Status.newBuilder().setCode(status.getCode().value())
              .setMessage(String.valueOf(status.getDescription())));
        }
        synchronized (out) {
          if (!call.isCancelled()) {
            out.onNext(result.build());
            if (done.incrementAndGet() == count) {
              out.onCompleted();
              log.info("ScoreArchitectures {} architectures in {} ms", count,
                  String.format("%.1f", (System.nanoTime() - start) / 1e6));
            }
          }
        }
        startNext[0].run();
      });
    };
    for (int i = 0; i < Math.min(BATCH_IN_FLIGHT, count); i++) {
      startNext[0].run();
    }
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
      reject(out, "ComputeGradientKernel", "gradient_kernel", e);
      return;
    }
    if (!perSample) {
      answer(out, "ComputeGradientKernel", kernel, cached(kernel), (answer, response) -> {
        CacheEntry entry = answer.entry();
        response.onNext(ComputeGradientKernelResponse.newBuilder()
            .setArchitecture(resolved(kernel.requested(), entry.getArchitecture()))
            .setMgm(entry.getValue())
            .setMeanLoss(entry.getMeanLoss())
            .addAllSampleIndices(entry.getSampleIndicesList())
            .setProvenance(entry.getProvenance())
            .setCache(cacheResult(answer))
            .build());
      });
      return;
    }
    answer(out, "ComputeGradientKernel", kernel,
        queue.submit(() -> GradientKernelScorer.compute(kernel.request(), telemetry.tracer())),
        (result, response) -> {
          ComputeGradientKernelResponse.Builder message = ComputeGradientKernelResponse.newBuilder()
              .setArchitecture(resolved(kernel.requested(), canonical(kernel, result)))
              .setMgm(result.mgm())
              .setMeanLoss(result.meanLoss())
              .setProvenance(provenance(kernel, result))
              .setCache(CacheResult.getDefaultInstance());
          for (int index : result.sampleIndices()) {
            message.addSampleIndices(index);
          }
          GradientKernel.Gram gram = result.gram().orElseThrow();
          if (request.getIncludeGramMatrix()) {
            Matrix.Builder matrix = Matrix.newBuilder().setRows(gram.matrix().length)
                .setColumns(gram.matrix().length);
            for (double[] row : gram.matrix()) {
              for (double value : row) {
                matrix.addValues(value);
              }
            }
            message.setGramMatrix(matrix);
          }
          if (request.getIncludeSampleGradientNorms()) {
            for (double norm : gram.norms()) {
              message.addSampleGradientNorms(norm);
            }
          }
          response.onNext(message.build());
        });
  }

  @Override
  public void shortTrain(ShortTrainRequest request, StreamObserver<ShortTrainEvent> out) {
    ResolvedTraining training;
    try {
      training = resolver.training(request.hasArchitecture(), request.getArchitecture(), request.getOptions(),
          request.getTraining(), "training");
    } catch (RuntimeException e) {
      reject(out, "ShortTrain", "short_training", e);
      return;
    }
    Consumer<TrainingProgress> progress = event -> {
      synchronized (out) {
        out.onNext(ShortTrainEvent.newBuilder().setProgress(event).build());
      }
    };
    answer(out, "ShortTrain", training, trained(training, progress, Context.current(), TRAINING_REJOINS),
        (answer, response) -> {
          synchronized (out) {
            response.onNext(ShortTrainEvent.newBuilder().setResult(trainingResult(training, answer)).build());
          }
        });
  }


  /**
   * The cached value of {@code kernel}, computing it on the engine when missing. The computation runs in a
   * context detached from the calling RPC: requests waiting for the same key must not lose it if the first
   * caller goes away.
   */
  private CompletableFuture<ScoreCache.Answer> cached(ResolvedKernel kernel) {
    String key = CacheKeys.hash(kernel.cacheKey());
    return lookedUp(key, () -> {
      Context detached = Context.current().fork();
      Context previous = detached.attach();
      try {
        return queue.submit(() -> {
          KernelResult result = GradientKernelScorer.compute(kernel.request(), telemetry.tracer());
          telemetry.kernel(result.seconds(), kernel.effectiveOptions().getDevice());
          return CacheEntry.newBuilder()
              .setFormatVersion(CacheKeys.FORMAT_VERSION)
              .setKey(key)
              .setKeyFields(kernel.cacheKey())
              .setValue(result.mgm())
              .setMeanLoss(result.meanLoss())
              .addAllSampleIndices(Arrays.stream(result.sampleIndices()).boxed().toList())
              .setArchitecture(canonical(kernel, result))
              .setProvenance(provenance(kernel, result))
              .setComputedAt(Timestamps.fromMillis(System.currentTimeMillis()))
              .build();
        });
      } finally {
        detached.detach(previous);
      }
    });
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

  /**
   * The cached result of {@code training}, training when missing: a request identical to a training under way
   * joins it (and receives its progress from then on). The training runs for as long as one of its callers
   * remains; a caller that joined just as the others left starts it again.
   */
  private CompletableFuture<ScoreCache.Answer> trained(ResolvedTraining training,
      Consumer<TrainingProgress> progress, Context caller, int rejoins) {
    String key = CacheKeys.hash(training.cacheKey());
    CompletableFuture<ScoreCache.Answer> answer = lookedUp(key, () -> {
      TrainingJob job = new TrainingJob(training, queue, slots, telemetry);
      job.join(caller, progress);
      trainings.put(key, job);
      return job.start().thenApply(outcome -> trainingEntry(training, key, outcome))
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

  private CacheEntry trainingEntry(ResolvedTraining training, String key, TrainingJob.Outcome outcome) {
    Provenance provenance = Provenance.newBuilder()
        .setOptions(training.effectiveOptions())
        .setShortTraining(training.effectiveTraining())
        .setDevice(training.effectiveOptions().getDevice())
        .setWallSeconds(outcome.seconds())
        .setEngine(engine)
        .setDefinitionVersion(ShortTraining.DEFINITION_VERSION)
        .setServiceVersion(ScoringServer.VERSION)
        .build();
    ResolvedArchitecture computed = describe(training.request().cell(), outcome.parameterCount());
    ShortTrainResult result = ShortTrainResult.newBuilder()
        .setArchitecture(computed)
        .addAllCurve(outcome.curve())
        .setFinalTrainLoss(outcome.curve().get(outcome.curve().size() - 1).getTrainLoss())
        .setHeldOutAccuracy(outcome.heldOut().accuracy())
        .setHeldOutLoss(outcome.heldOut().loss())
        .setProvenance(provenance)
        .build();
    return CacheEntry.newBuilder()
        .setFormatVersion(CacheKeys.FORMAT_VERSION)
        .setKey(key)
        .setKeyFields(training.cacheKey())
        .setValue(result.getHeldOutAccuracy())
        .setArchitecture(computed)
        .setProvenance(provenance)
        .setComputedAt(Timestamps.fromMillis(System.currentTimeMillis()))
        .setShortTrainResult(result)
        .build();
  }

  /** The cached training result as the caller asked for it: its architecture forms and how the cache answered. */
  private static ShortTrainResult trainingResult(ResolvedTraining training, ScoreCache.Answer answer) {
    CacheEntry entry = answer.entry();
    return entry.getShortTrainResult().toBuilder()
        .setArchitecture(resolved(training.requested(), entry.getArchitecture()))
        .setCache(cacheResult(answer))
        .build();
  }

  private ScoreArchitectureResponse benchmarkResponse(ResolvedBenchmark lookup) {
    BenchmarkRecord record = BenchmarkRecord.newBuilder()
        .setNb201Index(lookup.row().index())
        .putAllTestAccuracy(lookup.row().testAccuracy())
        .putAllValidationAccuracy(lookup.row().validationAccuracy())
        .putAllTrainSeconds(lookup.row().trainSeconds())
        .setParametersMillions(Double.isNaN(lookup.row().parametersMillions()) ? 0
            : lookup.row().parametersMillions())
        .build();
    return ScoreArchitectureResponse.newBuilder()
        .setArchitecture(describe(lookup.requested(), lookup.parameterCount()).toBuilder()
            .setCanonical(CanonicalForm.of(lookup.requested()).toBenchmarkString()))
        .setFidelity(Fidelity.FIDELITY_BENCHMARK)
        .setValue(lookup.value())
        .setMetric(lookup.metric())
        .setProvenance(Provenance.newBuilder()
            .setOptions(EvaluationOptions.newBuilder().setDataset(lookup.dataset()))
            .setDefinitionVersion(BENCHMARK_DEFINITION_VERSION)
            .setServiceVersion(ScoringServer.VERSION)
            .setBenchmarkTable(lookup.table().toString()))
        .setCache(CacheResult.getDefaultInstance())
        .setBenchmark(record)
        .build();
  }

  private static CacheResult cacheResult(ScoreCache.Answer answer) {
    return CacheResult.newBuilder().setHit(answer.hit()).setKey(answer.entry().getKey()).build();
  }

  /**
   * Completes {@code out} with {@code respond}'s message once {@code work} is done, or with its failure; records
   * the request's span attributes, metrics and one log line.
   */
  private <T, R> void answer(StreamObserver<R> out, String method, Resolved request, CompletableFuture<T> work,
      BiConsumer<T, StreamObserver<R>> respond) {
    long start = System.nanoTime();
    Span span = Span.current();
    span.setAttribute(ServiceTelemetry.FIDELITY, fidelityOf(request));
    span.setAttribute(ServiceTelemetry.ARCHITECTURE, CanonicalForm.of(request.requested()).toBenchmarkString());
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
          status = statusOf(method, e);
          out.onError(status.asRuntimeException());
        }
      } else {
        status = statusOf(method, error instanceof CompletionException ? error.getCause() : error);
        out.onError(status.asRuntimeException());
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      telemetry.request(method, fidelityOf(request), status.getCode().name(), seconds);
      log.info("rpc={} {} status={} hit={} ms={} trace_id={}", method, summary(request), status.getCode(), hit,
          String.format("%.1f", seconds * 1e3), span.getSpanContext().getTraceId());
    });
  }

  /** Refuses a request that could not be resolved: its status, metrics and log line. */
  private void reject(StreamObserver<?> out, String method, String fidelity, Throwable error) {
    Status status = statusOf(method, error);
    telemetry.request(method, fidelity, status.getCode().name(), 0);
    out.onError(status.asRuntimeException());
  }

  private static String fidelityOf(Resolved request) {
    if (request instanceof ResolvedKernel) {
      return "gradient_kernel";
    }
    return request instanceof ResolvedTraining ? "short_training" : "benchmark";
  }

  private static String fidelityName(Fidelity fidelity) {
    return switch (fidelity) {
      case FIDELITY_SHORT_TRAINING -> "short_training";
      case FIDELITY_BENCHMARK -> "benchmark";
      default -> "gradient_kernel";
    };
  }

  /** One log line's worth of what a request asked for, as key=value pairs. */
  private static String summary(Resolved request) {
    String arch = "arch=" + CanonicalForm.of(request.requested()).toBenchmarkString();
    if (request instanceof ResolvedKernel k) {
      return arch + " fidelity=gradient_kernel n=" + k.request().samples() + " dataset="
          + k.request().dataset().name() + " device=" + k.effectiveOptions().getDevice();
    }
    if (request instanceof ResolvedTraining t) {
      return arch + " fidelity=short_training epochs=" + t.request().recipe().epochs() + " dataset="
          + t.request().dataset().name() + " device=" + t.effectiveOptions().getDevice();
    }
    ResolvedBenchmark b = (ResolvedBenchmark) request;
    return arch + " fidelity=benchmark index=" + b.row().index() + " dataset=" + b.dataset();
  }

  private static ResolvedArchitecture canonical(ResolvedKernel kernel, KernelResult result) {
    return describe(kernel.request().cell(), result.parameterCount());
  }

  /** The requested architecture's forms, with the canonical form and parameter count of what was computed. */
  private static ResolvedArchitecture resolved(Nb201Architecture requested, ResolvedArchitecture computed) {
    return describe(requested, computed.getParameterCount()).toBuilder()
        .setCanonical(computed.getNb201String())
        .build();
  }

  private static ResolvedArchitecture describe(Nb201Architecture cell, long parameterCount) {
    CellEdges.Builder edges = CellEdges.newBuilder();
    for (Operation op : cell.ops()) {
      edges.addOpsValue(op.ordinal() + 1);
    }
    return ResolvedArchitecture.newBuilder()
        .setNb201String(cell.toBenchmarkString())
        .setNb201Index(cell.index())
        .setEdges(edges)
        .setCanonical(cell.toBenchmarkString())
        .setParameterCount(parameterCount)
        .build();
  }

  private Provenance provenance(ResolvedKernel kernel, KernelResult result) {
    return Provenance.newBuilder()
        .setOptions(kernel.effectiveOptions())
        .setGradientKernel(kernel.effectiveKernelOptions())
        .setDevice(kernel.effectiveOptions().getDevice())
        .setWallSeconds(result.seconds())
        .setEngine(engine)
        .setDefinitionVersion(GradientKernelScorer.DEFINITION_VERSION)
        .setServiceVersion(ScoringServer.VERSION)
        .build();
  }

  /** Answers with the status the failure maps to; only server faults are logged with their stack trace. */
  static void fail(StreamObserver<?> out, String method, Throwable error) {
    out.onError(statusOf(method, error).asRuntimeException());
  }

  /** The status a failure maps to; server faults are logged with their stack trace, refusals in one line. */
  static Status statusOf(String method, Throwable error) {
    Status status;
    if (error instanceof RequestException e) {
      status = e.status();
    } else if (error instanceof StatusRuntimeException e) {
      status = e.getStatus();
    } else if (error instanceof DatasetException e) {
      status = Status.FAILED_PRECONDITION.withDescription("options.dataset: " + e.getMessage());
    } else if (error instanceof IllegalArgumentException e) {
      status = Status.INVALID_ARGUMENT.withDescription(e.getMessage());
    } else {
      log.error("{} failed", method, error);
      status = Status.INTERNAL.withDescription(error.toString()).withCause(error);
    }
    if (status.getCode() != Status.Code.INTERNAL) {
      log.info("{} refused: {} {}", method, status.getCode(), status.getDescription());
    }
    return status;
  }
}
