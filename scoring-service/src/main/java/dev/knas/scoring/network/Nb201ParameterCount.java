package dev.knas.scoring.network;

import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.space.nb201.Operation;

/**
 * The number of trainable scalars of {@link Nb201Network} for a cell, counted from the spec's layer list (section
 * 3) without building the network: what a table lookup reports costs arithmetic, not a network's worth of
 * objects. Nb201ParameterCountTest holds it equal to the built network's count.
 */
public final class Nb201ParameterCount {

  /** Stages of cells; a reduction sits between two consecutive ones and doubles the channels. */
  private static final int STAGES = 3;

  private Nb201ParameterCount() {}

  /** The trainable scalars of the network of {@code cell} for images of {@code imageChannels} and {@code classes}. */
  public static long of(Nb201Architecture cell, int imageChannels, int classes) {
    long count = convBn(imageChannels, Nb201Network.STEM_CHANNELS, 3);
    int channels = Nb201Network.STEM_CHANNELS;
    for (int stage = 0; stage < STAGES; stage++) {
      if (stage > 0) {
        count += reduction(channels, channels * 2);
        channels *= 2;
      }
      count += Nb201Network.CELLS_PER_STAGE * cell(cell, channels);
    }
    return count + batchNorm(channels) + (long) classes * channels + classes;
  }

  /** One cell at {@code channels}: a conv and its BatchNorm per convolution edge; other ops have no parameters. */
  private static long cell(Nb201Architecture cell, int channels) {
    long count = 0;
    for (Operation op : cell.ops()) {
      if (op.isConvolution()) {
        count += convBn(channels, channels, op.kernelSize());
      }
    }
    return count;
  }

  /** NAS-Bench-201's residual reduction: two 3x3 conv-BNs and the 1x1 shortcut conv (no BatchNorm). */
  private static long reduction(int in, int out) {
    return convBn(in, out, 3) + convBn(out, out, 3) + (long) out * in;
  }

  /** A bias-free convolution followed by an affine BatchNorm. */
  private static long convBn(int in, int out, int kernel) {
    return (long) out * in * kernel * kernel + batchNorm(out);
  }

  /** An affine BatchNorm's scale and shift (its running statistics are not trainable). */
  private static long batchNorm(int channels) {
    return 2L * channels;
  }
}
