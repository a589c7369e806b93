package dev.knas.scoring.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.scoring.TestCertificates;
import dev.knas.scoring.server.security.ServerTls;
import dev.knas.scoring.testing.InProcessService;
import dev.knas.scoring.testing.ServiceProcess;
import dev.knas.transport.BearerToken;
import dev.knas.transport.CallFailure;
import dev.knas.transport.ClientTransport;
import dev.knas.transport.PemFile;
import dev.knas.v1.Architecture;
import dev.knas.v1.ListProxiesRequest;
import dev.knas.v1.ScoreArchitecturesRequest;
import dev.knas.v1.ScoringServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server over TLS, mutual TLS and with a bearer token, and its connection policy, on loopback through
 * real Netty channels built by the clients' {@link ClientTransport}; certificates are made at test time.
 */
class SecureTransportEndToEndTest {

  private static final String TOKEN = "s3cret-token-for-tests";

  @TempDir
  static Path temp;

  private static TestCertificates certificates;
  private static BearerToken token;
  private static BearerToken wrongToken;
  private static final List<InProcessService> services = new ArrayList<>();
  private static String tlsWithToken;
  private static String mutualTls;
  private static String plaintextWithToken;

  @BeforeAll
  static void start() throws Exception {
    certificates = TestCertificates.create(temp.resolve("tls"));
    token = BearerToken.read(Files.writeString(temp.resolve("token"), TOKEN + "\n"));
    wrongToken = BearerToken.read(Files.writeString(temp.resolve("wrong-token"), "not-the-token"));
    ServerTls tls = new ServerTls(PemFile.certificates(certificates.serverCertificate()),
        PemFile.privateKey(certificates.serverKey()), Optional.empty());
    tlsWithToken = start("tls-token", new ServerTransport(Optional.of(tls), Optional.of(token),
        ConnectionPolicy.DEFAULT, true)).target();
    mutualTls = start("mutual-tls", new ServerTransport(Optional.of(new ServerTls(tls.certificateChain(),
        tls.privateKey(), Optional.of(PemFile.certificates(certificates.ca())))), Optional.empty(),
        ConnectionPolicy.DEFAULT, true)).target();
    ConnectionPolicy small = new ConnectionPolicy(Duration.ofMinutes(1), Optional.of(Duration.ofHours(1)),
        Optional.of(Duration.ofMinutes(1)), 1024, 8192);
    plaintextWithToken = start("plaintext-token", new ServerTransport(Optional.empty(), Optional.of(token), small,
        false)).target();
  }

  private static InProcessService start(String name, ServerTransport transport) throws Exception {
    InProcessService service = InProcessService.builder(temp.resolve(name)).queueCapacity(4).transport(transport)
        .start();
    services.add(service);
    return service;
  }

  @AfterAll
  static void stop() throws Exception {
    for (InProcessService service : services) {
      service.close();
    }
  }

  private static ClientTransport tls(Optional<BearerToken> token) {
    return new ClientTransport(true, Optional.of(PemFile.certificates(certificates.ca())), Optional.empty(),
        token);
  }

