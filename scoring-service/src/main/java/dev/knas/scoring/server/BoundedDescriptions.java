package dev.knas.scoring.server;

import dev.knas.scoring.request.StatusText;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Bounds and escapes the status descriptions of a service whose code is not ours: grpc-java's health service
 * answers an unknown name with {@code unknown service <name>}, echoing a 1 MiB name as a 1 MiB status, which a
 * default client refuses as oversized metadata instead of reading the answer.
 */
final class BoundedDescriptions implements ServerInterceptor {

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    return next.startCall(new SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        super.close(status.withDescription(StatusText.description(status.getDescription())), trailers);
      }
    }, headers);
  }
}
