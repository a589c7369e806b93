package dev.knas.routing;

import dev.knas.contract.ArchitectureForms;
import dev.knas.space.nb201.CanonicalHash;
import dev.knas.v1.Architecture;
import dev.knas.v1.ComputeGradientKernelRequest;
import dev.knas.v1.LookupScoreRequest;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoreArchitecturesRequest;
import dev.knas.v1.ShortTrainRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.util.List;
import java.util.Optional;

/**
 * Adds the {@value #HEADER} header to every call whose request names one architecture (or a batch whose
 * architectures are all of one canonical class), so the channel's {@code ring_hash} policy sends it to the
 * replica that owns that class's shard of the cache. A call that names none, or an architecture that does not
 * parse, goes without it: to any replica, which answers it (or refuses it) as a single service would.
 *
 * <p>The header must be there when the call starts, but the request is only known when it is sent, so a call
 * starts on its first message.
 */
public final class CanonicalHashInterceptor implements ClientInterceptor {

  /** The request header carrying {@link CanonicalHash} of the request's architecture. */
  public static final String HEADER = "knas-canonical-hash";

  static final Metadata.Key<String> KEY = Metadata.Key.of(HEADER, Metadata.ASCII_STRING_MARSHALLER);

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    ClientCall<Q, R> call = next.newCall(method, options);
    return method.getType().clientSendsOneMessage() ? new StartOnFirstMessage<>(call) : call;
  }

  /** The canonical hash of the one architecture class {@code request} names, if it names one. */
  static Optional<String> hashOf(Object request) {
    List<Architecture> architectures = List.of();
    if (request instanceof ScoreArchitectureRequest r && r.hasArchitecture()) {
      architectures = List.of(r.getArchitecture());
    } else if (request instanceof ComputeGradientKernelRequest r && r.hasArchitecture()) {
      architectures = List.of(r.getArchitecture());
    } else if (request instanceof ShortTrainRequest r && r.hasArchitecture()) {
      architectures = List.of(r.getArchitecture());
    } else if (request instanceof LookupScoreRequest r && r.hasRequest() && r.getRequest().hasArchitecture()) {
      architectures = List.of(r.getRequest().getArchitecture());
    } else if (request instanceof ScoreArchitecturesRequest r) {
      architectures = r.getArchitecturesList();
    }
    String hash = null;
    for (Architecture architecture : architectures) {
      Optional<String> one = hashOf(architecture);
      if (one.isEmpty() || (hash != null && !hash.equals(one.get()))) {
        return Optional.empty();
      }
      hash = one.get();
    }
    return Optional.ofNullable(hash);
  }

  /** The canonical hash of {@code architecture}; empty when it names no cell (the service will say why). */
  public static Optional<String> hashOf(Architecture architecture) {
    try {
      return Optional.of(CanonicalHash.of(ArchitectureForms.cell(architecture)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Holds start (and flow-control requests) back until the request is known. */
  private static final class StartOnFirstMessage<Q, R> extends ForwardingClientCall<Q, R> {
    private final ClientCall<Q, R> delegate;
    private Listener<R> listener;
    private Metadata headers;
    private int requested;
    private boolean started;

    StartOnFirstMessage(ClientCall<Q, R> delegate) {
      this.delegate = delegate;
    }

    @Override
    protected ClientCall<Q, R> delegate() {
      return delegate;
    }

    @Override
    public void start(Listener<R> listener, Metadata headers) {
      this.listener = listener;
      this.headers = headers;
    }

    @Override
    public void request(int numMessages) {
      if (started) {
        delegate.request(numMessages);
      } else {
        requested += numMessages;
      }
    }

    @Override
    public void sendMessage(Q message) {
      startNow(hashOf(message));
      delegate.sendMessage(message);
    }

    @Override
    public void halfClose() {
      startNow(Optional.empty());
      delegate.halfClose();
    }

    @Override
    public void cancel(String message, Throwable cause) {
      if (listener != null) {
        startNow(Optional.empty());
      }
      delegate.cancel(message, cause);
    }

    @Override
    public boolean isReady() {
      return started && delegate.isReady();
    }

    private void startNow(Optional<String> hash) {
      if (started) {
        return;
      }
      started = true;
      hash.ifPresent(h -> headers.put(KEY, h));
      delegate.start(listener, headers);
      if (requested > 0) {
        delegate.request(requested);
      }
    }
  }
}
