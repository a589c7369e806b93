package dev.knas.scoring.server;

import io.grpc.Context;
import io.grpc.Status;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleConsumer;
import java.util.function.Supplier;

/**
 * Runs engine work one piece at a time, in arrival order, on one thread: the engine already spreads each piece
 * over all its pinned threads, and it collects gradients for one computation at a time. New work is bounded: when
 * {@code capacity} pieces are waiting, {@link #submit} answers RESOURCE_EXHAUSTED. A running training queues
 * each next batch with {@link #continueWith}, which is never refused (a training holds at most one waiting piece),
 * so work that arrives during a training runs between two of its batches instead of after it.
 */
final class EngineQueue implements AutoCloseable {

  private final int capacity;
  private final DoubleConsumer waitSeconds;
  private final AtomicInteger waiting = new AtomicInteger();
  private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "knas-engine");
    thread.setDaemon(true);
    return thread;
  });

  /** @param waitSeconds told how long each piece of work waited before it started */
  EngineQueue(int capacity, DoubleConsumer waitSeconds) {
    this.capacity = capacity;
    this.waitSeconds = waitSeconds;
  }

  /**
   * Queues new {@code work} for the calling RPC; the future fails with a StatusRuntimeException when the queue is
   * full, and with CANCELLED when the call is cancelled before the work starts.
   */
  <T> CompletableFuture<T> submit(Supplier<T> work) {
    if (waiting.incrementAndGet() > capacity) {
      waiting.decrementAndGet();
      return CompletableFuture.failedFuture(Status.RESOURCE_EXHAUSTED
          .withDescription("the engine queue is full (" + capacity + " waiting); retry later").asRuntimeException());
    }
    Context call = Context.current();
    return run(() -> {
      waiting.decrementAndGet();
      if (call.isCancelled()) {
        throw Status.CANCELLED.withDescription("call cancelled while queued").asRuntimeException();
      }
      return work.get();
    }, waiting::decrementAndGet);
  }

  /** Queues the next piece of work already admitted (a training's next batch), behind what is waiting. */
  <T> CompletableFuture<T> continueWith(Supplier<T> work) {
    return run(work, () -> { });
  }

  /** New work waiting to start. */
  int depth() {
    return waiting.get();
  }

  /** Runs {@code work} in the caller's trace context, recording how long it waited. */
  private <T> CompletableFuture<T> run(Supplier<T> work, Runnable rejected) {
    long queued = System.nanoTime();
    Supplier<T> traced = io.opentelemetry.context.Context.current().wrapSupplier(() -> {
      waitSeconds.accept((System.nanoTime() - queued) / 1e9);
      return work.get();
    });
    try {
      return CompletableFuture.supplyAsync(traced, executor);
    } catch (RejectedExecutionException e) {
      rejected.run();
      return CompletableFuture.failedFuture(Status.UNAVAILABLE.withDescription("the service is shutting down")
          .asRuntimeException());
    }
  }

  @Override
  public void close() throws InterruptedException {
    executor.shutdown();
    executor.awaitTermination(1, TimeUnit.MINUTES);
  }
}
