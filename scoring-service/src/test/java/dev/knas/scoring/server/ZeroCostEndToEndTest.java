package dev.knas.scoring.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.scoring.testing.InProcessService;
import dev.knas.v1.Architecture;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.Fidelity;
import dev.knas.v1.ListProxiesRequest;
import dev.knas.v1.LookupScoreRequest;
import dev.knas.v1.ProxyInfo;
import dev.knas.v1.ProxyScore;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoreArchitectureResponse;
import dev.knas.v1.ScoreArchitecturesRequest;
import dev.knas.v1.ScoreArchitecturesResult;
import dev.knas.v1.ScoreCacheServiceGrpc;
import dev.knas.v1.ScoringServiceGrpc;
import dev.knas.v1.ZeroCostOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zero-cost fidelity through the real server and channel, on CIFAR-10 from ../shared/data. */
class ZeroCostEndToEndTest {

  private static final List<String> ALL = List.of("params", "flops", "grad_norm", "snip", "synflow", "naswot",
      "jacov", "zico", "mgm");
  /** Every edge `none`: the output depends on no weight. */
  private static final String EMPTY = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|";

  private static ScoringServiceGrpc.ScoringServiceBlockingStub scoring;
  private static ScoreCacheServiceGrpc.ScoreCacheServiceBlockingStub cache;

  @TempDir
  static Path store;

  @AutoClose
  static InProcessService service;

