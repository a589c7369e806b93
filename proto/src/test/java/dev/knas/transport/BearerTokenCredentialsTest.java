package dev.knas.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.grpc.Attributes;
import io.grpc.CallCredentials;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import io.grpc.health.v1.HealthGrpc;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the token may go without TLS: decided by the connection's peer, the call's authority only without one. */
class BearerTokenCredentialsTest {

  @TempDir
  static Path temp;

  private static BearerTokenCredentials credentials;

  @BeforeAll
  static void readToken() throws Exception {
    credentials = new BearerTokenCredentials(BearerToken.read(Files.writeString(temp.resolve("token"), "s3cret\n")));
  }

  private record Outcome(Metadata sent, Status refused) {}

  private static Outcome apply(String authority, SecurityLevel security, InetSocketAddress peer) {
    AtomicReference<Metadata> sent = new AtomicReference<>();
    AtomicReference<Status> refused = new AtomicReference<>();
    Attributes.Builder attributes = Attributes.newBuilder();
    if (peer != null) {
      attributes.set(Grpc.TRANSPORT_ATTR_REMOTE_ADDR, peer);
    }
    credentials.applyRequestMetadata(new CallCredentials.RequestInfo() {
      @Override
      public MethodDescriptor<?, ?> getMethodDescriptor() {
        return HealthGrpc.getCheckMethod();
      }

      @Override
      public SecurityLevel getSecurityLevel() {
        return security;
      }

      @Override
      public String getAuthority() {
        return authority;
      }

      @Override
      public Attributes getTransportAttrs() {
        return attributes.build();
      }
    }, Runnable::run, new CallCredentials.MetadataApplier() {
      @Override
      public void apply(Metadata headers) {
        sent.set(headers);
      }

      @Override
      public void fail(Status status) {
        refused.set(status);
      }
    });
    return new Outcome(sent.get(), refused.get());
  }

  @Test
  void aReplicaBeyondLoopbackBehindALoopbackAuthorityGetsNoTokenInClearText() {
    // The ring's channel takes its authority from the first replica; the call went to another.
    Outcome outcome = apply("127.0.0.1:50051", SecurityLevel.NONE, new InetSocketAddress("10.200.0.1", 50051));
    assertNull(outcome.sent());
    assertEquals("not sending the bearer token in clear text to 10.200.0.1:50051; connect with TLS (--tls or"
        + " --tls-ca)", outcome.refused().getDescription());
  }

  @Test
  void loopbackPeersGetTheTokenInClearTextAndTlsPeersAnywhere() {
    assertNotNull(apply("127.0.0.1:50051", SecurityLevel.NONE, new InetSocketAddress("127.0.0.1", 50051)).sent());
    assertNotNull(apply("localhost:50051", SecurityLevel.NONE, new InetSocketAddress("::1", 50051)).sent());
    assertNotNull(apply("scoring.example.org:50051", SecurityLevel.PRIVACY_AND_INTEGRITY,
        new InetSocketAddress("10.200.0.1", 50051)).sent());
  }

  @Test
  void withoutAKnownPeerTheAuthorityDecides() {
    assertNotNull(apply("localhost:50051", SecurityLevel.NONE, null).sent());
    assertEquals(Status.Code.UNAUTHENTICATED, apply("10.200.0.1:50051", SecurityLevel.NONE, null).refused()
        .getCode());
  }
}
