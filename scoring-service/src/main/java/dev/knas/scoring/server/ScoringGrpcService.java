package dev.knas.scoring.server;

import com.google.protobuf.util.Timestamps;
import dev.knas.scoring.cache.CacheKeys;
import dev.knas.scoring.cache.ScoreCache;
import dev.knas.scoring.data.DatasetException;
import dev.knas.scoring.kernel.GradientKernel;
import dev.knas.scoring.kernel.GradientKernelScorer;
import dev.knas.scoring.kernel.KernelResult;
import dev.knas.scoring.server.RequestResolver.ResolvedKernel;
import dev.knas.space.Nb201Architecture;
import dev.knas.space.Operation;
import dev.knas.v1.CacheEntry;
import dev.knas.v1.CacheResult;
import dev.knas.v1.CellEdges;
import dev.knas.v1.ComputeGradientKernelRequest;
import dev.knas.v1.ComputeGradientKernelResponse;
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
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The knas.v1.ScoringService RPCs: validation, the score cache, engine work on the {@link EngineQueue}, and the
 * mapping of failures to statuses.
 */
final class ScoringGrpcService extends ScoringServiceGrpc.ScoringServiceImplBase {

  private static final Logger log = LoggerFactory.getLogger(ScoringGrpcService.class);

  private final RequestResolver resolver;
  private final EngineQueue queue;
  private final ScoreCache cache;
  private final String engine;

  ScoringGrpcService(RequestResolver resolver, EngineQueue queue, ScoreCache cache, String engine) {
    this.resolver = resolver;
    this.queue = queue;
    this.cache = cache;
    this.engine = engine;
  }

  @Override
  public void scoreArchitecture(ScoreArchitectureRequest request, StreamObserver<ScoreArchitectureResponse> out) {
    ResolvedKernel kernel;
    try {
      kernel = resolver.score(request);
    } catch (RuntimeException e) {
      fail(out, "ScoreArchitecture", e);
      return;
    }
    answer(out, "ScoreArchitecture", kernel, cached(kernel), (answer, response) -> {
      CacheEntry entry = answer.entry();
      response.onNext(ScoreArchitectureResponse.newBuilder()
          .setArchitecture(resolved(kernel.requested(), entry.getArchitecture()))
          .setFidelity(Fidelity.FIDELITY_GRADIENT_KERNEL)
          .setValue(entry.getValue())
          .setProvenance(entry.getProvenance())
          .setCache(CacheResult.newBuilder().setHit(answer.hit()).setKey(entry.getKey()))
          .build());
    });
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
      fail(out, "ComputeGradientKernel", e);
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
            .setCache(CacheResult.newBuilder().setHit(answer.hit()).setKey(entry.getKey()))
            .build());
      });
      return;
    }
    answer(out, "ComputeGradientKernel", kernel, queue.submit(() -> GradientKernelScorer.compute(kernel.request())),
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
    fail(out, "ShortTrain", RequestException.unimplemented("ShortTrain is not implemented by this server"));
  }

  @Override
  public void scoreArchitectures(ScoreArchitecturesRequest request, StreamObserver<ScoreArchitecturesResult> out) {
    fail(out, "ScoreArchitectures",
        RequestException.unimplemented("ScoreArchitectures is not implemented by this server"));
  }

  /**
   * The cached value of {@code kernel}, computing it on the engine when missing. The computation runs in a
   * context detached from the calling RPC: requests waiting for the same key must not lose it if the first
   * caller goes away.
   */
  private CompletableFuture<ScoreCache.Answer> cached(ResolvedKernel kernel) {
    String key = CacheKeys.hash(kernel.cacheKey());
    return cache.getOrCompute(key, () -> {
      Context detached = Context.current().fork();
      Context previous = detached.attach();
      try {
        return queue.submit(() -> {
          KernelResult result = GradientKernelScorer.compute(kernel.request());
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

  /** Completes {@code out} with {@code respond}'s message once {@code work} is done, or with its failure. */
  private static <T, R> void answer(StreamObserver<R> out, String method, ResolvedKernel kernel,
      CompletableFuture<T> work, BiConsumer<T, StreamObserver<R>> respond) {
    long start = System.nanoTime();
    work.whenComplete((result, error) -> {
      if (error != null) {
        fail(out, method, error instanceof CompletionException ? error.getCause() : error);
        return;
      }
      try {
        respond.accept(result, out);
      } catch (RuntimeException e) {
        fail(out, method, e);
        return;
      }
      out.onCompleted();
      log.info("{} {} n={} dataset={} device={} {} in {} ms", method, kernel.request().cell(),
          kernel.request().samples(), kernel.request().dataset().name(), kernel.effectiveOptions().getDevice(),
          result instanceof ScoreCache.Answer a && a.hit() ? "hit" : "computed",
          String.format("%.1f", (System.nanoTime() - start) / 1e6));
    });
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
    out.onError(status.asRuntimeException());
  }
}