  @BeforeAll
  static void start() throws Exception {
    service = InProcessService.builder(store).sharedData().start();
    ManagedChannel channel = service.channel();
    scoring = ScoringServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.MINUTES);
    cache = ScoreCacheServiceGrpc.newBlockingStub(channel);
  }

  private static ScoreArchitectureRequest request(Architecture architecture, List<String> proxies, int seed) {
    return ScoreArchitectureRequest.newBuilder().setArchitecture(architecture)
        .setFidelity(Fidelity.FIDELITY_ZERO_COST)
        .setOptions(EvaluationOptions.newBuilder().setSeed(seed))
        .setZeroCost(ZeroCostOptions.newBuilder().addAllProxies(proxies))
        .build();
  }

  private static Architecture index(int index) {
    return Architecture.newBuilder().setNb201Index(index).build();
  }

  @Test
  void listsEveryProxyWithItsDefinition() {
    List<ProxyInfo> proxies = scoring.listProxies(ListProxiesRequest.getDefaultInstance()).getProxiesList();
    Set<String> names = new HashSet<>();
    for (ProxyInfo proxy : proxies) {
      names.add(proxy.getName());
      assertFalse(proxy.getDescription().isEmpty() || proxy.getSource().isEmpty(), proxy.toString());
      assertTrue(proxy.getDefinitionVersion().contains("/"), proxy.toString());
    }
    assertEquals(new HashSet<>(ALL), names);
  }

  @Test
  void everyProxyFromOneRequestThenFromTheCache() {
    ScoreArchitectureResponse first = scoring.scoreArchitecture(request(index(1), ALL, 3));
    assertEquals(ALL.size(), first.getProxyScoresCount());
    for (int i = 0; i < ALL.size(); i++) {
      ProxyScore score = first.getProxyScores(i);
      assertEquals(ALL.get(i), score.getProxy());
      assertTrue(score.hasValue() && Double.isFinite(score.getValue()), score.toString());
      assertFalse(score.getCache().getHit(), score.toString());
      assertEquals(ALL.get(i).equals("mgm") ? "mgm/1" : ALL.get(i) + "/1",
          score.getProvenance().getDefinitionVersion());
    }
    assertEquals(802_426, first.getProxyScores(0).getValue());
    assertEquals("params", first.getMetric());
    assertEquals(first.getProxyScores(0).getValue(), first.getValue());
    assertEquals(802_426, first.getArchitecture().getParameterCount());
    assertEquals(Precision64.NAME, first.getProxyScores(4).getProvenance().getOptions().getPrecision().name());
    assertEquals(0, first.getProxyScores(4).getProvenance().getZeroCost().getBatchSize());
    assertEquals(64, first.getProxyScores(5).getProvenance().getZeroCost().getBatchSize());

    ScoreArchitectureResponse again = scoring.scoreArchitecture(request(index(1), ALL, 3));
    for (int i = 0; i < ALL.size(); i++) {
      assertTrue(again.getProxyScores(i).getCache().getHit(), again.getProxyScores(i).toString());
      assertEquals(first.getProxyScores(i).getValue(), again.getProxyScores(i).getValue());
    }
    // One proxy alone computes the same value as within the shared passes (a fresh seed: no cache entry).
    List<ScoreArchitectureResponse> alone = new ArrayList<>();
    ScoreArchitectureResponse together = scoring.scoreArchitecture(request(index(1), ALL, 4));
    for (String proxy : ALL) {
      alone.add(scoring.scoreArchitecture(request(index(1), List.of(proxy), 4)));
    }
    for (int i = 0; i < ALL.size(); i++) {
      assertEquals(together.getProxyScores(i).getValue(), alone.get(i).getValue(), ALL.get(i));
      assertTrue(alone.get(i).getCache().getHit(), ALL.get(i));
    }
    // mgm as a proxy is MGM of the gradient-kernel fidelity, same seed and n.
    double kernel = scoring.scoreArchitecture(ScoreArchitectureRequest.newBuilder().setArchitecture(index(1))
        .setOptions(EvaluationOptions.newBuilder().setSeed(3)).build()).getValue();
    assertEquals(kernel, first.getProxyScores(8).getValue(), 1e-12 * kernel);
  }

  @Test
  void theSeedChangesDataProxiesButNotStructureOnes() {
    List<String> proxies = List.of("params", "flops", "naswot");
    ScoreArchitectureResponse a = scoring.scoreArchitecture(request(index(7), proxies, 10));
    ScoreArchitectureResponse b = scoring.scoreArchitecture(request(index(7), proxies, 11));
    assertEquals(a.getProxyScores(0).getValue(), b.getProxyScores(0).getValue());
    assertTrue(b.getProxyScores(0).getCache().getHit(), "params does not depend on the seed");
    assertTrue(b.getProxyScores(1).getCache().getHit(), "flops does not depend on the seed");
    assertFalse(b.getProxyScores(2).getCache().getHit());
    assertTrue(a.getProxyScores(2).getValue() != b.getProxyScores(2).getValue());
  }

  @Test
  void aProxyWithoutAValueFailsAloneAndIsNotCached() {
    Architecture empty = Architecture.newBuilder().setNb201String(EMPTY).build();
    StatusRuntimeException alone = assertThrows(StatusRuntimeException.class,
        () -> scoring.scoreArchitecture(request(empty, List.of("synflow"), 0)));
    assertEquals(Status.Code.OUT_OF_RANGE, alone.getStatus().getCode());
    assertTrue(alone.getStatus().getDescription().contains("synflow"), alone.getMessage());

    ScoreArchitectureResponse mixed = scoring.scoreArchitecture(request(empty, List.of("synflow", "params"), 0));
    ProxyScore synflow = mixed.getProxyScores(0);
    assertTrue(synflow.hasError(), synflow.toString());
    assertEquals(Status.Code.OUT_OF_RANGE.value(), synflow.getError().getCode());
    assertEquals(73_306, mixed.getProxyScores(1).getValue());
    assertEquals("", mixed.getMetric(), "the first proxy failed: no top-level value");
    assertFalse(cache.withDeadlineAfter(1, TimeUnit.MINUTES).lookupScore(LookupScoreRequest.newBuilder()
        .setRequest(request(empty, List.of("synflow"), 0)).build()).getFound());
    assertTrue(cache.withDeadlineAfter(1, TimeUnit.MINUTES).lookupScore(LookupScoreRequest.newBuilder()
        .setRequest(request(empty, List.of("params"), 0)).build()).getFound());
  }

  @Test
  void badInputNamesTheField() {
    expectInvalid(request(index(1), List.of("naswot", "conv5"), 0), "zero_cost.proxies",
        "unknown proxy 'conv5'; known: flops, grad_norm, jacov, mgm, naswot, params, snip, synflow, zico");
    expectInvalid(request(index(1), List.of(), 0), "zero_cost.proxies", "name at least one proxy");
    expectInvalid(request(index(1), List.of("snip", "snip"), 0), "zero_cost.proxies", "'snip' is named twice");
    expectInvalid(request(index(1), Collections.nCopies(17, "params"), 0), "zero_cost.proxies",
        "17 names exceed the limit of 16");
    expectInvalid(request(index(1), List.of("naswot"), 0).toBuilder()
        .setZeroCost(ZeroCostOptions.newBuilder().addProxies("naswot").setBatchSize(257)).build(),
        "zero_cost.batch_size", "257 exceeds the limit of 256");
    expectInvalid(request(index(1), List.of("naswot"), 0).toBuilder()
        .setZeroCost(ZeroCostOptions.newBuilder().addProxies("naswot").setBatchSize(-1)).build(),
        "zero_cost.batch_size", "4294967295 exceeds the limit of 256");
  }

  private static void expectInvalid(ScoreArchitectureRequest request, String field, String reason) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> scoring.scoreArchitecture(request));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getMessage());
    assertTrue(e.getStatus().getDescription().startsWith(field + ": "), e.getMessage());
    assertTrue(e.getStatus().getDescription().contains(reason), e.getMessage());
  }

  @Test
  void theBatchStreamsArchitecturesTimesProxies() {
    ScoreArchitecturesRequest.Builder batch = ScoreArchitecturesRequest.newBuilder()
        .setFidelity(Fidelity.FIDELITY_ZERO_COST)
        .setZeroCost(ZeroCostOptions.newBuilder().addProxies("naswot").addProxies("params"));
    for (int index : new int[] {2, 3, 99_999}) {
      batch.addArchitectures(index(index));
    }
    Set<Integer> positions = new HashSet<>();
    Iterator<ScoreArchitecturesResult> results = scoring.scoreArchitectures(batch.build());
    while (results.hasNext()) {
      ScoreArchitecturesResult result = results.next();
      positions.add(result.getPosition());
      if (result.getPosition() == 2) {
        assertEquals(Status.Code.INVALID_ARGUMENT.value(), result.getError().getCode());
      } else {
        assertEquals(2, result.getScore().getProxyScoresCount());
        assertTrue(result.getScore().getProxyScores(0).hasValue());
      }
    }
    assertEquals(Set.of(0, 1, 2), positions);
  }

  @Test
  void aLargeBatchOfAnswersThatAreReadyAtOnceCompletes() {
    // Refusals and cache hits complete at once; thousands of them in one call must not nest on the stack.
    ScoreArchitecturesRequest.Builder batch = ScoreArchitecturesRequest.newBuilder()
        .setFidelity(Fidelity.FIDELITY_ZERO_COST).setZeroCost(ZeroCostOptions.newBuilder().addProxies("params"));
    for (int i = 0; i < 3000; i++) {
      batch.addArchitectures(index(i % 2 == 0 ? 5 : 100_000 + i));
    }
    int scored = 0;
    int refused = 0;
    Iterator<ScoreArchitecturesResult> results = scoring.scoreArchitectures(batch.build());
    while (results.hasNext()) {
      ScoreArchitecturesResult result = results.next();
      if (result.hasScore()) {
        scored++;
      } else {
        refused++;
      }
    }
    assertEquals(1500, scored);
    assertEquals(1500, refused);
  }

  /** The enum constant's name a float64 provenance carries. */
  private static final class Precision64 {
    static final String NAME = dev.knas.v1.Precision.PRECISION_FLOAT64.name();
  }
}
