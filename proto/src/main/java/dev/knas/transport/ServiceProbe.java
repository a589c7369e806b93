package dev.knas.transport;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Checks that the service can be reached before a client's first call, so that a target that was never reached
 * fails at once with one line saying why. The service config retries UNAVAILABLE for a service that was reached
 * and is busy or restarting; for a refused connection, a host name that does not resolve or a failed TLS
 * handshake those retries only delay the same answer by many seconds.
 */
public final class ServiceProbe {

  /**
   * How long the probe waits for an answer, as the service config's Health/Check timeout. A refused connection or a
   * name that does not resolve fails at once, well within it; it bounds a silent address, and leaves room for a
   * loaded machine's first call through ring_hash (a replicated target), which loads gRPC's xDS classes.
   */
  public static final long DEADLINE_SECONDS = 10;

  private final ClientTransport transport;
  private final String target;

  /** A probe of {@code target} (as the user wrote it, for messages) over channels built with {@code transport}. */
  public ServiceProbe(ClientTransport transport, String target) {
    this.transport = transport;
    this.target = target;
  }

  /**
   * Asks grpc.health.v1.Health/Check once (the service config gives it no retries). Any answer, an error status
   * such as UNIMPLEMENTED included, means the service was reached.
   *
   * @throws ServiceUnreachable when the connection or its TLS handshake fails, or nothing answers in time
   * @throws ClearTextTokenRefused when the token would have to go in clear text to an address not loopback
   */
  public void check(Channel channel) {
    try {
      HealthGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      Status status = e.getStatus();
      switch (status.getCode()) {
        case UNAVAILABLE -> throw new ServiceUnreachable(target, why(status));
        case DEADLINE_EXCEEDED -> throw new ServiceUnreachable(target, "no answer within " + DEADLINE_SECONDS
            + " s");
        case UNAUTHENTICATED -> {
          if (BearerTokenCredentials.refusedClearText(status)) {
            throw new ClearTextTokenRefused("--auth-token-file: " + status.getDescription());
          }
        }
        default -> { }
      }
    }
  }

  /**
   * What went wrong in connecting, read from the status's causes as grpc-java and its Netty report them. It never
   * quotes a certificate, a key, or the bytes a server sent.
   */
  String why(Status status) {
    List<Throwable> causes = new ArrayList<>();
    for (Throwable cause = status.getCause(); cause != null; cause = cause.getCause()) {
      causes.add(cause);
    }
    Optional<UnknownHostException> unknownHost = first(causes, UnknownHostException.class);
    if (unknownHost.isPresent()) {
      return "the host name does not resolve (" + unknownHost.get().getMessage() + ")";
    }
    // The innermost: Netty's wrapper appends the address to the message.
    Optional<ConnectException> connect = causes.stream().filter(ConnectException.class::isInstance)
        .map(ConnectException.class::cast).reduce((outer, inner) -> inner);
    if (connect.isPresent()) {
      return lastPart(connect.get().getMessage()).toLowerCase();
    }
    if (causes.stream().anyMatch(c -> c.getClass().getSimpleName().equals("NotSslRecordException"))) {
      return "it does not answer TLS (a plaintext port?); connect without --tls, --tls-ca and --tls-cert";
    }
    if (first(causes, CertPathBuilderException.class).isPresent()) {
      return transport.trustedCa().isPresent()
          ? "its certificate is not signed by the CA of --tls-ca (" + transport.trustedCa().get() + ")"
          : "its certificate is not signed by a CA this system trusts; name its CA with --tls-ca";
    }
    Optional<CertificateException> certificate = first(causes, CertificateException.class);
    if (certificate.isPresent()) {
      return String.valueOf(certificate.get().getMessage()).startsWith("No subject alternative")
          ? "its certificate does not name the host connected to (subjectAltName)"
          : "its certificate was refused (" + certificate.get().getClass().getSimpleName() + ")";
    }
    Optional<SSLException> tls = first(causes, SSLException.class);
    if (tls.isPresent()) {
      return handshake(lastPart(causes.get(causes.size() - 1).getMessage()));
    }
    // A TLS port ends a plaintext client's connection at its first bytes: grpc-java sees either the close or,
    // when the server's reset wins the race, the reset.
    boolean closed = causes.isEmpty()
        && String.valueOf(status.getDescription()).startsWith("Network closed for unknown reason");
    boolean reset = !causes.isEmpty()
        && String.valueOf(causes.get(causes.size() - 1).getMessage()).endsWith("Connection reset by peer");
    if (!transport.tls() && (closed || reset)) {
      return "it closed the connection; if it serves TLS, connect with --tls or --tls-ca";
    }
    return CallFailure.reason(status);
  }

  /** A failed handshake, by the alert the server sent (BoringSSL's name for it, e.g. CERTIFICATE_REQUIRED). */
  private String handshake(String alert) {
    boolean clientCertificate = alert.contains("CERTIFICATE_REQUIRED") || alert.contains("UNKNOWN_CA")
        || alert.contains("BAD_CERTIFICATE") || alert.contains("CERTIFICATE_UNKNOWN");
    if (clientCertificate && transport.certificate().isEmpty()) {
      return "it requires a client certificate (--tls-cert and --tls-key) (" + alert + ")";
    }
    if (clientCertificate) {
      return "it refused the client certificate of --tls-cert (" + alert + ")";
    }
    return "the TLS handshake failed (" + alert + ")";
  }

  private static <T extends Throwable> Optional<T> first(List<Throwable> causes, Class<T> type) {
    return causes.stream().filter(type::isInstance).map(type::cast).findFirst();
  }

  /** "finishConnect(..) failed with error(-111): Connection refused" to "Connection refused". */
  private static String lastPart(String message) {
    String text = String.valueOf(message).lines().findFirst().orElse("");
    return text.substring(text.lastIndexOf(':') + 1).strip();
  }
}
