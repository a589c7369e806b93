package dev.knas.scoring.request;

import dev.knas.contract.FidelityKind;
import dev.knas.scoring.benchmark.BenchmarkTable;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.v1.CacheKey;
import java.nio.file.Path;

/** A benchmark lookup: the table row of the requested architecture itself, and the metric answered. */
public record ResolvedBenchmark(Nb201Architecture requested, Nb201Architecture canonical, String dataset,
    BenchmarkTable.Row row, String metric, double value, long parameterCount, Path table) implements Resolved {

  @Override
  public FidelityKind fidelity() {
    return FidelityKind.BENCHMARK;
  }

  /** None: a lookup in the table is as cheap as one in the cache. */
  @Override
  public CacheKey lookupKey() {
    throw RequestException.invalid("request.fidelity", "benchmark values are table lookups and are not cached");
  }

  @Override
  public String summary() {
    return "index=" + row.index() + " dataset=" + dataset;
  }

  @Override
  public <T> T accept(Visitor<T> visitor) {
    return visitor.benchmark(this);
  }
}
