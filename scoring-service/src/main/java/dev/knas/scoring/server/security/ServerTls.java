package dev.knas.scoring.server.security;

import dev.knas.transport.PemFile;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The server's TLS: its certificate chain and private key, and for mutual TLS the CA whose certificates clients
 * must present (a client without one is refused during the handshake).
 */
public record ServerTls(PemFile certificateChain, PemFile privateKey, Optional<PemFile> clientCa) {

  public ServerCredentials credentials() {
    TlsServerCredentials.Builder builder = TlsServerCredentials.newBuilder();
    try {
      builder.keyManager(certificateChain.open(), privateKey.open());
      if (clientCa.isPresent()) {
        builder.trustManager(clientCa.get().open()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
      }
    } catch (IOException e) {
      // The PEM content is already in memory, so this is not an I/O failure that can happen.
      throw new UncheckedIOException(e);
    }
    return builder.build();
  }
}
