package dev.knas.scoring.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.scoring.testing.InProcessService;
import dev.knas.space.nb201.CanonicalForm;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.v1.Architecture;
import dev.knas.v1.CacheStats;
import dev.knas.v1.ExportCacheRequest;
import dev.knas.v1.GetCacheStatsRequest;
import dev.knas.v1.LookupScoreRequest;
import dev.knas.v1.LookupScoreResponse;
import dev.knas.v1.ScoreCacheServiceGrpc;
import dev.knas.v1.CellEdges;
import dev.knas.v1.ComputeGradientKernelRequest;
import dev.knas.v1.ComputeGradientKernelResponse;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.Fidelity;
import dev.knas.v1.GradientKernelOptions;
import dev.knas.v1.Operation;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoreArchitectureResponse;
import dev.knas.v1.ScoreArchitecturesRequest;
import dev.knas.v1.ScoreArchitecturesResult;
import dev.knas.v1.ScoringServiceGrpc;
import dev.knas.v1.ShortTrainRequest;
import dev.knas.v1.ShortTrainingOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real server on an ephemeral loopback port, the real Netty channel, CIFAR-10 from ../shared/data. */
class ScoringServerEndToEndTest {

  private static ScoringServiceGrpc.ScoringServiceBlockingStub scoring;

  @TempDir
  static Path store;

  @AutoClose
  static InProcessService service;

