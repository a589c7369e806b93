package dev.knas.scoring.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class TrainingSlotsTest {

  @Test
  void oneTrainingPerDeviceTheRestWaitInOrderUpToTheCapacity() throws Exception {
    TrainingSlots slots = new TrainingSlots(1, 2);
    CompletableFuture<TrainingSlots.Slot> first = slots.acquire("cpu");
    CompletableFuture<TrainingSlots.Slot> second = slots.acquire("cpu");
    CompletableFuture<TrainingSlots.Slot> third = slots.acquire("cpu");
    CompletableFuture<TrainingSlots.Slot> refused = slots.acquire("cpu");
    CompletableFuture<TrainingSlots.Slot> otherDevice = slots.acquire("gpu:0");
    assertTrue(first.isDone());
    assertTrue(otherDevice.isDone());
    assertFalse(second.isDone());
    assertFalse(third.isDone());
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, code(refused));

    first.get().release();
    first.get().release();
    assertTrue(second.isDone());
    assertFalse(third.isDone(), "a second release of one slot freed another");
    second.get().release();
    third.get().release();
    assertEquals(0, slots.running("cpu"));
    assertTrue(slots.acquire("cpu").isDone());
  }

  @Test
  void aWithdrawnWaiterNeitherRunsNorCounts() throws Exception {
    TrainingSlots slots = new TrainingSlots(1, 1);
    CompletableFuture<TrainingSlots.Slot> running = slots.acquire("cpu");
    CompletableFuture<TrainingSlots.Slot> waiting = slots.acquire("cpu");
    assertTrue(slots.withdraw("cpu", waiting));
    assertFalse(slots.withdraw("cpu", waiting));
    assertEquals(Status.Code.CANCELLED, code(waiting));
    CompletableFuture<TrainingSlots.Slot> next = slots.acquire("cpu");
    assertFalse(next.isDone(), "the withdrawn waiter's place was not given back");
    running.get().release();
    assertTrue(next.isDone());
    assertEquals(1, slots.running("cpu"));
  }

  @Test
  void moreTrainingsPerDeviceWhenAllowed() {
    TrainingSlots slots = new TrainingSlots(2, 0);
    assertTrue(slots.acquire("cpu").isDone());
    assertTrue(slots.acquire("cpu").isDone());
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, code(slots.acquire("cpu")));
  }

  private static Status.Code code(CompletableFuture<?> future) {
    try {
      future.get();
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return Status.fromThrowable(e.getCause()).getCode();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
