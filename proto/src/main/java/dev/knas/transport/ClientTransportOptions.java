package dev.knas.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The command-line options of every client of the service ({@code bin/knas}, the strategy programs) that say how
 * to connect: TLS, a client certificate and a bearer token. Files are read when the options are parsed, so a bad
 * one is an option error.
 */
public final class ClientTransportOptions {

  @Option(names = "--tls", description = "Connect over TLS, trusting the system's root certificates (implied by"
      + " --tls-ca and --tls-cert).")
  boolean tls;

  @Option(names = "--tls-ca", paramLabel = "FILE", converter = PemFile.CertificatesConverter.class,
      description = "Connect over TLS, trusting only this CA certificate (PEM).")
  PemFile trustedCa;

  @ArgGroup(exclusive = false)
  ClientCertificate certificate;

  @Option(names = "--auth-token-file", paramLabel = "FILE", defaultValue = "${env:KNAS_AUTH_TOKEN_FILE}",
      converter = BearerToken.FileConverter.class, description = "Send the bearer token this file holds with"
          + " every call (default: $KNAS_AUTH_TOKEN_FILE). Without TLS it is sent to loopback addresses only.")
  BearerToken token;

  /** Both or neither: a certificate is useless without its key. */
  static final class ClientCertificate {
    @Option(names = "--tls-cert", paramLabel = "FILE", required = true,
        converter = PemFile.CertificatesConverter.class,
        description = "Client certificate chain (PEM), for a service that requires one (mutual TLS); implies"
            + " --tls.")
    PemFile chain;

    @Option(names = "--tls-key", paramLabel = "FILE", required = true,
        converter = PemFile.PrivateKeyConverter.class,
        description = "Private key of --tls-cert (PEM, PKCS#8).")
    PemFile key;
  }

  public ClientTransport transport() {
    return new ClientTransport(tls || trustedCa != null || certificate != null, Optional.ofNullable(trustedCa),
        Optional.ofNullable(certificate).map(c -> new ClientTransport.Certificate(c.chain, c.key)),
        Optional.ofNullable(token));
  }

  /** The options as command-line arguments, to give a child process the same transport. */
  public List<String> arguments() {
    List<String> arguments = new ArrayList<>();
    if (tls) {
      arguments.add("--tls");
    }
    if (trustedCa != null) {
      arguments.addAll(List.of("--tls-ca", trustedCa.path().toAbsolutePath().toString()));
    }
    if (certificate != null) {
      arguments.addAll(List.of("--tls-cert", certificate.chain.path().toAbsolutePath().toString(), "--tls-key",
          certificate.key.path().toAbsolutePath().toString()));
    }
    if (token != null) {
      arguments.addAll(List.of("--auth-token-file", token.file().toAbsolutePath().toString()));
    }
    return arguments;
  }
}
