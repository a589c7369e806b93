package dev.knas.scoring.request;

/**
 * What a request may ask for: each option's default when the request leaves it unset, and the bounds a resolver
 * refuses it beyond. The bounds keep one request's time and memory within what the service can give it.
 */
public final class RequestLimits {

  /** n of the gradient kernel. */
  public static final int DEFAULT_SAMPLES = 50;
  /** Largest n for MGM alone: the batched path runs in chunks, so this bounds time, not memory. */
  static final int MAX_SAMPLES = 1024;
  /** Largest n when the n per-sample gradients are kept (n x parameters values) for the Gram matrix. */
  static final int MAX_SAMPLES_PER_SAMPLE_GRADIENTS = 128;

  static final int DEFAULT_EPOCHS = 12;
  static final int MAX_EPOCHS = 200;
  static final int DEFAULT_BATCH_SIZE = 256;
  /** Bounds the memory of one training step. */
  static final int MAX_BATCH_SIZE = 1024;
  static final double DEFAULT_LEARNING_RATE = 0.1;
  /** Below it float32 SGD steps vanish; above it training only diverges. */
  static final double MIN_LEARNING_RATE = 1e-6;
  static final double MAX_LEARNING_RATE = 10;
  static final double DEFAULT_MOMENTUM = 0.9;
  static final double DEFAULT_WEIGHT_DECAY = 5e-4;
  static final double MAX_WEIGHT_DECAY = 1;
  /** The held-out split by default: a fifth of the training split, at most this many images. */
  static final int MAX_DEFAULT_HELD_OUT = 10_000;
  /**
   * Image passes (epochs x training images) one training may ask for unless the service says otherwise: 20
   * epochs of CIFAR-10's 50,000 training images, well above the default recipe (12 epochs of 40,000).
   */
  public static final long DEFAULT_MAX_TRAINING_IMAGES = 1_000_000;

  /** B, the zero-cost proxies' mini-batch, when the request names none. */
  static final int DEFAULT_PROXY_BATCH = 64;
  /** Bounds naswot's and jacov's B x B matrices and the memory of one batched pass. */
  static final int MAX_PROXY_BATCH = 256;
  /** Proxies in one request (more than every registered one is a mistake, and bounds the work). */
  static final int MAX_PROXIES = 16;

  /** The data set benchmark lookups use when the request names none. */
  static final String DEFAULT_BENCHMARK_DATASET = "cifar10";

  private RequestLimits() {}
}
