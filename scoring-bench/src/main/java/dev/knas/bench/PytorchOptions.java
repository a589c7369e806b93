package dev.knas.scoring.bench;

import dev.knas.scoring.DataOptions;
import dev.knas.scoring.data.DatasetCatalog;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What a benchmark against PyTorch needs: a Python with torch, and the data sets with CIFAR-10 among them. */
final class PytorchOptions {

  @Option(names = "--python", defaultValue = "${env:KNAS_TORCH_PYTHON:-/usr/bin/python3}",
      description = "Python with torch (default: $KNAS_TORCH_PYTHON or /usr/bin/python3).")
  String python;

  @Option(names = "--samples", defaultValue = "50", description = "n (default: ${DEFAULT-VALUE}).")
  int samples;

  @Mixin
  DataOptions data;

  DatasetCatalog catalog() {
    return data.catalog();
  }

  /** The CIFAR-10 folder the PyTorch side reads. */
  Path cifar10(DatasetCatalog catalog) {
    return catalog.cifar10Folder().orElseThrow(() -> new IllegalArgumentException(
        "the benchmark needs CIFAR-10: pass --data-dir (or KNAS_DATA_DIR) or --cifar10-dir"));
  }
}
