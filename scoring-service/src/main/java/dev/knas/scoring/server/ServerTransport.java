package dev.knas.scoring.server;

import dev.knas.scoring.server.security.BearerTokenInterceptor;
import dev.knas.scoring.server.security.ServerTls;
import dev.knas.transport.BearerToken;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How clients reach the server: plaintext or TLS (mutual when it names a client CA), the bearer token every call
 * but health must carry, the connection policy, and whether server reflection is served.
 */
public record ServerTransport(Optional<ServerTls> tls, Optional<BearerToken> token, ConnectionPolicy policy,
    boolean reflection) {

  /** Plaintext, no token, the default policy, reflection on. */
  public static final ServerTransport DEFAULT =
      new ServerTransport(Optional.empty(), Optional.empty(), ConnectionPolicy.DEFAULT, true);

  /** A Netty server builder on {@code address} with the credentials, the policy and the token check. */
  NettyServerBuilder serverBuilder(InetSocketAddress address) {
    ServerCredentials credentials = tls.map(ServerTls::credentials).orElseGet(InsecureServerCredentials::create);
    NettyServerBuilder builder = NettyServerBuilder.forAddress(address, credentials);
    policy.applyTo(builder);
    token.ifPresent(t -> builder.intercept(new BearerTokenInterceptor(t)));
    // Added last, so it runs first: an oversized call is refused before anything reads its metadata.
    builder.intercept(new MetadataLimit(policy.maxInboundMetadataBytes()));
    return builder;
  }

  /** E.g. "mutual TLS, bearer token required, reflection off, keepalive pings at most every 60 s, ...". */
  String describe() {
    String security = tls.map(t -> t.clientCa().isPresent() ? "mutual TLS" : "TLS").orElse("plaintext")
        + (token.isPresent() ? ", bearer token required" : ", no token");
    return security + ", reflection " + (reflection ? "on" : "off") + ", " + policy.describe();
  }

  /** Why listening on {@code address} this way is risky, if it is: beyond loopback without TLS and a token. */
  Optional<String> exposureWarning(InetSocketAddress address) {
    // Mutual TLS authenticates every client by its certificate, as a token would.
    boolean authenticated = token.isPresent() || tls.flatMap(ServerTls::clientCa).isPresent();
    if (address.getAddress() != null && address.getAddress().isLoopbackAddress()
        || tls.isPresent() && authenticated) {
      return Optional.empty();
    }
    List<String> risks = new ArrayList<>();
    if (!authenticated) {
      risks.add("anyone who can reach the port can use the service (--auth-token-file)");
    }
    if (tls.isEmpty()) {
      risks.add("calls" + (token.isPresent() ? " and the token" : "") + " cross the network in clear text"
          + " (--tls-cert, --tls-key)");
    }
    return Optional.of("WARNING: listening on " + address.getHostString() + " beyond loopback: "
        + String.join("; ", risks));
  }
}
