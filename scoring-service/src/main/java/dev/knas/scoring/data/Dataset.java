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
