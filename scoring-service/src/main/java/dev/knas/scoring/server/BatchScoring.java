package dev.knas.scoring.server;

import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoreArchitectureResponse;
import dev.knas.v1.ScoreArchitecturesRequest;
import dev.knas.v1.ScoreArchitecturesResult;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ScoreArchitectures call: scores its entries at most {@link #IN_FLIGHT} at a time and streams each result as
 * it is ready, an entry that cannot be scored carrying its status. Entries are started by a loop, not from the
 * completion of the previous one: cache hits and refusals complete at once, and starting the next from inside
 * that completion would nest one stack frame per entry until a large batch overflowed the stack.
 */
final class BatchScoring {

  private static final Logger log = LoggerFactory.getLogger(BatchScoring.class);
  /** Most architectures in one ScoreArchitectures call. */
  static final int MAX_BATCH = 16_384;
  /** Entries of one call scored at once; the rest wait their turn. */
  static final int IN_FLIGHT = 8;

  private final ScoreArchitecturesRequest request;
  private final StreamObserver<ScoreArchitecturesResult> out;
  private final Function<ScoreArchitectureRequest, CompletableFuture<ScoreArchitectureResponse>> score;
  private final Context call = Context.current();
  private final int count;
  private final long start = System.nanoTime();
  private int started;
  private int inFlight;
  private int done;
  private boolean starting;
  private boolean startAgain;

  /** @param score scores one entry as ScoreArchitecture would (a refusal is a failed future, not a throw) */
  BatchScoring(ScoreArchitecturesRequest request, StreamObserver<ScoreArchitecturesResult> out,
      Function<ScoreArchitectureRequest, CompletableFuture<ScoreArchitectureResponse>> score) {
    this.request = request;
    this.out = out;
    this.score = score;
    this.count = request.getArchitecturesCount();
  }

  /** Starts the first entries; the rest start as earlier ones finish. */
  void run() {
    startWhatFits();
  }

  /**
   * Starts entries while fewer than {@link #IN_FLIGHT} run. Only one thread loops at a time; a completion that
   * arrives meanwhile (possibly from inside this loop) just asks it to look again.
   */
  private void startWhatFits() {
    synchronized (this) {
      if (starting) {
        startAgain = true;
        return;
      }
      starting = true;
    }
    while (true) {
      int position;
      synchronized (this) {
        if (started >= count || inFlight >= IN_FLIGHT || call.isCancelled()) {
          if (startAgain) {
            startAgain = false;
            continue;
          }
          starting = false;
          return;
        }
        position = started++;
        inFlight++;
      }
      CompletableFuture<ScoreArchitectureResponse> scored;
      try {
        scored = call.call(() -> score.apply(entry(position)));
      } catch (Exception e) {
        scored = CompletableFuture.failedFuture(e);
      }
      scored.whenComplete((response, error) -> finish(position, response, error));
    }
  }

  private ScoreArchitectureRequest entry(int position) {
    return ScoreArchitectureRequest.newBuilder()
        .setArchitecture(request.getArchitectures(position))
        .setFidelityValue(request.getFidelityValue())
        .setOptions(request.getOptions())
        .setGradientKernel(request.getGradientKernel())
        .setShortTraining(request.getShortTraining())
        .setZeroCost(request.getZeroCost())
        .build();
  }

  private void finish(int position, ScoreArchitectureResponse response, Throwable error) {
    ScoreArchitecturesResult.Builder result = ScoreArchitecturesResult.newBuilder().setPosition(position);
    if (error == null) {
      result.setScore(response);
    } else {
      result.setError(StatusMapping.toRpc(StatusMapping.statusOf("ScoreArchitectures", error)));
    }
    synchronized (this) {
      inFlight--;
      if (!call.isCancelled()) {
        out.onNext(result.build());
        if (++done == count) {
          out.onCompleted();
          log.info("ScoreArchitectures {} architectures in {} ms", count,
              String.format("%.1f", (System.nanoTime() - start) / 1e6));
        }
      }
    }
    startWhatFits();
  }
}
