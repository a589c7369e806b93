package dev.knas.scoring.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.scoring.TestData;
import dev.knas.scoring.data.DatasetCatalog;
import dev.knas.scoring.device.DeviceSelection;
import dev.knas.scoring.request.RequestException;
import dev.knas.scoring.request.RequestResolver;
import dev.knas.scoring.request.StatusText;
import dev.knas.scoring.testing.InProcessService;
import dev.knas.v1.Architecture;
import dev.knas.v1.Fidelity;
import dev.knas.v1.GradientKernelOptions;
import dev.knas.v1.ListProxiesRequest;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoreArchitecturesRequest;
import dev.knas.v1.ScoringServiceGrpc;
import dev.knas.v1.ShortTrainRequest;
import dev.knas.v1.ShortTrainingOptions;
import dev.knas.v1.ZeroCostOptions;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reproductions of the hardening issue against the real server: each is a clear refusal naming the field,
 * bounded and escaped, and the service keeps serving.
 */
class HostileRequestsTest {

  private static final int TWO_TO_31 = Integer.MIN_VALUE;
  private static final int TWO_TO_32_MINUS_1 = -1;

  private static ScoringServiceGrpc.ScoringServiceBlockingStub scoring;

  @TempDir
  static Path store;

  @AutoClose
  static InProcessService service;

