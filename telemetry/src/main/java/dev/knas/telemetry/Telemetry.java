package dev.knas.telemetry;

import io.grpc.ClientInterceptor;
import io.grpc.ServerInterceptor;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.opentelemetry.instrumentation.grpc.v1_6.GrpcTelemetry;
import io.opentelemetry.instrumentation.runtimetelemetry.RuntimeTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * OpenTelemetry for one process, configured the standard way: the SDK's autoconfiguration reads
 * {@code OTEL_SERVICE_NAME}, {@code OTEL_TRACES_EXPORTER}, {@code OTEL_METRICS_EXPORTER},
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} and the rest (or their {@code otel.*} system properties). Only the defaults
 * differ from the SDK's: nothing is exported and no connection attempted unless an exporter or an OTLP endpoint
 * is configured (then traces and metrics go to OTLP, over HTTP/protobuf unless {@code OTEL_EXPORTER_OTLP_PROTOCOL}
 * says grpc), and logs are never exported. Adds gRPC client and server
 * instrumentation (W3C trace context), JVM runtime metrics, and on request a Prometheus scrape endpoint.
 */
public final class Telemetry implements AutoCloseable {

  /** Instrumentation scope of the project's own spans and metrics. */
  public static final String SCOPE = "dev.knas";

  private final OpenTelemetry openTelemetry;
  private final AutoCloseable sdk;
  private final RuntimeTelemetry runtime;
  private final GrpcTelemetry grpc;

  private Telemetry(OpenTelemetry openTelemetry, AutoCloseable sdk, boolean runtimeMetrics) {
    this.openTelemetry = openTelemetry;
    this.sdk = sdk;
    this.runtime = runtimeMetrics ? RuntimeTelemetry.create(openTelemetry) : null;
    this.grpc = GrpcTelemetry.create(openTelemetry);
  }

  /**
   * The process's telemetry from the environment.
   *
   * @param serviceName the default of {@code OTEL_SERVICE_NAME}
   * @param prometheusPort when present, serve the metrics for scraping at http://127.0.0.1:PORT/metrics
   */
  public static Telemetry configure(String serviceName, OptionalInt prometheusPort) {
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> defaults(serviceName, System.getenv(), System.getProperties()))
        .addMeterProviderCustomizer((meters, config) -> prometheusPort.isPresent()
            ? meters.registerMetricReader(PrometheusHttpServer.builder().setHost("127.0.0.1")
                .setPort(prometheusPort.getAsInt()).build())
            : meters)
        // Its owner closes it; the SDK's own exit hook would shut it down again and say so on standard error.
        .disableShutdownHook()
        .build()
        .getOpenTelemetrySdk();
    return new Telemetry(sdk, sdk, true);
  }

  /** Telemetry through an SDK the caller built (tests: in-memory exporters); closing leaves it open. */
  public static Telemetry of(OpenTelemetry openTelemetry) {
    return new Telemetry(openTelemetry, () -> { }, false);
  }

  /** No telemetry at all. */
  public static Telemetry none() {
    return of(OpenTelemetry.noop());
  }

  /**
   * The project's defaults, lowest in priority: an exporter is {@code none} unless an OTLP endpoint is
   * configured for it.
   */
  static Map<String, String> defaults(String serviceName, Map<String, String> env, Map<Object, Object> props) {
    Map<String, String> defaults = new HashMap<>();
    defaults.put("otel.service.name", serviceName);
    boolean anyEndpoint = configured(env, props, "otel.exporter.otlp.endpoint");
    for (String signal : new String[] {"traces", "metrics"}) {
      boolean endpoint = anyEndpoint || configured(env, props, "otel.exporter.otlp." + signal + ".endpoint");
      defaults.put("otel." + signal + ".exporter", endpoint ? "otlp" : "none");
    }
    defaults.put("otel.logs.exporter", "none");
    defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
    return defaults;
  }

  private static boolean configured(Map<String, String> env, Map<Object, Object> props, String property) {
    String variable = property.toUpperCase().replace('.', '_');
    return Stream.of(env.get(variable), props.get(property)).anyMatch(v -> v != null && !v.toString().isBlank());
  }

  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  public Tracer tracer() {
    return openTelemetry.getTracer(SCOPE);
  }

  public Meter meter() {
    return openTelemetry.getMeter(SCOPE);
  }

  /** Spans for every call the server takes, continuing the caller's trace. */
  public ServerInterceptor serverInterceptor() {
    return grpc.createServerInterceptor();
  }

  /** Spans for every call a channel makes, carrying the current trace to the server. */
  public ClientInterceptor clientInterceptor() {
    return grpc.createClientInterceptor();
  }

  /** Flushes what is pending and stops the exporters. */
  @Override
  public void close() throws Exception {
    if (runtime != null) {
      runtime.close();
    }
    sdk.close();
  }
}