  private static <T> T call(ManagedChannelBuilder<?> builder, Function<ManagedChannel, T> call)
      throws InterruptedException {
    ManagedChannel channel = builder.build();
    try {
      return call.apply(channel);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static int listProxies(ManagedChannel channel) {
    return ScoringServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
        .listProxies(ListProxiesRequest.getDefaultInstance()).getProxiesCount();
  }

  private static ServingStatus health(ManagedChannel channel) {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus();
  }

  private static Status refusal(ManagedChannelBuilder<?> builder, Function<ManagedChannel, ?> call) {
    return assertThrows(StatusRuntimeException.class, () -> call(builder, call)).getStatus();
  }

  @Test
  void aClientWithoutTheTokenIsRefusedAndOneWithItIsServed() throws Exception {
    Status refused = refusal(tls(Optional.empty()).channelBuilder(tlsWithToken), c -> listProxies(c));
    assertEquals(Status.Code.UNAUTHENTICATED, refused.getCode());
    assertEquals("missing 'authorization: Bearer <token>' metadata", refused.getDescription());
    assertTrue(call(tls(Optional.of(token)).channelBuilder(tlsWithToken), c -> listProxies(c)) > 0);
  }

  @Test
  void aWrongTokenOrSchemeIsRefusedWithoutEchoingIt() {
    Status wrong = refusal(tls(Optional.of(wrongToken)).channelBuilder(tlsWithToken), c -> listProxies(c));
    assertEquals(Status.Code.UNAUTHENTICATED, wrong.getCode());
    assertEquals("the bearer token is not the service's", wrong.getDescription());
    Metadata basic = new Metadata();
    basic.put(BearerToken.AUTHORIZATION, "Basic " + TOKEN);
    Status notBearer = refusal(tls(Optional.empty()).channelBuilder(tlsWithToken)
        .intercept(MetadataUtils.newAttachHeadersInterceptor(basic)), c -> listProxies(c));
    assertEquals(Status.Code.UNAUTHENTICATED, notBearer.getCode());
    assertEquals("the authorization metadata is not 'Bearer <token>'", notBearer.getDescription());
    assertFalse(notBearer.getDescription().contains(TOKEN));
  }

  @Test
  void theSchemeIsCaseInsensitiveAndWhitespaceAroundTheTokenIsNotPartOfIt() throws Exception {
    // RFC 7235 section 2.1: the scheme is case-insensitive; RFC 9110 section 5.5: a field value has no leading or
    // trailing whitespace, so none is part of the token.
    for (String authorization : List.of("bearer " + TOKEN, "BEARER " + TOKEN, "Bearer " + TOKEN + " ",
        "Bearer   " + TOKEN)) {
      Metadata headers = new Metadata();
      headers.put(BearerToken.AUTHORIZATION, authorization);
      assertTrue(call(tls(Optional.empty()).channelBuilder(tlsWithToken)
          .intercept(MetadataUtils.newAttachHeadersInterceptor(headers)), c -> listProxies(c)) > 0, authorization);
    }
    for (String authorization : List.of("Bearer" + TOKEN, "Bearer " + TOKEN + "x", "Bearer " + TOKEN.substring(1))) {
      Metadata headers = new Metadata();
      headers.put(BearerToken.AUTHORIZATION, authorization);
      assertEquals(Status.Code.UNAUTHENTICATED, refusal(tls(Optional.empty()).channelBuilder(tlsWithToken)
          .intercept(MetadataUtils.newAttachHeadersInterceptor(headers)), c -> listProxies(c)).getCode(),
          authorization);
    }
  }

  @Test
  void healthAnswersWithoutAToken() throws Exception {
    assertEquals(ServingStatus.SERVING, call(tls(Optional.empty()).channelBuilder(tlsWithToken), c -> health(c)));
  }

  @Test
  void theHealthPortAnswersPlaintextProbesOfATlsServerAndServesNothingElse() throws Exception {
    ScoringServer server = start("health-port", new ServerTransport(Optional.of(new ServerTls(PemFile.certificates(
        certificates.serverCertificate()), PemFile.privateKey(certificates.serverKey()), Optional.empty())),
        Optional.of(token), ConnectionPolicy.DEFAULT, true)).server();
    String probe = "127.0.0.1:" + server.serveHealthOn(new InetSocketAddress("127.0.0.1", 0));
    assertEquals(ServingStatus.SERVING, call(ClientTransport.PLAINTEXT.channelBuilder(probe), c -> health(c)));
    assertEquals(Status.Code.UNIMPLEMENTED,
        refusal(ClientTransport.PLAINTEXT.channelBuilder(probe), c -> listProxies(c)).getCode());
    assertThrows(IllegalStateException.class, () -> server.serveHealthOn(new InetSocketAddress("127.0.0.1", 0)));
  }

  @Test
  void aPlaintextClientCannotTalkToATlsServer() {
    assertEquals(Status.Code.UNAVAILABLE,
        refusal(ClientTransport.PLAINTEXT.channelBuilder(tlsWithToken), c -> health(c)).getCode());
  }

  @Test
  void aClientThatDoesNotTrustTheServersCaIsRefusedSayingWhy() {
    ClientTransport otherCa = new ClientTransport(true, Optional.of(PemFile.certificates(certificates.otherCa())),
        Optional.empty(), Optional.empty());
    Status refused = refusal(otherCa.channelBuilder(tlsWithToken), c -> health(c));
    assertEquals(Status.Code.UNAVAILABLE, refused.getCode());
    String reason = CallFailure.reason(refused);
    assertTrue(reason.contains("certification path"), reason);
    assertFalse(reason.contains("\n"), reason);
  }

  @Test
  void mutualTlsRefusesAClientWithoutACertificateAndServesOneWithIt() throws Exception {
    assertEquals(Status.Code.UNAVAILABLE,
        refusal(tls(Optional.empty()).channelBuilder(mutualTls), c -> health(c)).getCode());
    ClientTransport withCertificate = new ClientTransport(true, Optional.of(PemFile.certificates(certificates.ca())),
        Optional.of(new ClientTransport.Certificate(PemFile.certificates(certificates.clientCertificate()),
            PemFile.privateKey(certificates.clientKey()))), Optional.empty());
    assertEquals(ServingStatus.SERVING, call(withCertificate.channelBuilder(mutualTls), c -> health(c)));
    assertTrue(call(withCertificate.channelBuilder(mutualTls), c -> listProxies(c)) > 0);
  }

  @Test
  void theTokenCrossesPlaintextOnlyToLoopback() throws Exception {
    ClientTransport plaintextToken = new ClientTransport(false, Optional.empty(), Optional.empty(),
        Optional.of(token));
    assertTrue(call(plaintextToken.channelBuilder(plaintextWithToken), c -> listProxies(c)) > 0);
    // The connection's peer decides, not the authority a call names: another name that reaches this loopback
    // service gets the token too. A peer beyond loopback is refused: BearerTokenCredentialsTest, and through the
    // real programs in a network namespace, UnreachableServiceProgramsTest.
    assertTrue(call(plaintextToken.channelBuilder(plaintextWithToken)
        .overrideAuthority("scoring.example.org:50051"), c -> listProxies(c)) > 0);
  }

  @Test
  void aRequestOverTheMessageLimitIsRefusedBeforeAnythingRuns() {
    ScoreArchitecturesRequest.Builder large = ScoreArchitecturesRequest.newBuilder();
    for (int i = 0; i < 300; i++) {
      large.addArchitectures(Architecture.newBuilder().setNb201Index(10_000 + i));
    }
    assertTrue(large.build().getSerializedSize() > 1024);
    ClientTransport plaintextToken = new ClientTransport(false, Optional.empty(), Optional.empty(),
        Optional.of(token));
    Status refused = refusal(plaintextToken.channelBuilder(plaintextWithToken), c -> {
      ScoringServiceGrpc.newBlockingStub(c).withDeadlineAfter(30, TimeUnit.SECONDS).scoreArchitectures(large.build())
          .forEachRemaining(result -> { });
      return null;
    });
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getCode(), refused.toString());
  }

  @Test
  void reflectionCanBeTurnedOff() throws Exception {
    ClientTransport plaintextToken = new ClientTransport(false, Optional.empty(), Optional.empty(),
        Optional.of(token));
    ExecutionException failed = call(plaintextToken.channelBuilder(plaintextWithToken), c -> {
      CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
      StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(c)
          .serverReflectionInfo(new StreamObserver<>() {
            @Override
            public void onNext(ServerReflectionResponse value) {
              answer.complete(value);
            }

            @Override
            public void onError(Throwable t) {
              answer.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {}
          });
      requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
      return assertThrows(ExecutionException.class, () -> answer.get(30, TimeUnit.SECONDS));
    });
    assertEquals(Status.Code.UNIMPLEMENTED, Status.fromThrowable(failed.getCause()).getCode());
  }

  @Test
  void badTransportOptionsExitWith2AndOneLine() throws Exception {
    Path empty = Files.writeString(temp.resolve("empty-token"), "\n");
    String cert = certificates.serverCertificate().toString();
    Map<List<String>, String> refusals = Map.of(
        List.of("--tls-cert", cert), "scoring-service: Error: Missing required argument(s): --tls-key=FILE",
        List.of("--tls-client-ca", certificates.ca().toString()),
        "scoring-service: Error: Missing required argument(s): --tls-cert=FILE, --tls-key=FILE",
        List.of("--auth-token-file", empty.toString()),
        "scoring-service: Invalid value for option '--auth-token-file': " + empty + " holds no token (it is empty)",
        List.of("--tls-cert", cert, "--tls-key", cert), "scoring-service: Invalid value for option '--tls-key': "
            + cert + " holds no unencrypted PKCS#8 private key",
        List.of("--bind", "999.1.1.1"), "scoring-service: --bind: '999.1.1.1' is not an IPv4 address");
    for (Map.Entry<List<String>, String> refusal : refusals.entrySet()) {
      try (ServiceProcess refused = ServiceProcess.fromClassPath(temp).store(temp.resolve("refused-store"))
          .name("refused").args(refusal.getKey().toArray(String[]::new)).launch()) {
        ServiceProcess.Exit exit = refused.awaitExit();
        assertEquals(2, exit.code(), exit.output());
        assertEquals(1, exit.output().lines().count(), exit.output());
        assertTrue(exit.output().startsWith(refusal.getValue()), exit.output());
      }
    }
  }

  @Test
  void anAddressThatCannotBeBoundExitsWith1AndOneLine() throws Exception {
    // 192.0.2.1 (TEST-NET-1, RFC 5737) is on no interface of this machine: binding it fails, and nothing is sent.
    try (ServiceProcess unbindable = ServiceProcess.fromClassPath(temp).store(temp.resolve("unbindable-store"))
        .name("unbindable").args("--bind", "192.0.2.1").launch()) {
      ServiceProcess.Exit exit = unbindable.awaitExit();
      List<String> lines = exit.output().lines().filter(line -> line.startsWith("scoring-service:")).toList();
      assertEquals(1, exit.code(), exit.output());
      assertEquals(1, lines.size(), exit.output());
      assertTrue(lines.get(0).startsWith("scoring-service: cannot listen on the address --bind and --port name"),
          lines.get(0));
      assertFalse(exit.output().contains("\tat "), exit.output());
    }
  }

  @Test
  void listeningBeyondLoopbackWithoutTlsAndATokenIsWarnedAbout() throws Exception {
    ServerTls tls = new ServerTls(PemFile.certificates(certificates.serverCertificate()),
        PemFile.privateKey(certificates.serverKey()), Optional.empty());
    InetSocketAddress everywhere = new InetSocketAddress("0.0.0.0", 50051);
    Map<ServerTransport, String> warnings = Map.of(
        ServerTransport.DEFAULT, "WARNING: listening on 0.0.0.0 beyond loopback: anyone who can reach the port can"
            + " use the service (--auth-token-file); calls cross the network in clear text (--tls-cert, --tls-key)",
        new ServerTransport(Optional.empty(), Optional.of(token), ConnectionPolicy.DEFAULT, true),
        "WARNING: listening on 0.0.0.0 beyond loopback: calls and the token cross the network in clear text"
            + " (--tls-cert, --tls-key)",
        new ServerTransport(Optional.of(tls), Optional.empty(), ConnectionPolicy.DEFAULT, true),
        "WARNING: listening on 0.0.0.0 beyond loopback: anyone who can reach the port can use the service"
            + " (--auth-token-file)");
    warnings.forEach((transport, warning) -> assertEquals(Optional.of(warning),
        transport.exposureWarning(everywhere)));
    ServerTransport secured = new ServerTransport(Optional.of(tls), Optional.of(token), ConnectionPolicy.DEFAULT,
        true);
    assertEquals(Optional.empty(), secured.exposureWarning(everywhere));
    ServerTls mutual = new ServerTls(PemFile.certificates(certificates.serverCertificate()),
        PemFile.privateKey(certificates.serverKey()), Optional.of(PemFile.certificates(certificates.ca())));
    assertEquals(Optional.empty(), new ServerTransport(Optional.of(mutual), Optional.empty(),
        ConnectionPolicy.DEFAULT, true).exposureWarning(everywhere));
    assertEquals(Optional.empty(), ServerTransport.DEFAULT.exposureWarning(new InetSocketAddress("127.0.0.1", 1)));
  }
}
