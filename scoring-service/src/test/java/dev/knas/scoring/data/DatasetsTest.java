package dev.knas.scoring.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.scoring.TestData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {

  @TempDir
  Path temp;

  @Test
  void loadsThePartialGzippedCifar10Subset() {
    Dataset cifar = Cifar10.load(TestData.cifar10());
    assertEquals(1017 * 4 + 1101, cifar.train().size());
    assertEquals(1017, cifar.test().size());
    assertEquals(new ImageShape(3, 32, 32), cifar.shape());
    for (int i = 0; i < cifar.train().size(); i++) {
      assertTrue(cifar.train().label(i) < 10);
    }
  }

  @Test
  void loadsPlainAndGzippedFilesOfAnyWholeNumberOfRecords() throws IOException {
    for (int b = 1; b <= 5; b++) {
      writeCifar(temp.resolve("data_batch_" + b + ".bin"), b, false);
    }
    writeCifar(temp.resolve("test_batch.bin.gz"), 2, true);
    Dataset cifar = Cifar10.load(temp);
    assertEquals(15, cifar.train().size());
    assertEquals(2, cifar.test().size());
    assertEquals(4, cifar.train().label(14));
    double[] image = cifar.normalisedImages(cifar.train(), new int[] {0});
    assertEquals((7 / 255.0 - 125.3 / 255) / (63.0 / 255), image[0], 1e-12);
  }

  @Test
  void aTruncatedFileIsAnErrorNamingIt() throws IOException {
    for (int b = 1; b <= 5; b++) {
      writeCifar(temp.resolve("data_batch_" + b + ".bin"), 1, false);
    }
    writeCifar(temp.resolve("test_batch.bin"), 1, false);
    Path broken = temp.resolve("data_batch_3.bin");
    Files.write(broken, new byte[3073 + 100]);
    DatasetException e = assertThrows(DatasetException.class, () -> Cifar10.load(temp).train());
    assertTrue(e.getMessage().contains(broken.toString()), e.getMessage());
  }

  @Test
  void aMissingFileIsAnErrorNamingIt() throws IOException {
    writeCifar(temp.resolve("data_batch_1.bin"), 1, false);
    DatasetException e = assertThrows(DatasetException.class, () -> Cifar10.load(temp));
    assertTrue(e.getMessage().contains("data_batch_2.bin"), e.getMessage());
  }

  @Test
  void loadsFashionMnistIdxAndRejectsAMismatchedLabelFile() throws IOException {
    writeIdx(temp, "train", 3, 3);
    writeIdx(temp, "t10k", 2, 2);
    Dataset fashion = FashionMnist.load(temp);
    assertEquals(new ImageShape(1, 28, 28), fashion.shape());
    assertEquals(3, fashion.train().size());
    assertEquals(2, fashion.train().label(2));
    writeIdx(temp, "train", 3, 2);
    DatasetException e = assertThrows(DatasetException.class, () -> FashionMnist.load(temp).train());
    assertTrue(e.getMessage().contains("train-labels-idx1-ubyte"), e.getMessage());
  }

  @Test
  void catalogNamesKnownDatasetsAndSaysHowToConfigureMissingOnes() {
    DatasetCatalog empty = new DatasetCatalog(Optional.of(temp), Optional.empty(), Optional.of(temp.resolve("x")));
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> empty.get("mnist"));
    assertTrue(unknown.getMessage().contains("cifar10, fashion-mnist, synthetic"), unknown.getMessage());
    DatasetException missing = assertThrows(DatasetException.class, () -> empty.get("cifar10"));
    assertTrue(missing.getMessage().contains("--cifar10-dir"), missing.getMessage());
    assertEquals(5000, empty.get("synthetic").train().size());
  }

  @Test
  void catalogFindsCifar10UnderTheDataDirectory() {
    DatasetCatalog catalog = new DatasetCatalog(Optional.of(TestData.root()), Optional.empty(), Optional.empty());
    assertTrue(catalog.isConfigured("cifar10"));
    assertEquals(5169, catalog.get("cifar10").train().size());
  }

  /** {@code records} CIFAR records: label = index mod 10, pixels = 7 + index. */
  private static void writeCifar(Path file, int records, boolean gzip) throws IOException {
    byte[] bytes = new byte[records * 3073];
    for (int r = 0; r < records; r++) {
      bytes[r * 3073] = (byte) (r % 10);
      Arrays.fill(bytes, r * 3073 + 1, (r + 1) * 3073, (byte) (7 + r));
    }
    try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
      out.write(bytes);
    }
  }

  private static void writeIdx(Path dir, String split, int images, int labels) throws IOException {
    ByteBuffer img = ByteBuffer.allocate(16 + images * 784).putInt(0x803).putInt(images).putInt(28).putInt(28);
    ByteBuffer lab = ByteBuffer.allocate(8 + labels).putInt(0x801).putInt(labels);
    for (int i = 0; i < labels; i++) {
      lab.put((byte) i);
    }
    Path imagesFile = dir.resolve(split + "-images-idx3-ubyte.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(imagesFile))) {
      out.write(img.array());
    }
    Files.write(dir.resolve(split + "-labels-idx1-ubyte"), lab.array());
  }
}
