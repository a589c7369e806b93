package dev.knas.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Nothing is exported unless asked: the defaults the SDK's autoconfiguration falls back to. */
class TelemetryDefaultsTest {

  @Test
  void withoutAnEndpointNothingIsExported() {
    Map<String, String> defaults = Telemetry.defaults("svc", Map.of(), Map.of());
    assertEquals("none", defaults.get("otel.traces.exporter"));
    assertEquals("none", defaults.get("otel.metrics.exporter"));
    assertEquals("none", defaults.get("otel.logs.exporter"));
    assertEquals("svc", defaults.get("otel.service.name"));
  }

  @Test
  void anEndpointTurnsOnOtlpForItsSignals() {
    Map<String, String> both = Telemetry.defaults("svc", Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"),
        Map.of());
    assertEquals("otlp", both.get("otel.traces.exporter"));
    assertEquals("otlp", both.get("otel.metrics.exporter"));
    assertEquals("none", both.get("otel.logs.exporter"));
    assertEquals("http/protobuf", both.get("otel.exporter.otlp.protocol"));
    Map<String, String> traces = Telemetry.defaults("svc", Map.of(),
        Map.of("otel.exporter.otlp.traces.endpoint", "http://c:4318/v1/traces"));
    assertEquals("otlp", traces.get("otel.traces.exporter"));
    assertEquals("none", traces.get("otel.metrics.exporter"));
  }
}
