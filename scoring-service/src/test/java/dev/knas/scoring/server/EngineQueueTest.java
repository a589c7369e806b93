package dev.knas.scoring.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Fair turns and per-client shares of the engine queue (pure logic: no engine, no server). */
class EngineQueueTest {

  @Test
  void aClientWithManyPiecesWaitingDelaysAnotherByOnePieceAtMost() throws Exception {
    try (EngineQueue queue = new EngineQueue(100, 50, seconds -> { })) {
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Object> blocker = block("a", queue, release);
      List<String> order = Collections.synchronizedList(new ArrayList<>());
      List<CompletableFuture<Object>> all = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        String name = "a" + i;
        all.add(as("a", () -> queue.submit(() -> order.add(name))));
      }
      all.add(as("b", () -> queue.submit(() -> order.add("b0"))));
      all.add(as("c", () -> queue.submit(() -> order.add("c0"))));
      assertEquals(12, queue.depth());
      release.countDown();
      blocker.get(10, TimeUnit.SECONDS);
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      assertEquals(List.of("a0", "b0", "c0", "a1", "a2"), order.subList(0, 5), order.toString());
      assertEquals(0, queue.depth());
    }
  }

  @Test
  void aClientPastItsShareIsRefusedWhileOthersAreAdmitted() throws Exception {
    try (EngineQueue queue = new EngineQueue(9, 3, seconds -> { })) {
      CountDownLatch release = new CountDownLatch(1);
      block("a", queue, release);
      List<CompletableFuture<Object>> admitted = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        admitted.add(as("a", () -> queue.submit(() -> "a")));
      }
      StatusRuntimeException refused = refusal(as("a", () -> queue.submit(() -> "a")));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode());
      assertTrue(refused.getStatus().getDescription().contains("its share of the engine queue"),
          refused.getStatus().getDescription());
      for (String client : List.of("b", "c")) {
        for (int i = 0; i < 3; i++) {
          admitted.add(as(client, () -> queue.submit(() -> client)));
        }
      }
      StatusRuntimeException full = refusal(as("d", () -> queue.submit(() -> "d")));
      assertTrue(full.getStatus().getDescription().contains("the engine queue is full"),
          full.getStatus().getDescription());
      release.countDown();
      CompletableFuture.allOf(admitted.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      assertEquals("d", as("d", () -> queue.submit(() -> "d")).get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void continuationsAreNeverRefusedAndTakeTheirClientsTurn() throws Exception {
    try (EngineQueue queue = new EngineQueue(1, 1, seconds -> { })) {
      CountDownLatch release = new CountDownLatch(1);
      block("a", queue, release);
      CompletableFuture<Object> waitingB = as("b", () -> queue.submit(() -> "b"));
      CompletableFuture<String> next = queue.continueWith("a", () -> "training batch");
      release.countDown();
      assertEquals("training batch", next.get(10, TimeUnit.SECONDS));
      assertEquals("b", waitingB.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void afterCloseNewWorkIsUnavailable() throws Exception {
    EngineQueue queue = new EngineQueue(4, 2, seconds -> { });
    queue.close();
    assertEquals(Status.Code.UNAVAILABLE, refusal(queue.submit(() -> 1)).getStatus().getCode());
  }

  private static <T> CompletableFuture<T> as(String client, Supplier<CompletableFuture<T>> call) {
    Context previous = Context.current().withValue(ClientIdentity.CLIENT, client).attach();
    try {
      return call.get();
    } finally {
      Context.current().detach(previous);
    }
  }

  private static StatusRuntimeException refusal(CompletableFuture<?> future) {
    try {
      future.join();
    } catch (CompletionException e) {
      return (StatusRuntimeException) e.getCause();
    }
    throw new AssertionError("not refused");
  }

  /** Occupies the worker until {@code latch} opens; returns once it has started. */
  private static CompletableFuture<Object> block(String client, EngineQueue queue, CountDownLatch latch)
      throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Object> blocker = as(client, () -> queue.submit(() -> {
      started.countDown();
      return await(latch);
    }));
    assertTrue(started.await(10, TimeUnit.SECONDS));
    return blocker;
  }

  private static Object await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(10, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    return "released";
  }
}
