package dev.knas.scoring.server;

import io.grpc.Context;
import io.grpc.Status;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleConsumer;
import java.util.function.Supplier;

/**
 * Runs engine work one piece at a time on one thread: the engine already spreads each piece over all its pinned
 * threads, and it collects gradients for one computation at a time. Clients ({@link ClientIdentity}) take turns,
 * one piece each, so a client with a hundred pieces waiting delays another's single piece by at most one piece;
 * each client's own pieces run in arrival order. New work is bounded: when {@code capacity} pieces are waiting
 * in all, or {@code perClient} of the calling client's, {@link #submit} answers RESOURCE_EXHAUSTED. A running
 * training queues each next batch with {@link #continueWith}, which is never refused (a training holds at most
 * one waiting piece), so other work runs between two of its batches instead of after it.
 */
final class EngineQueue implements AutoCloseable {

  /** One piece of work and the client whose turn it takes. */
  private record Piece(String client, Runnable run, boolean counted) {}

  private final int capacity;
  private final int perClient;
  private final DoubleConsumer waitSeconds;
  /** Waiting pieces by client, in turn order: the first client runs next, then goes to the back. */
  private final LinkedHashMap<String, ArrayDeque<Piece>> turns = new LinkedHashMap<>();
  private final Map<String, Integer> newWork = new LinkedHashMap<>();
  private int waiting;
  private boolean closed;
  private final Thread worker;

  /**
   * @param perClient new pieces one client may have waiting
   * @param waitSeconds told how long each piece of work waited before it started
   */
  EngineQueue(int capacity, int perClient, DoubleConsumer waitSeconds) {
    this.capacity = capacity;
    this.perClient = perClient;
    this.waitSeconds = waitSeconds;
    this.worker = new Thread(this::work, "knas-engine");
    worker.setDaemon(true);
    worker.start();
  }

  /** Half the capacity, and never fewer than one batch call's entries in flight. */
  static int defaultPerClient(int capacity) {
    return Math.max(BatchScoring.IN_FLIGHT, capacity / 2);
  }

  /**
   * Queues new {@code work} for the calling RPC's client; the future fails with a StatusRuntimeException when the
   * queue or the client's share of it is full, and with CANCELLED when the call is cancelled before the work
   * starts.
   */
  <T> CompletableFuture<T> submit(Supplier<T> work) {
    String client = ClientIdentity.current();
    Context call = Context.current();
    synchronized (this) {
      if (closed) {
        return shuttingDown();
      }
      int mine = newWork.getOrDefault(client, 0);
      if (waiting >= capacity || mine >= perClient) {
        return CompletableFuture.failedFuture(Status.RESOURCE_EXHAUSTED.withDescription(waiting >= capacity
            ? "the engine queue is full (" + capacity + " waiting); retry later"
            : "this client already has " + mine + " computations waiting, its share of the engine queue; retry"
                + " when some have finished").asRuntimeException());
      }
      waiting++;
      newWork.merge(client, 1, Integer::sum);
      return enqueue(client, true, () -> {
        if (call.isCancelled()) {
          throw Status.CANCELLED.withDescription("call cancelled while queued").asRuntimeException();
        }
        return work.get();
      });
    }
  }

  /** Queues the next piece of work already admitted (a training's next batch) on {@code client}'s turn. */
  synchronized <T> CompletableFuture<T> continueWith(String client, Supplier<T> work) {
    return closed ? shuttingDown() : enqueue(client, false, work);
  }

  /** New work waiting to start. */
  synchronized int depth() {
    return waiting;
  }

  /** Queues {@code work} in the caller's trace context, recording how long it waited. */
  private <T> CompletableFuture<T> enqueue(String client, boolean counted, Supplier<T> work) {
    long queued = System.nanoTime();
    CompletableFuture<T> result = new CompletableFuture<>();
    Supplier<T> traced = io.opentelemetry.context.Context.current().wrapSupplier(work);
    turns.computeIfAbsent(client, c -> new ArrayDeque<>()).add(new Piece(client, () -> {
      waitSeconds.accept((System.nanoTime() - queued) / 1e9);
      try {
        result.complete(traced.get());
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    }, counted));
    notifyAll();
    return result;
  }

  private static <T> CompletableFuture<T> shuttingDown() {
    return CompletableFuture.failedFuture(Status.UNAVAILABLE.withDescription("the service is shutting down")
        .asRuntimeException());
  }

  /** The worker: the next client's oldest piece, until closed and drained. */
  private void work() {
    while (true) {
      Piece piece;
      synchronized (this) {
        while (turns.isEmpty() && !closed) {
          try {
            wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (turns.isEmpty()) {
          return;
        }
        piece = next();
      }
      piece.run().run();
    }
  }

  /** Takes the first client's oldest piece and sends that client to the back of the turns. */
  private Piece next() {
    Iterator<Map.Entry<String, ArrayDeque<Piece>>> first = turns.entrySet().iterator();
    Map.Entry<String, ArrayDeque<Piece>> client = first.next();
    Piece piece = client.getValue().poll();
    first.remove();
    if (!client.getValue().isEmpty()) {
      turns.put(client.getKey(), client.getValue());
    }
    if (piece.counted()) {
      waiting--;
      newWork.computeIfPresent(piece.client(), (c, n) -> n == 1 ? null : n - 1);
    }
    return piece;
  }

  /** Takes no more work, lets what is queued finish (up to a minute), then stops the worker. */
  @Override
  public void close() throws InterruptedException {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    worker.join(TimeUnit.MINUTES.toMillis(1));
  }
}
