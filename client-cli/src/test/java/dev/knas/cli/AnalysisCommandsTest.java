package dev.knas.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.util.JsonFormat;
import dev.knas.ensemble.ProxyExpression;
import dev.knas.ensemble.RankVote;
import dev.knas.scoring.testing.InProcessService;
import dev.knas.v1.ScoreArchitecturesResult;
import io.grpc.health.v1.HealthCheckResponse;
import java.awt.image.BufferedImage;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import javax.imageio.ImageIO;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.math3.stat.correlation.KendallsCorrelation;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that analyse searches and proxies (health, score over a file, correlate, compare) against the real
 * service with the CIFAR-10 subset and NAS-Bench-201's table from ../shared/data; compare runs the real
 * bin/strategy-* programs.
 */
class AnalysisCommandsTest {

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

  private static CliRun knas(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--target", target));
    return CliRun.knas(all.toArray(String[]::new));
  }

  @Test
  void healthIsServing() throws Exception {
    CliRun run = knas("health", "--json");
    assertEquals(0, run.exitCode(), run.err());
    HealthCheckResponse.Builder response = HealthCheckResponse.newBuilder();
    JsonFormat.parser().merge(run.out(), response);
    assertEquals(HealthCheckResponse.ServingStatus.SERVING, response.getStatus());
    assertEquals(0, knas("health", "--service", "knas.v1.ScoringService").exitCode());
  }

  @Test
  void scoreStreamsAFileOfArchitectures() throws Exception {
    Path file = temp.resolve("architectures.txt");
    Files.write(file, List.of("# three good, one bad", "1", "",
        "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|",
        "not-an-architecture", "7777"));
    CliRun run = knas("score", "--arch", file.toString(), "--fidelity", "benchmark", "--json");
    assertEquals(3, run.exitCode(), run.err());
    assertTrue(run.err().contains("1 of 4 architectures could not be scored"), run.err());
    Set<Integer> positions = new HashSet<>();
    for (String line : run.out().strip().split("\n")) {
      ScoreArchitecturesResult.Builder result = ScoreArchitecturesResult.newBuilder();
      JsonFormat.parser().merge(line, result);
      positions.add(result.getPosition());
      if (result.getPosition() == 2) {
        assertEquals(3, result.getError().getCode(), line);
      } else {
        assertEquals("validation_accuracy", result.getScore().getMetric());
      }
    }
    assertEquals(Set.of(0, 1, 2, 3), positions);
    CliRun table = knas("score", "--arch", file.toString(), "--samples", "4");
    assertTrue(table.out().contains("7777"), table.out());
    assertTrue(table.out().contains("INVALID_ARGUMENT"), table.out());
  }

  @Test
  void correlateRanksProxiesAndEnsemblesOverSeedsAndRepeatsFromTheCache() throws Exception {
    Path out = temp.resolve("correlation");
    String[] args = {"correlate", "--proxy", "mgm", "--proxy", " ensemble( naswot, synflow )", "--dataset",
        "cifar10", "--sample", "12", "--samples", "8", "--batch-size", "8", "--seeds", "0,1", "--seed", "1",
        "--out", out.toString(), "--json"};
    CliRun run = knas(args);
    assertEquals(0, run.exitCode(), run.err());
    JsonNode result = JSON.readTree(run.out());
    assertEquals(result, JSON.readTree(out.resolve("correlation.json").toFile()));
    assertEquals(List.of("mgm", "naswot", "synflow"), texts(result.get("proxies")));
    assertEquals(List.of("mgm", "ensemble(naswot,synflow)"),
        StreamSupport.stream(result.get("rows").spliterator(), false).map(r -> r.get("proxy").asText()).toList());
    for (JsonNode row : result.get("rows")) {
      assertEquals(Set.of("validation_cifar10", "test_cifar10", "test_cifar100", "test_imagenet16-120"),
          fieldNames(row.get("targets")));
    }
    int values = result.get("cache").get("hits").asInt() + result.get("cache").get("computed").asInt();
    assertTrue(values > 0 && values <= 12 * 2 * 3, result.toString());

    List<CSVRecord> pairs;
    try (Reader reader = Files.newBufferedReader(out.resolve("pairs.csv"))) {
      pairs = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader).getRecords();
    }
    assertEquals(12, pairs.size());
    // The rank vote, recomputed from the per-seed values the file records (empty: absent).
    Map<String, List<double[]>> perSeed = new HashMap<>();
    for (String proxy : List.of("naswot", "synflow")) {
      perSeed.put(proxy, List.of(column(pairs, proxy + " seed 0"), column(pairs, proxy + " seed 1")));
    }
    assertArrayEquals(RankVote.scores(ProxyExpression.parse("ensemble(naswot,synflow)"), perSeed),
        column(pairs, "ensemble(naswot,synflow) score"), 1e-9);
    assertArrayEquals(RankVote.ranks(column(pairs, "mgm seed 1")), column(pairs, "mgm seed 1 rank"), 1e-9);
    double[] test = column(pairs, "test_cifar10");
    for (JsonNode row : result.get("rows")) {
      double[] score = column(pairs, row.get("proxy").asText() + " score");
      assertEquals(new KendallsCorrelation().correlation(score, test),
          row.get("targets").get("test_cifar10").get("kendall_tau_b").asDouble(), 1e-12);
    }
    assertPng(out.resolve("scatter.png"));

