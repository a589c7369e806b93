package dev.knas.scoring.server;

import dev.knas.scoring.request.RequestLimits;

/**
 * What one client may ask of a shared service: its share of the engine queue, and the size of one training.
 *
 * @param queueSharePerClient computations one client may have waiting for the engine; 0: half the queue's
 *     capacity (never fewer than one batch call's entries in flight)
 * @param maxTrainingImages image passes (epochs x training images) one training may ask for
 */
public record ClientLimits(int queueSharePerClient, long maxTrainingImages) {

  /** Half the queue per client; twenty epochs of CIFAR-10's 50,000 training images per training. */
  public static final ClientLimits DEFAULT = new ClientLimits(0, RequestLimits.DEFAULT_MAX_TRAINING_IMAGES);

  public ClientLimits {
    if (queueSharePerClient < 0 || maxTrainingImages < 1) {
      throw new IllegalArgumentException("the queue share must be at least 0 and the training budget at least 1");
    }
  }

  /** The share of a queue of {@code capacity}. */
  int queueShare(int capacity) {
    return queueSharePerClient > 0 ? queueSharePerClient : EngineQueue.defaultPerClient(capacity);
  }
}
