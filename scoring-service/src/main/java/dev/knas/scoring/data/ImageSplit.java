package dev.knas.scoring.data;

/**
 * One split of an image data set kept as the raw 8-bit pixels (CHW planes, image after image) and labels, so
 * that even the full 50,000-image CIFAR-10 training set costs 150 MB; images are normalised only when sampled.
 */
public record ImageSplit(ImageShape shape, byte[] pixels, byte[] labels) {

  public ImageSplit {
    if (pixels.length != (long) labels.length * shape.pixels()) {
      throw new IllegalArgumentException(
          labels.length + " labels do not match " + pixels.length + " pixel bytes of " + shape);
    }
  }

  public int size() {
    return labels.length;
  }

  public int label(int index) {
    return Byte.toUnsignedInt(labels[index]);
  }

  /** Unsigned value of pixel {@code offset} (0..pixels()-1) of image {@code index}. */
  public int pixel(int index, int offset) {
    return Byte.toUnsignedInt(pixels[index * shape.pixels() + offset]);
  }
}
