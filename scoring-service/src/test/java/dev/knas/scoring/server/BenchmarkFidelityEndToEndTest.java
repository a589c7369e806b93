package dev.knas.scoring.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.scoring.TestData;
import dev.knas.scoring.testing.InProcessService;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.v1.Architecture;
import dev.knas.v1.BenchmarkRecord;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.Fidelity;
import dev.knas.v1.LookupScoreRequest;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoreArchitectureResponse;
import dev.knas.v1.ScoreCacheServiceGrpc;
import dev.knas.v1.ScoringServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark fidelity through the real server, with NAS-Bench-201's table from ../shared/data/nb201. */
class BenchmarkFidelityEndToEndTest {

  private static ScoringServiceGrpc.ScoringServiceBlockingStub scoring;

  @TempDir
  static Path store;

  @AutoClose
  static InProcessService service;

  @BeforeAll
  static void start() throws Exception {
    service = InProcessService.builder(store).sharedData().benchmarkTable(TestData.nb201Table()).start();
    scoring = ScoringServiceGrpc.newBlockingStub(service.channel()).withDeadlineAfter(1, TimeUnit.MINUTES);
  }

  /** Rows of the shared table, copied from the file: index, test accuracies, validation, seconds, params. */
  private static final List<double[]> ROWS = List.of(
      new double[] {0, 85.86333333, 52.91333329, 26.63333327, 81.9, 2888.4372, 8763.518464, 0.129306},
      new double[] {1, 93.66, 70.29333327, 44.03333332, 90.39, 4339.282751, 13165.38387, 0.802426},
      new double[] {7777, 90.08333333, 65.72666659, 38.67777769, 85.6, 3379.472017, 10253.3181, 0.559386},
      new double[] {15624, 86.82333333, 55.21999999, 21.4111111, 83.68, 4178.798445, 12678.47448, 0.185306});

  @Test
  void returnsTheTablesValuesForEveryDataset() {
    for (double[] row : ROWS) {
      int index = (int) row[0];
      BenchmarkRecord expected = BenchmarkRecord.newBuilder().setNb201Index(index)
          .putAllTestAccuracy(Map.of("cifar10", row[1], "cifar100", row[2], "imagenet16-120", row[3]))
          .putValidationAccuracy("cifar10", row[4])
          .putAllTrainSeconds(Map.of("cifar10", row[5], "cifar100", row[5], "imagenet16-120", row[6]))
          .setParametersMillions(row[7]).build();
      ScoreArchitectureResponse cifar10 = lookup(index, "");
      assertEquals(expected, cifar10.getBenchmark());
      assertEquals(Fidelity.FIDELITY_BENCHMARK, cifar10.getFidelity());
      assertEquals("validation_accuracy", cifar10.getMetric());
      assertEquals(row[4], cifar10.getValue());
      assertEquals("cifar10", cifar10.getProvenance().getOptions().getDataset());
      assertEquals("nb201-table/1", cifar10.getProvenance().getDefinitionVersion());
      assertTrue(cifar10.getProvenance().getBenchmarkTable().endsWith("nb201_accuracy.csv"));
      assertFalse(cifar10.getCache().getHit());
      assertEquals("", cifar10.getCache().getKey());
      assertEquals(Math.round(row[7] * 1e6), cifar10.getArchitecture().getParameterCount());
      assertEquals(Nb201Architecture.fromIndex(index).toBenchmarkString(),
          cifar10.getArchitecture().getNb201String());

      ScoreArchitectureResponse cifar100 = lookup(index, "cifar100");
      assertEquals("test_accuracy", cifar100.getMetric());
      assertEquals(row[2], cifar100.getValue());
      assertEquals(expected, cifar100.getBenchmark());
      ScoreArchitectureResponse imagenet = lookup(index, "imagenet16-120");
      assertEquals(row[3], imagenet.getValue());
      assertTrue(imagenet.getArchitecture().getParameterCount() > cifar10.getArchitecture().getParameterCount(),
          "120 classes need a larger classifier than 10");
    }
  }

  @Test
  void isomorphicArchitecturesKeepTheirOwnRecords() {
    // The benchmark trained every cell on its own, so equivalent cells have different records.
    String a = "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|skip_connect~2|";
    String b = "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|avg_pool_3x3~1|skip_connect~2|";
    ScoreArchitectureResponse first = scoring.scoreArchitecture(request(Architecture.newBuilder()
        .setNb201String(a), ""));
    assertEquals(Nb201Architecture.parse(a).index(), first.getBenchmark().getNb201Index());
    assertTrue(scoring.scoreArchitecture(request(Architecture.newBuilder().setNb201String(b), ""))
        .getBenchmark().getNb201Index() != first.getBenchmark().getNb201Index());
  }

  @Test
  void badRequestsGetTheDocumentedStatuses() throws Exception {
    StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> lookup(1, "fashion-mnist"));
    assertEquals(Status.Code.INVALID_ARGUMENT, unknown.getStatus().getCode());
    assertTrue(unknown.getStatus().getDescription().startsWith("options.dataset:"), unknown.getMessage());
    assertTrue(unknown.getStatus().getDescription().contains("cifar10, cifar100, imagenet16-120"),
        unknown.getMessage());
    StatusRuntimeException notCached = assertThrows(StatusRuntimeException.class,
        () -> ScoreCacheServiceGrpc.newBlockingStub(service.channel()).lookupScore(LookupScoreRequest.newBuilder()
            .setRequest(request(Architecture.newBuilder().setNb201Index(1), "")).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, notCached.getStatus().getCode());
    assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class,
        () -> lookup(15625, "")).getStatus().getCode());
  }

  @Test
  void anArchitectureMissingFromAPartialTableIsNotFound(@TempDir Path temp) throws Exception {
    Path partial = temp.resolve("partial.csv");
    List<String> lines = Files.readAllLines(TestData.nb201Table()).subList(0, 3);
    Files.write(partial, lines);
    try (InProcessService small = InProcessService.builder(temp.resolve("store")).benchmarkTable(partial).start()) {
      ScoringServiceGrpc.ScoringServiceBlockingStub stub = ScoringServiceGrpc.newBlockingStub(small.channel());
      assertEquals(90.39, stub.scoreArchitecture(request(Architecture.newBuilder().setNb201Index(1), ""))
          .getValue());
      StatusRuntimeException missing = assertThrows(StatusRuntimeException.class,
          () -> stub.scoreArchitecture(request(Architecture.newBuilder().setNb201Index(2), "")));
      assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode());
      assertTrue(missing.getStatus().getDescription()
          .contains("index 2 is not in this service's benchmark table partial.csv"), missing.getMessage());
    }
  }

  private static ScoreArchitectureResponse lookup(int index, String dataset) {
    return scoring.scoreArchitecture(request(Architecture.newBuilder().setNb201Index(index), dataset));
  }

  private static ScoreArchitectureRequest request(Architecture.Builder architecture, String dataset) {
    return ScoreArchitectureRequest.newBuilder().setArchitecture(architecture)
        .setFidelity(Fidelity.FIDELITY_BENCHMARK)
        .setOptions(EvaluationOptions.newBuilder().setDataset(dataset)).build();
  }
}
