package dev.knas.scoring.server;

import io.grpc.Context;
import io.grpc.Status;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs engine work one computation at a time on one thread: the engine already spreads each computation over
 * all its pinned threads, and it collects gradients for one computation at a time. Waiting work is bounded; a
 * full queue is RESOURCE_EXHAUSTED, and work whose call was cancelled while waiting is skipped.
 */
final class EngineQueue implements AutoCloseable {

  private final int capacity;
  private final ThreadPoolExecutor executor;

  EngineQueue(int capacity) {
    this.capacity = capacity;
    this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(capacity),
        runnable -> {
          Thread thread = new Thread(runnable, "knas-engine");
          thread.setDaemon(true);
          return thread;
        });
  }

  /** Queues {@code work} for the calling RPC; the future fails with a StatusRuntimeException when refused. */
  <T> CompletableFuture<T> submit(Supplier<T> work) {
    Context call = Context.current();
    try {
      return CompletableFuture.supplyAsync(() -> {
        if (call.isCancelled()) {
          throw Status.CANCELLED.withDescription("call cancelled while queued").asRuntimeException();
        }
        return work.get();
      }, executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(Status.RESOURCE_EXHAUSTED
          .withDescription("the engine queue is full (" + capacity + " waiting); retry later").asRuntimeException());
    }
  }

  @Override
  public void close() throws InterruptedException {
    executor.shutdown();
    executor.awaitTermination(1, TimeUnit.MINUTES);
  }
}
