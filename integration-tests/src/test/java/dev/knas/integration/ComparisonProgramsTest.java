package dev.knas.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.knas.scoring.testing.InProcessService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/knas compare} and {@code bin/strategy report} as processes against the real service: strategies
 * found in the catalog, per-strategy variants, and the typed summaries they tabulate.
 */
class ComparisonProgramsTest {

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
  void compareRunsCatalogStrategiesAndVariantsAndReportTabulatesThem() throws Exception {
    Path out = temp.resolve("compare");
    String variant = "knas:proxy=ensemble(naswot,params)";
    Run compare = run("bin/knas", "compare", "--strategies", "random," + variant + ",free-evolution", "--seeds",
        "1", "--budget", "2", "--candidates", "4", "--top-k", "2", "--screen-budget", "6", "--population", "3",
        "--sample-size", "2", "--samples", "8", "--batch-size", "8", "--parallel", "2", "--target", target,
        "--out", out.toString(), "--json");
    assertEquals(0, compare.code(), compare.err());
    String table = JSON.readTree(compare.out()).get("table").asText();
    for (String row : List.of("| random | 1 |", "| " + variant + " | 1 |", "| free-evolution | 1 |")) {
      assertTrue(table.contains(row), table);
    }
    JsonNode knasRun = JSON.readTree(out.resolve("runs/knas-proxy-ensemble-naswot-params/seed-0/run.json")
        .toFile());
    assertEquals("ensemble(naswot,params)", knasRun.get("options").get("strategy").get("proxy").asText());
    assertEquals(4, knasRun.get("options").get("strategy").get("candidates").asInt());
    JsonNode free = JSON.readTree(out.resolve("runs/free-evolution/seed-0/summary.json").toFile());
    assertEquals(6, free.get("evaluations").get("kernel").asInt());
    assertEquals(3, free.get("options").get("strategy").get("population").asInt());

    Run report = run("bin/strategy", "report", out.resolve("runs").toString());
    assertEquals(0, report.code(), report.err());
    for (String row : List.of("| random | 1 |", "| knas | 1 |", "| free-evolution | 1 |")) {
      assertTrue(report.out().contains(row), report.out());
    }

    Run refused = run("bin/knas", "compare", "--strategies", "random:proxy=naswot", "--target", target, "--out",
        temp.resolve("refused").toString());
    assertEquals(2, refused.code(), refused.err());
    assertTrue(refused.err().contains("--strategies: 'random:proxy=naswot': random has no option --proxy"),
        refused.err());
  }

  private record Run(int code, String out, String err) {}

  private static Run run(String... command) throws Exception {
    Path stdout = Files.createTempFile(temp, "out", ".txt");
    Path stderr = Files.createTempFile(temp, "err", ".txt");
    Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile()).start();
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), String.join(" ", command) + " did not finish");
    return new Run(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
  }
}
