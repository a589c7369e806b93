package dev.knas.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.knas.scoring.TestCertificates;
import dev.knas.scoring.testing.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code bin/scoring-service} over TLS with a bearer token (certificates made at test time, NAS-Bench-201's
 * table from ../shared/data) and the real {@code bin/knas} and strategy programs against it, with and without the
 * token, the CA, or TLS at all.
 */
class SecureTransportProgramsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path temp;

  @AutoClose
  static ServiceProcess service;

  private static TestCertificates certificates;
  private static Path token;
  private static String target;

  @BeforeAll
  static void start() throws Exception {
    certificates = TestCertificates.create(temp.resolve("tls"));
    token = Files.writeString(temp.resolve("token"), "integration-token-42\n");
    service = ServiceProcess.fromLauncher(temp).store(temp.resolve("scores")).sharedData()
        .tls(certificates.serverCertificate(), certificates.serverKey()).authTokenFile(token).start();
    target = service.target();
  }

  @AfterAll
  static void stopsOnSigterm() throws Exception {
    if (service != null) {
      service.terminate();
    }
  }

  private record Run(int code, String out, String err) {}

  /** Runs a program of bin/ with {@code env} added and KNAS_AUTH_TOKEN_FILE only if {@code env} sets it. */
  private static Run run(Map<String, String> env, String... command) throws Exception {
    Path stdout = Files.createTempFile(temp, "out", ".txt");
    Path stderr = Files.createTempFile(temp, "err", ".txt");
    ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile());
    builder.environment().remove("KNAS_AUTH_TOKEN_FILE");
    builder.environment().putAll(env);
    Process process = builder.start();
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), String.join(" ", command) + " did not finish");
    return new Run(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
  }

  private static Run knas(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bin/knas"));
    command.addAll(List.of(args));
    command.addAll(List.of("--target", target, "--tls-ca", certificates.ca().toString()));
    return run(Map.of(), command.toArray(String[]::new));
  }

  @Test
  void healthAnswersOverTlsWithoutAToken() throws Exception {
    Run health = knas("health");
    assertEquals(0, health.code(), health.err());
    assertEquals(target + " SERVING\n", health.out());
  }

  @Test
  void callsWithoutTheTokenAreRefusedAndCallsWithItAreServed() throws Exception {
    Run refused = knas("proxies");
    assertEquals(3, refused.code(), refused.err());
    assertEquals("knas: UNAUTHENTICATED: missing 'authorization: Bearer <token>' metadata\n", refused.err());

    Run benchmark = knas("score", "--arch", "1", "--fidelity", "benchmark", "--json", "--auth-token-file",
        token.toString());
    assertEquals(0, benchmark.code(), benchmark.err());
    JsonNode response = JSON.readTree(benchmark.out());
    assertEquals("validation_accuracy", response.get("metric").asText());
    assertEquals(90.39, response.get("value").asDouble(), 0.005);

    List<String> command = List.of("bin/knas", "proxies", "--target", target, "--tls-ca",
        certificates.ca().toString());
    Run fromEnvironment = run(Map.of("KNAS_AUTH_TOKEN_FILE", token.toString()), command.toArray(String[]::new));
    assertEquals(0, fromEnvironment.code(), fromEnvironment.err());
    assertTrue(fromEnvironment.out().contains("naswot"), fromEnvironment.out());
  }

  @Test
  void aPlaintextClientCannotReachTheTlsService() throws Exception {
    Run plaintext = run(Map.of(), "bin/knas", "proxies", "--target", target, "--auth-token-file", token.toString());
    assertEquals(6, plaintext.code(), plaintext.err());
    assertEquals("knas: cannot reach the scoring service at " + target + ": it closed the connection; if it serves"
        + " TLS, connect with --tls or --tls-ca\n", plaintext.err());
    Run health = run(Map.of(), "bin/knas", "health", "--target", target);
    assertEquals(5, health.code(), health.err());
  }

  @Test
  void aServerCertificateFromAnotherCaFailsInOneLineWithoutTheToken() throws Exception {
    Run run = run(Map.of(), "bin/knas", "proxies", "--target", target, "--tls-ca",
        certificates.otherCa().toString(), "--auth-token-file", token.toString());
    assertEquals(6, run.code(), run.err());
    assertEquals("knas: cannot reach the scoring service at " + target + ": its certificate is not signed by the CA"
        + " of --tls-ca (" + certificates.otherCa() + ")\n", run.err());
    assertTrue(!run.out().contains("integration-token-42"), run.out());
  }

  @Test
  void comparePassesTheTransportOnToTheStrategyPrograms() throws Exception {
    Path out = temp.resolve("compare");
    Run compare = knas("compare", "--strategies", "random", "--seeds", "1", "--budget", "2", "--parallel", "1",
        "--auth-token-file", token.toString(), "--out", out.toString(), "--json");
    assertEquals(0, compare.code(), compare.err());
    JsonNode summary = JSON.readTree(out.resolve("runs/random/seed-0/summary.json").toFile());
    assertEquals(2, summary.get("evaluations").get("evaluation").asInt());
    assertTrue(!Files.readString(out.resolve("runs/random/seed-0/run.json")).contains("integration-token-42"),
        "the token is not recorded");
  }

  @Test
  void aStrategyProgramWithoutTheTokenOrWithHalfACertificateExitsWithTwo() throws Exception {
    Run noToken = run(Map.of(), "bin/strategy-random", "--target", target, "--tls-ca", certificates.ca().toString(),
        "--out", temp.resolve("no-token").toString(), "--budget", "2");
    assertEquals(2, noToken.code(), noToken.err());
    assertTrue(noToken.err().contains("UNAUTHENTICATED: missing 'authorization: Bearer <token>' metadata"),
        noToken.err());
    Run halfCertificate = run(Map.of(), "bin/strategy-random", "--target", target, "--tls-cert",
        certificates.clientCertificate().toString(), "--out", temp.resolve("half").toString());
    assertEquals(2, halfCertificate.code(), halfCertificate.err());
    assertTrue(halfCertificate.err().startsWith("strategy-random: Error: Missing required argument(s):"
        + " --tls-key=FILE"), halfCertificate.err());
  }
}
