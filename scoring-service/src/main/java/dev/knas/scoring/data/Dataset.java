package dev.knas.scoring.data;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * An image classification data set: its training and test splits and the per-channel normalisation that turns
 * 8-bit pixels into network inputs, {@code (pixel / 255 - mean[c]) / std[c]}. Splits load on first use.
 */
public final class Dataset {

  private final String name;
  private final ImageShape shape;
  private final int classes;
  private final double[] mean;
  private final double[] std;
  private final Supplier<ImageSplit> train;
  private final Supplier<ImageSplit> test;
  private volatile String fingerprint;

  Dataset(String name, ImageShape shape, int classes, double[] mean, double[] std,
      Supplier<ImageSplit> train, Supplier<ImageSplit> test) {
    this.name = name;
    this.shape = shape;
    this.classes = classes;
    this.mean = mean.clone();
    this.std = std.clone();
    this.train = memoize(train);
    this.test = memoize(test);
  }

  public String name() {
    return name;
  }

  public ImageShape shape() {
    return shape;
  }

  public int classes() {
    return classes;
  }

  public ImageSplit train() {
    return train.get();
  }

  public ImageSplit test() {
    return test.get();
  }

  /**
   * Hex SHA-256 of the decoded contents (name, image shape, both splits' pixels and labels): equal for the
   * plain and gzipped copies of one file set, different as soon as one image or label differs.
   */
  public String fingerprint() {
    String f = fingerprint;
    if (f == null) {
      try {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update((name + "/" + shape.channels() + "x" + shape.height() + "x" + shape.width())
            .getBytes(StandardCharsets.UTF_8));
        for (ImageSplit split : new ImageSplit[] {train(), test()}) {
          sha.update(ByteBuffer.allocate(Integer.BYTES).putInt(split.size()).array());
          sha.update(split.labels());
          sha.update(split.pixels());
        }
        f = HexFormat.of().formatHex(sha.digest());
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JVM has no SHA-256", e);
      }
      fingerprint = f;
    }
    return f;
  }

  /** The normalised images {@code indices} of {@code split}, as one NCHW block of values. */
  public double[] normalisedImages(ImageSplit split, int[] indices) {
    int pixels = shape.pixels();
    int plane = shape.height() * shape.width();
    double[] values = new double[indices.length * pixels];
    for (int i = 0; i < indices.length; i++) {
      for (int p = 0; p < pixels; p++) {
        int c = p / plane;
        values[i * pixels + p] = (split.pixel(indices[i], p) / 255.0 - mean[c]) / std[c];
      }
    }
    return values;
  }

  /**
   * The images {@code indices} of {@code split}, each horizontally flipped where {@code placements} says so and
   * cropped back to its size from the image padded by {@code padding} pixels of value 0 on every side, then
   * normalised (torchvision's RandomHorizontalFlip, RandomCrop(size, padding), ToTensor, Normalize).
   */
  public double[] augmentedImages(ImageSplit split, int[] indices, CropPlacement[] placements, int padding) {
    int height = shape.height();
    int width = shape.width();
    int plane = height * width;
    int pixels = shape.pixels();
    double[] values = new double[indices.length * pixels];
    for (int i = 0; i < indices.length; i++) {
      CropPlacement at = placements[i];
      if (at.top() < 0 || at.top() > 2 * padding || at.left() < 0 || at.left() > 2 * padding) {
        throw new IllegalArgumentException(at + " lies outside the image padded by " + padding);
      }
      for (int c = 0; c < shape.channels(); c++) {
        double zero = -mean[c] / std[c];
        for (int y = 0; y < height; y++) {
          int sy = y + at.top() - padding;
          for (int x = 0; x < width; x++) {
            int px = x + at.left() - padding;
            int sx = at.flip() ? width - 1 - px : px;
            boolean inside = sy >= 0 && sy < height && px >= 0 && px < width;
            values[i * pixels + c * plane + y * width + x] = inside
                ? (split.pixel(indices[i], c * plane + sy * width + sx) / 255.0 - mean[c]) / std[c]
                : zero;
          }
        }
      }
    }
    return values;
  }

  private static Supplier<ImageSplit> memoize(Supplier<ImageSplit> loader) {
    return new Supplier<>() {
      private volatile ImageSplit value;

      @Override
      public ImageSplit get() {
        ImageSplit v = value;
        if (v == null) {
          synchronized (this) {
            v = value;
            if (v == null) {
              v = loader.get();
              value = v;
            }
          }
        }
        return v;
      }
    };
  }
}
