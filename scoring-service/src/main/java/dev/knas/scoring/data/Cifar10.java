package dev.knas.scoring.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 in the official "binary version" layout: {@code data_batch_1..5.bin} and {@code test_batch.bin}, each
 * plain or gzipped, each a whole number of 3,073-byte records (1 label byte, then R, G, B planes of 32 x 32).
 * Files may hold any number of records, so partial copies of the official files load as well as full ones.
 */
public final class Cifar10 {

  public static final String NAME = "cifar10";
  static final ImageShape SHAPE = new ImageShape(3, 32, 32);
  private static final int CLASSES = 10;
  private static final int RECORD = 1 + 3 * 32 * 32;
  private static final double[] MEAN = {125.3 / 255, 123.0 / 255, 113.9 / 255};
  private static final double[] STD = {63.0 / 255, 62.1 / 255, 66.7 / 255};
  private static final List<String> TRAIN_FILES =
      List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
  private static final String TEST_FILE = "test_batch.bin";

  private Cifar10() {}

  /** The data set in {@code dir}; every file is checked to exist now, and read on first use. */
  public static Dataset load(Path dir) {
    List<Path> train = new ArrayList<>();
    for (String file : TRAIN_FILES) {
      train.add(DataFiles.find(dir, file));
    }
    Path test = DataFiles.find(dir, TEST_FILE);
    return new Dataset(NAME, SHAPE, CLASSES, MEAN, STD, () -> read(train), () -> read(List.of(test)));
  }

  private static ImageSplit read(List<Path> files) {
    List<byte[]> contents = new ArrayList<>();
    int records = 0;
    for (Path file : files) {
      byte[] bytes = DataFiles.readAll(file);
      if (bytes.length == 0 || bytes.length % RECORD != 0) {
        throw new DatasetException("corrupt CIFAR-10 file " + file + ": " + bytes.length
            + " bytes is not a whole, non-zero number of " + RECORD + "-byte records");
      }
      contents.add(bytes);
      records += bytes.length / RECORD;
    }
    byte[] pixels = new byte[records * SHAPE.pixels()];
    byte[] labels = new byte[records];
    int image = 0;
    for (int f = 0; f < files.size(); f++) {
      byte[] bytes = contents.get(f);
      for (int offset = 0; offset < bytes.length; offset += RECORD, image++) {
        if (Byte.toUnsignedInt(bytes[offset]) >= CLASSES) {
          throw new DatasetException("corrupt CIFAR-10 file " + files.get(f) + ": record " + offset / RECORD
              + " has label " + Byte.toUnsignedInt(bytes[offset]) + ", expected 0.." + (CLASSES - 1));
        }
        labels[image] = bytes[offset];
        System.arraycopy(bytes, offset + 1, pixels, image * SHAPE.pixels(), SHAPE.pixels());
      }
    }
    return new ImageSplit(SHAPE, pixels, labels);
  }
}
