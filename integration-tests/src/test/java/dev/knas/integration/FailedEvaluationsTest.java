package dev.knas.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.knas.scoring.TestData;
import dev.knas.scoring.testing.InProcessService;
import dev.knas.strategy.random.RandomSearch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evaluations that fail for good, against the real service with a partial benchmark table (NOT_FOUND for the
 * architectures it lacks): journaled and told, the search goes on; failures in a row end it.
 */
class FailedEvaluationsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path temp;

  @Test
  void architecturesThePartialTableLacksFailAndTheSearchGoesOn() throws Exception {
    IntPredicate kept = index -> index % 2 == 0;
    try (InProcessService service = serviceWithTable(kept)) {
      Path out = temp.resolve("half");
      StrategyProgram.Exit exit = StrategyProgram.run("random", temp.resolve("logs"), "--target",
          service.target(), "--out", out.toString(), "--budget", "12", "--seed", "0");
      assertEquals(0, exit.code(), exit.err());
      List<Integer> drawn = randomDraws(0, 12);
      List<JsonNode> journal = journal(out);
      assertEquals(drawn, journal.stream().map(n -> n.get("index").asInt()).toList());
      for (JsonNode line : journal) {
        boolean missing = !kept.test(line.get("index").asInt());
        assertEquals(missing, line.has("error"), line.toString());
        if (missing) {
          assertTrue(line.get("error").asText().startsWith("NOT_FOUND"), line.toString());
        }
      }
      long failed = drawn.stream().filter(i -> !kept.test(i)).count();
      assertTrue(failed > 0 && failed < 12, "seed 0 draws both kinds: " + drawn);
      JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
      assertEquals(failed, summary.get("evaluations").get("failed").asLong());
      assertEquals(12, summary.get("evaluations").get("evaluation").asInt());
      assertTrue(kept.test(summary.get("best").get("index").asInt()));
    }
  }

  @Test
  void failuresInARowEndTheSearchWithExitCodeOne() throws Exception {
    // Only index 0 (the service check's probe) is in the table; seed 0 never draws it.
    assertFalse(randomDraws(0, 3).contains(0));
    try (InProcessService service = serviceWithTable(index -> index == 0)) {
      Path out = temp.resolve("empty");
      StrategyProgram.Exit exit = StrategyProgram.run("random", temp.resolve("logs"), "--target",
          service.target(), "--out", out.toString(), "--budget", "12", "--seed", "0",
          "--max-failures", "3");
      assertEquals(1, exit.code(), exit.err());
      assertTrue(exit.err().contains("3 evaluations in a row failed (--max-failures 3)"), exit.err());
      assertEquals(3, journal(out).size(), "each failure is journaled before the search ends");
      assertFalse(Files.exists(out.resolve("summary.json")));
    }
  }

  /** The real service with NAS-Bench-201's table cut down to the indices {@code kept} accepts. */
  private InProcessService serviceWithTable(IntPredicate kept) throws IOException {
    List<String> lines = Files.readAllLines(TestData.nb201Table());
    List<String> partial = new ArrayList<>(List.of(lines.get(0)));
    lines.stream().skip(1).filter(l -> kept.test(Integer.parseInt(l.substring(0, l.indexOf(','))))).forEach(
        partial::add);
    Path table = Files.write(Files.createTempFile(temp, "nb201-partial", ".csv"), partial);
    return InProcessService.builder(Files.createTempDirectory(temp, "scores")).sharedData().benchmarkTable(table)
        .queueCapacity(16).start();
  }

  /** The indices random search draws first with {@code seed}. */
  private static List<Integer> randomDraws(long seed, int count) {
    RandomSearch search = new RandomSearch(seed);
    return IntStream.range(0, count).mapToObj(i -> search.ask().orElseThrow().architecture().index()).toList();
  }

  private static List<JsonNode> journal(Path out) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve("journal.jsonl"))) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }
}
