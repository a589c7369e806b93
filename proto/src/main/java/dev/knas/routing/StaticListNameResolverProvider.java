package dev.knas.routing;

import dev.knas.routing.ServiceTarget.HostPort;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.Status;
import io.grpc.StatusOr;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The {@code static:///h1:p1,h2:p2} target: a fixed list of replicas, each one endpoint of the channel's load
 * balancer (gRPC-Java has DNS and in-process resolvers, none for a plain list). Host names are resolved on the
 * channel's offload executor, again on every refresh, so a replica that moved is found.
 */
public final class StaticListNameResolverProvider extends NameResolverProvider {

  static final String SCHEME = "static";

  /** The replicas of a {@code static:} URI; IllegalArgumentException naming a malformed one. */
  static List<HostPort> replicas(URI uri) {
    String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    if (path.isEmpty()) {
      throw new IllegalArgumentException("the target " + uri + " names no replica; write static:///h1:p1,h2:p2");
    }
    return HostPort.parseList(path);
  }

  @Override
  protected boolean isAvailable() {
    return true;
  }

  @Override
  protected int priority() {
    return 5;
  }

  @Override
  public String getDefaultScheme() {
    return SCHEME;
  }

  @Override
  public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
    return List.of(InetSocketAddress.class);
  }

  @Override
  public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
    if (!SCHEME.equals(targetUri.getScheme())) {
      return null;
    }
    return new StaticListNameResolver(targetUri.toString(), replicas(targetUri), args.getOffloadExecutor());
  }

  private static final class StaticListNameResolver extends NameResolver {
    private final String authority;
    private final List<HostPort> replicas;
    private final Executor offload;
    private Listener2 listener;

    StaticListNameResolver(String authority, List<HostPort> replicas, Executor offload) {
      this.authority = authority;
      this.replicas = replicas;
      this.offload = offload == null ? Runnable::run : offload;
    }

    @Override
    public String getServiceAuthority() {
      // A channel has one authority: over TLS every replica's certificate must name the first replica's host
      // (replicas of one deployment share a certificate).
      return replicas.get(0).host();
    }

    @Override
    public void start(Listener2 listener) {
      this.listener = listener;
      resolve();
    }

    @Override
    public void refresh() {
      resolve();
    }

    /** Every replica that resolves is an endpoint; one that does not is left out until a refresh finds it. */
    private void resolve() {
      offload.execute(() -> {
        List<EquivalentAddressGroup> groups = new ArrayList<>();
        for (HostPort replica : replicas) {
          InetSocketAddress address = new InetSocketAddress(replica.host(), replica.port());
          if (!address.isUnresolved()) {
            groups.add(new EquivalentAddressGroup(address));
          }
        }
        listener.onResult(ResolutionResult.newBuilder().setAddressesOrError(groups.isEmpty()
            ? StatusOr.fromStatus(Status.UNAVAILABLE.withDescription("no replica of " + authority + " resolves"))
            : StatusOr.fromValue(groups)).build());
      });
    }

    @Override
    public void shutdown() {}
  }
}
