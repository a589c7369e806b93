package dev.knas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.knas.scoring.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transport options every command that calls the service shares: bad ones exit 2 with one line. */
class ConnectionOptionsTest {

  @TempDir
  Path temp;

  private static void refused(String expected, String... args) {
    CliRun run = CliRun.knas(args);
    assertEquals(2, run.exitCode(), run.err());
    assertEquals(expected + "\n", run.err().replace(System.lineSeparator(), "\n"));
  }

  @Test
  void aCertificateWithoutItsKeyOrWithAnotherFileAsKeyIsRefused() throws Exception {
    String certificate = TestCertificates.create(temp).clientCertificate().toString();
    refused("knas health: Error: Missing required argument(s): --tls-key=FILE (see 'knas health --help')",
        "health", "--tls-cert", certificate);
    refused("knas health: Invalid value for option '--tls-key': " + certificate + " holds no unencrypted PKCS#8"
        + " private key (-----BEGIN PRIVATE KEY-----); convert one with: openssl pkcs8 -topk8 -nocrypt -in KEY -out"
        + " KEY.pem (see 'knas health --help')", "health", "--tls-cert", certificate, "--tls-key", certificate);
  }

  @Test
  void anEmptyOrMissingTokenFileIsRefused() throws Exception {
    Path empty = Files.createFile(temp.resolve("token"));
    refused("knas proxies: Invalid value for option '--auth-token-file': " + empty + " holds no token (it is empty)"
        + " (see 'knas proxies --help')", "proxies", "--auth-token-file", empty.toString());
    Path missing = temp.resolve("absent");
    refused("knas cache stats: Invalid value for option '--auth-token-file': cannot read " + missing
        + " (NoSuchFileException) (see 'knas cache stats --help')", "cache", "stats", "--auth-token-file",
        missing.toString());
  }

  @Test
  void aCaFileWithoutCertificatesIsRefused() throws Exception {
    Path empty = Files.createFile(temp.resolve("ca.pem"));
    refused("knas score: Invalid value for option '--tls-ca': " + empty + " holds no certificate"
        + " (see 'knas score --help')", "score", "--arch", "1", "--tls-ca", empty.toString());
    Path notPem = Files.writeString(temp.resolve("text.pem"), "not a certificate\n");
    refused("knas score: Invalid value for option '--tls-ca': " + notPem + " holds no readable X.509 certificate"
        + " (No certificate data found) (see 'knas score --help')", "score", "--arch", "1", "--tls-ca",
        notPem.toString());
  }
}
