package dev.knas.routing;

import io.grpc.NameResolverRegistry;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where a client finds the service, as a user writes it: one {@code host:port} (or any gRPC target), or several
 * replicas that share the score cache by canonical hash, as a list {@code h1:p1,h2:p2} (also written
 * {@code static:///h1:p1,h2:p2}) or as a DNS name every address of which is a replica ({@code dns:///name:port},
 * a Kubernetes headless Service).
 *
 * @param channelTarget what the gRPC channel is built for
 * @param replicated whether requests are routed among replicas by their canonical-architecture hash
 */
public record ServiceTarget(String channelTarget, boolean replicated) {

  /** How a client's --target option describes itself. */
  public static final String OPTION_DESCRIPTION = "The scoring service: host:port, or its replicas as h1:p1,h2:p2"
      + " or dns:///NAME:PORT (every address of NAME), among which requests are routed by canonical architecture"
      + " (default: $KNAS_TARGET or localhost:50051).";

  private static final String DNS = "dns";

  /** A URI's scheme, as in scheme:/path or scheme://authority/path; host:port has none of its own. */
  private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):/");

  /** Reads a target as users write it; IllegalArgumentException naming the part that is wrong. */
  public static ServiceTarget parse(String text) {
    String target = text.strip();
    if (target.isEmpty()) {
      throw new IllegalArgumentException("the target is empty; give host:port");
    }
    if (target.contains(",") && !target.contains("://")) {
      // As a URI path: entries without spaces, and an IPv6 host's brackets escaped.
      target = StaticListNameResolverProvider.SCHEME + ":///" + HostPort.parseList(target).stream()
          .map(h -> h.toString().replace("[", "%5B").replace("]", "%5D")).collect(Collectors.joining(","));
    }
    if (target.startsWith(StaticListNameResolverProvider.SCHEME + ":")) {
      StaticListNameResolverProvider.replicas(uri(target));
      return new ServiceTarget(target, true);
    }
    if (target.startsWith(DNS + ":")) {
      URI uri = uri(target);
      HostPort.parse(uri.getPath().replaceFirst("^/", ""), "replica");
      return new ServiceTarget(target, true);
    }
    Matcher scheme = SCHEME.matcher(target);
    if (scheme.find()) {
      // gRPC would fail only at the first call, saying it has no NameResolverProvider for it.
      if (NameResolverRegistry.getDefaultRegistry().getProviderForScheme(scheme.group(1)) == null) {
        throw new IllegalArgumentException("'" + target + "' is not host:port, and gRPC knows no scheme '"
            + scheme.group(1) + "' (e.g. localhost:50051 or dns:///NAME:PORT)");
      }
      return new ServiceTarget(target, false);
    }
    HostPort.parse(target, "target");
    return new ServiceTarget(target, false);
  }

  /**
   * Each replica's own {@code host:port}, for the calls that go to every replica (cache statistics, export):
   * the list's entries, or every address the DNS name resolves to now; the target itself when not replicated.
   */
  public List<String> replicas() throws UnknownHostException {
    if (!replicated) {
      return List.of(channelTarget);
    }
    URI uri = uri(channelTarget);
    if (uri.getScheme().equals(StaticListNameResolverProvider.SCHEME)) {
      return StaticListNameResolverProvider.replicas(uri).stream().map(HostPort::toString).toList();
    }
    HostPort name = HostPort.parse(uri.getPath().replaceFirst("^/", ""), "replica");
    List<String> replicas = new ArrayList<>();
    for (InetAddress address : InetAddress.getAllByName(name.host())) {
      replicas.add(new HostPort(address.getHostAddress(), name.port()).toString());
    }
    return replicas;
  }

  private static URI uri(String target) {
    try {
      return new URI(target);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("the target " + target + " is not a gRPC target URI: " + e.getReason());
    }
  }

  /** One replica's address. */
  record HostPort(String host, int port) {

    /** Reads {@code text}; IllegalArgumentException naming it as {@code what} (a replica, the target). */
    static HostPort parse(String text, String what) {
      int colon = text.lastIndexOf(':');
      if (colon <= 0 || colon == text.length() - 1) {
        throw new IllegalArgumentException(what + " '" + text + "' is not host:port");
      }
      String host = text.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(text.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(what + " '" + text + "' has no numeric port");
      }
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException(what + " '" + text + "' has port " + port + ", not in 1..65535");
      }
      return new HostPort(host, port);
    }

    static List<HostPort> parseList(String text) {
      return Arrays.stream(text.split(",", -1)).map(String::strip).map(h -> parse(h, "replica")).toList();
    }

    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }
}
