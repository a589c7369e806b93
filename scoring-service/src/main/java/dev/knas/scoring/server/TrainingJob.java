package dev.knas.scoring.server;

import dev.knas.scoring.request.ResolvedTraining;
import dev.knas.scoring.training.ShortTraining;
import dev.knas.scoring.training.TrainingRecipe;
import dev.knas.v1.TrainingProgress;
import io.grpc.Context;
import io.grpc.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.StatusCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One short training, shared by every request waiting for its result. It waits for a {@link TrainingSlots} slot,
 * then runs one batch at a time on the {@link EngineQueue} (other engine work runs between batches), sends each
 * caller the progress after every batch, and measures the held-out images. When every caller's call has ended
 * (cancelled, or its deadline passed) it stops before its next batch, frees its slot and fails with CANCELLED;
 * the engine's arrays are released whatever ends it.
 */
final class TrainingJob {

  private static final Logger log = LoggerFactory.getLogger(TrainingJob.class);

  /** What a finished training produced. */
  record Outcome(ShortTraining.HeldOut heldOut, List<TrainingProgress> curve, long parameterCount,
      double seconds) {}

  private final ResolvedTraining training;
  private final ServiceTelemetry telemetry;
  /** The trace of the caller that started the training: its phases are spans in it. */
  private final io.opentelemetry.context.Context trace;
  /** The client whose turns on the engine queue the training's batches take. */
  private final String client;
  /** Engine thread only: the span of the epoch under way, or of the held-out measurement. */
  private Span phase;
  private final EngineQueue queue;
  private final TrainingSlots slots;
  private final String device;
  private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
  /** Guarded by this. */
  private final Map<Context, Consumer<TrainingProgress>> callers = new LinkedHashMap<>();
  /** Guarded by this. */
  private boolean stopping;
  /** Guarded by this. */
  private CompletableFuture<TrainingSlots.Slot> slot;
  /** Engine thread only. */
  private final List<TrainingProgress> curve = new ArrayList<>();
  private volatile long startNanos;

  TrainingJob(ResolvedTraining training, EngineQueue queue, TrainingSlots slots, ServiceTelemetry telemetry) {
    this.training = training;
    this.queue = queue;
    this.slots = slots;
    this.telemetry = telemetry;
    this.device = training.effectiveOptions().getDevice();
    this.trace = io.opentelemetry.context.Context.current();
    this.client = ClientIdentity.current();
  }

  /**
   * Adds a caller, whose {@code progress} receives every later progress event (on the engine's thread; it must
   * not block). Returns false when the job is already stopping because all earlier callers left.
   */
  boolean join(Context caller, Consumer<TrainingProgress> progress) {
    synchronized (this) {
      if (stopping) {
        return false;
      }
      if (callers.putIfAbsent(caller, progress) != null) {
        return true;
      }
    }
    caller.addListener(context -> callerLeft(), Runnable::run);
    return true;
  }

  /** Starts waiting for a slot, then training; the future completes with the outcome or the failure. */
  CompletableFuture<Outcome> start() {
    CompletableFuture<TrainingSlots.Slot> acquired = slots.acquire(device);
    synchronized (this) {
      slot = acquired;
    }
    acquired.whenComplete((held, error) -> {
      if (error != null) {
        outcome.completeExceptionally(error);
        return;
      }
      startNanos = System.nanoTime();
      queue.continueWith(client, () -> {
        checkWanted();
        Span construction = span("network construction").startSpan();
        try {
          return ShortTraining.start(training.request());
        } finally {
          construction.end();
        }
      }).whenComplete((run, failure) -> {
        if (failure != null) {
          held.release();
          outcome.completeExceptionally(failure);
        } else {
          advance(run, held);
        }
      });
    });
    return outcome;
  }

  private void advance(ShortTraining run, TrainingSlots.Slot held) {
    queue.continueWith(client, () -> nextPiece(run)).whenComplete((done, failure) -> {
      if (failure != null) {
        held.release();
        outcome.completeExceptionally(failure);
      } else if (done != null) {
        held.release();
        outcome.complete(done);
      } else {
        advance(run, held);
      }
    });
  }

  /**
   * One batch of training or measurement on the engine's thread; the outcome after the last. The training is
   * closed here when it ends, successfully or not.
   */
  private Outcome nextPiece(ShortTraining run) {
    try {
      checkWanted();
      if (!run.trainingDone()) {
        if (phase == null) {
          phase = span("training epoch").setAttribute("knas.epoch", curve.size() + 1).startSpan();
        }
        TrainingProgress progress = progress(run.recipe(), run.step());
        if (progress.getEpochEnd()) {
          phase.setAttribute("knas.train_loss", progress.getTrainLoss()).end();
          phase = null;
        }
        publish(progress);
        return null;
      }
      if (!run.measurementDone()) {
        if (phase == null) {
          phase = span("held-out measurement").startSpan();
        }
        run.measureNextBatch();
        if (!run.measurementDone()) {
          return null;
        }
        phase.end();
        phase = null;
      }
      Outcome done = new Outcome(run.heldOut(), List.copyOf(curve), run.parameterCount(),
          (System.nanoTime() - startNanos) / 1e9);
      run.close();
      telemetry.training(done.seconds(), device);
      return done;
    } catch (RuntimeException e) {
      if (phase != null) {
        phase.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage())).end();
        phase = null;
      }
      run.close();
      throw e;
    }
  }

  private SpanBuilder span(String name) {
    return telemetry.tracer().spanBuilder(name).setParent(trace);
  }

  private void checkWanted() {
    synchronized (this) {
      if (stopping) {
        throw Status.CANCELLED.withDescription("every caller of this training has gone").asRuntimeException();
      }
    }
  }

  private TrainingProgress progress(TrainingRecipe recipe, ShortTraining.Step step) {
    TrainingProgress progress = TrainingProgress.newBuilder()
        .setEpoch(step.epoch())
        .setStep(step.step())
        .setTrainLoss(step.trainLoss())
        .setTrainAccuracy(step.trainAccuracy())
        .setElapsedSeconds((System.nanoTime() - startNanos) / 1e9)
        .setEpochs(recipe.epochs())
        .setTotalSteps(recipe.totalSteps())
        .setLearningRate(step.learningRate())
        .setEpochEnd(step.epochEnd())
        .build();
    if (step.epochEnd()) {
      curve.add(progress);
    }
    return progress;
  }

  private void publish(TrainingProgress progress) {
    List<Consumer<TrainingProgress>> listeners;
    synchronized (this) {
      listeners = new ArrayList<>(callers.values());
    }
    for (Consumer<TrainingProgress> listener : listeners) {
      try {
        listener.accept(progress);
      } catch (RuntimeException e) {
        log.debug("a training progress listener failed", e);
      }
    }
  }

  /** Stops the job once every caller has left: before its next batch, or at once while it waits for a slot. */
  private void callerLeft() {
    CompletableFuture<TrainingSlots.Slot> waitingFor;
    synchronized (this) {
      if (stopping || !callers.keySet().stream().allMatch(Context::isCancelled)) {
        return;
      }
      stopping = true;
      waitingFor = slot;
    }
    if (waitingFor != null) {
      slots.withdraw(device, waitingFor);
    }
  }
}
