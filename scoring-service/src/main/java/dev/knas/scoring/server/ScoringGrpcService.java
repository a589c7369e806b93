package dev.knas.scoring.server;

import ai.djl.engine.Engine;
import dev.knas.scoring.data.DatasetException;
import dev.knas.scoring.kernel.GradientKernel;
import dev.knas.scoring.kernel.GradientKernelScorer;
import dev.knas.scoring.kernel.KernelResult;
import dev.knas.scoring.server.RequestResolver.ResolvedKernel;
import dev.knas.space.Nb201Architecture;
import dev.knas.space.Operation;
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
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The knas.v1.ScoringService RPCs: validation, engine work on the {@link EngineQueue}, status mapping. */
final class ScoringGrpcService extends ScoringServiceGrpc.ScoringServiceImplBase {

  private static final Logger log = LoggerFactory.getLogger(ScoringGrpcService.class);

  private final RequestResolver resolver;
  private final EngineQueue queue;
  private final String engine;

  ScoringGrpcService(RequestResolver resolver, EngineQueue queue, Engine engine) {
    this.resolver = resolver;
    this.queue = queue;
    this.engine = engine.getEngineName() + " " + engine.getVersion() + " via DJL " + Engine.getDjlVersion();
  }

  @Override
  public void scoreArchitecture(ScoreArchitectureRequest request, StreamObserver<ScoreArchitectureResponse> out) {
    ResolvedKernel kernel;
    try {
      Fidelity fidelity = request.getFidelity();
      switch (fidelity) {
        case FIDELITY_UNSPECIFIED, FIDELITY_GRADIENT_KERNEL -> { }
        case FIDELITY_SHORT_TRAINING, FIDELITY_BENCHMARK ->
            throw RequestException.unimplemented("fidelity " + fidelity + " is not implemented by this server");
        default -> throw RequestException.invalid("fidelity", "unknown value " + request.getFidelityValue());
      }
      kernel = resolver.kernel(request.hasArchitecture(), request.getArchitecture(), request.getOptions(),
          request.getGradientKernel(), false);
    } catch (RuntimeException e) {
      fail(out, "ScoreArchitecture", e);
      return;
    }
    run(out, "ScoreArchitecture", kernel, result -> ScoreArchitectureResponse.newBuilder()
        .setArchitecture(resolved(kernel.request().cell(), result.parameterCount()))
        .setFidelity(Fidelity.FIDELITY_GRADIENT_KERNEL)
        .setValue(result.mgm())
        .setProvenance(provenance(kernel, result))
        .build());
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
    run(out, "ComputeGradientKernel", kernel, result -> {
      ComputeGradientKernelResponse.Builder response = ComputeGradientKernelResponse.newBuilder()
          .setArchitecture(resolved(kernel.request().cell(), result.parameterCount()))
          .setMgm(result.mgm())
          .setMeanLoss(result.meanLoss())
          .setProvenance(provenance(kernel, result));
      for (int index : result.sampleIndices()) {
        response.addSampleIndices(index);
      }
      GradientKernel.Gram gram = result.gram().orElse(null);
      if (gram != null && request.getIncludeGramMatrix()) {
        Matrix.Builder matrix = Matrix.newBuilder().setRows(gram.matrix().length).setColumns(gram.matrix().length);
        for (double[] row : gram.matrix()) {
          for (double value : row) {
            matrix.addValues(value);
          }
        }
        response.setGramMatrix(matrix);
      }
      if (gram != null && request.getIncludeSampleGradientNorms()) {
        for (double norm : gram.norms()) {
          response.addSampleGradientNorms(norm);
        }
      }
      return response.build();
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

  private <T> void run(StreamObserver<T> out, String method, ResolvedKernel kernel,
      Function<KernelResult, T> respond) {
    queue.submit(() -> GradientKernelScorer.compute(kernel.request())).whenComplete((result, error) -> {
      if (error != null) {
        fail(out, method, error instanceof CompletionException ? error.getCause() : error);
        return;
      }
      T response;
      try {
        response = respond.apply(result);
      } catch (RuntimeException e) {
        fail(out, method, e);
        return;
      }
      log.info("{} {} n={} dataset={} device={} mgm={} in {} s", method, kernel.request().cell(),
          kernel.request().samples(), kernel.request().dataset().name(),
          kernel.effectiveOptions().getDevice(), result.mgm(), String.format("%.3f", result.seconds()));
      out.onNext(response);
      out.onCompleted();
    });
  }

  private ResolvedArchitecture resolved(Nb201Architecture cell, long parameterCount) {
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
        .build();
  }

  /** Answers with the status the failure maps to; only server faults are logged with their stack trace. */
  private static void fail(StreamObserver<?> out, String method, Throwable error) {
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
