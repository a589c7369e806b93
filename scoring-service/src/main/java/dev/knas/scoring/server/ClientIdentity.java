package dev.knas.scoring.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Who a call comes from, for the engine queue's fair shares. A remote client is its host address, so opening
 * more connections does not buy more shares; a client on the service's own machine is its connection (address
 * and port), since every local process shares the loopback address.
 */
final class ClientIdentity implements ServerInterceptor {

  /** The client of the current call; absent outside calls (work the service starts itself). */
  static final Context.Key<String> CLIENT = Context.key("knas-client");

  /** The share of work started outside any call. */
  static final String SERVICE = "service";

  /** The client of the current call, or {@link #SERVICE}. */
  static String current() {
    String client = CLIENT.get();
    return client == null ? SERVICE : client;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    return Contexts.interceptCall(Context.current().withValue(CLIENT, of(call.getAttributes().get(
        Grpc.TRANSPORT_ATTR_REMOTE_ADDR))), call, headers, next);
  }

  static String of(SocketAddress remote) {
    if (remote instanceof InetSocketAddress address && address.getAddress() != null) {
      return address.getAddress().isLoopbackAddress()
          ? address.getAddress().getHostAddress() + ":" + address.getPort()
          : address.getAddress().getHostAddress();
    }
    return String.valueOf(remote);
  }
}
