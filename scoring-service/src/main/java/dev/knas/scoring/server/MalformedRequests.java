package dev.knas.scoring.server;

import dev.knas.scoring.request.StatusText;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a request message that does not parse with INVALID_ARGUMENT and one log line. grpc-java parses
 * before any interceptor or service sees the message, and answers a parse failure UNKNOWN "Application error
 * processing RPC" with a stack trace in the log; so the guarded service's methods take the raw message and parse
 * it here, where the failure can be answered.
 */
final class MalformedRequests {

  private static final Logger log = LoggerFactory.getLogger(MalformedRequests.class);

  /** The raw message, parsed later by the method's own marshaller. */
  private static final MethodDescriptor.Marshaller<InputStream> RAW = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(InputStream value) {
      return value;
    }

    @Override
    public InputStream parse(InputStream stream) {
      return stream;
    }
  };

  private MalformedRequests() {}

  /** {@code service} with every method's request parsed by this class. */
  static ServerServiceDefinition guard(ServerServiceDefinition service) {
    ServiceDescriptor original = service.getServiceDescriptor();
    List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      methods.add(guard(method));
    }
    ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
        .setSchemaDescriptor(original.getSchemaDescriptor());
    methods.forEach(m -> descriptor.addMethod(m.getMethodDescriptor()));
    ServerServiceDefinition.Builder guarded = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(guarded::addMethod);
    return guarded.build();
  }

  private static <Q, R> ServerMethodDefinition<InputStream, R> guard(ServerMethodDefinition<Q, R> definition) {
    MethodDescriptor<Q, R> typed = definition.getMethodDescriptor();
    ServerCallHandler<Q, R> handler = definition.getServerCallHandler();
    return ServerMethodDefinition.create(typed.toBuilder(RAW, typed.getResponseMarshaller()).build(),
        (call, headers) -> new Parsing<>(call, typed, handler.startCall(new TypedCall<>(call, typed), headers)));
  }

  /** Parses each raw message for the method's listener; a malformed one closes the call instead. */
  private static final class Parsing<Q, R> extends SimpleForwardingServerCallListener<InputStream> {
    private final ServerCall<InputStream, R> call;
    private final MethodDescriptor<Q, R> method;
    private final ServerCall.Listener<Q> listener;
    private boolean refused;

    @SuppressWarnings("unchecked")
    Parsing(ServerCall<InputStream, R> call, MethodDescriptor<Q, R> method, ServerCall.Listener<Q> listener) {
      // Only onMessage needs the raw type; every other event goes to the method's listener as it is.
      super((ServerCall.Listener<InputStream>) (ServerCall.Listener<?>) listener);
      this.call = call;
      this.method = method;
      this.listener = listener;
    }

    @Override
    public void onMessage(InputStream raw) {
      if (refused) {
        return;
      }
      Q message;
      try (raw) {
        message = method.parseRequest(raw);
      } catch (RuntimeException | IOException e) {
        refused = true;
        Status status = overLimit(e).orElseGet(() -> Status.INVALID_ARGUMENT.withDescription(
            "request: not a valid " + requestType(method) + " message (" + reason(e) + ")"));
        status = status.withDescription(StatusText.description(status.getDescription()));
        log.info("{} refused: {} {}", method.getBareMethodName(), status.getCode(), status.getDescription());
        call.close(status, new Metadata());
        return;
      }
      listener.onMessage(message);
    }

    @Override
    public void onHalfClose() {
      if (!refused) {
        listener.onHalfClose();
      }
    }
  }

  /**
   * grpc's own RESOURCE_EXHAUSTED, when it cut the message while it was read: a compressed message that
   * inflates past the limit is too large, not malformed.
   */
  private static Optional<Status> overLimit(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
        return Optional.of(s.getStatus());
      }
    }
    return Optional.empty();
  }

  /** The request message's full name, e.g. knas.v1.ScoreArchitectureRequest. */
  private static String requestType(MethodDescriptor<?, ?> method) {
    return method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> p
        && p.getMessagePrototype() instanceof com.google.protobuf.Message m
        ? m.getDescriptorForType().getFullName() : "request";
  }

  /** The parser's own words: the innermost cause (the protobuf parser's), not the wrapper grpc puts round it. */
  private static String reason(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return String.valueOf(cause.getMessage());
  }

  /** The raw call seen as the method's typed call by the method's handler. */
  private static final class TypedCall<Q, R> extends SimpleForwardingServerCall<Q, R> {
    private final MethodDescriptor<Q, R> method;

    @SuppressWarnings("unchecked")
    TypedCall(ServerCall<InputStream, R> raw, MethodDescriptor<Q, R> method) {
      // Only the method descriptor names the request type; every other call goes to the raw call as it is.
      super((ServerCall<Q, R>) (ServerCall<?, R>) raw);
      this.method = method;
    }

    @Override
    public MethodDescriptor<Q, R> getMethodDescriptor() {
      return method;
    }
  }
}