    CliRun again = knas(args);
    assertEquals(0, again.exitCode(), again.err());
    JsonNode repeat = JSON.readTree(again.out());
    assertEquals(values, repeat.get("cache").get("hits").asInt(), "every value from the cache: " + repeat);
    assertEquals(0, repeat.get("cache").get("computed").asInt());
    assertEquals(result.get("rows"), repeat.get("rows"));
  }

  @Test
  void correlateAllProxiesPrintsOneTable() throws Exception {
    CliRun proxies = knas("proxies", "--json");
    assertEquals(0, proxies.exitCode(), proxies.err());
    List<String> rows = new ArrayList<>();
    JSON.readTree(proxies.out()).get("proxies").forEach(p -> rows.add(p.get("name").asText()));
    rows.add("ensemble(naswot,synflow,jacov,params)");
    Path out = temp.resolve("all-proxies");
    CliRun run = knas("correlate", "--all-proxies", "--sample", "12", "--samples", "8", "--batch-size", "8",
        "--seed", "2", "--out", out.toString());
    assertEquals(0, run.exitCode(), run.err());
    List<String> lines = run.out().lines().toList();
    assertTrue(lines.get(0).startsWith("zero-cost proxies on cifar10 against NAS-Bench-201: 12 architectures"),
        run.out());
    for (String row : rows) {
      for (String target : List.of("validation_cifar10", "test_cifar10", "test_cifar100", "test_imagenet16-120")) {
        assertEquals(1, lines.stream().filter(l -> l.matches(Pattern.quote(row) + " +" + Pattern.quote(target)
            + " .*")).count(), row + " " + target + ": " + run.out());
      }
    }
    assertTrue(run.out().contains("best by Spearman rho on test_cifar10: "), run.out());
    assertPng(out.resolve("scatter.png"));
  }

  @Test
  void correlateWithAnUnknownProxyIsTheServicesRefusal() {
    CliRun run = knas("correlate", "--proxy", "ensemble(naswot,bogus)", "--sample", "3", "--out",
        temp.resolve("unknown").toString());
    assertEquals(3, run.exitCode(), run.out());
    assertTrue(run.err().startsWith("knas: INVALID_ARGUMENT: "), run.err());
    assertTrue(run.err().contains("bogus"), run.err());
    assertEquals(1, run.err().strip().lines().count(), run.err());
  }

  private static double[] column(List<CSVRecord> records, String name) {
    return records.stream().mapToDouble(r -> r.get(name).isEmpty() ? Double.NaN : Double.parseDouble(r.get(name)))
        .toArray();
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  @Test
  void compareRunsTheStrategyProgramsAndResumesNothingTwice() throws Exception {
    Path out = temp.resolve("compare");
    String[] args = {"compare", "--strategies", "random,evolution,knas", "--seeds", "2", "--budget", "4",
        "--candidates", "6", "--top-k", "2", "--samples", "8", "--population", "3", "--sample-size", "2",
        "--parallel", "2", "--out", out.toString(), "--json"};
    CliRun run = knas(args);
    assertEquals(0, run.exitCode(), run.err());
    JsonNode result = JSON.readTree(run.out());
    assertEquals(6, result.get("runs").size());
    List<String> csv = Files.readAllLines(out.resolve("runs.csv"));
    assertEquals(7, csv.size());
    assertTrue(csv.get(0).startsWith("strategy,seed,best_index,best_architecture,validation_cifar10"), csv.get(0));
    String table = Files.readString(out.resolve("comparison.md"));
    assertEquals(table, result.get("table").asText());
    for (String strategy : List.of("| random | 2 |", "| evolution | 2 |", "| knas | 2 |")) {
      assertTrue(table.contains(strategy), table);
    }
    for (JsonNode row : result.get("runs")) {
      int evaluations = row.get("strategy").asText().equals("knas") ? 2 : 4;
      assertEquals(evaluations, row.get("evaluations").asInt(), row.toString());
      assertTrue(row.get("test_cifar10").asDouble() > 10, row.toString());
    }
    assertPng(out.resolve("best-vs-evaluations.png"));
    assertPng(out.resolve("best-vs-cost.png"));
    assertPlottedHonestly(out.resolve("best-vs-evaluations.json"), 3);
    assertPlottedHonestly(out.resolve("best-vs-cost.json"), 3);
    // Not a terminal: plain progress lines on standard error, the runs' own in their logs.
    List<String> progress = run.err().lines().filter(line -> line.startsWith("compare: ")).toList();
    assertTrue(progress.get(0).startsWith("compare: 0/6 runs (0%), elapsed "), run.err());
    assertTrue(progress.get(progress.size() - 1).startsWith("compare: 6/6 runs (100%), elapsed "), run.err());
    assertTrue(Files.readString(out.resolve("logs/knas-seed-0.log")).contains("knas seed 0: 8/8 evaluations (100%)"),
        Files.readString(out.resolve("logs/knas-seed-0.log")));

    Path summary = out.resolve("runs/knas/seed-1/summary.json");
    FileTime written = Files.getLastModifiedTime(summary);
    CliRun again = knas(args);
    assertEquals(0, again.exitCode(), again.err());
    assertEquals(written, Files.getLastModifiedTime(summary), "a finished run is not run again");
    assertEquals(result.get("table"), JSON.readTree(again.out()).get("table"));
    assertEquals(2, knas("compare", "--strategies", "random,annealing", "--out", out.toString()).exitCode());
  }

  /**
   * What a plot's JSON says was drawn: {@code bands} lines whose best-so-far never decreases, inside axes that
   * hold every point with its spread.
   */
  private static void assertPlottedHonestly(Path json, int bands) throws Exception {
    JsonNode plot = JSON.readTree(json.toFile());
    assertEquals(bands, plot.get("bands").size(), plot.toString());
    double[] x = {plot.get("x_axis").get("min").asDouble(), plot.get("x_axis").get("max").asDouble()};
    double[] y = {plot.get("y_axis").get("min").asDouble(), plot.get("y_axis").get("max").asDouble()};
    for (JsonNode band : plot.get("bands")) {
      String name = band.get("name").asText();
      assertTrue(band.get("x").size() > 0, name);
      for (int i = 0; i < band.get("x").size(); i++) {
        double at = band.get("x").get(i).asDouble();
        double mean = band.get("mean").get(i).asDouble();
        double spread = band.get("spread").get(i).asDouble();
        assertTrue(at >= x[0] && at <= x[1], name + " x " + at + " outside " + x[0] + ".." + x[1]);
        assertTrue(mean - spread >= y[0] && mean + spread <= y[1], name + " " + mean + " ± " + spread
            + " outside " + y[0] + ".." + y[1]);
        if (i > 0) {
          assertTrue(at >= band.get("x").get(i - 1).asDouble(), name + " x goes back at " + i);
          assertTrue(mean >= band.get("mean").get(i - 1).asDouble(), name + " best so far dips at " + at);
        }
      }
    }
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new HashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static void assertPng(Path file) throws Exception {
    BufferedImage image = ImageIO.read(file.toFile());
    assertTrue(image != null, file + " is not an image");
    assertEquals(1000, image.getWidth());
    assertEquals(600, image.getHeight());
    assertEquals("PNG", new String(Files.readAllBytes(file), 1, 3, StandardCharsets.US_ASCII));
  }
}
