package dev.knas.routing;

import dev.knas.v1.Architecture;
import dev.knas.v1.ScoreArchitecturesRequest;
import dev.knas.v1.ScoreArchitecturesResult;
import dev.knas.v1.ScoringServiceGrpc.ScoringServiceStub;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A ScoreArchitectures batch sent to replicated services: one call can reach only one replica, so the batch is
 * split into one call per canonical class, each routed to the class's owner by its hash, {@value #IN_FLIGHT} calls
 * at a time. The caller sees one stream: results carry their positions in its request, it ends when every part
 * has, and the first part that fails ends it with that status (cancelling the others). An architecture that does
 * not parse goes alone, and the service refuses it in its result's {@code error} as it would in one batch.
 */
public final class RoutedBatch {

  /** Parts running at once: enough to keep every replica's engine busy, far below a client's queue share. */
  static final int IN_FLIGHT = 8;

  private final ScoringServiceStub stub;

  public RoutedBatch(ScoringServiceStub stub) {
    this.stub = stub;
  }

  /**
   * Starts the batch, with the signature of the stub's own method; a {@link ClientResponseObserver} gets a
   * handle whose {@code cancel} cancels every part.
   */
  @SuppressWarnings("unchecked")
  public void scoreArchitectures(ScoreArchitecturesRequest request, StreamObserver<ScoreArchitecturesResult> results) {
    Parts parts = new Parts(split(request), results);
    if (results instanceof ClientResponseObserver<?, ?> observer) {
      ((ClientResponseObserver<ScoreArchitecturesRequest, ScoreArchitecturesResult>) observer)
          .beforeStart(parts.handle());
    }
    parts.start();
  }

  /** The parts of {@code request}, one per canonical class, each with the caller's position of its entries. */
  static List<Part> split(ScoreArchitecturesRequest request) {
    Map<Object, List<Integer>> classes = new LinkedHashMap<>();
    for (int i = 0; i < request.getArchitecturesCount(); i++) {
      Object key = CanonicalHashInterceptor.hashOf(request.getArchitectures(i)).<Object>map(h -> h).orElse(i);
      classes.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
    }
    if (classes.size() <= 1) {
      List<Integer> all = new ArrayList<>();
      for (int i = 0; i < request.getArchitecturesCount(); i++) {
        all.add(i);
      }
      return List.of(new Part(request, all));
    }
    List<Part> parts = new ArrayList<>();
    for (List<Integer> positions : classes.values()) {
      List<Architecture> architectures = positions.stream().map(request::getArchitectures).toList();
      parts.add(new Part(request.toBuilder().clearArchitectures().addAllArchitectures(architectures).build(),
          positions));
    }
    return parts;
  }

  /** One call of the batch, and where its entries sit in the caller's request. */
  record Part(ScoreArchitecturesRequest request, List<Integer> positions) {}

  /** The running parts of one batch; every method holds the lock, results included, so the caller sees one stream. */
  private final class Parts {
    private final Deque<Part> waiting;
    private final StreamObserver<ScoreArchitecturesResult> results;
    private final List<ClientCallStreamObserver<ScoreArchitecturesRequest>> running = new ArrayList<>();
    private boolean finished;

    Parts(List<Part> parts, StreamObserver<ScoreArchitecturesResult> results) {
      this.waiting = new ArrayDeque<>(parts);
      this.results = results;
    }

    synchronized void start() {
      while (!finished && running.size() < IN_FLIGHT && !waiting.isEmpty()) {
        Part part = waiting.poll();
        stub.scoreArchitectures(part.request(), new PartObserver(part));
      }
      if (!finished && running.isEmpty() && waiting.isEmpty()) {
        finished = true;
        results.onCompleted();
      }
    }

    synchronized void cancel(String message, Throwable cause) {
      if (finished) {
        return;
      }
      finished = true;
      waiting.clear();
      running.forEach(call -> call.cancel(message, cause));
    }

    ClientCallStreamObserver<ScoreArchitecturesRequest> handle() {
      return new CancelHandle();
    }

    private final class PartObserver implements ClientResponseObserver<ScoreArchitecturesRequest,
        ScoreArchitecturesResult> {
      private final Part part;
      private ClientCallStreamObserver<ScoreArchitecturesRequest> call;

      PartObserver(Part part) {
        this.part = part;
      }

      @Override
      public void beforeStart(ClientCallStreamObserver<ScoreArchitecturesRequest> call) {
        this.call = call;
        running.add(call);
      }

      @Override
      public void onNext(ScoreArchitecturesResult result) {
        synchronized (Parts.this) {
          if (!finished) {
            results.onNext(result.toBuilder().setPosition(part.positions().get(result.getPosition())).build());
          }
        }
      }

      @Override
      public void onError(Throwable error) {
        synchronized (Parts.this) {
          running.remove(call);
          if (!finished) {
            cancel("another part of the batch failed", error);
            results.onError(error);
          }
        }
      }

      @Override
      public void onCompleted() {
        synchronized (Parts.this) {
          running.remove(call);
          start();
        }
      }
    }

    /** What the caller holds: only cancel means anything for a call whose one request is already sent. */
    private final class CancelHandle extends ClientCallStreamObserver<ScoreArchitecturesRequest> {
      @Override
      public void cancel(String message, Throwable cause) {
        Parts.this.cancel(message, cause);
      }

      @Override
      public boolean isReady() {
        return false;
      }

      @Override
      public void setOnReadyHandler(Runnable onReadyHandler) {
        throw new UnsupportedOperationException("a routed batch has sent its request");
      }

      @Override
      public void request(int count) {
        throw new UnsupportedOperationException("a routed batch delivers its results as they arrive");
      }

      @Override
      public void setMessageCompression(boolean enable) {
        throw new UnsupportedOperationException("a routed batch has sent its request");
      }

      @Override
      public void disableAutoInboundFlowControl() {
        throw new UnsupportedOperationException("a routed batch delivers its results as they arrive");
      }

      @Override
      public void onNext(ScoreArchitecturesRequest value) {
        throw new UnsupportedOperationException("a routed batch has sent its request");
      }

      @Override
      public void onError(Throwable t) {
        cancel("the caller failed", t);
      }

      @Override
      public void onCompleted() {
        throw new UnsupportedOperationException("a routed batch has sent its request");
      }
    }
  }
}
