package dev.knas.scoring.server;

import io.grpc.Status;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * How many trainings may run at once on each device ({@code perDevice}; the rest wait in arrival order), and
 * how many may wait in all ({@code capacity}; beyond it, RESOURCE_EXHAUSTED). A training holds its slot from
 * its first batch to its release, whatever ends it.
 */
final class TrainingSlots {

  /** The right to train on one device, released once. */
  final class Slot {
    private final String device;
    private boolean released;

    private Slot(String device) {
      this.device = device;
    }

    void release() {
      CompletableFuture<Slot> next;
      synchronized (TrainingSlots.this) {
        if (released) {
          return;
        }
        released = true;
        Deque<CompletableFuture<Slot>> queue = waiting.get(device);
        next = queue == null ? null : queue.poll();
        if (next == null) {
          running.merge(device, -1, Integer::sum);
        } else {
          waitingTotal--;
        }
      }
      if (next != null) {
        next.complete(new Slot(device));
      }
    }
  }

  private final int perDevice;
  private final int capacity;
  private final Map<String, Integer> running = new HashMap<>();
  private final Map<String, Deque<CompletableFuture<Slot>>> waiting = new HashMap<>();
  private int waitingTotal;

  TrainingSlots(int perDevice, int capacity) {
    if (perDevice < 1 || capacity < 0) {
      throw new IllegalArgumentException("trainings per device must be at least 1 and capacity at least 0");
    }
    this.perDevice = perDevice;
    this.capacity = capacity;
  }

  /**
   * A slot on {@code device}: at once when one is free, later when a running training releases one, or failed
   * with RESOURCE_EXHAUSTED when {@code capacity} trainings are already waiting.
   */
  synchronized CompletableFuture<Slot> acquire(String device) {
    int busy = running.getOrDefault(device, 0);
    if (busy < perDevice) {
      running.put(device, busy + 1);
      return CompletableFuture.completedFuture(new Slot(device));
    }
    if (waitingTotal >= capacity) {
      return CompletableFuture.failedFuture(Status.RESOURCE_EXHAUSTED.withDescription(busy + " training(s) running"
          + " on " + device + " and " + waitingTotal + " waiting, the most this service allows; retry later")
          .asRuntimeException());
    }
    CompletableFuture<Slot> slot = new CompletableFuture<>();
    waiting.computeIfAbsent(device, d -> new ArrayDeque<>()).add(slot);
    waitingTotal++;
    return slot;
  }

  /** Gives up a slot still waited for (its caller went away); returns whether it was still waiting. */
  boolean withdraw(String device, CompletableFuture<Slot> slot) {
    synchronized (this) {
      Deque<CompletableFuture<Slot>> queue = waiting.get(device);
      if (queue == null || !queue.remove(slot)) {
        return false;
      }
      waitingTotal--;
    }
    slot.completeExceptionally(Status.CANCELLED.withDescription("cancelled while waiting for a training slot")
        .asRuntimeException());
    return true;
  }

  /** Trainings running on {@code device}. */
  synchronized int running(String device) {
    return running.getOrDefault(device, 0);
  }
}
