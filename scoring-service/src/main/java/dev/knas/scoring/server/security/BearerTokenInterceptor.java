package dev.knas.scoring.server.security;

import dev.knas.transport.BearerToken;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthGrpc;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Lets a call through only with {@code authorization: Bearer <token>} naming the service's token; anything else is
 * UNAUTHENTICATED, saying what is missing or wrong and never echoing what was sent. grpc.health.v1.Health stays
 * open, so load balancers and orchestrators can probe without the secret.
 */
public final class BearerTokenInterceptor implements ServerInterceptor {

  private final byte[] expectedDigest;

  public BearerTokenInterceptor(BearerToken token) {
    this.expectedDigest = sha256(token.value());
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    if (HealthGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName())) {
      return next.startCall(call, headers);
    }
    Optional<String> refusal = refusal(headers.get(BearerToken.AUTHORIZATION));
    if (refusal.isEmpty()) {
      return next.startCall(call, headers);
    }
    call.close(Status.UNAUTHENTICATED.withDescription(refusal.get()), new Metadata());
    return new ServerCall.Listener<>() {};
  }

  private Optional<String> refusal(String authorization) {
    if (authorization == null) {
      return Optional.of("missing 'authorization: Bearer <token>' metadata");
    }
    if (!authorization.regionMatches(true, 0, BearerToken.SCHEME, 0, BearerToken.SCHEME.length())) {
      return Optional.of("the authorization metadata is not 'Bearer <token>'");
    }
    // Digests of equal length compared in constant time: the time taken reveals neither the token nor its length.
    byte[] given = sha256(authorization.substring(BearerToken.SCHEME.length()).strip());
    return MessageDigest.isEqual(expectedDigest, given) ? Optional.empty()
        : Optional.of("the bearer token is not the service's");
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
