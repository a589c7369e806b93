package dev.knas.scoring.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The data sets a service can score on, by name, and where their files are. A data set is opened on first use
 * and kept; one whose files are missing or corrupt fails that request with a {@link DatasetException} naming
 * the file, and is tried again on the next.
 */
public final class DatasetCatalog {

  /** Names accepted in requests, in the order they are listed to users. */
  public static final List<String> NAMES = List.of(Cifar10.NAME, FashionMnist.NAME, SyntheticImages.NAME);
  /** Folder names under the data directory that may hold CIFAR-10's binary files, in search order. */
  static final List<String> CIFAR10_FOLDERS = List.of("cifar10-subset", "cifar-10-batches-bin", "cifar10");

  private final Optional<Path> dataDir;
  private final Optional<Path> cifar10Dir;
  private final Optional<Path> fashionMnistDir;
  private final Map<String, Dataset> opened = new ConcurrentHashMap<>();

  /**
   * @param dataDir root holding data sets in their usual folders (see {@link #CIFAR10_FOLDERS},
   *     {@code fashion-mnist/}); may be empty
   * @param cifar10Dir explicit CIFAR-10 folder, overriding the data directory
   * @param fashionMnistDir explicit Fashion-MNIST folder, overriding the data directory and Debian's folder
   */
  public DatasetCatalog(Optional<Path> dataDir, Optional<Path> cifar10Dir, Optional<Path> fashionMnistDir) {
    this.dataDir = dataDir;
    this.cifar10Dir = cifar10Dir;
    this.fashionMnistDir = fashionMnistDir;
  }

  /**
   * The data set called {@code name}.
   *
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   * @throws DatasetException when its files cannot be found or read
   */
  public Dataset get(String name) {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("unknown dataset '" + name + "'; known: " + String.join(", ", NAMES));
    }
    return opened.computeIfAbsent(name, this::open);
  }

  /** Whether {@code name}'s folder can be located (its files are only checked by {@link #get}). */
  public boolean isConfigured(String name) {
    return switch (name) {
      case Cifar10.NAME -> cifar10Folder().isPresent();
      case FashionMnist.NAME -> fashionMnistFolder().isPresent();
      default -> true;
    };
  }

  private Dataset open(String name) {
    return switch (name) {
      case Cifar10.NAME -> Cifar10.load(cifar10Folder().orElseThrow(() -> new DatasetException(
          "dataset cifar10 is not configured: pass --cifar10-dir, or --data-dir (or KNAS_DATA_DIR) holding one of "
              + CIFAR10_FOLDERS + dataDir.map(d -> "; none found in " + d).orElse(""))));
      case FashionMnist.NAME -> FashionMnist.load(fashionMnistFolder().orElseThrow(() -> new DatasetException(
          "dataset fashion-mnist is not configured: pass --fashion-mnist-dir, put it in <data-dir>/fashion-mnist,"
              + " or install Debian's dataset-fashion-mnist (" + FashionMnist.DEBIAN_DIR + ")")));
      default -> SyntheticImages.create();
    };
  }

  /** The folder CIFAR-10 is read from, if one is configured or found. */
  public Optional<Path> cifar10Folder() {
    if (cifar10Dir.isPresent()) {
      return cifar10Dir;
    }
    return dataDir.flatMap(root -> CIFAR10_FOLDERS.stream().map(root::resolve).filter(Files::isDirectory)
        .findFirst());
  }

  private Optional<Path> fashionMnistFolder() {
    if (fashionMnistDir.isPresent()) {
      return fashionMnistDir;
    }
    return Stream.concat(dataDir.map(d -> d.resolve("fashion-mnist")).stream(), Stream.of(FashionMnist.DEBIAN_DIR))
        .filter(Files::isDirectory).findFirst();
  }
}
