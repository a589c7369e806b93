package dev.knas.scoring.server;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Refuses one call whose metadata is over the limit, with RESOURCE_EXHAUSTED on that call alone. The transport's
 * own limit cannot do this: Netty answers headers a little over it with HTTP 431 (UNKNOWN at the client), and
 * headers over 1.25 times it with a connection error that ends every call on the connection. So the transport's
 * limit is set far above the service's ({@link ConnectionPolicy#TRANSPORT_METADATA_BYTES}) and this interceptor
 * enforces the service's.
 */
final class MetadataLimit implements ServerInterceptor {

  /** What HTTP/2 adds to each header field in its header-list size (RFC 9113, section 6.5.2). */
  private static final int FIELD_OVERHEAD = 32;

  private final int maxBytes;

  MetadataLimit(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    long size = size(headers);
    if (size <= maxBytes) {
      return next.startCall(call, headers);
    }
    call.close(Status.RESOURCE_EXHAUSTED.withDescription("request metadata of " + size + " bytes is over the"
        + " service's limit of " + maxBytes + " bytes"), new Metadata());
    return new ServerCall.Listener<>() {};
  }

  /** The metadata's size as HTTP/2 counts a header list (binary values as the base64 text that carried them). */
  static long size(Metadata headers) {
    long size = 0;
    for (String name : headers.keys()) {
      if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        for (byte[] value : headers.getAll(Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER))) {
          size += name.length() + (value.length + 2L) / 3 * 4 + FIELD_OVERHEAD;
        }
      } else {
        for (String value : headers.getAll(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER))) {
          size += name.length() + value.length() + FIELD_OVERHEAD;
        }
      }
    }
    return size;
  }
}
