package dev.knas.scoring;

import dev.knas.scoring.server.ConnectionPolicy;
import dev.knas.scoring.server.ServerTransport;
import dev.knas.scoring.server.security.ServerTls;
import dev.knas.transport.BearerToken;
import dev.knas.transport.PemFile;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * How clients reach the server: TLS, mutual TLS, a bearer token, the connection policy and reflection. Files are
 * read when the options are parsed, so a missing, unreadable or empty one is an option error at start.
 */
public final class TransportOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @ArgGroup(exclusive = false)
  Tls tls;

  /** A certificate needs its key, and client certificates can only be checked over TLS. */
  static final class Tls {
    @Option(names = "--tls-cert", paramLabel = "FILE", required = true,
        converter = PemFile.CertificatesConverter.class,
        description = "Serve over TLS with this certificate chain (PEM).")
    PemFile certificateChain;

    @Option(names = "--tls-key", paramLabel = "FILE", required = true,
        converter = PemFile.PrivateKeyConverter.class,
        description = "Private key of --tls-cert (PEM, PKCS#8).")
    PemFile privateKey;

    @Option(names = "--tls-client-ca", paramLabel = "FILE", converter = PemFile.CertificatesConverter.class,
        description = "Mutual TLS: require a client certificate signed by this CA (PEM).")
    PemFile clientCa;
  }

  @Option(names = "--auth-token-file", paramLabel = "FILE", converter = BearerToken.FileConverter.class,
      description = "Require 'authorization: Bearer <token>' with the token this file holds on every call but"
          + " health (the file is read once, at start).")
  BearerToken token;

  @Option(names = "--permit-keepalive-seconds", paramLabel = "S",
      defaultValue = "" + ConnectionPolicy.DEFAULT_PERMIT_KEEPALIVE_SECONDS,
      description = "Shortest keepalive ping interval a client may use, and only while a call is open; a client"
          + " pinging faster is disconnected (default: ${DEFAULT-VALUE}).")
  long permitKeepAliveSeconds;

  @ArgGroup(exclusive = false)
  ConnectionAge connectionAge;

  /** The grace only applies when connections have a maximum age. */
  static final class ConnectionAge {
    @Option(names = "--max-connection-age-seconds", paramLabel = "S", required = true,
        description = "Ask clients to reconnect after this long, e.g. to rebalance behind a load balancer (default:"
            + " off).")
    long seconds;

    @Option(names = "--max-connection-age-grace-seconds", paramLabel = "S",
        description = "Then cut calls still running after this long (default: let them finish).")
    Long graceSeconds;
  }

  @Option(names = "--max-inbound-message-bytes", paramLabel = "N",
      defaultValue = "" + ConnectionPolicy.DEFAULT_MAX_INBOUND_MESSAGE_BYTES,
      description = "Largest request message accepted; larger is RESOURCE_EXHAUSTED (default: ${DEFAULT-VALUE}).")
  int maxInboundMessageBytes;

  @Option(names = "--max-inbound-metadata-bytes", paramLabel = "N",
      defaultValue = "" + ConnectionPolicy.DEFAULT_MAX_INBOUND_METADATA_BYTES,
      description = "Largest request metadata (headers) accepted (default: ${DEFAULT-VALUE}).")
  int maxInboundMetadataBytes;

  @Option(names = "--no-reflection", description = "Do not serve gRPC server reflection (served by default).")
  boolean noReflection;

  /**
   * The transport the options describe.
   *
   * @throws ParameterException for a duration or size out of range
   */
  public ServerTransport transport() {
    if (permitKeepAliveSeconds < 0 || connectionAge != null && (connectionAge.seconds < 1
        || connectionAge.graceSeconds != null && connectionAge.graceSeconds < 0)) {
      throw new ParameterException(command.commandLine(), "--permit-keepalive-seconds and"
          + " --max-connection-age-grace-seconds must be at least 0, --max-connection-age-seconds at least 1");
    }
    if (maxInboundMessageBytes < 1 || maxInboundMetadataBytes < 1) {
      throw new ParameterException(command.commandLine(),
          "--max-inbound-message-bytes and --max-inbound-metadata-bytes must be at least 1");
    }
    Optional<ConnectionAge> age = Optional.ofNullable(connectionAge);
    ConnectionPolicy policy = new ConnectionPolicy(Duration.ofSeconds(permitKeepAliveSeconds),
        age.map(a -> Duration.ofSeconds(a.seconds)),
        age.flatMap(a -> Optional.ofNullable(a.graceSeconds)).map(Duration::ofSeconds), maxInboundMessageBytes,
        maxInboundMetadataBytes);
    return new ServerTransport(Optional.ofNullable(tls).map(t -> new ServerTls(t.certificateChain, t.privateKey,
        Optional.ofNullable(t.clientCa))), Optional.ofNullable(token), policy, !noReflection);
  }
}
