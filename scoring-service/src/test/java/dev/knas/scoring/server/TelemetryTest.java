package dev.knas.scoring.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.scoring.testing.InProcessService;
import dev.knas.telemetry.Telemetry;
import dev.knas.v1.Architecture;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.GradientKernelOptions;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoringServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spans and metrics of one ScoreArchitecture call, through the SDK's in-memory exporters. */
class TelemetryTest {

  private static final String METHOD = "knas.v1.ScoringService/ScoreArchitecture";

  @TempDir
  Path store;

  @Test
  void oneCallIsOneTraceFromClientToEngineWithItsMetrics() throws Exception {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    InMemoryMetricReader metrics = InMemoryMetricReader.create();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
    Telemetry telemetry = Telemetry.of(sdk);
    try (InProcessService service = InProcessService.builder(store).queueCapacity(4).telemetry(telemetry).start()) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", service.port()).usePlaintext()
          .intercept(telemetry.clientInterceptor()).build();
      try {
        ScoringServiceGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.MINUTES)
            .scoreArchitecture(ScoreArchitectureRequest.newBuilder()
                .setArchitecture(Architecture.newBuilder().setNb201Index(1))
                .setOptions(EvaluationOptions.newBuilder().setSeed(5))
                .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(4)).build());
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (spans.getFinishedSpanItems().stream().noneMatch(s -> s.getKind() == SpanKind.SERVER)
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      List<SpanData> finished = spans.getFinishedSpanItems();
      SpanData client = only(finished, s -> s.getKind() == SpanKind.CLIENT);
      SpanData serverSpan = only(finished, s -> s.getKind() == SpanKind.SERVER);
      assertEquals(METHOD, client.getName());
      assertEquals(METHOD, serverSpan.getName());
      assertEquals(client.getSpanId(), serverSpan.getParentSpanId(), "the server span continues the client's");
      for (String phase : List.of("cache lookup", "data loading", "network construction", "forward/backward",
          "cache write")) {
        SpanData span = only(finished, s -> s.getName().equals(phase));
        assertEquals(serverSpan.getSpanId(), span.getParentSpanId(), phase + " is a child of the server span");
      }
      assertEquals(1, finished.stream().map(SpanData::getTraceId).distinct().count(), "one trace: " + finished);
      assertEquals("gradient_kernel", serverSpan.getAttributes().get(AttributeKey.stringKey("knas.fidelity")));
      assertEquals("|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|+|nor_conv_3x3~0|avg_pool_3x3~1|skip_connect~2|",
          serverSpan.getAttributes().get(AttributeKey.stringKey("knas.architecture.canonical")));
      assertEquals(false, serverSpan.getAttributes().get(AttributeKey.booleanKey("knas.cache.hit")));

      Map<String, MetricData> byName = metrics.collectAllMetrics().stream()
          .collect(Collectors.toMap(MetricData::getName, Function.identity(), (a, b) -> a));
      LongPointData requests = only(byName.get("knas.requests").getLongSumData().getPoints(), p -> true);
      assertEquals(1, requests.getValue());
      assertEquals("ScoreArchitecture", requests.getAttributes().get(AttributeKey.stringKey("rpc.method")));
      assertEquals("OK", requests.getAttributes().get(AttributeKey.stringKey("rpc.grpc.status")));
      assertEquals("gradient_kernel", requests.getAttributes().get(AttributeKey.stringKey("knas.fidelity")));
      assertEquals(1, byName.get("knas.kernel.duration").getHistogramData().getPoints().iterator().next()
          .getCount());
      assertEquals(1, only(byName.get("knas.cache.misses").getLongSumData().getPoints(), p -> true).getValue());
      assertTrue(byName.containsKey("rpc.server.duration") || byName.containsKey("rpc.server.call.duration"),
          "the gRPC instrumentation's server metric: " + byName.keySet());
      assertTrue(byName.containsKey("knas.engine.queue.depth") && byName.containsKey("knas.cache.entries"),
          byName.keySet().toString());
    } finally {
      sdk.close();
    }
  }

  private static <T> T only(Collection<T> items, java.util.function.Predicate<T> which) {
    List<T> matching = items.stream().filter(which).toList();
    assertEquals(1, matching.size(), "exactly one of " + items);
    return matching.get(0);
  }
}
