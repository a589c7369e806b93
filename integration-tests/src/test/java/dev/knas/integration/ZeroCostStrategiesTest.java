package dev.knas.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.knas.scoring.testing.InProcessService;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.space.nb201.Operation;
import dev.knas.strategy.knas.KnasTopK;
import dev.knas.strategy.screening.ScreeningRank;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The strategies that screen with zero-cost proxies, as separate processes against the real service (CIFAR-10
 * subset and NAS-Bench-201's table from ../shared/data): KNAS with an ensemble, training-free evolution killed
 * with SIGKILL and resumed, a proxy without a finite value for some cells, and their refusals. Small batches and
 * budgets keep it short on two cores.
 */
class ZeroCostStrategiesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] SMALL = {"--samples", "8", "--batch-size", "8"};
  private static String target;

  @TempDir
  static Path temp;

  @AutoClose
  static InProcessService service;

  @BeforeAll
  static void start() throws Exception {
    service = InProcessService.builder(temp.resolve("scores")).sharedDataAndTable().queueCapacity(16).start();
    target = service.target();
  }

  @Test
  void knasRanksItsCandidatesByAnEnsembleVoteAndEvaluatesTheTopK() throws Exception {
    Path out = temp.resolve("knas-ensemble");
    String ensemble = "ensemble(naswot,synflow,params)";
    StrategyProgram.Exit exit = StrategyProgram.run("knas", temp.resolve("logs"), with(SMALL, "--target", target,
        "--out", out.toString(), "--candidates", "8", "--top-k", "3", "--proxy", ensemble, "--seed", "5"));
    assertEquals(0, exit.code(), exit.err());

    List<JsonNode> journal = journal(out);
    List<JsonNode> screened = journal.subList(0, 8);
    List<Map<String, Double>> values = new ArrayList<>();
    for (JsonNode line : screened) {
      assertEquals("kernel", line.get("stage").asText());
      assertEquals("zero_cost", line.get("fidelity").asText());
      assertEquals(ensemble, line.get("metric").asText());
      assertFalse(line.has("value"), "an ensemble's rank depends on every candidate: " + line);
      Map<String, Double> proxies = new HashMap<>();
      line.get("proxies").fields().forEachRemaining(f -> proxies.put(f.getKey(), f.getValue().asDouble()));
      int errors = line.has("proxy_errors") ? line.get("proxy_errors").size() : 0;
      assertEquals(3, proxies.size() + errors, "every proxy has a value or an error: " + line);
      assertTrue(proxies.containsKey("params"), line.toString());
      values.add(proxies);
    }
    double[] votes = ScreeningRank.parse(ensemble).scores(values);
    List<String> expected = IntStream.range(0, 8).boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -votes[i]).thenComparingInt(i -> i)).limit(3)
        .map(i -> screened.get(i).get("architecture").asText()).toList();
    assertEquals(expected, journal.subList(8, 11).stream().map(n -> n.get("architecture").asText()).toList());
    JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
    assertEquals(ensemble, summary.get("options").get("strategy").get("proxy").asText());
    assertEquals(8, summary.get("evaluations").get("kernel").asInt());
    assertEquals(3, summary.get("evaluations").get("evaluation").asInt());
  }

  @Test
  void aProxyWithoutAFiniteValueFailsThatCandidateAndTheSearchGoesOn() throws Exception {
    // synflow is ln 0 (OUT_OF_RANGE) for a cell whose output is zero (no path from its input to its output).
    int seed = 0;
    while (knasCandidates(seed, 12).stream().noneMatch(ZeroCostStrategiesTest::outputIsZero)) {
      seed++;
    }
    Path out = temp.resolve("knas-synflow");
    StrategyProgram.Exit exit = StrategyProgram.run("knas", temp.resolve("logs"), with(SMALL, "--target", target,
        "--out", out.toString(), "--candidates", "12", "--top-k", "2", "--proxy", "synflow", "--seed",
        Integer.toString(seed)));
    assertEquals(0, exit.code(), exit.err());
    List<JsonNode> failed = journal(out).stream().filter(n -> n.has("error")).toList();
    assertEquals(knasCandidates(seed, 12).stream().filter(ZeroCostStrategiesTest::outputIsZero)
        .map(Nb201Architecture::toBenchmarkString).toList(),
        failed.stream().map(n -> n.get("architecture").asText()).toList());
    for (JsonNode line : failed) {
      assertTrue(line.get("error").asText().startsWith("OUT_OF_RANGE"), line.toString());
      assertFalse(line.has("value"));
    }
    JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
    assertEquals(failed.size(), summary.get("evaluations").get("failed").asInt());
    assertEquals(2, summary.get("evaluations").get("evaluation").asInt());
    assertTrue(exit.err().contains(failed.size() + " evaluations failed for good"), exit.err());
  }

  @Test
  void trainingFreeEvolutionKilledWithSigkillResumesToTheSameResult() throws Exception {
    String[] options = with(SMALL, "--target", target, "--population", "4", "--sample-size", "2",
        "--screen-budget", "14", "--top-k", "2", "--proxy", "ensemble(naswot,params)", "--concurrency", "2",
        "--seed", "7");
    Path killed = temp.resolve("free-killed");
    StrategyProgram running = StrategyProgram.start("free-evolution", temp.resolve("logs"), with(options, "--out",
        killed.toString()));
    Path journalFile = killed.resolve("journal.jsonl");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (lines(journalFile) < 6 && running.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(running.isAlive(), "the search ended before it could be killed");
    running.kill();
    int journaled = lines(journalFile);
    assertTrue(journaled >= 6 && journaled < 14, "killed after " + journaled + " screenings");

    StrategyProgram.Exit resumed = StrategyProgram.run("free-evolution", temp.resolve("logs"), with(options,
        "--out", killed.toString(), "--resume"));
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.err().contains("resuming from " + journaled + " journaled evaluations"), resumed.err());

    Path whole = temp.resolve("free-whole");
    StrategyProgram.Exit uninterrupted = StrategyProgram.run("free-evolution", temp.resolve("logs"), with(options,
        "--out", whole.toString()));
    assertEquals(0, uninterrupted.code(), uninterrupted.err());
    assertEquals(outcomes(whole), outcomes(killed));
    assertEquals(14 + 2, journal(whole).size());
    assertEquals(14, journal(whole).stream().map(n -> n.get("architecture").asText()).limit(14).distinct().count(),
        "every screening is of a different architecture");
    JsonNode a = JSON.readTree(killed.resolve("summary.json").toFile());
    JsonNode b = JSON.readTree(whole.resolve("summary.json").toFile());
    assertEquals(b.get("best"), a.get("best"));
    assertEquals("free-evolution", a.get("strategy").asText());
    assertEquals(journaled, a.get("evaluations").get("replayed_from_journal").asInt());
  }

  @Test
  void badProxiesAndBudgetsExitWithCodeTwoBeforeAnythingIsWritten() throws Exception {
    List<String[]> refusals = List.of(
        new String[] {"knas", "--proxy", "ensemble(naswot,nosuch)"},
        new String[] {"knas", "--proxy", "ensemble(naswot,synflow"},
        new String[] {"free-evolution", "--proxy", "naswot+synflow"},
        new String[] {"free-evolution", "--screen-budget", "3", "--top-k", "4"},
        new String[] {"knas", "--proxy", "zico", "--batch-size", "4000"},
        new String[] {"knas", "--max-failures", "0"});
    List<String> expected = List.of(
        "--proxy ensemble(naswot,nosuch): the service computes no proxy 'nosuch'; it has ",
        "--proxy: proxy expression 'ensemble(naswot,synflow': missing ')'",
        "--proxy: proxy expression 'naswot+synflow': 'naswot+synflow' is not a proxy name",
        "--top-k must be in 1..--screen-budget (3), got 4",
        "screening with zico refused by the service: INVALID_ARGUMENT",
        "--max-failures must be at least 1");
    for (int i = 0; i < refusals.size(); i++) {
      String[] refusal = refusals.get(i);
      Path out = temp.resolve("refused" + i);
      List<String> args = new ArrayList<>(List.of("--out", out.toString(), "--target", target));
      args.addAll(List.of(refusal).subList(1, refusal.length));
      StrategyProgram.Exit exit = StrategyProgram.run(refusal[0], temp.resolve("refusals"),
          args.toArray(String[]::new));
      assertEquals(2, exit.code(), String.join(" ", refusal) + ": " + exit.err());
      // The reason is the first line; the telemetry SDK may log its shutdown after it.
      assertTrue(exit.err().lines().findFirst().orElse("").contains(expected.get(i)), exit.err());
      assertFalse(Files.exists(out), "nothing is written: " + String.join(" ", refusal));
    }
  }

  /** The N candidates KNAS draws with {@code seed}. */
  private static List<Nb201Architecture> knasCandidates(long seed, int candidates) {
    KnasTopK knas = new KnasTopK(seed, candidates, 1, ScreeningRank.parse("synflow"));
    return IntStream.range(0, candidates).mapToObj(i -> knas.ask().orElseThrow().architecture()).toList();
  }

  /** Whether no chain of edges other than none leads from the cell's input (node 0) to its output (node 3). */
  private static boolean outputIsZero(Nb201Architecture cell) {
    boolean[] reached = new boolean[Nb201Architecture.NODES];
    reached[0] = true;
    for (int target = 1; target < Nb201Architecture.NODES; target++) {
      for (int source = 0; source < target; source++) {
        reached[target] |= reached[source] && cell.op(target, source) != Operation.NONE;
      }
    }
    return !reached[Nb201Architecture.NODES - 1];
  }

  /** What a journal decided: each line's sequence, stage, architecture, score and proxies. */
  private static List<String> outcomes(Path out) throws IOException {
    return journal(out).stream().map(n -> n.get("sequence").asInt() + " " + n.get("stage").asText() + " "
        + n.get("architecture").asText() + " " + n.path("value") + " " + n.path("proxies") + " "
        + n.path("error")).toList();
  }

  private static List<JsonNode> journal(Path out) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve("journal.jsonl"))) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }

  private static int lines(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    return (int) Files.readString(file).chars().filter(c -> c == '\n').count();
  }

  private static String[] with(String[] options, String... more) {
    List<String> all = new ArrayList<>(List.of(options));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }
}
