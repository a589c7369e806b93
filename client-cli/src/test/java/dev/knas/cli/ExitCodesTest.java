package dev.knas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.scoring.TestCertificates;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exit codes of docs/guide/cli.md, each case against a real gRPC server with the standard health service on
 * loopback (plaintext, TLS, mutual TLS; certificates made at test time): bad arguments 2, not serving 5, and 6 for a
 * service that cannot be reached, each failure one line that names the target and never the token.
 */
class ExitCodesTest {

  private static final String TOKEN = "recognisable-token-5ee1d";

  @TempDir
  static Path temp;

  private static TestCertificates certificates;
  private static Path token;
  private static Server plaintext;
  private static Server tls;
  private static Server mutualTls;

  @BeforeAll
  static void start() throws Exception {
    certificates = TestCertificates.create(temp.resolve("tls"));
    token = Files.writeString(temp.resolve("token"), TOKEN + "\n");
    plaintext = serve(InsecureServerCredentials.create());
    tls = serve(TlsServerCredentials.create(certificates.serverCertificate().toFile(),
        certificates.serverKey().toFile()));
    mutualTls = serve(TlsServerCredentials.newBuilder()
        .keyManager(certificates.serverCertificate().toFile(), certificates.serverKey().toFile())
        .trustManager(certificates.ca().toFile()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE).build());
  }

  /** A server on loopback whose health service says the whole server is SERVING and ScoringService is not. */
  private static Server serve(ServerCredentials credentials) throws Exception {
    HealthStatusManager health = new HealthStatusManager();
    health.setStatus("knas.v1.ScoringService", ServingStatus.NOT_SERVING);
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), credentials)
        .addService(health.getHealthService()).build().start();
  }

  @AfterAll
  static void stop() throws Exception {
    for (Server server : List.of(plaintext, tls, mutualTls)) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static String at(Server server) {
    return "127.0.0.1:" + server.getPort();
  }

  private static String freePort() throws Exception {
    return freePorts(1).get(0);
  }

  /** Loopback addresses where nothing listens, distinct. */
  private static List<String> freePorts(int count) throws Exception {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
      }
      return sockets.stream().map(socket -> "127.0.0.1:" + socket.getLocalPort()).toList();
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }

  /** Runs knas with the token, checks the exit code and that stderr is exactly {@code line}. */
  private static CliRun fails(int code, String line, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--auth-token-file", token.toString()));
    CliRun run = CliRun.knas(all.toArray(String[]::new));
    assertEquals(code, run.exitCode(), run.err());
    assertEquals(line + "\n", run.err().replace(System.lineSeparator(), "\n"));
    assertFalse((run.out() + run.err()).contains(TOKEN), "the token is in the output");
    assertFalse((run.out() + run.err()).contains("BEGIN"), "PEM content is in the output");
    return run;
  }

  @Test
  void aMalformedTargetIsABadArgument() {
    fails(2, "knas proxies: --target: 'http://localhost:50051' is not host:port, and gRPC knows no scheme 'http'"
        + " (e.g. localhost:50051 or dns:///NAME:PORT) (see 'knas proxies --help')",
        "proxies", "--target", "http://localhost:50051");
    fails(2, "knas health: --target: target 'localhost' is not host:port (see 'knas health --help')",
        "health", "--target", "localhost");
  }

  @Test
  void aRefusedConnectionIsUnreachable() throws Exception {
    String target = freePort();
    fails(6, "knas: cannot reach the scoring service at " + target + ": connection refused",
        "score", "--arch", "1", "--target", target);
    fails(5, "knas: cannot reach the scoring service at " + target + ": connection refused",
        "health", "--target", target);
  }

  @Test
  void replicasAreReachedWhileOneOfThemIs() throws Exception {
    String replicas = freePort() + "," + at(plaintext);
    CliRun oneUp = CliRun.knas("health", "--target", replicas);
    assertEquals(0, oneUp.exitCode(), oneUp.err());
    String down = String.join(",", freePorts(2));
    fails(6, "knas: cannot reach the scoring service at " + down + ": connection refused", "proxies", "--target",
        down);
  }

  @Test
  void aHostThatDoesNotResolveIsUnreachable() {
    // .invalid never resolves (RFC 2606); this module's tests resolve names from their own hosts file
    // (client-cli/pom.xml), so the look-up sends nothing off the machine. The resolver's reason varies.
    CliRun run = CliRun.knas("proxies", "--target", "no-such-host.invalid:50051", "--auth-token-file",
        token.toString());
    assertEquals(6, run.exitCode(), run.err());
    assertTrue(run.err().startsWith("knas: cannot reach the scoring service at no-such-host.invalid:50051: the host"
        + " name does not resolve ("), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
    assertFalse(run.err().contains(TOKEN), run.err());
  }

  @Test
  void healthIsFiveWhenNotServing() {
    CliRun serving = CliRun.knas("health", "--target", at(plaintext));
    assertEquals(0, serving.exitCode(), serving.err());
    assertEquals(at(plaintext) + " SERVING\n", serving.out());
    CliRun notServing = CliRun.knas("health", "--service", "knas.v1.ScoringService", "--target", at(plaintext));
    assertEquals(5, notServing.exitCode(), notServing.err());
    assertEquals(at(plaintext) + " NOT_SERVING\n", notServing.out());
    fails(5, "knas: NOT_FOUND: unknown service no.Such", "health", "--service", "no.Such", "--target", at(plaintext));
  }

  @Test
  void aServerCertificateFromAnotherCaIsUnreachable() {
    Path other = certificates.otherCa();
    fails(6, "knas: cannot reach the scoring service at " + at(tls) + ": its certificate is not signed by the CA"
        + " of --tls-ca (" + other + ")", "proxies", "--target", at(tls), "--tls-ca", other.toString());
  }

  @Test
  void mutualTlsWithoutAClientCertificateIsUnreachable() {
    fails(6, "knas: cannot reach the scoring service at " + at(mutualTls) + ": it requires a client certificate"
        + " (--tls-cert and --tls-key) (TLSV1_ALERT_CERTIFICATE_REQUIRED)", "proxies", "--target", at(mutualTls),
        "--tls-ca", certificates.ca().toString());
    CliRun withCertificate = CliRun.knas("health", "--target", at(mutualTls), "--tls-ca",
        certificates.ca().toString(), "--tls-cert", certificates.clientCertificate().toString(), "--tls-key",
        certificates.clientKey().toString(), "--auth-token-file", token.toString());
    assertEquals(0, withCertificate.exitCode(), withCertificate.err());
  }

  @Test
  void plaintextToATlsPortIsUnreachable() {
    fails(6, "knas: cannot reach the scoring service at " + at(tls) + ": it closed the connection; if it serves"
        + " TLS, connect with --tls or --tls-ca", "proxies", "--target", at(tls));
  }

  @Test
  void tlsToAPlaintextPortIsUnreachable() {
    fails(6, "knas: cannot reach the scoring service at " + at(plaintext) + ": it does not answer TLS (a plaintext"
        + " port?); connect without --tls, --tls-ca and --tls-cert", "proxies", "--target", at(plaintext),
        "--tls-ca", certificates.ca().toString());
  }

  @Test
  void aServiceWithoutTheCallIsAnErrorStatus() {
    // Reached (the probe answered); the call itself is the service's answer.
    fails(3, "knas: UNIMPLEMENTED: Method not found: knas.v1.ScoringService/ListProxies", "proxies", "--target",
        at(plaintext));
  }
}
