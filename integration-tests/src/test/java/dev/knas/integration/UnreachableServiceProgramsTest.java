package dev.knas.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real launchers, {@code bin/knas} and a strategy program, against a service they cannot reach: one line that
 * names the target, the documented exit code, no stack trace and never the token; and, in a network namespace of the
 * test's own, a plaintext listener on an address that is not loopback, which must never receive the token.
 */
class UnreachableServiceProgramsTest {

  private static final String TOKEN = "recognisable-token-0c7e2";

  @TempDir
  Path temp;

  private record Run(int code, String out, String err) {}

  private static Run run(List<String> command) throws Exception {
    Path stdout = Files.createTempFile("out", ".txt");
    Path stderr = Files.createTempFile("err", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile());
    builder.environment().remove("KNAS_AUTH_TOKEN_FILE");
    Process process = builder.start();
    assertTrue(process.waitFor(2, TimeUnit.MINUTES), String.join(" ", command) + " did not finish");
    Run run = new Run(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    Files.delete(stdout);
    Files.delete(stderr);
    return run;
  }

  private Path token() throws Exception {
    return Files.writeString(temp.resolve("token"), "  " + TOKEN + "\n");
  }

  private static String refusedTarget() throws Exception {
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "127.0.0.1:" + free.getLocalPort();
    }
  }

  /** Exactly {@code line} on standard error, nothing on standard output, and not the token anywhere. */
  private static void oneLine(Run run, int code, String line) {
    assertEquals(code, run.code(), run.err());
    assertEquals(line + "\n", run.err());
    assertEquals("", run.out());
    assertFalse(run.err().contains(TOKEN), run.err());
  }

  @Test
  void knasReportsARefusedConnectionInOneLine() throws Exception {
    String target = refusedTarget();
    oneLine(run(List.of("bin/knas", "score", "--arch", "1", "--target", target, "--auth-token-file",
        token().toString())), 6, "knas: cannot reach the scoring service at " + target + ": connection refused");
    oneLine(run(List.of("bin/knas", "health", "--target", target)), 5,
        "knas: cannot reach the scoring service at " + target + ": connection refused");
  }

