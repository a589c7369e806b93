package dev.knas.scoring.server;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What the server allows a connection: how often clients may send keepalive pings (only while a call is open;
 * pinging faster gets the connection closed), how long a connection may live before clients are asked to
 * reconnect (with a grace for the calls still running), and the largest request message and metadata.
 *
 * @param permitKeepAlive the shortest keepalive interval a client may use
 * @param maxConnectionAge after this, the server sends GOAWAY so new calls use a new connection (rebalancing
 *     behind a load balancer); empty: connections live as long as they are used
 * @param maxConnectionAgeGrace how long calls still running at the age limit may go on before they are cut;
 *     empty: until they finish (a training may take hours)
 */
public record ConnectionPolicy(Duration permitKeepAlive, Optional<Duration> maxConnectionAge,
    Optional<Duration> maxConnectionAgeGrace, int maxInboundMessageBytes, int maxInboundMetadataBytes) {

  public static final long DEFAULT_PERMIT_KEEPALIVE_SECONDS = 60;
  public static final int DEFAULT_MAX_INBOUND_MESSAGE_BYTES = 4 << 20;
  public static final int DEFAULT_MAX_INBOUND_METADATA_BYTES = 8 << 10;

  /**
   * The transport's own metadata limit, far above the service's: past it, Netty ends the whole connection, so it
   * must sit where real clients never reach; {@link MetadataLimit} refuses calls over the service's limit one by
   * one.
   */
  static final int TRANSPORT_METADATA_BYTES = 256 << 10;

  /** One ping a minute, connections without an age limit, 4 MiB messages, 8 KiB metadata. */
  public static final ConnectionPolicy DEFAULT = new ConnectionPolicy(
      Duration.ofSeconds(DEFAULT_PERMIT_KEEPALIVE_SECONDS), Optional.empty(), Optional.empty(),
      DEFAULT_MAX_INBOUND_MESSAGE_BYTES, DEFAULT_MAX_INBOUND_METADATA_BYTES);

  /** E.g. "keepalive pings at most every 60 s, no connection age limit, messages up to 4194304 bytes, ...". */
  String describe() {
    return "keepalive pings at most every " + permitKeepAlive.toSeconds() + " s, " + maxConnectionAge
        .map(age -> "connections renewed after " + age.toSeconds() + " s (grace " + maxConnectionAgeGrace
            .map(grace -> grace.toSeconds() + " s").orElse("unlimited") + ")")
        .orElse("no connection age limit")
        + ", messages up to " + maxInboundMessageBytes + " bytes, metadata up to " + maxInboundMetadataBytes
        + " bytes";
  }

  void applyTo(NettyServerBuilder builder) {
    builder.permitKeepAliveTime(permitKeepAlive.toNanos(), TimeUnit.NANOSECONDS)
        .permitKeepAliveWithoutCalls(false)
        .maxInboundMessageSize(maxInboundMessageBytes)
        .maxInboundMetadataSize(Math.max(maxInboundMetadataBytes, TRANSPORT_METADATA_BYTES));
    maxConnectionAge.ifPresent(age -> builder.maxConnectionAge(age.toNanos(), TimeUnit.NANOSECONDS));
    maxConnectionAgeGrace.ifPresent(grace -> builder.maxConnectionAgeGrace(grace.toNanos(), TimeUnit.NANOSECONDS));
  }
}
