package dev.knas.scoring.server;

import dev.knas.scoring.cache.ScoreCache;
import dev.knas.telemetry.Telemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The scoring service's own spans and metrics: request counts and durations by RPC, fidelity and status; cache
 * hits, misses and entries; engine queue depth and wait; gradient-kernel and training seconds; resident memory.
 * (The gRPC instrumentation adds the standard rpc.server.* metrics and the server spans; runtime telemetry the
 * JVM's memory, threads and garbage collection.)
 */
final class ServiceTelemetry {

  static final AttributeKey<String> RPC = AttributeKey.stringKey("rpc.method");
  static final AttributeKey<String> FIDELITY = AttributeKey.stringKey("knas.fidelity");
  static final AttributeKey<String> STATUS = AttributeKey.stringKey("rpc.grpc.status");
  static final AttributeKey<String> ARCHITECTURE = AttributeKey.stringKey("knas.architecture.canonical");
  static final AttributeKey<String> DATASET = AttributeKey.stringKey("knas.dataset");
  static final AttributeKey<String> DEVICE = AttributeKey.stringKey("knas.device");
  static final AttributeKey<Boolean> CACHE_HIT = AttributeKey.booleanKey("knas.cache.hit");
  private static final List<Double> SECONDS_BUCKETS = List.of(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
      5.0, 10.0, 30.0, 60.0, 300.0, 1800.0);

  private final Tracer tracer;
  private final LongCounter requests;
  private final DoubleHistogram requestSeconds;
  private final DoubleHistogram queueWaitSeconds;
  private final DoubleHistogram kernelSeconds;
  private final DoubleHistogram trainingSeconds;

  private final Meter meter;

  ServiceTelemetry(Telemetry telemetry, ScoreCache cache) {
    this.tracer = telemetry.tracer();
    this.meter = telemetry.meter();
    requests = meter.counterBuilder("knas.requests").setUnit("{request}")
        .setDescription("Requests answered, by RPC, fidelity and status").build();
    requestSeconds = histogram(meter, "knas.request.duration", "Time to answer a request");
    queueWaitSeconds = histogram(meter, "knas.engine.queue.wait", "Time engine work waited in the queue");
    kernelSeconds = histogram(meter, "knas.kernel.duration", "Time to compute one gradient kernel");
    trainingSeconds = histogram(meter, "knas.training.duration", "Time of one short training");
    meter.counterBuilder("knas.cache.hits").setUnit("{request}").setDescription("Requests answered from the cache")
        .buildWithCallback(m -> m.record(cache.hits()));
    meter.counterBuilder("knas.cache.misses").setUnit("{request}").setDescription("Requests that computed")
        .buildWithCallback(m -> m.record(cache.misses()));
    meter.gaugeBuilder("knas.cache.entries").ofLongs().setUnit("{entry}").setDescription("Entries in the store")
        .buildWithCallback(m -> m.record(cache.store().entries()));
    meter.gaugeBuilder("knas.process.memory.resident").ofLongs().setUnit("By")
        .setDescription("Resident memory of the process (Linux /proc/self/statm)")
        .buildWithCallback(m -> residentBytes(m::record));
  }

  /** Reports the depth of {@code queue}. */
  void observe(EngineQueue queue) {
    meter.gaugeBuilder("knas.engine.queue.depth").ofLongs().setUnit("{task}")
        .setDescription("New engine work waiting to start").buildWithCallback(m -> m.record(queue.depth()));
  }

  Tracer tracer() {
    return tracer;
  }

  void request(String rpc, String fidelity, String status, double seconds) {
    Attributes attributes = Attributes.of(RPC, rpc, FIDELITY, fidelity, STATUS, status);
    requests.add(1, attributes);
    requestSeconds.record(seconds, attributes);
  }

  void queueWait(double seconds) {
    queueWaitSeconds.record(seconds);
  }

  void kernel(double seconds, String device) {
    kernelSeconds.record(seconds, Attributes.of(DEVICE, device));
  }

  void training(double seconds, String device) {
    trainingSeconds.record(seconds, Attributes.of(DEVICE, device));
  }

  private static DoubleHistogram histogram(Meter meter, String name, String description) {
    return meter.histogramBuilder(name).setUnit("s").setDescription(description)
        .setExplicitBucketBoundariesAdvice(SECONDS_BUCKETS).build();
  }

  private static void residentBytes(LongConsumer record) {
    Path statm = Path.of("/proc/self/statm");
    try {
      if (Files.isReadable(statm)) {
        String[] fields = Files.readString(statm).trim().split("\\s+");
        record.accept(Long.parseLong(fields[1]) * 4096);
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or /proc unreadable: the gauge simply has no point.
    }
  }
}
