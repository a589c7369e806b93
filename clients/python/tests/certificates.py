"""Certificates made at test time: a CA, a server certificate for localhost and 127.0.0.1, a client certificate
it signed, and a second CA with a client certificate of its own, which the first trusts for nothing."""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class Certificates:
    """PEM files in one folder: ca signed server (for localhost and 127.0.0.1) and client; other_ca signed
    stranger. Each certificate's key is beside it (.key, unencrypted PKCS#8)."""

    folder: Path

    @property
    def ca(self) -> Path:
        return self.folder / "ca.pem"

    @property
    def other_ca(self) -> Path:
        return self.folder / "other-ca.pem"

    @property
    def server(self) -> tuple[Path, Path]:
        return self.folder / "server.pem", self.folder / "server.key"

    @property
    def client(self) -> tuple[Path, Path]:
        return self.folder / "client.pem", self.folder / "client.key"

    @property
    def stranger(self) -> tuple[Path, Path]:
        return self.folder / "stranger.pem", self.folder / "stranger.key"


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _issue(folder: Path, stem: str, common_name: str, issuer: tuple[x509.Certificate, ec.EllipticCurvePrivateKey]
           | None, names: list[x509.GeneralName] | None = None) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(_name(common_name))
               .issuer_name(_name(common_name) if issuer is None else issuer[0].subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=issuer is None, path_length=None), critical=True))
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    certificate = builder.sign(key if issuer is None else issuer[1], hashes.SHA256())
    (folder / f"{stem}.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / f"{stem}.key").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                           serialization.PrivateFormat.PKCS8,
                                                           serialization.NoEncryption()))
    return certificate, key


def make_certificates(folder: Path) -> Certificates:
    """Writes the CAs and certificates into folder."""
    ca = _issue(folder, "ca", "knas test CA", None)
    _issue(folder, "server", "localhost", ca,
           [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
    _issue(folder, "client", "knas test client", ca)
    other = _issue(folder, "other-ca", "another CA", None)
    _issue(folder, "stranger", "a client of another CA", other)
    return Certificates(folder)
