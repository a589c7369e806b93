package dev.knas.scoring.request;

import dev.knas.scoring.benchmark.BenchmarkTable;
import dev.knas.scoring.data.DatasetCatalog;
import dev.knas.scoring.device.DeviceSelection;
import dev.knas.space.nb201.Nb201Architecture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Resolvers for the fuzz tests, as a service would build them but with nothing installed and no engine started:
 * the generated data set by default, a 16-image Fashion-MNIST written to a folder, no CIFAR-10 (every request for
 * it is FAILED_PRECONDITION), and either no GPU and no benchmark table or two GPUs and a partial table.
 */
public final class ResolverFixture {

  /** Images of the Fashion-MNIST training split written here: small, so that sizes exceed it. */
  static final int FASHION_TRAIN_IMAGES = 16;

  private static final String TABLE_HEADER = "index,arch,test_acc_cifar10,test_acc_cifar100,test_acc_imagenet16120,"
      + "valid_acc_cifar10,train_seconds_cifar,train_seconds_imagenet16120,params_m";

  private ResolverFixture() {}

  /** The two service configurations, their files written under {@code dir}. */
  public static List<RequestResolver> resolvers(Path dir) throws IOException {
    Path fashion = Files.createDirectories(dir.resolve("fashion-mnist"));
    writeIdx(fashion, "train", FASHION_TRAIN_IMAGES);
    writeIdx(fashion, "t10k", 4);
    DatasetCatalog datasets = new DatasetCatalog(Optional.empty(), Optional.empty(), Optional.of(fashion));
    // Index 3 records no CIFAR-10 and no ImageNet16-120 accuracy: NOT_FOUND for those, a value for cifar100.
    Path table = Files.write(dir.resolve("nb201-partial.csv"), List.of(TABLE_HEADER,
        row(0, "93.1,70.2,44.5,90.1"), row(1, "93.66,70.0,44.0,90.39"), row(3, ",60.0,,"),
        row(15_624, "50.0,20.0,10.0,48.0")));
    return List.of(
        new RequestResolver(datasets, "synthetic", new DeviceSelection(0, "test engine"), Optional.empty()),
        new RequestResolver(datasets, "synthetic", new DeviceSelection(2, "test engine"),
            Optional.of(BenchmarkTable.load(table))));
  }

  private static String row(int index, String accuracies) {
    return index + "," + Nb201Architecture.fromIndex(index).toBenchmarkString() + "," + accuracies
        + ",1000,3000,0.5";
  }

  /** An IDX pair of {@code count} 28 x 28 images, image i filled with i and labelled i mod 10. */
  static void writeIdx(Path dir, String split, int count) throws IOException {
    ByteBuffer images = ByteBuffer.allocate(16 + count * 784).putInt(0x803).putInt(count).putInt(28).putInt(28);
    ByteBuffer labels = ByteBuffer.allocate(8 + count).putInt(0x801).putInt(count);
    for (int i = 0; i < count; i++) {
      for (int p = 0; p < 784; p++) {
        images.put((byte) i);
      }
      labels.put((byte) (i % 10));
    }
    Files.write(dir.resolve(split + "-images-idx3-ubyte"), images.array());
    Files.write(dir.resolve(split + "-labels-idx1-ubyte"), labels.array());
  }
}