  @Test
  void knasReportsAHostThatDoesNotResolveInOneLine() throws Exception {
    // In a network namespace of the test's own, with no network: the look-up sends nothing off the machine.
    assumeNamespaces();
    Run run = run(List.of("unshare", "-rn", "bin/knas", "proxies", "--target", "no-such-host.invalid:50051",
        "--auth-token-file", token().toString()));
    assertEquals(6, run.code(), run.err());
    assertTrue(run.err().startsWith("knas: cannot reach the scoring service at no-such-host.invalid:50051: the"
        + " host name does not resolve (no-such-host.invalid"), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
    assertFalse(run.err().contains(TOKEN), run.err());
  }

  @Test
  void knasRefusesAMalformedTargetAsABadArgument() throws Exception {
    oneLine(run(List.of("bin/knas", "health", "--target", "http://localhost:50051")), 2, "knas health: --target:"
        + " 'http://localhost:50051' is not host:port, and gRPC knows no scheme 'http' (e.g. localhost:50051 or"
        + " dns:///NAME:PORT) (see 'knas health --help')");
  }

  @Test
  void aStrategyProgramReportsARefusedConnectionInOneLineBeforeWritingAnything() throws Exception {
    String target = refusedTarget();
    Path out = temp.resolve("run");
    oneLine(run(List.of("bin/strategy-random", "--target", target, "--out", out.toString(), "--auth-token-file",
        token().toString())), 6, "strategy-random: cannot reach the scoring service at " + target
        + ": connection refused");
    assertFalse(Files.exists(out.resolve("run.json")));
  }

  private static void assumeNamespaces() throws Exception {
    Run permitted = run(List.of("unshare", "-rn", "true"));
    Assumptions.assumeTrue(permitted.code() == 0, "unshare -rn (a user and network namespace) is not permitted"
        + " here: " + permitted.err().strip());
  }

  @Test
  void theTokenNeverReachesAPlaintextListenerThatIsNotLoopback() throws Exception {
    assumeNamespaces();
    Path token = token();
    Path dir = Files.createDirectories(temp.resolve("capture"));
    // In the namespace: 10.200.0.1 on its own lo, the listener on every address, then the clients.
    String script = String.join("\n",
        "ip link set lo up && ip addr add 10.200.0.1/32 dev lo || exit 90",
        "\"$JAVA\" -cp \"$CLASSPATH\" dev.knas.integration.CaptureListener \"$DIR\" 50051 &",
        "listener=$!",
        "while [ ! -e \"$DIR/ready\" ]; do sleep 0.1; done",
        "bin/knas proxies --target 10.200.0.1:50051 --auth-token-file \"$TOKEN\" >\"$DIR/knas.out\""
            + " 2>\"$DIR/knas.err\"; echo $? >\"$DIR/knas.code\"",
        "bin/strategy-random --target 10.200.0.1:50051 --auth-token-file \"$TOKEN\" --out \"$DIR/run\""
            + " >\"$DIR/strategy.out\" 2>\"$DIR/strategy.err\"; echo $? >\"$DIR/strategy.code\"",
        // Replicas: the channel's authority is a loopback one, but a call may go to the other.
        "bin/knas proxies --target 127.0.0.1:50052,10.200.0.1:50051 --auth-token-file \"$TOKEN\""
            + " >\"$DIR/replicas.out\" 2>\"$DIR/replicas.err\"; echo $? >\"$DIR/replicas.code\"",
        // The control: to loopback the token is sent, and the capture must see it.
        "bin/knas proxies --target 127.0.0.1:50051 --auth-token-file \"$TOKEN\" >/dev/null 2>&1",
        "kill $listener");
    ProcessBuilder builder = new ProcessBuilder("unshare", "-rn", "sh", "-c", script)
        .redirectErrorStream(true).redirectOutput(dir.resolve("namespace.log").toFile());
    Map<String, String> env = builder.environment();
    env.remove("KNAS_AUTH_TOKEN_FILE");
    env.put("PATH", env.getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin");
    env.put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    env.put("CLASSPATH", System.getProperty("java.class.path"));
    env.put("DIR", dir.toString());
    env.put("TOKEN", token.toString());
    Process namespace = builder.start();
    assertTrue(namespace.waitFor(3, TimeUnit.MINUTES), "the namespace's script did not finish");
    String log = Files.readString(dir.resolve("namespace.log"));
    assertTrue(Files.exists(dir.resolve("strategy.code")), "exit " + namespace.exitValue() + ": " + log);

    String refusal = "--auth-token-file: not sending the bearer token in clear text to 10.200.0.1:50051; connect"
        + " with TLS (--tls or --tls-ca)";
    oneLine(new Run(code(dir.resolve("knas.code")), Files.readString(dir.resolve("knas.out")),
        Files.readString(dir.resolve("knas.err"))), 2, "knas proxies: " + refusal + " (see 'knas proxies --help')");
    oneLine(new Run(code(dir.resolve("strategy.code")), Files.readString(dir.resolve("strategy.out")),
        Files.readString(dir.resolve("strategy.err"))), 2, "strategy-random: " + refusal
        + " (see 'strategy-random --help')");

    Run replicas = new Run(code(dir.resolve("replicas.code")), Files.readString(dir.resolve("replicas.out")),
        Files.readString(dir.resolve("replicas.err")));
    assertEquals(2, replicas.code(), replicas.err());
    assertTrue(replicas.err().contains("not sending the bearer token in clear text to 10.200.0.1:50051"),
        replicas.err());

    byte[] external = Files.readAllBytes(dir.resolve("capture-10.200.0.1.bin"));
    assertTrue(new String(external, StandardCharsets.ISO_8859_1).startsWith("PRI * HTTP/2.0"),
        "the clients connected and spoke HTTP/2 to the listener");
    assertFalse(contains(external, TOKEN), "the token reached a plaintext listener that is not loopback");
    assertTrue(contains(Files.readAllBytes(dir.resolve("capture-127.0.0.1.bin")), "Bearer " + TOKEN),
        "the capture sees a token that is sent (to loopback), stripped of its file's whitespace");
  }

  private static int code(Path file) throws Exception {
    return Integer.parseInt(Files.readString(file).strip());
  }

  private static boolean contains(byte[] haystack, String needle) {
    // HPACK sends header strings shorter than Netty's Huffman threshold as they are.
    return new String(haystack, StandardCharsets.ISO_8859_1).contains(needle);
  }
}
