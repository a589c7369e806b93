package dev.knas.scoring.server;

import dev.knas.scoring.request.ResolvedBenchmark;
import dev.knas.v1.BenchmarkRecord;
import dev.knas.v1.CacheResult;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.Fidelity;
import dev.knas.v1.Provenance;
import dev.knas.v1.ScoreArchitectureResponse;

/** The benchmark fidelity's response: a row of NAS-Bench-201's table. */
final class BenchmarkMessages {

  /** Version of the benchmark fidelity's value: a lookup in NAS-Bench-201's table. */
  static final String BENCHMARK_DEFINITION_VERSION = "nb201-table/1";

  private BenchmarkMessages() {}

  static ScoreArchitectureResponse benchmarkScore(ResolvedBenchmark lookup) {
    BenchmarkRecord record = BenchmarkRecord.newBuilder()
        .setNb201Index(lookup.row().index())
        .putAllTestAccuracy(lookup.row().testAccuracy())
        .putAllValidationAccuracy(lookup.row().validationAccuracy())
        .putAllTrainSeconds(lookup.row().trainSeconds())
        .setParametersMillions(Double.isNaN(lookup.row().parametersMillions()) ? 0
            : lookup.row().parametersMillions())
        .build();
    return ScoreArchitectureResponse.newBuilder()
        .setArchitecture(ArchitectureMessages.describe(lookup.requested(), lookup.parameterCount()).toBuilder()
            .setCanonical(lookup.canonical().toBenchmarkString()))
        .setFidelity(Fidelity.FIDELITY_BENCHMARK)
        .setValue(lookup.value())
        .setMetric(lookup.metric())
        .setProvenance(Provenance.newBuilder()
            .setOptions(EvaluationOptions.newBuilder().setDataset(lookup.dataset()))
            .setDefinitionVersion(BENCHMARK_DEFINITION_VERSION)
            .setServiceVersion(ScoringServer.VERSION)
            .setBenchmarkTable(lookup.table().getFileName().toString()))
        .setCache(CacheResult.getDefaultInstance())
        .setBenchmark(record)
        .build();
  }
}
