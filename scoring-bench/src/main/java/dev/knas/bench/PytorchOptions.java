package dev.knas.bench;

import dev.knas.scoring.DataOptions;
import dev.knas.scoring.data.DatasetCatalog;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What a benchmark against PyTorch needs: a Python with torch, the benchmarks' Python files, and the data sets with
 * CIFAR-10 among them.
 */
final class PytorchOptions {

  /**
   * The benchmarks' Python files in this checkout, found from KNAS_HOME (bin/knas-bench sets it to the repository
   * root), else from the working directory.
   */
  private static final Path SCRIPTS = Path.of(System.getenv().getOrDefault("KNAS_HOME", ""), "scoring-bench", "src",
      "main", "python");

  /** What a Python side needs, for the message when it fails. */
  static final String PYTHON_NEEDS = "run it with bin/knas-bench, which sets KNAS_HOME, or from the repository root,"
      + " with a Python that has torch";

  @Option(names = "--python", defaultValue = "${env:KNAS_TORCH_PYTHON:-/usr/bin/python3}",
      description = "Python with torch (default: $KNAS_TORCH_PYTHON or /usr/bin/python3).")
  String python;

  @Option(names = "--samples", defaultValue = "50", description = "n (default: ${DEFAULT-VALUE}).")
  int samples;

  @Mixin
  DataOptions data;

  /** The command that runs {@code script}, one of the benchmarks' Python files, with the Python of --python. */
  List<String> command(String script) {
    return List.of(python, SCRIPTS.resolve(script).toString());
  }

  DatasetCatalog catalog() {
    return data.catalog();
  }

  /** The CIFAR-10 folder the PyTorch side reads. */
  Path cifar10(DatasetCatalog catalog) {
    return catalog.cifar10Folder().orElseThrow(() -> new IllegalArgumentException(
        "the benchmark needs CIFAR-10: pass --data-dir (or KNAS_DATA_DIR) or --cifar10-dir"));
  }
}
