package dev.knas.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the time of cache hits goes, from the JDK's own profiler: Flight Recorder's execution samples of every
 * thread (clients, Netty's event loops, the service's executor) while hits run, counted two ways. By library, each
 * sample goes to the library of the method that was running (self time). By stage of the service's hit path, each
 * sample counts for every stage on its stack (inclusive time, so stages nest and do not add up).
 */
final class HitPathProfile {

  /** Libraries by package prefix, the first that matches: the shaded Netty before the rest of gRPC. */
  private static final Map<String, String> LIBRARIES = libraries();

  /** Stages of the hit path by the frames that mark them. */
  private static final Map<String, Predicate<String>> STAGES = stages();

  private final Recording recording = new Recording();

  private HitPathProfile() {}

  /** Starts sampling every thread's stack every millisecond. */
  static HitPathProfile start() {
    HitPathProfile profile = new HitPathProfile();
    profile.recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
    profile.recording.start();
    return profile;
  }

  /** Stops sampling and prints both tables. */
  void stopAndPrint() throws IOException {
    recording.stop();
    Path file = Files.createTempFile("knas-hit-path", ".jfr");
    try {
      recording.dump(file);
      recording.close();
      print(RecordingFile.readAllEvents(file).stream()
          .filter(e -> e.getEventType().getName().equals("jdk.ExecutionSample") && e.getStackTrace() != null)
          .toList());
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static void print(List<RecordedEvent> samples) {
    Map<String, Integer> bySelf = new LinkedHashMap<>();
    LIBRARIES.values().forEach(library -> bySelf.put(library, 0));
    bySelf.put("other", 0);
    Map<String, Integer> byStage = new LinkedHashMap<>();
    STAGES.keySet().forEach(stage -> byStage.put(stage, 0));
    for (RecordedEvent sample : samples) {
      List<String> methods = sample.getStackTrace().getFrames().stream().map(HitPathProfile::method).toList();
      if (!methods.isEmpty()) {
        bySelf.merge(library(methods.get(0)), 1, Integer::sum);
      }
      STAGES.forEach((stage, marks) -> {
        if (methods.stream().anyMatch(marks)) {
          byStage.merge(stage, 1, Integer::sum);
        }
      });
    }
    System.out.printf("%nwhere the hits' time goes: %d stack samples of every thread (JDK Flight Recorder)%n",
        samples.size());
    System.out.printf("%-58s %s%n", "running method's library (self time)", "share");
    bySelf.forEach((library, n) -> System.out.printf("%-58s %5.1f%%%n", library, 100.0 * n / samples.size()));
    System.out.printf("%-58s %s%n", "stage on the stack (inclusive: stages overlap)", "share");
    byStage.forEach((stage, n) -> System.out.printf("%-58s %5.1f%%%n", stage, 100.0 * n / samples.size()));
  }

  private static String method(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
  }

  private static String library(String method) {
    return LIBRARIES.entrySet().stream().filter(e -> method.startsWith(e.getKey())).map(Map.Entry::getValue)
        .findFirst().orElse("other");
  }

  private static Map<String, String> libraries() {
    Map<String, String> libraries = new LinkedHashMap<>();
    libraries.put("io.grpc.netty.shaded.io.netty.", "Netty (HTTP/2 codec, buffers, event loops)");
    libraries.put("io.grpc.", "gRPC (transport, calls, stubs, services)");
    libraries.put("com.google.protobuf.", "protobuf runtime");
    libraries.put("dev.knas.v1.", "protobuf messages of the contract (generated)");
    libraries.put("io.opentelemetry.", "OpenTelemetry");
    libraries.put("org.apache.logging.", "Log4j");
    libraries.put("com.lmax.", "Log4j (its disruptor)");
    libraries.put("org.HdrHistogram.", "request log's histogram");
    libraries.put("org.rocksdb.", "RocksDB");
    libraries.put("dev.knas.", "KNAS (service and benchmark code)");
    libraries.put("java.util.concurrent.", "JDK: java.util.concurrent (queues, executors, counters)");
    libraries.put("java.", "JDK: other");
    libraries.put("jdk.", "JDK: other internals");
    libraries.put("sun.", "JDK: other internals");
    return libraries;
  }

  private static Map<String, Predicate<String>> stages() {
    String server = "dev.knas.scoring.server.";
    Map<String, Predicate<String>> stages = new LinkedHashMap<>();
    stages.put("clients: the benchmark's blocking stubs", m -> m.startsWith("io.grpc.stub.ClientCalls."));
    stages.put("Netty event loops: both sides' I/O and HTTP/2", m -> m.endsWith("EventLoop.run"));
    stages.put("server interceptors: telemetry, client identity, limits",
        m -> m.startsWith("io.opentelemetry.instrumentation.grpc") || m.startsWith(server + "ClientIdentity")
            || m.startsWith(server + "MetadataLimit"));
    stages.put("service: request parsing", m -> m.equals(server + "MalformedRequests$Parsing.onMessage"));
    stages.put("service: ScoreArchitecture handler (the rows below)",
        m -> m.equals(server + "ScoringGrpcService.scoreArchitecture"));
    stages.put("service: request resolution (validation, canonical form)",
        m -> m.startsWith("dev.knas.scoring.request.RequestResolver"));
    stages.put("service: cache key hash (SHA-256)", m -> m.startsWith("dev.knas.scoring.cache.CacheKeys"));
    stages.put("service: cache lookup", m -> m.startsWith("dev.knas.scoring.cache.ScoreCache."));
    stages.put("service: response and provenance building",
        m -> m.startsWith(server) && m.substring(server.length()).matches("\\w*Messages\\..*"));
    stages.put("service: its own metrics and spans", m -> m.startsWith(server + "ServiceTelemetry"));
    stages.put("service: request log", m -> m.startsWith(server + "RequestLog"));
    stages.put("service: sending the answer (gRPC's serialisation, headers, write)",
        m -> m.equals("io.grpc.internal.ServerCallImpl.sendMessage") || m.equals("io.grpc.internal.ServerCallImpl"
            + ".close"));
    return stages;
  }
}
