"""How a KnasClient protects its connections: TLS, a client certificate and the bearer token, as gRPC credentials.

The token travels as call credentials (`authorization: Bearer <token>` on every call) composed with the channel's
credentials, so gRPC itself attaches it only to a channel that is secure enough for it: TLS, or a local
connection (grpc's local credentials, which check that the peer is on loopback). A token with a plaintext target
that is not on loopback is refused before any connection is made. Neither the token nor any key or certificate
content appears in an error, a log line or a repr: errors name the option and the file.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import grpc

LOOPBACK_NAMES = frozenset({"localhost"})
"""Host names taken as loopback without resolving them (with local credentials gRPC still checks the peer)."""


@dataclass(frozen=True)
class Transport:
    """A client's transport settings: the channel credentials (None: plaintext without a token) and what they are.

    repr and describe() say which protections are on, never the token or key material.
    """

    tls: bool
    ca_file: str | None
    client_certificate: bool
    token: bool
    credentials: grpc.ChannelCredentials | None = field(repr=False, compare=False)

    def describe(self) -> str:
        """The transport in words, e.g. "TLS (CA ca.pem), client certificate, bearer token"."""
        if self.tls:
            parts = [f"TLS (CA {self.ca_file})" if self.ca_file is not None else "TLS (system roots)"]
        else:
            parts = ["plaintext"]
        if self.client_certificate:
            parts.append("client certificate")
        if self.token:
            parts.append("bearer token")
        return ", ".join(parts)


def read_token(token: str | os.PathLike[str]) -> str:
    """The bearer token: a str is the token, a path a file holding it; surrounding whitespace (a file's trailing
    newline) is not part of it. Raises ValueError for an empty token or one that cannot be a header value, without
    quoting it."""
    value = (token if isinstance(token, str) else Path(token).read_text(encoding="utf-8")).strip()
    where = "" if isinstance(token, str) else f" in {os.fspath(token)}"
    if not value:
        raise ValueError(f"the bearer token{where} is empty")
    if not all(" " <= character <= "~" for character in value):
        raise ValueError(f"the bearer token{where} has a character other than printable ASCII, which a header "
                         f"cannot carry")
    return value


def is_loopback(host: str) -> bool:
    """Whether a host (a name, or an IP literal, IPv6 with or without brackets) is this machine's loopback:
    localhost, 127.0.0.0/8 or ::1."""
    host = host.strip("[]").split("%")[0]
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def target_host(target: str) -> str | None:
    """The host a plain gRPC target connects to ("host:port", "ipv4:a.b.c.d:port", "ipv6:[::1]:port"); None for
    a Unix domain socket ("unix:path")."""
    if target.startswith(("unix:", "unix-abstract:")):
        return None
    for scheme in ("dns:///", "ipv4:", "ipv6:"):
        if target.startswith(scheme):
            target = target.removeprefix(scheme)
            break
    if target.startswith("["):
        return target[1:].partition("]")[0]
    host, colon, port = target.rpartition(":")
    return host if colon and port.isdigit() else target


def _pem(path: str | os.PathLike[str], marker: bytes, option: str, what: str) -> bytes:
    content = Path(path).read_bytes()
    if marker not in content:
        raise ValueError(f"{option}: {os.fspath(path)} holds no {what} (PEM)")
    return content


def transport(hosts: Sequence[str | None], tls: bool | str | os.PathLike[str],
              client_certificate: tuple[str | os.PathLike[str], str | os.PathLike[str]] | None,
              token: str | os.PathLike[str] | None, target: str) -> Transport:
    """The credentials for channels to `hosts` (None: a Unix domain socket), from KnasClient's options.

    tls is False (plaintext), True (verify the service against the system's roots) or a PEM file of the CAs to
    trust; client_certificate is (certificate file, key file); token the bearer token (see read_token). A token
    in plaintext is only for loopback or a Unix domain socket: with any other host this raises ValueError naming
    the target, before anything is sent.
    """
    if tls is False and client_certificate is not None:
        raise ValueError("a client certificate needs tls")
    call_credentials = None if token is None else grpc.access_token_call_credentials(read_token(token))
    if tls is not False:
        roots = None if tls is True else _pem(tls, b"-----BEGIN CERTIFICATE-----", "tls", "CA certificate")
        chain, key = (None, None) if client_certificate is None else (
            _pem(client_certificate[0], b"-----BEGIN CERTIFICATE-----", "client_certificate", "certificate"),
            _pem(client_certificate[1], b"PRIVATE KEY-----", "client_certificate", "private key"))
        credentials: grpc.ChannelCredentials | None = grpc.ssl_channel_credentials(roots, key, chain)
        if call_credentials is not None:
            credentials = grpc.composite_channel_credentials(credentials, call_credentials)
        return Transport(True, None if tls is True else os.fspath(tls), client_certificate is not None,
                         call_credentials is not None, credentials)
    if call_credentials is None:
        return Transport(False, None, False, False, None)
    if all(host is None for host in hosts):
        local = grpc.LocalConnectionType.UDS
    elif all(host is not None and is_loopback(host) for host in hosts):
        local = grpc.LocalConnectionType.LOCAL_TCP
    else:
        raise ValueError(f"refusing to send the bearer token in plaintext to {target}: pass tls=True (or tls= the "
                         f"CA file), or connect to loopback (localhost, 127.0.0.0/8, [::1])")
    credentials = grpc.composite_channel_credentials(grpc.local_channel_credentials(local), call_credentials)
    return Transport(False, None, False, True, credentials)
