package dev.knas.transport;

import dev.knas.routing.CanonicalHashInterceptor;
import dev.knas.routing.ServiceTarget;
import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannelBuilder;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * How a client reaches the service, and the one place its channels are built: plaintext or TLS (trusting the
 * system's roots or one CA, optionally with a client certificate for mutual TLS), with or without a bearer token.
 *
 * @param tls whether to connect over TLS
 * @param trustedCa the only CA to trust; empty trusts the system's roots
 * @param certificate the client's certificate, for a service that requires one
 * @param token sent with every call
 */
public record ClientTransport(boolean tls, Optional<PemFile> trustedCa, Optional<Certificate> certificate,
    Optional<BearerToken> token) {

  /** Plaintext without a token. */
  public static final ClientTransport PLAINTEXT =
      new ClientTransport(false, Optional.empty(), Optional.empty(), Optional.empty());

  /** A certificate chain and its private key. */
  public record Certificate(PemFile chain, PemFile key) {}

  public ClientTransport {
    if (!tls && (trustedCa.isPresent() || certificate.isPresent())) {
      throw new IllegalArgumentException("a trusted CA or a client certificate needs TLS");
    }
  }

  /**
   * A channel builder for {@code target} (as {@link ServiceTarget} reads it: host:port, a gRPC target URI, or
   * several replicas) with these credentials and the contract's service config: the retries and timeouts every
   * client of the service uses, in every language. A replicated target routes each request by its
   * canonical-architecture hash; IllegalArgumentException when the target is malformed.
   */
  public ManagedChannelBuilder<?> channelBuilder(String target) {
    ServiceTarget service = ServiceTarget.parse(target);
    ManagedChannelBuilder<?> builder = Grpc.newChannelBuilder(service.channelTarget(), credentials()).enableRetry();
    if (service.replicated()) {
      return builder.defaultServiceConfig(ServiceConfig.ROUTED).intercept(new CanonicalHashInterceptor());
    }
    return builder.defaultServiceConfig(ServiceConfig.DEFAULT);
  }

  private ChannelCredentials credentials() {
    ChannelCredentials channel = tls ? tlsCredentials() : InsecureChannelCredentials.create();
    return token.<ChannelCredentials>map(t -> CompositeChannelCredentials.create(channel,
        new BearerTokenCredentials(t))).orElse(channel);
  }

  private ChannelCredentials tlsCredentials() {
    TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
    try {
      if (trustedCa.isPresent()) {
        builder.trustManager(trustedCa.get().open());
      }
      if (certificate.isPresent()) {
        builder.keyManager(certificate.get().chain().open(), certificate.get().key().open());
      }
    } catch (IOException e) {
      // The PEM content is already in memory, so this is not an I/O failure that can happen.
      throw new UncheckedIOException(e);
    }
    return builder.build();
  }
}
