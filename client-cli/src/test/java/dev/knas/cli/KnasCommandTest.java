package dev.knas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.knas.scoring.data.DatasetCatalog;
import dev.knas.scoring.server.ScoringServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.knas.v1.CacheEntry;
import dev.knas.v1.CacheStats;
import dev.knas.v1.ComputeGradientKernelResponse;
import dev.knas.v1.LookupScoreResponse;
import dev.knas.v1.ScoreArchitectureResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** bin/knas's commands against the real service over loopback (synthetic data, so no files are needed). */
class KnasCommandTest {

  private static ScoringServer server;
  private static String target;

  @TempDir
  static Path store;

  @BeforeAll
  static void start() throws Exception {
    server = ScoringServer.start(new ScoringServer.Config(new InetSocketAddress("127.0.0.1", 0),
        new DatasetCatalog(Optional.empty(), Optional.empty(), Optional.empty()), "synthetic", 4, store));
    target = "127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private record Run(int exitCode, String out, String err) {}

  private static Run knas(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = KnasCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void scorePrintsTheResponseAsJson() throws Exception {
    Run run = knas("score", "--arch", "1", "--samples", "6", "--seed", "3", "--json", "--target", target);
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
    Run run = knas("score", "--arch", "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|"
        + "nor_conv_3x3~1|skip_connect~2|", "--samples", "4", "--target", target);
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("index 1, 802,426 parameters"), run.out());
    assertTrue(run.out().contains("score (MGM)"), run.out());
  }

  @Test
  void kernelReturnsTheGramMatrixOnRequest() throws Exception {
    Run run = knas("kernel", "--arch", "7", "--samples", "5", "--gram", "--norms", "--json", "--precision",
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
    Run run = knas("score", "--arch", "|bogus~0|", "--target", target);
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
    Run run = knas("score", "--arch", "1", "--target", "127.0.0.1:" + port, "--timeout", "20");
    assertEquals(3, run.exitCode());
    assertTrue(run.err().contains("cannot reach the scoring service at 127.0.0.1:" + port), run.err());
  }

  @Test
  void cacheCommandsReadWhatScoringStored() throws Exception {
    Run scored = knas("score", "--arch", "11", "--samples", "4", "--seed", "8", "--json", "--target", target);
    assertEquals(0, scored.exitCode(), scored.err());
    ScoreArchitectureResponse.Builder response = ScoreArchitectureResponse.newBuilder();
    JsonFormat.parser().merge(scored.out(), response);
    String key = response.getCache().getKey();

    Run byKey = knas("cache", "get", "--key", key, "--json", "--target", target);
    assertEquals(0, byKey.exitCode(), byKey.err());
    LookupScoreResponse.Builder found = LookupScoreResponse.newBuilder();
    JsonFormat.parser().merge(byKey.out(), found);
    assertEquals(response.getValue(), found.getEntry().getValue());

    Run byArch = knas("cache", "get", "--arch", "11", "--samples", "4", "--seed", "8", "--target", target);
    assertEquals(0, byArch.exitCode(), byArch.err());
    assertTrue(byArch.out().contains(key), byArch.out());
    Run absent = knas("cache", "get", "--arch", "11", "--samples", "4", "--seed", "9", "--target", target);
    assertEquals(4, absent.exitCode(), absent.out());

    Run stats = knas("cache", "stats", "--json", "--target", target);
    assertEquals(0, stats.exitCode(), stats.err());
    CacheStats.Builder parsed = CacheStats.newBuilder();
    JsonFormat.parser().merge(stats.out(), parsed);
    assertTrue(parsed.getEntries() >= 1 && parsed.getBytesOnDisk() > 0, stats.out());

    Run export = knas("cache", "export", "--target", target);
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
    Run run = knas("space", "stats", "--json");
    assertEquals(0, run.exitCode(), run.err());
    JsonNode stats = new ObjectMapper().readTree(run.out());
    assertEquals(15625, stats.get("architectures").asInt());
    assertEquals(5224, stats.get("canonical_classes").asInt());
  }

  @Test
  void badArgumentsNameTheArgument() {
    Run run = knas("score", "--arch", "1", "--precision", "float16", "--target", target);
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("--precision"), run.err());
  }
}
