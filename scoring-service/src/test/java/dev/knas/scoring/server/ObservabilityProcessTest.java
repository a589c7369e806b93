package dev.knas.scoring.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.knas.scoring.testing.ServiceProcess;
import dev.knas.v1.Architecture;
import dev.knas.v1.GradientKernelOptions;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoringServiceGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real service process exporting through the standard OTEL_* variables to an OTLP/HTTP receiver on loopback,
 * and serving its metrics for Prometheus to scrape.
 */
class ObservabilityProcessTest {

  private static final ScoreArchitectureRequest REQUEST = ScoreArchitectureRequest.newBuilder()
      .setArchitecture(Architecture.newBuilder().setNb201Index(9))
      .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(4)).build();

  @TempDir
  Path temp;

  /** One OTLP/HTTP export the receiver took: its path and its protobuf body as text (names are UTF-8 in it). */
  private record Export(String path, String body) {}

  @Test
  void tracesAndMetricsReachAnOtlpReceiver() throws Exception {
    List<Export> exports = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      exports.add(new Export(exchange.getRequestURI().getPath(), new String(body, StandardCharsets.ISO_8859_1)));
      exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    receiver.start();
    try (ServiceProcess service = ServiceProcess.fromClassPath(temp).name("otlp")
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + receiver.getAddress().getPort())
        .env("OTEL_SERVICE_NAME", "knas-scoring-under-test")
        .env("OTEL_METRIC_EXPORT_INTERVAL", "500")
        .env("OTEL_BSP_SCHEDULE_DELAY", "100")
        .args("--access-log").start()) {
      score(service);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!(received(exports, "/v1/traces", "knas.v1.ScoringService/ScoreArchitecture")
          && received(exports, "/v1/metrics", "knas.requests")) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertTrue(received(exports, "/v1/traces", "knas.v1.ScoringService/ScoreArchitecture"),
          "no trace arrived; received " + exports.stream().map(Export::path).toList() + "; log: "
              + Files.readString(service.log()));
      assertTrue(received(exports, "/v1/traces", "forward/backward"), "the phase spans are exported");
      assertTrue(received(exports, "/v1/traces", "knas-scoring-under-test"), "OTEL_SERVICE_NAME names it");
      assertTrue(received(exports, "/v1/metrics", "knas.requests"), "no metrics arrived");
      assertTrue(received(exports, "/v1/metrics", "jvm.memory.used"), "the JVM's runtime metrics are exported");
      String log = Files.readString(service.log());
      assertTrue(log.lines().anyMatch(l -> l.contains("rpc=ScoreArchitecture arch=") && l.contains("status=OK")
          && l.matches(".*trace_id=[0-9a-f]{32}$") && !l.endsWith("trace_id=00000000000000000000000000000000")),
          "one structured line per request with its trace id: " + log);
    } finally {
      receiver.stop(0);
    }
  }

  @Test
  void byDefaultTheLogSummarisesRequestsInsteadOfALinePerRequest() throws Exception {
    try (ServiceProcess service = ServiceProcess.fromClassPath(temp).name("summary")
        .args("--request-summary-seconds", "1").start()) {
      score(service);
      score(service);
      // The two calls may fall into one interval or two: together they are one miss and one hit, none failed.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (summed(service, 1) < 2 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      String log = Files.readString(service.log());
      assertEquals(2, summed(service, 1), log);
      assertEquals(1, summed(service, 2), log);
      assertEquals(0, summed(service, 3), log);
      assertTrue(log.lines().noneMatch(l -> l.contains("rpc=ScoreArchitecture")), log);
    }
  }

  private static final Pattern SUMMARY = Pattern.compile("requests in the last \\d+ s: (\\d+) \\((\\d+) answered"
      + " from the cache, (\\d+) failed\\), latency p50 [0-9.]+ ms, p99 [0-9.]+ ms, max [0-9.]+ ms$");

  /** The sum over the log's summary lines of one count: 1 requests, 2 cache hits, 3 failures. */
  private static long summed(ServiceProcess service, int count) throws IOException {
    long sum = 0;
    for (String line : Files.readAllLines(service.log())) {
      Matcher m = SUMMARY.matcher(line);
      if (line.contains("requests in the last")) {
        assertTrue(m.find(), line);
        sum += Long.parseLong(m.group(count));
      }
    }
    return sum;
  }

  @Test
  void prometheusScrapesTheRequestCounter() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    try (ServiceProcess service = ServiceProcess.fromClassPath(temp).name("prometheus")
        .args("--metrics-port", Integer.toString(port)).start()) {
      score(service);
      HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, scrape.statusCode());
      String metrics = scrape.body();
      assertTrue(metrics.lines().anyMatch(l -> l.startsWith("knas_requests_total{")
          && l.contains("rpc_method=\"ScoreArchitecture\"") && l.contains("rpc_grpc_status=\"OK\"")), metrics);
      assertTrue(metrics.contains("knas_cache_entries"), metrics);
    }
  }

  private static void score(ServiceProcess service) {
    assertTrue(ScoringServiceGrpc.newBlockingStub(service.channel()).withDeadlineAfter(2, TimeUnit.MINUTES)
        .scoreArchitecture(REQUEST).getValue() > 0);
  }

  private static boolean received(List<Export> exports, String path, String text) {
    return exports.stream().anyMatch(e -> e.path().equals(path) && e.body().contains(text));
  }
}
