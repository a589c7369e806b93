package dev.knas.scoring.data;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Fashion-MNIST in IDX format ({@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte} and the
 * {@code t10k-} pair, plain or gzipped): 28 x 28 grey images, 10 classes. Debian's {@code dataset-fashion-mnist}
 * installs it in {@link #DEBIAN_DIR}.
 */
public final class FashionMnist {

  public static final String NAME = "fashion-mnist";
  public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
  private static final int CLASSES = 10;
  private static final int IMAGES_MAGIC = 0x00000803;
  private static final int LABELS_MAGIC = 0x00000801;
  private static final double[] MEAN = {0.2860};
  private static final double[] STD = {0.3530};

  private FashionMnist() {}

  /** The data set in {@code dir}; every file is checked to exist now, and read on first use. */
  public static Dataset load(Path dir) {
    Path trainImages = DataFiles.find(dir, "train-images-idx3-ubyte");
    Path trainLabels = DataFiles.find(dir, "train-labels-idx1-ubyte");
    Path testImages = DataFiles.find(dir, "t10k-images-idx3-ubyte");
    Path testLabels = DataFiles.find(dir, "t10k-labels-idx1-ubyte");
    return new Dataset(NAME, new ImageShape(1, 28, 28), CLASSES, MEAN, STD,
        () -> read(trainImages, trainLabels), () -> read(testImages, testLabels));
  }

  private static ImageSplit read(Path imagesFile, Path labelsFile) {
    ByteBuffer images = ByteBuffer.wrap(DataFiles.readAll(imagesFile));
    ByteBuffer labels = ByteBuffer.wrap(DataFiles.readAll(labelsFile));
    int count = header(images, imagesFile, IMAGES_MAGIC);
    if (images.remaining() < 8) {
      throw new DatasetException("corrupt IDX image file " + imagesFile + ": truncated header");
    }
    int rows = images.getInt();
    int cols = images.getInt();
    if (rows != 28 || cols != 28 || images.remaining() != (long) count * rows * cols) {
      throw new DatasetException("corrupt IDX image file " + imagesFile + ": header says " + count + " images of "
          + rows + "x" + cols + " but " + images.remaining() + " pixel bytes follow");
    }
    int labelCount = header(labels, labelsFile, LABELS_MAGIC);
    if (labelCount != count || labels.remaining() != count) {
      throw new DatasetException("IDX label file " + labelsFile + " holds " + labels.remaining()
          + " labels (header " + labelCount + ") for " + count + " images in " + imagesFile);
    }
    byte[] labelBytes = Arrays.copyOfRange(labels.array(), labels.position(), labels.limit());
    for (int i = 0; i < labelBytes.length; i++) {
      if (Byte.toUnsignedInt(labelBytes[i]) >= CLASSES) {
        throw new DatasetException("corrupt IDX label file " + labelsFile + ": label " + i + " is "
            + Byte.toUnsignedInt(labelBytes[i]) + ", expected 0.." + (CLASSES - 1));
      }
    }
    byte[] pixels = Arrays.copyOfRange(images.array(), images.position(), images.limit());
    return new ImageSplit(new ImageShape(1, rows, cols), pixels, labelBytes);
  }

  private static int header(ByteBuffer buffer, Path file, int magic) {
    if (buffer.remaining() < 8 || buffer.getInt() != magic) {
      throw new DatasetException(String.format("corrupt IDX file %s: expected magic number 0x%08x", file, magic));
    }
    return buffer.getInt();
  }
}
