package dev.knas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.knas.scoring.testing.InProcessService;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.knas.v1.CacheEntry;
import dev.knas.v1.CacheStats;
import dev.knas.v1.ComputeGradientKernelResponse;
import dev.knas.v1.ListProxiesResponse;
import dev.knas.v1.LookupScoreResponse;
import dev.knas.v1.ProxyInfo;
import dev.knas.v1.ProxyScore;
import dev.knas.v1.ScoreArchitecturesResult;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.v1.ScoreArchitectureResponse;
import dev.knas.v1.ShortTrainResult;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/knas's commands against the real service over loopback (synthetic data, so no files are needed). */
class KnasCommandTest {

  private static String target;

  @TempDir
  static Path store;

  @AutoClose
  static InProcessService service;

  /** A two-row benchmark table in the documented layout (the full table is tested with the service). */
  private static final List<String> TABLE = List.of(
      "index,arch,test_acc_cifar10,test_acc_cifar100,test_acc_imagenet16120,valid_acc_cifar10,"
          + "train_seconds_cifar,train_seconds_imagenet16120,params_m",
      "1," + Nb201Architecture.fromIndex(1).toBenchmarkString() + ",93.66,70.29,44.03,90.39,4339.3,13165.4,0.802426",
      "2," + Nb201Architecture.fromIndex(2).toBenchmarkString() + ",85.74,54.87,27.26,81.93,4534.4,13757.2,0.559386");
  private static final String SMALL_CELL =
      "|nor_conv_1x1~0|+|skip_connect~0|avg_pool_3x3~1|+|none~0|nor_conv_1x1~1|skip_connect~2|";

  @BeforeAll
  static void start() throws Exception {
    Path table = store.resolve("table.csv");
    Files.write(table, TABLE);
    service = InProcessService.builder(store.resolve("scores")).queueCapacity(4).benchmarkTable(table).start();
    target = service.target();
  }

  private static CliRun knas(String... args) {
    return CliRun.knas(args);
  }

  @Test
  void aFileOfTwoThousandBenchmarkLookupsCompletes() throws Exception {
    Path file = store.resolve("two-thousand.txt");
    Files.write(file, java.util.stream.IntStream.range(0, 2000).mapToObj(i -> Integer.toString(1 + i % 2)).toList());
    CliRun run = knas("score", "--arch", file.toString(), "--fidelity", "benchmark", "--json", "--target", target);
    assertEquals(0, run.exitCode(), run.err());
    List<String> lines = run.out().lines().toList();
    assertEquals(2000, lines.size());
    assertTrue(lines.stream().allMatch(line -> line.contains("\"score\"")), lines.get(0));
  }

  @Test
  void scorePrintsTheResponseAsJson() throws Exception {
    CliRun run = knas("score", "--arch", "1", "--samples", "6", "--seed", "3", "--json", "--target", target);
    assertEquals(0, run.exitCode(), run.err());
    ScoreArchitectureResponse.Builder response = ScoreArchitectureResponse.newBuilder();
    JsonFormat.parser().merge(run.out(), response);
    assertEquals(1, response.getArchitecture().getNb201Index());
    assertTrue(response.getValue() > 0);
    assertEquals("synthetic", response.getProvenance().getOptions().getDataset());
    assertEquals(3, response.getProvenance().getOptions().getSeed());
    assertEquals(6, response.getProvenance().getGradientKernel().getNumSamples());
  }

