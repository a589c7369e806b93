package dev.knas.scoring.request;

import dev.knas.scoring.benchmark.BenchmarkDataset;
import dev.knas.scoring.benchmark.BenchmarkTable;
import dev.knas.scoring.network.Nb201ParameterCount;
import dev.knas.space.nb201.CanonicalForm;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.v1.Architecture;
import dev.knas.v1.EvaluationOptions;
import io.grpc.Status;
import java.util.Optional;

/** Resolves ScoreArchitecture's benchmark fidelity: the row of NAS-Bench-201's table the request names. */
final class BenchmarkLookup {

  private final Optional<BenchmarkTable> benchmark;

  /** @param benchmark the service's table; without one every lookup is refused */
  BenchmarkLookup(Optional<BenchmarkTable> benchmark) {
    this.benchmark = benchmark;
  }

  ResolvedBenchmark resolve(boolean hasArchitecture, Architecture architecture, EvaluationOptions options) {
    BenchmarkTable table = benchmark.orElseThrow(() -> RequestException.failedPrecondition("fidelity",
        "FIDELITY_BENCHMARK needs NAS-Bench-201's table, and this service has none: start it with"
            + " --benchmark-table FILE, or with --data-dir (or KNAS_DATA_DIR) holding nb201/nb201_accuracy.csv"));
    Nb201Architecture requested = RequestedArchitecture.of(hasArchitecture, architecture);
    String dataset = options.getDataset().isEmpty() ? RequestLimits.DEFAULT_BENCHMARK_DATASET : options.getDataset();
    if (!table.datasets().contains(dataset)) {
      throw RequestException.invalid("options.dataset", "the benchmark table has no results for '" + dataset
          + "'; it has " + String.join(", ", table.datasets()));
    }
    BenchmarkTable.Row row = table.row(requested.index()).orElseThrow(() -> new RequestException(
        Status.NOT_FOUND.withDescription("architecture: index " + requested.index()
            + " is not in this service's benchmark table " + table.path().getFileName())));
    boolean validated = row.validationAccuracy().containsKey(dataset);
    Double value = validated ? row.validationAccuracy().get(dataset) : row.testAccuracy().get(dataset);
    if (value == null) {
      throw new RequestException(Status.NOT_FOUND.withDescription("options.dataset: the benchmark table records"
          + " no accuracy of index " + requested.index() + " on " + dataset));
    }
    // The requested cell's own count (not its canonical form's), as NAS-Bench-201 reports it per data set.
    long parameters = BenchmarkDataset.named(dataset)
        .map(d -> Nb201ParameterCount.of(requested, d.shape().channels(), d.classes())).orElse(0L);
    return new ResolvedBenchmark(requested, CanonicalForm.of(requested), dataset, row,
        validated ? "validation_accuracy" : "test_accuracy", value, parameters, table.path());
  }
}
