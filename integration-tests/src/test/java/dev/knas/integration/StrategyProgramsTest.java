package dev.knas.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.knas.scoring.testing.InProcessService;
import dev.knas.scoring.testing.ServiceProcess;
import dev.knas.v1.CacheStats;
import dev.knas.v1.GetCacheStatsRequest;
import dev.knas.v1.ScoreCacheServiceGrpc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three strategy programs as separate processes against the real service (CIFAR-10 subset and NAS-Bench-201's
 * table from ../shared/data), with the benchmark fidelity: their journals and summaries, their refusals, and a
 * search killed with SIGKILL and resumed.
 */
class StrategyProgramsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
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
  void allThreeStrategiesSearchTheBenchmark() throws Exception {
    Path random = temp.resolve("random");
    Path evolution = temp.resolve("evolution");
    Path knas = temp.resolve("knas");
    StrategyProgram.Exit r = StrategyProgram.run("random", temp.resolve("logs"), "--target", target,
        "--out", random.toString(), "--budget", "15", "--seed", "3");
    StrategyProgram.Exit e = StrategyProgram.run("evolution", temp.resolve("logs"), "--target", target,
        "--out", evolution.toString(), "--budget", "25", "--population", "5", "--sample-size", "2",
        "--concurrency", "2", "--seed", "3");
    StrategyProgram.Exit k = StrategyProgram.run("knas", temp.resolve("logs"), "--target", target,
        "--out", knas.toString(), "--candidates", "10", "--top-k", "3", "--samples", "8", "--seed", "3");
    for (StrategyProgram.Exit exit : List.of(r, e, k)) {
      assertEquals(0, exit.code(), exit.err());
    }
    checkSearch(random, "random", 15, 0);
    checkSearch(evolution, "evolution", 25, 0);
    checkSearch(knas, "knas", 3, 10);
    assertEquals(JSON.readTree(Files.readString(random.resolve("summary.json"))), JSON.readTree(r.out()),
        "the summary is also printed");

    List<JsonNode> knasJournal = journal(knas);
    List<String> topByMgm = knasJournal.stream().filter(n -> n.get("stage").asText().equals("kernel"))
        .sorted(Comparator.comparingDouble((JsonNode n) -> -n.get("value").asDouble()))
        .limit(3).map(n -> n.get("architecture").asText()).toList();
    List<String> evaluated = knasJournal.stream().filter(n -> n.get("stage").asText().equals("evaluation"))
        .map(n -> n.get("architecture").asText()).toList();
    assertEquals(topByMgm, evaluated, "KNAS evaluates the three highest MGM, highest first");
    for (JsonNode line : knasJournal.subList(0, 10)) {
      assertEquals("zero_cost", line.get("fidelity").asText());
      assertEquals("mgm", line.get("metric").asText());
    }
  }

  /** Journal and summary agree with each other and with the benchmark's rules. */
  private static void checkSearch(Path out, String strategy, int evaluations, int kernel) throws IOException {
    List<JsonNode> journal = journal(out);
    assertEquals(evaluations + kernel, journal.size());
    double wall = 0;
    double cost = 0;
    JsonNode best = null;
    for (int i = 0; i < journal.size(); i++) {
      JsonNode line = journal.get(i);
      assertEquals(i, line.get("sequence").asInt());
      wall += line.get("wall_seconds").asDouble();
      cost += line.get("cost_seconds").asDouble();
      assertEquals(wall, line.get("cumulative_wall_seconds").asDouble(), 1e-6);
      assertEquals(cost, line.get("cumulative_cost_seconds").asDouble(), 1e-6);
      if (line.get("stage").asText().equals("evaluation")) {
        assertEquals("benchmark", line.get("fidelity").asText());
        assertEquals("validation_accuracy", line.get("metric").asText());
        assertEquals(line.get("validation_accuracy").get("cifar10").asDouble(), line.get("value").asDouble());
        assertTrue(line.get("test_accuracy").has("imagenet16-120"), line.toString());
        assertTrue(line.get("cost_seconds").asDouble() > 1000, "the benchmark's training seconds: " + line);
        if (best == null || line.get("value").asDouble() > best.get("value").asDouble()) {
          best = line;
        }
      }
    }
    JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
    assertEquals(strategy, summary.get("strategy").asText());
    assertEquals("0.1.0", summary.get("version").asText());
    assertEquals(3, summary.get("seed").asInt());
    assertEquals(evaluations, summary.get("evaluations").get("evaluation").asInt());
    assertEquals(kernel, summary.get("evaluations").get("kernel").asInt());
    assertEquals(cost, summary.get("cost_seconds").asDouble(), 1e-6);
    JsonNode found = summary.get("best");
    assertEquals(best.get("architecture").asText(), found.get("architecture").asText());
    assertEquals(best.get("value").asDouble(), found.get("validation_accuracy").get("cifar10").asDouble());
    for (String dataset : List.of("cifar10", "cifar100", "imagenet16-120")) {
      assertEquals(best.get("test_accuracy").get(dataset).asDouble(),
          found.get("test_accuracy").get(dataset).asDouble(), dataset);
    }
    assertEquals("benchmark", summary.get("options").get("fidelity").asText());
  }

  @Test
  void invalidOptionsExitWithCodeTwo() throws Exception {
    Path logs = temp.resolve("refusals");
    List<String[]> refusals = List.of(
        new String[] {"random", "--budget", "0"},
        new String[] {"knas", "--candidates", "5", "--top-k", "6"},
        new String[] {"evolution", "--dataset", "fashion-mnist"},
        new String[] {"random", "--dataset", "cifar100"},
        new String[] {"random", "--fidelity", "exact"},
        new String[] {"random", "--target", "http://localhost:50051"});
    List<String> expected = List.of("--budget must be at least 1", "--top-k must be in 1..--candidates",
        "fashion-mnist", "no validation accuracy", "--fidelity", "--target: 'http://localhost:50051' is not"
            + " host:port");
    for (int i = 0; i < refusals.size(); i++) {
      String[] refusal = refusals.get(i);
      List<String> args = new ArrayList<>(List.of("--out", temp.resolve("refused" + i).toString()));
      if (!List.of(refusal).contains("--target")) {
        args.addAll(List.of("--target", target));
      }
      args.addAll(List.of(refusal).subList(1, refusal.length));
      StrategyProgram.Exit exit = StrategyProgram.run(refusal[0], logs, args.toArray(String[]::new));
      assertEquals(2, exit.code(), String.join(" ", refusal) + ": " + exit.err());
      assertTrue(exit.err().contains(expected.get(i)), exit.err());
      assertFalse(Files.exists(temp.resolve("refused" + i).resolve("journal.jsonl")));
    }
  }

  @Test
  void aSearchKilledWithSigkillResumesWithoutAskingTwiceAndEndsAsAnUninterruptedOne() throws Exception {
    Path killed = temp.resolve("killed");
    String[] options = {"--target", target, "--candidates", "30", "--top-k", "4", "--samples", "8",
        "--concurrency", "2", "--seed", "11"};
    StrategyProgram running = StrategyProgram.start("knas", temp.resolve("logs"), with(options, "--out",
        killed.toString()));
    Path journalFile = killed.resolve("journal.jsonl");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (lines(journalFile) < 5 && running.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(running.isAlive(), "the search ended before it could be killed");
    running.kill();
    int journaled = lines(journalFile);
    assertTrue(journaled >= 5 && journaled < 30, "killed after " + journaled + " kernel evaluations");

    long requestsBefore = kernelRequests();
    StrategyProgram.Exit resumed = StrategyProgram.run("knas", temp.resolve("logs"), with(options, "--out",
        killed.toString(), "--resume"));
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.err().contains("resuming from " + journaled + " journaled evaluations"), resumed.err());
    assertEquals(30 - journaled, kernelRequests() - requestsBefore,
        "the resumed search asked only for the kernels its journal lacked");

    Path whole = temp.resolve("uninterrupted");
    StrategyProgram.Exit uninterrupted = StrategyProgram.run("knas", temp.resolve("logs"), with(options, "--out",
        whole.toString()));
    assertEquals(0, uninterrupted.code(), uninterrupted.err());
    assertEquals(outcomes(whole), outcomes(killed));
    JsonNode a = JSON.readTree(killed.resolve("summary.json").toFile()).get("best");
    JsonNode b = JSON.readTree(whole.resolve("summary.json").toFile()).get("best");
    assertEquals(b, a);
    assertEquals(journaled, JSON.readTree(killed.resolve("summary.json").toFile()).get("evaluations")
        .get("replayed_from_journal").asInt());
  }

  @Test
  void aServiceThatStaysBusyIsRetriedByTheServiceConfigAloneThenEndsTheSearch() throws Exception {
    // No room in the engine queue: every computation is RESOURCE_EXHAUSTED, a transient status.
    try (ServiceProcess busy = ServiceProcess.fromLauncher(temp.resolve("logs")).store(temp.resolve("busy-scores"))
        .args("--queue-capacity", "0", "--access-log").start()) {
      Path out = temp.resolve("busy");
      StrategyProgram.Exit exit = StrategyProgram.run("knas", temp.resolve("logs"), "--target",
          busy.target(), "--dataset", "synthetic", "--fidelity", "short-training", "--candidates", "3",
          "--top-k", "1", "--out", out.toString());
      assertEquals(1, exit.code(), exit.err());
      assertTrue(exit.err().contains("RESOURCE_EXHAUSTED"), exit.err());
      assertTrue(exit.err().contains("(through the service config's retries)"), exit.err());
      assertEquals(1, exit.err().lines().count(), exit.err());
      assertEquals(0, lines(out.resolve("journal.jsonl")));
      assertFalse(Files.exists(out.resolve("summary.json")));
      // The service config's 5 attempts of the first screening, and no loop of the strategy's own around them:
      // one access-log line per call the service received.
      long attempts = refusedCalls(busy.awaitOutput("status=RESOURCE_EXHAUSTED"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (attempts < 5 && System.nanoTime() < deadline) {
        Thread.sleep(100);
        attempts = refusedCalls(busy.output());
      }
      assertEquals(5, attempts, busy.output());
    }
  }

  private static long refusedCalls(String log) {
    return log.lines().filter(line -> line.contains("rpc=ScoreArchitecture")
        && line.contains("status=RESOURCE_EXHAUSTED")).count();
  }

  /** What a journal decided: each line's sequence, stage, architecture and score. */
  private static List<String> outcomes(Path out) throws IOException {
    return journal(out).stream().map(n -> n.get("sequence").asInt() + " " + n.get("stage").asText() + " "
        + n.get("architecture").asText() + " " + n.get("value").asDouble()).toList();
  }

  private static long kernelRequests() {
    CacheStats stats = ScoreCacheServiceGrpc.newBlockingStub(service.channel())
        .getCacheStats(GetCacheStatsRequest.getDefaultInstance());
    return stats.getHits() + stats.getMisses() + stats.getCoalesced();
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