  @BeforeAll
  static void start() throws Exception {
    service = InProcessService.builder(store).sharedData().start();
    ManagedChannel channel = service.channel();
    scoring = ScoringServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.MINUTES);
  }

  @Test
  void scoresThreeArchitecturesOnCifar10InEachForm() {
    Architecture index1 = Architecture.newBuilder().setNb201Index(1).build();
    Architecture allConv3 = Architecture.newBuilder().setEdges(CellEdges.newBuilder()
        .addAllOps(List.of(Operation.OPERATION_NOR_CONV_3X3, Operation.OPERATION_NOR_CONV_3X3,
            Operation.OPERATION_NOR_CONV_3X3, Operation.OPERATION_NOR_CONV_3X3, Operation.OPERATION_NOR_CONV_3X3,
            Operation.OPERATION_NOR_CONV_3X3))).build();
    Architecture index0 = Architecture.newBuilder().setNb201String(
        "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|").build();
    long[] parameters = {802_426, 1_531_546, 129_306};
    List<Architecture> architectures = List.of(index1, allConv3, index0);
    for (int i = 0; i < architectures.size(); i++) {
      ScoreArchitectureResponse response = scoring.scoreArchitecture(ScoreArchitectureRequest.newBuilder()
          .setArchitecture(architectures.get(i)).build());
      assertTrue(response.getValue() > 0 && Double.isFinite(response.getValue()), response.toString());
      assertEquals(Fidelity.FIDELITY_GRADIENT_KERNEL, response.getFidelity());
      assertEquals(parameters[i], response.getArchitecture().getParameterCount());
      assertEquals(CanonicalForm.of(Nb201Architecture.parse(response.getArchitecture().getNb201String()))
          .toBenchmarkString(), response.getArchitecture().getCanonical());
      assertEquals(6, response.getArchitecture().getEdges().getOpsCount());
      EvaluationOptions used = response.getProvenance().getOptions();
      assertEquals("cifar10", used.getDataset());
      assertEquals("cpu", response.getProvenance().getDevice());
      assertEquals(50, response.getProvenance().getGradientKernel().getNumSamples());
      assertEquals("mgm/1", response.getProvenance().getDefinitionVersion());
      assertTrue(response.getProvenance().getWallSeconds() > 0);
      assertTrue(response.getProvenance().getEngine().startsWith("PyTorch 2.7.1"));
    }
  }

  @Test
  void sameRequestSameValue() {
    ScoreArchitectureRequest request = ScoreArchitectureRequest.newBuilder()
        .setArchitecture(Architecture.newBuilder().setNb201Index(42))
        .setOptions(EvaluationOptions.newBuilder().setSeed(9))
        .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(10)).build();
    assertEquals(scoring.scoreArchitecture(request).getValue(), scoring.scoreArchitecture(request).getValue());
  }

  @Test
  void gramMatrixAndNormsAgreeWithMgm() {
    ComputeGradientKernelResponse response = scoring.computeGradientKernel(ComputeGradientKernelRequest
        .newBuilder().setArchitecture(Architecture.newBuilder().setNb201Index(1))
        .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(8))
        .setIncludeGramMatrix(true).setIncludeSampleGradientNorms(true).build());
    assertEquals(8, response.getGramMatrix().getRows());
    assertEquals(64, response.getGramMatrix().getValuesCount());
    assertEquals(8, response.getSampleGradientNormsCount());
    assertEquals(8, response.getSampleIndicesCount());
    double mean = response.getGramMatrix().getValuesList().stream().mapToDouble(Double::doubleValue).sum() / 64;
    assertEquals(response.getMgm(), mean, 1e-9 * response.getMgm());
    double batched = scoring.scoreArchitecture(ScoreArchitectureRequest.newBuilder()
        .setArchitecture(Architecture.newBuilder().setNb201Index(1))
        .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(8)).build()).getValue();
    assertEquals(response.getMgm(), batched, 1e-3 * response.getMgm(), "float32 batched vs per-sample");
  }

  @Test
  void badInputGetsAStatusNamingTheFieldAndTheServerKeepsServing() {
    expect(Status.Code.INVALID_ARGUMENT, "architecture: is required",
        () -> scoring.scoreArchitecture(ScoreArchitectureRequest.getDefaultInstance()));
    expect(Status.Code.INVALID_ARGUMENT, "architecture.nb201_string", () -> scoring.scoreArchitecture(
        score(Architecture.newBuilder().setNb201String("|nor_conv_3x3~0|+|bogus~0|none~1|+|none~0|none~1|none~2|"))));
    expect(Status.Code.INVALID_ARGUMENT, "0..15624",
        () -> scoring.scoreArchitecture(score(Architecture.newBuilder().setNb201Index(15625))));
    expect(Status.Code.INVALID_ARGUMENT, "architecture.edges", () -> scoring.scoreArchitecture(
        score(Architecture.newBuilder().setEdges(CellEdges.newBuilder().addOps(Operation.OPERATION_NONE)))));
    expect(Status.Code.INVALID_ARGUMENT, "known: cifar10, fashion-mnist, synthetic",
        () -> scoring.scoreArchitecture(score(Architecture.newBuilder().setNb201Index(1)).toBuilder()
            .setOptions(EvaluationOptions.newBuilder().setDataset("imagenet")).build()));
    expect(Status.Code.INVALID_ARGUMENT, "limit of 1024",
        () -> scoring.scoreArchitecture(score(Architecture.newBuilder().setNb201Index(1)).toBuilder()
            .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(1025)).build()));
    expect(Status.Code.INVALID_ARGUMENT, "limit of 128",
        () -> scoring.computeGradientKernel(ComputeGradientKernelRequest.newBuilder()
            .setArchitecture(Architecture.newBuilder().setNb201Index(1)).setIncludeGramMatrix(true)
            .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(129)).build()));
    expect(Status.Code.FAILED_PRECONDITION, "options.device",
        () -> scoring.scoreArchitecture(score(Architecture.newBuilder().setNb201Index(1)).toBuilder()
            .setOptions(EvaluationOptions.newBuilder().setDevice("gpu:3")).build()));
    expect(Status.Code.INVALID_ARGUMENT, "options.device",
        () -> scoring.scoreArchitecture(score(Architecture.newBuilder().setNb201Index(1)).toBuilder()
            .setOptions(EvaluationOptions.newBuilder().setDevice("tpu")).build()));
    expect(Status.Code.FAILED_PRECONDITION, "--benchmark-table",
        () -> scoring.scoreArchitecture(score(Architecture.newBuilder().setNb201Index(1)).toBuilder()
            .setFidelity(Fidelity.FIDELITY_BENCHMARK).build()));
    expect(Status.Code.INVALID_ARGUMENT, "architecture: is required",
        () -> scoring.shortTrain(ShortTrainRequest.getDefaultInstance()).hasNext());
    expect(Status.Code.INVALID_ARGUMENT, "training.epochs: 201 exceeds the limit of 200",
        () -> scoring.shortTrain(ShortTrainRequest.newBuilder().setArchitecture(Architecture.newBuilder()
            .setNb201Index(1)).setTraining(ShortTrainingOptions.newBuilder().setEpochs(201)).build()).hasNext());
    expect(Status.Code.INVALID_ARGUMENT, "short_training.train_size",
        () -> scoring.scoreArchitecture(score(Architecture.newBuilder().setNb201Index(1)).toBuilder()
            .setFidelity(Fidelity.FIDELITY_SHORT_TRAINING)
            .setShortTraining(ShortTrainingOptions.newBuilder().setTrainSize(5000)).build()));
    expect(Status.Code.INVALID_ARGUMENT, "training.momentum: 1.0 is not in [0, 1)",
        () -> scoring.shortTrain(ShortTrainRequest.newBuilder().setArchitecture(Architecture.newBuilder()
            .setNb201Index(1)).setTraining(ShortTrainingOptions.newBuilder().setMomentum(1)).build()).hasNext());
    ScoreArchitectureResponse after = scoring.scoreArchitecture(score(Architecture.newBuilder().setNb201Index(5))
        .toBuilder().setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(4)).build());
    assertTrue(after.getValue() > 0);
  }

  @Test
  void aBatchStreamsEveryResultWithItsPositionAndErrorsInPlace() {
    List<Architecture> batch = List.of(Architecture.newBuilder().setNb201Index(1).build(),
        Architecture.newBuilder().setNb201String("|conv5~0|").build(),
        Architecture.newBuilder().setNb201Index(3).build(),
        Architecture.newBuilder().setNb201Index(1).build());
    List<ScoreArchitecturesResult> results = new ArrayList<>();
    scoring.scoreArchitectures(ScoreArchitecturesRequest.newBuilder().addAllArchitectures(batch)
        .setOptions(EvaluationOptions.newBuilder().setSeed(21))
        .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(4)).build())
        .forEachRemaining(results::add);
    assertEquals(4, results.size());
    Set<Integer> positions = new HashSet<>();
    for (ScoreArchitecturesResult result : results) {
      positions.add(result.getPosition());
      if (result.getPosition() == 1) {
        assertEquals(Status.Code.INVALID_ARGUMENT.value(), result.getError().getCode());
        assertTrue(result.getError().getMessage().startsWith("architecture.nb201_string"), result.toString());
      } else {
        assertEquals(batch.get(result.getPosition()).getNb201Index(),
            result.getScore().getArchitecture().getNb201Index());
        assertEquals(scoring.scoreArchitecture(ScoreArchitectureRequest.newBuilder()
            .setArchitecture(batch.get(result.getPosition())).setOptions(EvaluationOptions.newBuilder().setSeed(21))
            .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(4)).build()).getValue(),
            result.getScore().getValue(), "the same value as ScoreArchitecture");
      }
    }
    assertEquals(Set.of(0, 1, 2, 3), positions);
    expect(Status.Code.INVALID_ARGUMENT, "architectures: give at least one",
        () -> scoring.scoreArchitectures(ScoreArchitecturesRequest.getDefaultInstance()).hasNext());
  }

  @Test
  void repeatsEquivalentArchitecturesAndOtherDeadlinesAreCacheHits() throws Exception {
    ScoreArchitectureRequest request = ScoreArchitectureRequest.newBuilder()
        .setArchitecture(Architecture.newBuilder().setNb201String(
            "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|skip_connect~2|"))
        .setOptions(EvaluationOptions.newBuilder().setSeed(31))
        .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(8)).build();
    ScoreArchitectureResponse first = scoring.scoreArchitecture(request);
    assertEquals(false, first.getCache().getHit());
    assertEquals(64, first.getCache().getKey().length());
    assertEquals("|none~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|", first.getArchitecture().getCanonical());

    ScoreArchitectureResponse again = scoring.scoreArchitecture(request);
    assertEquals(true, again.getCache().getHit());
    assertEquals(first.getCache().getKey(), again.getCache().getKey());
    assertEquals(first.getValue(), again.getValue());
    assertEquals(first.getProvenance(), again.getProvenance());

    ScoreArchitectureResponse equivalent = scoring.scoreArchitecture(request.toBuilder()
        .setArchitecture(Architecture.newBuilder().setNb201String(
            "|none~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|")).build());
    assertEquals(true, equivalent.getCache().getHit());
    assertEquals(first.getValue(), equivalent.getValue());
    assertEquals("|none~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|",
        equivalent.getArchitecture().getNb201String());

    ManagedChannel other = NettyChannelBuilder.forAddress("127.0.0.1", service.port()).usePlaintext()
        .userAgent("another-client/9.9").build();
    try {
      ScoreArchitectureResponse otherClient = ScoringServiceGrpc.newBlockingStub(other)
          .withDeadlineAfter(17, TimeUnit.SECONDS).scoreArchitecture(request);
      assertEquals(true, otherClient.getCache().getHit());
      assertEquals(first.getCache().getKey(), otherClient.getCache().getKey());
    } finally {
      other.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    ComputeGradientKernelResponse kernel = scoring.computeGradientKernel(ComputeGradientKernelRequest.newBuilder()
        .setArchitecture(request.getArchitecture()).setOptions(request.getOptions())
        .setGradientKernel(request.getGradientKernel()).build());
    assertEquals(true, kernel.getCache().getHit());
    assertEquals(first.getValue(), kernel.getMgm());

    ScoreArchitectureResponse otherSeed = scoring.scoreArchitecture(request.toBuilder()
        .setOptions(EvaluationOptions.newBuilder().setSeed(32)).build());
    assertEquals(false, otherSeed.getCache().getHit());
    assertTrue(!otherSeed.getCache().getKey().equals(first.getCache().getKey()));
  }

  @Test
  void concurrentIdenticalRequestsComputeOnce() throws Exception {
    ScoreCacheServiceGrpc.ScoreCacheServiceBlockingStub cache = ScoreCacheServiceGrpc.newBlockingStub(service.channel());
    CacheStats before = cache.getCacheStats(GetCacheStatsRequest.getDefaultInstance());
    ScoreArchitectureRequest request = ScoreArchitectureRequest.newBuilder()
        .setArchitecture(Architecture.newBuilder().setNb201Index(77))
        .setOptions(EvaluationOptions.newBuilder().setSeed(123))
        .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(16)).build();
    List<CompletableFuture<ScoreArchitectureResponse>> answers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      answers.add(CompletableFuture.supplyAsync(() -> scoring.scoreArchitecture(request)));
    }
    Set<Double> values = new HashSet<>();
    for (CompletableFuture<ScoreArchitectureResponse> answer : answers) {
      values.add(answer.get(2, TimeUnit.MINUTES).getValue());
    }
    CacheStats after = cache.getCacheStats(GetCacheStatsRequest.getDefaultInstance());
    assertEquals(1, values.size());
    assertEquals(1, after.getMisses() - before.getMisses());
    assertEquals(3, after.getHits() - before.getHits() + after.getCoalesced() - before.getCoalesced());
    assertEquals(1, after.getEntries() - before.getEntries());
  }

  @Test
  void theCacheCanBeQueriedWithoutComputing() {
    ScoreArchitectureRequest request = ScoreArchitectureRequest.newBuilder()
        .setArchitecture(Architecture.newBuilder().setNb201Index(9))
        .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(4)).build();
    ScoreCacheServiceGrpc.ScoreCacheServiceBlockingStub cache = ScoreCacheServiceGrpc.newBlockingStub(service.channel());
    LookupScoreResponse before = cache.lookupScore(LookupScoreRequest.newBuilder().setRequest(request).build());
    assertEquals(false, before.getFound());
    ScoreArchitectureResponse scored = scoring.scoreArchitecture(request);
    assertEquals(before.getKey(), scored.getCache().getKey());
    LookupScoreResponse byKey = cache.lookupScore(LookupScoreRequest.newBuilder()
        .setKey(scored.getCache().getKey()).build());
    assertEquals(true, byKey.getFound());
    assertEquals(scored.getValue(), byKey.getEntry().getValue());
    assertEquals("cifar10", byKey.getEntry().getKeyFields().getDataset());
    assertEquals(64, byKey.getEntry().getKeyFields().getDatasetFingerprint().length());
    assertEquals(4, byKey.getEntry().getSampleIndicesCount());
    assertTrue(byKey.getEntry().getComputedAt().getSeconds() > 0);
    assertEquals(true, cache.lookupScore(LookupScoreRequest.newBuilder().setRequest(request).build()).getFound());
    List<String> exported = new ArrayList<>();
    cache.exportCache(ExportCacheRequest.getDefaultInstance()).forEachRemaining(e -> exported.add(e.getKey()));
    assertTrue(exported.contains(scored.getCache().getKey()));
    CacheStats stats = cache.getCacheStats(GetCacheStatsRequest.getDefaultInstance());
    assertEquals(exported.size(), stats.getEntries());
    assertTrue(stats.getBytesOnDisk() > 0);
    expect(Status.Code.INVALID_ARGUMENT, "key",
        () -> cache.lookupScore(LookupScoreRequest.newBuilder().setKey("xyz").build()));
  }

  @Test
  void healthReportsServing() {
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(service.channel());
    assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
    assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.newBuilder()
        .setService(ScoringServiceGrpc.SERVICE_NAME).build()).getStatus());
  }

  @Test
  void reflectionListsTheScoringService() throws Exception {
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(service.channel()).serverReflectionInfo(
        new StreamObserver<>() {
          @Override
          public void onNext(ServerReflectionResponse value) {
            answer.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            answer.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    List<String> services = answer.get(30, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
        .map(ServiceResponse::getName).toList();
    requests.onCompleted();
    assertTrue(services.contains("knas.v1.ScoringService"), services.toString());
    assertTrue(services.contains("grpc.health.v1.Health"), services.toString());
  }

  private static ScoreArchitectureRequest score(Architecture.Builder architecture) {
    return ScoreArchitectureRequest.newBuilder().setArchitecture(architecture).build();
  }

  private static void expect(Status.Code code, String inDescription, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::execute);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(e.getStatus().getDescription().contains(inDescription), e.getStatus().toString());
  }

  /** A call that may throw. */
  private interface Executable {
    void execute();
  }
}
