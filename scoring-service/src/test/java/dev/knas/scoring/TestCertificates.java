package dev.knas.scoring;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

/**
 * TLS files made at test time (no key is committed): a CA, a server certificate for localhost and 127.0.0.1, a
 * client certificate, all signed by the CA, and a second CA that signed nothing here. PEM, keys in PKCS#8.
 */
public record TestCertificates(Path ca, Path serverCertificate, Path serverKey, Path clientCertificate,
    Path clientKey, Path otherCa) {

  private static final AtomicLong SERIAL = new AtomicLong(1);

  /** Writes the files into {@code dir}. */
  public static TestCertificates create(Path dir) throws IOException, GeneralSecurityException {
    try {
      KeyPair caKeys = keyPair();
      X500Name caName = new X500Name("CN=knas test CA");
      X509CertificateHolder ca = sign(caName, caKeys, caName, caKeys.getPrivate(), certificate -> certificate
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true)));
      KeyPair serverKeys = keyPair();
      X509CertificateHolder server = sign(new X500Name("CN=localhost"), serverKeys, caName, caKeys.getPrivate(),
          certificate -> certificate
              .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                  new GeneralName(GeneralName.dNSName, "localhost"),
                  new GeneralName(GeneralName.iPAddress, "127.0.0.1")}))
              .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth)));
      KeyPair clientKeys = keyPair();
      X509CertificateHolder client = sign(new X500Name("CN=knas test client"), clientKeys, caName,
          caKeys.getPrivate(), certificate -> certificate.addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth)));
      KeyPair otherKeys = keyPair();
      X500Name otherName = new X500Name("CN=another CA");
      X509CertificateHolder other = sign(otherName, otherKeys, otherName, otherKeys.getPrivate(), certificate ->
          certificate.addExtension(Extension.basicConstraints, true, new BasicConstraints(true)));
      Files.createDirectories(dir);
      return new TestCertificates(write(dir.resolve("ca.pem"), ca), write(dir.resolve("server.pem"), server),
          write(dir.resolve("server.key"), new JcaPKCS8Generator(serverKeys.getPrivate(), null)),
          write(dir.resolve("client.pem"), client),
          write(dir.resolve("client.key"), new JcaPKCS8Generator(clientKeys.getPrivate(), null)),
          write(dir.resolve("other-ca.pem"), other));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  /** Adds a certificate's extensions. */
  private interface Extensions {
    X509v3CertificateBuilder add(X509v3CertificateBuilder certificate) throws IOException;
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static X509CertificateHolder sign(X500Name subject, KeyPair subjectKeys, X500Name issuer,
      PrivateKey issuerKey, Extensions extensions) throws IOException, OperatorCreationException {
    Instant now = Instant.now();
    X509v3CertificateBuilder certificate = new JcaX509v3CertificateBuilder(issuer,
        BigInteger.valueOf(SERIAL.getAndIncrement()), Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(Duration.ofDays(1))), subject, subjectKeys.getPublic());
    return extensions.add(certificate).build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey));
  }

  private static Path write(Path file, X509CertificateHolder certificate) throws IOException {
    return write(file, new JcaMiscPEMGenerator(certificate));
  }

  private static Path write(Path file, PemObjectGenerator pem) throws IOException {
    try (Writer writer = Files.newBufferedWriter(file); JcaPEMWriter pemWriter = new JcaPEMWriter(writer)) {
      pemWriter.writeObject(pem);
    }
    return file;
  }
}