  @Test
  void scorePrintsAReadableSummaryByDefault() {
    CliRun run = knas("score", "--arch", "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|"
        + "nor_conv_3x3~1|skip_connect~2|", "--samples", "4", "--target", target);
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("index 1, 802,426 parameters"), run.out());
    assertTrue(run.out().contains("score (MGM)"), run.out());
  }

  @Test
  void kernelReturnsTheGramMatrixOnRequest() throws Exception {
    CliRun run = knas("kernel", "--arch", "7", "--samples", "5", "--gram", "--norms", "--json", "--precision",
        "float64", "--target", target);
    assertEquals(0, run.exitCode(), run.err());
    ComputeGradientKernelResponse.Builder response = ComputeGradientKernelResponse.newBuilder();
    JsonFormat.parser().merge(run.out(), response);
    assertEquals(25, response.getGramMatrix().getValuesCount());
    assertEquals(5, response.getSampleGradientNormsCount());
    double mean = response.getGramMatrix().getValuesList().stream().mapToDouble(Double::doubleValue).sum() / 25;
    assertEquals(response.getMgm(), mean, 1e-9 * response.getMgm());
  }

  @Test
  void aRefusedRequestExitsNonZeroWithTheServicesReason() {
    CliRun run = knas("score", "--arch", "|bogus~0|", "--target", target);
    assertEquals(3, run.exitCode());
    assertTrue(run.err().startsWith("knas: INVALID_ARGUMENT: architecture.nb201_string"), run.err());
    assertEquals(1, run.err().strip().lines().count(), run.err());
  }

  @Test
  void anUnreachableServiceIsNamed() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    CliRun run = knas("score", "--arch", "1", "--target", "127.0.0.1:" + port, "--timeout", "20");
    assertEquals(6, run.exitCode());
    assertTrue(run.err().contains("cannot reach the scoring service at 127.0.0.1:" + port), run.err());
  }

  @Test
  void cacheCommandsReadWhatScoringStored() throws Exception {
    CliRun scored = knas("score", "--arch", "11", "--samples", "4", "--seed", "8", "--json", "--target", target);
    assertEquals(0, scored.exitCode(), scored.err());
    ScoreArchitectureResponse.Builder response = ScoreArchitectureResponse.newBuilder();
    JsonFormat.parser().merge(scored.out(), response);
    String key = response.getCache().getKey();

    CliRun byKey = knas("cache", "get", "--key", key, "--json", "--target", target);
    assertEquals(0, byKey.exitCode(), byKey.err());
    LookupScoreResponse.Builder found = LookupScoreResponse.newBuilder();
    JsonFormat.parser().merge(byKey.out(), found);
    assertEquals(response.getValue(), found.getEntry().getValue());

    CliRun byArch = knas("cache", "get", "--arch", "11", "--samples", "4", "--seed", "8", "--target", target);
    assertEquals(0, byArch.exitCode(), byArch.err());
    assertTrue(byArch.out().contains(key), byArch.out());
    CliRun absent = knas("cache", "get", "--arch", "11", "--samples", "4", "--seed", "9", "--target", target);
    assertEquals(4, absent.exitCode(), absent.out());

    CliRun stats = knas("cache", "stats", "--json", "--target", target);
    assertEquals(0, stats.exitCode(), stats.err());
    CacheStats.Builder parsed = CacheStats.newBuilder();
    JsonFormat.parser().merge(stats.out(), parsed);
    assertTrue(parsed.getEntries() >= 1 && parsed.getBytesOnDisk() > 0, stats.out());

    CliRun export = knas("cache", "export", "--target", target);
    assertEquals(0, export.exitCode(), export.err());
    List<String> lines = export.out().strip().lines().toList();
    assertEquals(parsed.getEntries(), lines.size());
    boolean listed = false;
    for (String line : lines) {
      CacheEntry.Builder entry = CacheEntry.newBuilder();
      JsonFormat.parser().merge(line, entry);
      listed |= entry.getKey().equals(key);
    }
    assertTrue(listed, export.out());
  }

  @Test
  void spaceStatsCountsTheCanonicalClasses() throws Exception {
    CliRun run = knas("space", "stats", "--json");
    assertEquals(0, run.exitCode(), run.err());
    JsonNode stats = new ObjectMapper().readTree(run.out());
    assertEquals(15625, stats.get("architectures").asInt());
    assertEquals(5224, stats.get("canonical_classes").asInt());
  }

  @Test
  void trainShowsProgressThenTheResultAndRepeatsFromTheCache() throws Exception {
    String[] training = {"train", "--arch", SMALL_CELL, "--epochs", "2", "--train-size", "48", "--held-out-size",
        "24", "--batch-size", "16", "--seed", "2", "--target", target};
    CliRun first = knas(append(training, "--json"));
    assertEquals(0, first.exitCode(), first.err());
    ShortTrainResult.Builder result = ShortTrainResult.newBuilder();
    JsonFormat.parser().merge(first.out(), result);
    assertEquals(2, result.getCurveCount());
    assertFalse(result.getCache().getHit());
    assertEquals(48, result.getProvenance().getShortTraining().getTrainSize());
    // Not a terminal: one plain line per epoch on standard error, no control characters.
    List<String> progress = first.err().strip().lines().toList();
    assertEquals(2, progress.size(), first.err());
    assertTrue(progress.get(0).startsWith("epoch 1/2: train loss "), first.err());
    assertTrue(first.err().chars().noneMatch(c -> c < 32 && c != '\n'), first.err());

    CliRun again = knas(training);
    assertEquals(0, again.exitCode(), again.err());
    assertTrue(again.out().contains(String.format("held-out accuracy  %.2f%%", result.getHeldOutAccuracy())),
        again.out());
    assertTrue(again.out().contains("cache hit, key " + result.getCache().getKey()), again.out());
    assertTrue(again.out().contains("2 epoch(s), batch 16, lr 0.1, momentum 0.9, weight decay 0.0005"), again.out());

    CliRun score = knas("score", "--fidelity", "short-training", "--arch", SMALL_CELL, "--epochs", "2", "--train-size",
        "48", "--held-out-size", "24", "--batch-size", "16", "--seed", "2", "--json", "--target", target);
    assertEquals(0, score.exitCode(), score.err());
    ScoreArchitectureResponse.Builder response = ScoreArchitectureResponse.newBuilder();
    JsonFormat.parser().merge(score.out(), response);
    assertTrue(response.getCache().getHit());
    assertEquals(result.getHeldOutAccuracy(), response.getValue());
  }

  @Test
  void scoreLooksUpTheBenchmark() throws Exception {
    CliRun run = knas("score", "--fidelity", "benchmark", "--arch", "1", "--json", "--target", target);
    assertEquals(0, run.exitCode(), run.err());
    ScoreArchitectureResponse.Builder response = ScoreArchitectureResponse.newBuilder();
    JsonFormat.parser().merge(run.out(), response);
    assertEquals(90.39, response.getValue());
    assertEquals("validation_accuracy", response.getMetric());
    assertEquals(44.03, response.getBenchmark().getTestAccuracyOrThrow("imagenet16-120"));

    CliRun table = knas("score", "--fidelity", "benchmark", "--arch", "2", "--dataset", "cifar100", "--target", target);
    assertEquals(0, table.exitCode(), table.err());
    assertTrue(table.out().contains("cifar100 test accuracy  54.87%"), table.out());
    assertTrue(table.out().contains("cifar10               81.93      85.74         4534.4"), table.out());

    CliRun missing = knas("score", "--fidelity", "benchmark", "--arch", "3", "--target", target);
    assertEquals(3, missing.exitCode());
    assertEquals("knas: NOT_FOUND: architecture: index 3 is not in this service's benchmark table table.csv",
        missing.err().strip());
  }

  @Test
  void badTrainingArgumentsNameTheArgument() {
    CliRun epochs = knas("train", "--arch", "1", "--epochs", "0", "--target", target);
    assertEquals(2, epochs.exitCode());
    assertTrue(epochs.err().contains("--epochs: 0 is not a positive number"), epochs.err());
    CliRun fidelity = knas("score", "--arch", "1", "--fidelity", "exact", "--target", target);
    assertEquals(2, fidelity.exitCode());
    assertTrue(fidelity.err().contains("--fidelity"), fidelity.err());
    CliRun augmentation = knas("train", "--arch", "1", "--augmentation", "mixup", "--target", target);
    assertEquals(2, augmentation.exitCode());
    assertTrue(augmentation.err().contains("--augmentation"), augmentation.err());
  }

  private static String[] append(String[] args, String... more) {
    String[] all = Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }

  /** A cell whose output is zero whatever the weights: synflow is ln 0 there, which has no value. */
  private static final String EMPTY_CELL = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|";

  @Test
  void scoreComputesZeroCostProxiesAndRepeatsThemFromTheCache() throws Exception {
    String[] args = {"score", "--arch", "1", "--proxy", "naswot,synflow", "--proxy", "params", "--batch-size", "8",
        "--seed", "5", "--target", target};
    CliRun json = knas(append(args, "--json"));
    assertEquals(0, json.exitCode(), json.err());
    ScoreArchitectureResponse.Builder response = ScoreArchitectureResponse.newBuilder();
    JsonFormat.parser().merge(json.out(), response);
    assertEquals(List.of("naswot", "synflow", "params"),
        response.getProxyScoresList().stream().map(ProxyScore::getProxy).toList());
    assertTrue(response.getProxyScoresList().stream().allMatch(ProxyScore::hasValue), json.out());
    double params = response.getProxyScores(2).getValue();
    assertTrue(params == 802426 || Math.abs(params - 0.802426) < 1e-12, "params of index 1: " + params);
    assertEquals(8, response.getProxyScores(0).getProvenance().getZeroCost().getBatchSize());

    CliRun table = knas(args);
    assertEquals(0, table.exitCode(), table.err());
    List<String> lines = table.out().lines().toList();
    assertTrue(lines.get(0).startsWith("architecture |nor_conv_3x3~0|"), table.out());
    int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("proxy      value")).findFirst().orElseThrow());
    for (int row = 0; row < 3; row++) {
      ProxyScore score = response.getProxyScores(row);
      String line = lines.get(header + 1 + row);
      assertTrue(line.startsWith(score.getProxy()), table.out());
      assertTrue(line.contains(String.format("%.10g", score.getValue())), table.out());
      assertTrue(line.contains(score.getProvenance().getDefinitionVersion()), table.out());
      assertTrue(line.endsWith("hit " + score.getCache().getKey()), "a repeat is a cache hit: " + table.out());
    }
    assertTrue(lines.get(header + 4).startsWith("dataset synthetic, batch 8, seed 5, float32, device cpu"),
        table.out());
  }

  @Test
  void aProxyWithoutAValueIsShownAndExitsThree() throws Exception {
    CliRun run = knas("score", "--arch", EMPTY_CELL, "--proxy", "synflow,params", "--target", target);
    assertEquals(3, run.exitCode(), run.out() + run.err());
    assertTrue(run.out().lines().anyMatch(l -> l.startsWith("synflow    OUT_OF_RANGE: ")), run.out());
    assertTrue(run.out().lines().anyMatch(l -> l.startsWith("params ")), run.out());
    assertEquals("knas: 1 of 2 proxies could not be computed", run.err().strip());

    CliRun alone = knas("score", "--arch", EMPTY_CELL, "--proxy", "synflow", "--target", target);
    assertEquals(3, alone.exitCode());
    assertTrue(alone.err().startsWith("knas: OUT_OF_RANGE: "), alone.err());
    assertEquals(1, alone.err().strip().lines().count(), alone.err());
  }

  @Test
  void scoreOverAFileHasAColumnPerProxy() throws Exception {
    Path file = store.resolve("proxies.txt");
    Files.write(file, List.of("1", EMPTY_CELL));
    CliRun table = knas("score", "--arch", file.toString(), "--proxy", "params,synflow", "--target", target);
    assertEquals(3, table.exitCode(), table.err());
    assertTrue(table.out().startsWith("entry  index   params         synflow        architecture or error"),
        table.out());
    assertTrue(table.out().lines().anyMatch(l -> l.startsWith("1      1       ") && !l.contains("OUT_OF_RANGE")),
        table.out());
    assertTrue(table.out().lines().anyMatch(l -> l.contains("OUT_OF_RANGE") && l.endsWith(EMPTY_CELL)),
        table.out());
    // Standard error is no terminal here: the progress as plain lines, then the failure.
    List<String> errors = table.err().strip().lines().toList();
    assertTrue(errors.get(0).startsWith("scoring: 1/2 architectures (50%), elapsed "), table.err());
    assertEquals("knas: 1 proxy values could not be computed", errors.get(errors.size() - 1));

    CliRun lines = knas("score", "--arch", file.toString(), "--proxy", "params", "--json", "--target", target);
    assertEquals(0, lines.exitCode(), lines.err());
    List<String> results = lines.out().strip().lines().toList();
    assertEquals(2, results.size());
    for (String line : results) {
      ScoreArchitecturesResult.Builder result = ScoreArchitecturesResult.newBuilder();
      JsonFormat.parser().merge(line, result);
      assertEquals("params", result.getScore().getProxyScores(0).getProxy());
    }
  }

  @Test
  void proxiesListsWhatTheServiceComputes() throws Exception {
    CliRun json = knas("proxies", "--json", "--target", target);
    assertEquals(0, json.exitCode(), json.err());
    ListProxiesResponse.Builder response = ListProxiesResponse.newBuilder();
    JsonFormat.parser().merge(json.out(), response);
    List<String> names = response.getProxiesList().stream().map(ProxyInfo::getName).toList();
    assertTrue(names.containsAll(List.of("params", "flops", "naswot", "synflow", "jacov", "mgm")), names.toString());
    CliRun table = knas("proxies", "--target", target);
    assertEquals(0, table.exitCode(), table.err());
    for (ProxyInfo proxy : response.getProxiesList()) {
      assertTrue(table.out().lines().anyMatch(l -> l.startsWith(proxy.getName() + " ")
          && l.contains(proxy.getDefinitionVersion())), table.out());
    }
  }

  @Test
  void anUnknownProxyIsTheServicesRefusal() {
    CliRun run = knas("score", "--arch", "1", "--proxy", "naswot,bogus", "--target", target);
    assertEquals(3, run.exitCode(), run.out());
    assertTrue(run.err().startsWith("knas: INVALID_ARGUMENT: "), run.err());
    assertTrue(run.err().contains("bogus") && run.err().contains("naswot"), "names the known ones: " + run.err());
    assertEquals(1, run.err().strip().lines().count(), run.err());
  }

  @Test
  void badArgumentsNameTheArgument() {
    CliRun run = knas("score", "--arch", "1", "--precision", "float16", "--target", target);
    assertEquals(2, run.exitCode());
    assertTrue(run.err().startsWith("knas score: --precision"), run.err());
    assertEquals(1, run.err().strip().lines().count(), "one line: " + run.err());
  }
}
