package dev.knas.transport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A PEM file of certificates or of a private key, read and checked once when the options are parsed, so that a
 * missing, swapped or malformed file is a one-line option error at start rather than a TLS failure later.
 */
public final class PemFile {

  private final Path path;
  private final byte[] content;

  private PemFile(Path path, byte[] content) {
    this.path = path;
    this.content = content;
  }

  /**
   * Reads X.509 certificates (a chain, or CA certificates to trust).
   *
   * @throws IllegalArgumentException naming the file when it cannot be read or holds no certificate
   */
  public static PemFile certificates(Path path) {
    PemFile file = read(path);
    try {
      if (CertificateFactory.getInstance("X.509").generateCertificates(file.open()).isEmpty()) {
        throw new IllegalArgumentException(path + " holds no certificate");
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException(path + " holds no readable X.509 certificate (" + e.getMessage() + ")", e);
    }
    return file;
  }

  /**
   * Reads an unencrypted PKCS#8 private key, the form the TLS stack reads.
   *
   * @throws IllegalArgumentException naming the file when it cannot be read or holds no such key
   */
  public static PemFile privateKey(Path path) {
    PemFile file = read(path);
    if (!new String(file.content, StandardCharsets.US_ASCII).contains("-----BEGIN PRIVATE KEY-----")) {
      throw new IllegalArgumentException(path + " holds no unencrypted PKCS#8 private key (-----BEGIN PRIVATE"
          + " KEY-----); convert one with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem");
    }
    return file;
  }

  private static PemFile read(Path path) {
    try {
      return new PemFile(path, Files.readAllBytes(path));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + path + " (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  public Path path() {
    return path;
  }

  /** The content, as the TLS credential builders take it. */
  public InputStream open() {
    return new ByteArrayInputStream(content);
  }

  @Override
  public String toString() {
    return path.toString();
  }

  /** Picocli converter of an option naming a certificate file. */
  public static final class CertificatesConverter implements ITypeConverter<PemFile> {
    @Override
    public PemFile convert(String value) {
      try {
        return certificates(Path.of(value));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** Picocli converter of an option naming a private key file. */
  public static final class PrivateKeyConverter implements ITypeConverter<PemFile> {
    @Override
    public PemFile convert(String value) {
      try {
        return privateKey(Path.of(value));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
