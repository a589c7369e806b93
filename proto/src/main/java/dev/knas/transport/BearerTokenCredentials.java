package dev.knas.transport;

import io.grpc.CallCredentials;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Adds {@code authorization: Bearer <token>} to every call. Over a connection without TLS the token would cross
 * the network in clear text, so there it is sent only to a loopback address and the call fails otherwise.
 */
final class BearerTokenCredentials extends CallCredentials {

  private static final String CLEAR_TEXT = "not sending the bearer token in clear text to ";

  private final BearerToken token;

  BearerTokenCredentials(BearerToken token) {
    this.token = token;
  }

  @Override
  public void applyRequestMetadata(RequestInfo request, Executor executor, MetadataApplier applier) {
    if (request.getSecurityLevel() != SecurityLevel.PRIVACY_AND_INTEGRITY) {
      Optional<String> outside = notLoopback(request);
      if (outside.isPresent()) {
        applier.fail(Status.UNAUTHENTICATED.withDescription(CLEAR_TEXT + outside.get()
            + "; connect with TLS (--tls or --tls-ca)"));
        return;
      }
    }
    Metadata headers = new Metadata();
    headers.put(BearerToken.AUTHORIZATION, BearerToken.SCHEME + token.value());
    applier.apply(headers);
  }

  /** Whether a call failed because these credentials would not send the token in clear text. */
  static boolean refusedClearText(Status status) {
    return status.getCode() == Status.Code.UNAUTHENTICATED
        && String.valueOf(status.getDescription()).startsWith(CLEAR_TEXT);
  }

  /**
   * Where a call without TLS would take the token, if that is not loopback. The connection's peer decides where it
   * is known: with several replicas behind one channel, the call's authority names the first replica only, while
   * the ring may send the call to any of them.
   */
  static Optional<String> notLoopback(RequestInfo request) {
    SocketAddress peer = request.getTransportAttrs().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    if (peer instanceof InetSocketAddress address && address.getAddress() != null) {
      return address.getAddress().isLoopbackAddress() ? Optional.empty()
          : Optional.of(address.getAddress().getHostAddress() + ":" + address.getPort());
    }
    return isLoopback(request.getAuthority()) ? Optional.empty() : Optional.of(request.getAuthority());
  }

  /** Whether {@code authority} (host:port) is localhost or a loopback address; other names are not resolved. */
  static boolean isLoopback(String authority) {
    String host = URI.create("//" + authority).getHost();
    if (host == null) {
      return false;
    }
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    boolean literal = host.startsWith("[") || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    try {
      return literal && InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