  @BeforeAll
  static void start() throws Exception {
    service = InProcessService.builder(store).sharedData().start();
    ManagedChannel channel = service.channel();
    scoring = ScoringServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.MINUTES);
  }

  @Test
  void unsignedFieldsAtAndAbove2To31AreNamedAndRefused() {
    expect("gradient_kernel.num_samples: 4294967295 exceeds the limit of 1024", kernel(k -> k.setNumSamples(
        TWO_TO_32_MINUS_1)));
    expect("gradient_kernel.num_samples: 2147483648 exceeds the limit of 1024", kernel(k -> k.setNumSamples(
        TWO_TO_31)));
    expect("short_training.epochs: 2147483648 exceeds the limit of 200", training(t -> t.setEpochs(TWO_TO_31)));
    expect("short_training.batch_size: 4294967295 exceeds the limit of 1024",
        training(t -> t.setBatchSize(TWO_TO_32_MINUS_1)));
    expect("short_training.held_out_size: 2147483648 leaves none", training(t -> t.setHeldOutSize(TWO_TO_31)));
    expect("short_training.train_size: 4294967295 training plus", training(t -> t.setTrainSize(TWO_TO_32_MINUS_1)));
    expect("zero_cost.batch_size: 4294967295 exceeds the limit of 256", ScoreArchitectureRequest.newBuilder()
        .setArchitecture(Architecture.newBuilder().setNb201Index(1)).setFidelity(Fidelity.FIDELITY_ZERO_COST)
        .setZeroCost(ZeroCostOptions.newBuilder().addProxies("params").setBatchSize(TWO_TO_32_MINUS_1)).build());
    expect("architecture.nb201_index: NAS-Bench-201 index 4294967295 is out of range 0..15624",
        ScoreArchitectureRequest.newBuilder().setArchitecture(Architecture.newBuilder()
            .setNb201Index(TWO_TO_32_MINUS_1)).build());
    StatusRuntimeException stream = assertThrows(StatusRuntimeException.class, () -> scoring.shortTrain(
        ShortTrainRequest.newBuilder().setArchitecture(Architecture.newBuilder().setNb201Index(1))
            .setTraining(ShortTrainingOptions.newBuilder().setEpochs(TWO_TO_31)).build()).hasNext());
    assertEquals("training.epochs: 2147483648 exceeds the limit of 200", stream.getStatus().getDescription());
    assertServing();
  }

  @Test
  void trainingOptionsOutsideSaneRangesAreNamed() {
    for (double rate : new double[] {1e300, 5e-324, Double.NaN, Double.POSITIVE_INFINITY, -0.1}) {
      expect("short_training.learning_rate: ", training(t -> t.setLearningRate(rate)));
    }
    expect("short_training.weight_decay: ", training(t -> t.setWeightDecay(1e300)));
    assertServing();
  }

  @Test
  void aTrainingAboveTheServicesBudgetIsRefused() {
    RequestResolver resolver = new RequestResolver(new DatasetCatalog(Optional.of(TestData.root()),
        Optional.empty(), Optional.empty()), "cifar10", new DeviceSelection(0, "test engine"), Optional.empty(),
        10_000);
    ScoreArchitectureRequest request = training(t -> t.setEpochs(200).setTrainSize(1000).setHeldOutSize(100));
    RequestException e = assertThrows(RequestException.class, () -> resolver.score(request));
    assertEquals("short_training.epochs: 200 epochs of 1000 images (200000 image passes) exceed this service's"
        + " training budget of 10000 per request; train fewer epochs or on fewer images",
        e.status().getDescription());
    resolver.score(training(t -> t.setEpochs(10).setTrainSize(1000).setHeldOutSize(100)));
  }

  @Test
  void aHugeArchitectureStringIsRefusedWithABoundedMessage() {
    String huge = "|nor_conv_3x3~0|".repeat(70_000);
    StatusRuntimeException e = refused(ScoreArchitectureRequest.newBuilder()
        .setArchitecture(Architecture.newBuilder().setNb201String(huge)).build());
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
    String description = e.getStatus().getDescription();
    assertTrue(description.startsWith("architecture.nb201_string: "), description);
    assertTrue(description.length() <= StatusText.MAX_DESCRIPTION + 40, "length " + description.length());
    assertTrue(description.contains(" ... (1120000 characters)"), description);
    assertServing();
  }

  @Test
  void controlCharactersInInputAreEscapedNotEchoed() {
    String forged = "|nor_conv_3x3~0|\n2026-11-29 INFO forged log line\u0000|";
    StatusRuntimeException e = refused(ScoreArchitectureRequest.newBuilder()
        .setArchitecture(Architecture.newBuilder().setNb201String(forged)).build());
    String description = e.getStatus().getDescription();
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertFalse(description.contains("\n") || description.contains("\u0000"), description);
    assertTrue(description.contains("\\n2026-11-29 INFO forged log line\\u0000"), description);
    StatusRuntimeException proxy = refused(ScoreArchitectureRequest.newBuilder()
        .setArchitecture(Architecture.newBuilder().setNb201Index(1)).setFidelity(Fidelity.FIDELITY_ZERO_COST)
        .setZeroCost(ZeroCostOptions.newBuilder().addProxies("na\rswot")).build());
    assertTrue(proxy.getStatus().getDescription().startsWith("zero_cost.proxies: unknown proxy 'na\\rswot'"),
        proxy.getStatus().getDescription());
  }

  @Test
  void garbageBytesAreInvalidArgument() {
    MethodDescriptor<byte[], byte[]> raw = ScoringServiceGrpc.getScoreArchitectureMethod()
        .toBuilder(BYTES, BYTES).build();
    for (byte[] garbage : new byte[][] {{(byte) 0xff, (byte) 0xff, (byte) 0xff}, {0x0a, 0x7f, 0x01},
        "not a protobuf message at all".getBytes()}) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
          service.channel(), raw, io.grpc.CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), garbage));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
      assertTrue(e.getStatus().getDescription().startsWith("request: not a valid knas.v1.ScoreArchitectureRequest"),
          e.getStatus().toString());
    }
    assertServing();
  }

  @Test
  void anUnknownFidelityIsInvalidArgumentForOneArchitectureAndForABatch() {
    for (int fidelity : new int[] {99, -1}) {
      expect("fidelity: unknown value " + fidelity, ScoreArchitectureRequest.newBuilder()
          .setArchitecture(Architecture.newBuilder().setNb201Index(1)).setFidelityValue(fidelity).build());
      StatusRuntimeException batch = assertThrows(StatusRuntimeException.class, () -> scoring.scoreArchitectures(
          ScoreArchitecturesRequest.newBuilder().addArchitectures(Architecture.newBuilder().setNb201Index(1))
              .setFidelityValue(fidelity).build()).forEachRemaining(result -> { }));
      assertEquals(Status.Code.INVALID_ARGUMENT, batch.getStatus().getCode(), batch.getStatus().toString());
      assertEquals("fidelity: unknown value " + fidelity, batch.getStatus().getDescription());
    }
    assertServing();
  }

  @Test
  void aCompressedRequestThatInflatesPastTheLimitIsResourceExhausted() {
    ScoreArchitectureRequest huge = ScoreArchitectureRequest.newBuilder()
        .setArchitecture(Architecture.newBuilder().setNb201String("|" + "a".repeat(5 << 20) + "|")).build();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> scoring.withCompression("gzip").scoreArchitecture(huge));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e.getStatus().toString());
    assertServing();
  }

  @Test
  void metadataOverTheLimitFailsThatCallAloneAndTheConnectionLives() throws Exception {
    // A call that stays open on the same connection throughout: a health watch.
    BlockingQueue<Object> watched = new LinkedBlockingQueue<>();
    ClientCall<HealthCheckRequest, HealthCheckResponse> watch = service.channel().newCall(HealthGrpc.getWatchMethod(),
        CallOptions.DEFAULT);
    watch.start(new ClientCall.Listener<>() {
      @Override
      public void onMessage(HealthCheckResponse message) {
        watched.add(message);
        watch.request(1);
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        watched.add(status);
      }
    }, new Metadata());
    watch.sendMessage(HealthCheckRequest.getDefaultInstance());
    watch.halfClose();
    watch.request(1);
    assertTrue(watched.poll(30, TimeUnit.SECONDS) instanceof HealthCheckResponse);
    for (int bytes : new int[] {9 << 10, 12 << 10, 100 << 10}) {
      Metadata headers = new Metadata();
      headers.put(Metadata.Key.of("x-padding", Metadata.ASCII_STRING_MARSHALLER), "p".repeat(bytes));
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> scoring
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
          .listProxies(ListProxiesRequest.getDefaultInstance()));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e.getStatus().toString());
      assertTrue(e.getStatus().getDescription().endsWith("over the service's limit of 8192 bytes"),
          e.getStatus().toString());
    }
    assertTrue(watched.isEmpty(), "the watch on the same connection ended: " + watched);
    watch.cancel("done", null);
    assertServing();
  }

  @Test
  void healthEchoesNoUnboundedServiceName() {
    String name = "\nforged line" + "x".repeat(1 << 20);
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> HealthGrpc.newBlockingStub(
        service.channel()).withDeadlineAfter(30, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(name).build()));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().length() <= StatusText.MAX_DESCRIPTION + 100,
        "description of " + e.getStatus().getDescription().length() + " characters");
    assertFalse(e.getStatus().getDescription().contains("\n"));
  }

  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  private static ScoreArchitectureRequest kernel(Consumer<GradientKernelOptions.Builder> options) {
    GradientKernelOptions.Builder kernel = GradientKernelOptions.newBuilder();
    options.accept(kernel);
    return ScoreArchitectureRequest.newBuilder().setArchitecture(Architecture.newBuilder().setNb201Index(1))
        .setGradientKernel(kernel).build();
  }

  private static ScoreArchitectureRequest training(Consumer<ShortTrainingOptions.Builder> options) {
    ShortTrainingOptions.Builder training = ShortTrainingOptions.newBuilder();
    options.accept(training);
    return ScoreArchitectureRequest.newBuilder().setArchitecture(Architecture.newBuilder().setNb201Index(1))
        .setFidelity(Fidelity.FIDELITY_SHORT_TRAINING).setShortTraining(training).build();
  }

  private static void expect(String descriptionStart, ScoreArchitectureRequest request) {
    StatusRuntimeException e = refused(request);
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(e.getStatus().getDescription().startsWith(descriptionStart), e.getStatus().toString());
  }

  private static StatusRuntimeException refused(ScoreArchitectureRequest request) {
    return assertThrows(StatusRuntimeException.class, () -> scoring.scoreArchitecture(request));
  }

  private static void assertServing() {
    assertTrue(scoring.scoreArchitecture(ScoreArchitectureRequest.newBuilder()
        .setArchitecture(Architecture.newBuilder().setNb201Index(5))
        .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(4)).build()).getValue() > 0);
  }
}
