package dev.knas.cli;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A server stream read with an idle timeout instead of a deadline: a long batch whose results keep arriving runs
 * as long as it takes, and only a stream silent for {@code idleSeconds} is cancelled (DEADLINE_EXCEEDED, saying
 * how long it was silent). A deadline for the whole call would end a 400-entry batch on a busy machine though
 * every entry was progressing.
 */
final class IdleTimeoutStream<T> implements Iterator<T>, AutoCloseable {

  /** How the description of an idle timeout starts. */
  static final String SILENT = "no result for ";

  /** The end of the stream in the queue of events. */
  private static final Object END = new Object();

  private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
  private final long idleSeconds;
  private ClientCallStreamObserver<?> call;
  private Object next;

  /**
   * Starts {@code method} (an async stub's server-streaming method) with {@code request}.
   *
   * @param idleSeconds longest silence between two results; 0 waits as long as it takes
   */
  <Q> IdleTimeoutStream(BiConsumer<Q, io.grpc.stub.StreamObserver<T>> method, Q request, long idleSeconds) {
    this.idleSeconds = idleSeconds;
    method.accept(request, new ClientResponseObserver<Q, T>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<Q> requestStream) {
        call = requestStream;
      }

      @Override
      public void onNext(T value) {
        events.add(value);
      }

      @Override
      public void onError(Throwable t) {
        events.add(t);
      }

      @Override
      public void onCompleted() {
        events.add(END);
      }
    });
  }

  @Override
  public boolean hasNext() {
    if (next == null) {
      next = take();
    }
    if (next instanceof Throwable error) {
      throw Status.fromThrowable(error).asRuntimeException();
    }
    return next != END;
  }

  @Override
  @SuppressWarnings("unchecked")
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    T value = (T) next;
    next = null;
    return value;
  }

  private Object take() {
    try {
      Object event = idleSeconds > 0 ? events.poll(idleSeconds, TimeUnit.SECONDS) : events.take();
      if (event == null) {
        String why = SILENT + idleSeconds + " s (--timeout is the longest wait between two results)";
        call.cancel(why, null);
        return Status.DEADLINE_EXCEEDED.withDescription(why).asRuntimeException();
      }
      return event;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      call.cancel("interrupted", e);
      return Status.CANCELLED.withDescription("interrupted").asRuntimeException();
    }
  }

  /** Cancels the call if it is still running. */
  @Override
  public void close() {
    if (next != END) {
      call.cancel("the client stopped reading", null);
    }
  }
}
