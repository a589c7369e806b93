package dev.knas.scoring;

import dev.knas.scoring.benchmark.BenchmarkTable;
import dev.knas.scoring.benchmark.BenchmarkTableException;
import dev.knas.scoring.data.DatasetCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * Where the data sets and the benchmark table are: command-line options shared by the server and the benchmarks.
 */
public final class DataOptions {

  private static final Logger log = LoggerFactory.getLogger(DataOptions.class);

  @Option(names = "--data-dir", defaultValue = "${env:KNAS_DATA_DIR}",
      description = "Folder holding data sets in their usual folders (cifar10-subset/ or cifar-10-batches-bin/,"
          + " fashion-mnist/). Default: $KNAS_DATA_DIR.")
  Path dataDir;

  @Option(names = "--cifar10-dir", description = "CIFAR-10 binary files (data_batch_1..5.bin[.gz], "
      + "test_batch.bin[.gz]); overrides --data-dir.")
  Path cifar10Dir;

  @Option(names = "--fashion-mnist-dir", description = "Fashion-MNIST IDX files; overrides --data-dir and "
      + "Debian's /usr/share/datasets/fashion-mnist.")
  Path fashionMnistDir;

  @Option(names = "--benchmark-table", description = "NAS-Bench-201's results as CSV (docs/guide/fidelities.md, \"Benchmark table\")"
      + " for the benchmark fidelity. Default: <data-dir>/nb201/nb201_accuracy.csv when it exists.")
  Path benchmarkTable;

  /** Where NAS-Bench-201's table is looked for under the data directory. */
  public static final Path DEFAULT_TABLE = Path.of("nb201", "nb201_accuracy.csv");

  /**
   * The benchmark table, if one is named or found under the data directory.
   *
   * @throws BenchmarkTableException when the table cannot be read or is not in the documented layout
   */
  public Optional<BenchmarkTable> benchmarkTable() {
    if (benchmarkTable != null) {
      if (!Files.isRegularFile(benchmarkTable)) {
        throw new BenchmarkTableException("--benchmark-table " + benchmarkTable + ": no such file");
      }
      return Optional.of(BenchmarkTable.load(benchmarkTable));
    }
    return Optional.ofNullable(dataDir).map(d -> d.resolve(DEFAULT_TABLE)).filter(Files::isRegularFile)
        .map(BenchmarkTable::load);
  }

  /** The options as command-line arguments, to give a child process the same data. */
  public List<String> arguments() {
    List<String> arguments = new ArrayList<>();
    for (Object[] option : new Object[][] {{"--data-dir", dataDir}, {"--cifar10-dir", cifar10Dir},
        {"--fashion-mnist-dir", fashionMnistDir}, {"--benchmark-table", benchmarkTable}}) {
      if (option[1] != null) {
        arguments.add((String) option[0]);
        arguments.add(option[1].toString());
      }
    }
    return arguments;
  }

  public DatasetCatalog catalog() {
    if (dataDir != null && !Files.isDirectory(dataDir)) {
      log.warn("data directory {} does not exist; only data sets found elsewhere are available", dataDir);
    }
    return new DatasetCatalog(Optional.ofNullable(dataDir), Optional.ofNullable(cifar10Dir),
        Optional.ofNullable(fashionMnistDir));
  }
}
