package dev.knas.scoring.data;

import java.util.SplittableRandom;

/**
 * A generated data set that needs no files: 3 x 32 x 32 images in 10 classes, each class a distinct colour
 * gradient plus pixel noise, so it is learnable but not trivial. Fixed content (seeded), so scores on it are
 * reproducible everywhere.
 */
public final class SyntheticImages {

  public static final String NAME = "synthetic";
  private static final ImageShape SHAPE = Cifar10.SHAPE;
  private static final int CLASSES = 10;
  private static final int TRAIN_SIZE = 5_000;
  private static final int TEST_SIZE = 1_000;
  private static final long TRAIN_SEED = 20_210_701L;
  private static final long TEST_SEED = 20_210_702L;
  /** Approximate per-channel mean and std of the generated pixels (gradient term plus noise), over 255. */
  private static final double[] MEAN = {0.5, 0.5, 0.5};
  private static final double[] STD = {0.18, 0.18, 0.18};

  private SyntheticImages() {}

  public static Dataset create() {
    return new Dataset(NAME, SHAPE, CLASSES, MEAN, STD, () -> generate(TRAIN_SIZE, TRAIN_SEED),
        () -> generate(TEST_SIZE, TEST_SEED));
  }

  private static ImageSplit generate(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] pixels = new byte[count * SHAPE.pixels()];
    byte[] labels = new byte[count];
    for (int i = 0; i < count; i++) {
      int label = random.nextInt(CLASSES);
      labels[i] = (byte) label;
      double angle = 2 * Math.PI * label / CLASSES;
      for (int c = 0; c < SHAPE.channels(); c++) {
        double phase = angle + 2 * Math.PI * c / SHAPE.channels();
        for (int h = 0; h < SHAPE.height(); h++) {
          for (int w = 0; w < SHAPE.width(); w++) {
            double gradient = (Math.cos(phase) * (h - 15.5) + Math.sin(phase) * (w - 15.5)) / 16.0;
            double value = 127.5 + 60 * gradient + random.nextGaussian() * 30;
            int offset = (c * SHAPE.height() + h) * SHAPE.width() + w;
            pixels[i * SHAPE.pixels() + offset] = (byte) Math.max(0, Math.min(255, (int) Math.round(value)));
          }
        }
      }
    }
    return new ImageSplit(SHAPE, pixels, labels);
  }
}
