package dev.knas.scoring.proxy;

/**
 * What a proxy reads from the shared passes of one request ({@link ProxyPasses}); the union over a request's
 * proxies decides which passes run, and each need says which request options the value depends on (and so which
 * go into its cache key).
 */
public enum Need {
  /** The network's layout only (parameter and layer shapes): no seed, no data. */
  STRUCTURE(false, false),
  /** The network initialised from the seed, without data (synflow). */
  INITIALISATION(true, false),
  /** dL/dW of every weight on the first mini-batch (one forward + backward shared by every proxy). */
  WEIGHT_GRADIENTS(true, true),
  /** naswot's matrix of agreeing ReLU codes, collected during the first mini-batch's forward pass. */
  RELU_CODES(true, true),
  /** d(sum of logits)/dx for each image of the first mini-batch, from the same forward pass. */
  INPUT_JACOBIAN(true, true),
  /** dL/dW of every weight on a second, disjoint mini-batch (zico). */
  SECOND_BATCH_GRADIENTS(true, true),
  /** MGM's n samples (gradient_kernel.num_samples) rather than the mini-batch. */
  KERNEL_SAMPLES(true, false);

  private final boolean usesSeed;
  private final boolean usesBatch;

  Need(boolean usesSeed, boolean usesBatch) {
    this.usesSeed = usesSeed;
    this.usesBatch = usesBatch;
  }

  /** Whether the value depends on the seed (initialisation or drawn images). */
  public boolean usesSeed() {
    return usesSeed;
  }

  /** Whether the value depends on the mini-batch size. */
  public boolean usesBatch() {
    return usesBatch;
  }
}
