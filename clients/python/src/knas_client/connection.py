"""A channel's first connection: probed before its first call, and a failure told in one line, without retries.

The contract's service config retries UNAVAILABLE with backoff for about 15 s: that is for a service that was
reached and is busy or restarting. A service that cannot be reached at all (nothing listening, a host name that
does not resolve) or not spoken to (a certificate the client does not trust, a service that wants a client
certificate, plaintext to a TLS port, TLS to a plaintext port) would only fail the same way five times, with a
handshake error logged each time. So before a channel's first call the client asks grpc.health.v1.Health/Check,
which the service config does not retry and the service answers without a token, with a short deadline, and
turns a failure into a ConnectionFailedError that names the target and the cause.

The causes are read from gRPC's own descriptions (grpcio 1.51 with the Java service):

- "Failed to connect to remote host: Connection refused": nothing listens there.
- "DNS resolution failed for <target>: ...": the host name does not resolve.
- "Ssl handshake failed: SSL_ERROR_SSL: ...certificate verify failed": the service's certificate is not signed by
  a CA the client trusts.
- "Peer name <name> is not in peer certificate": the certificate is for other names.
- "Ssl handshake failed: ...wrong version number": a TLS client at a plaintext port.
- "Endpoint read failed" on a TLS channel: the service ended the connection right after the handshake, as a
  mutual-TLS service does with a client that has no certificate, or one it does not trust (TLS 1.3 sends that
  verdict after the client's side of the handshake is done, so gRPC sees only a failed read).
- "Socket closed" (or, when the server's reset wins the race, "Connection reset by peer") on a plaintext channel:
  the service closed the connection at once, as a TLS port does.
- DEADLINE_EXCEEDED with a channel that never became ready: nothing answered (no route, a filtered port), or
  something that does not speak gRPC (grpcio waits for the server's HTTP/2 settings).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import grpc

from knas_client.errors import ConnectionFailedError
from knas_client.stubs.grpc.health.v1 import health_pb2, health_pb2_grpc

PROBE_SECONDS = 10.0
"""The probe's deadline, as the service config gives Health/Check (and as the Java clients wait): how long a first
connection may take before the client reports that nothing answered. Refusals, names that do not resolve and
handshake failures end the probe at once, whatever the deadline; a loaded machine or a distant service can take
seconds to answer a first call."""


@dataclass(frozen=True)
class Failure:
    """Why a first connection failed: the cause in words, whether the service may simply be down (refused,
    unresolved, no answer) as opposed to reached but not spoken to (TLS and certificate mismatches), and gRPC's
    details."""

    cause: str
    down: bool
    details: str


def classify(details: str, *, tls: bool, client_certificate: bool) -> Failure:
    """The failure a failed probe's gRPC details describe (see the module's list)."""
    lowered = details.lower()

    def down(cause: str) -> Failure:
        return Failure(cause, True, details)

    def mismatch(cause: str) -> Failure:
        return Failure(cause, False, details)

    if "connection refused" in lowered:
        return down("connection refused: is the service running, and listening on this port?")
    if "dns resolution failed" in lowered:
        return down("the host name does not resolve")
    if "certificate verify failed" in lowered:
        return mismatch("the service's certificate is not trusted: it is not signed by a CA in tls= (a CA file, "
                        "or the system's roots for tls=True)")
    if "is not in peer certificate" in lowered:
        return mismatch("the service's certificate is not issued for this host name (subjectAltName)")
    if "wrong version number" in lowered:
        return mismatch("the service does not speak TLS on this port: connect in plaintext (tls=False), or to its "
                        "TLS port")
    if tls and "endpoint read failed" in lowered:
        if client_certificate:
            return mismatch("the service refused the client certificate in the TLS handshake: it is not signed by "
                            "a CA the service trusts for clients")
        return mismatch("the service ended the TLS handshake: it wants a client certificate (mutual TLS): pass "
                        "client_certificate=(certificate file, key file)")
    if not tls and ("socket closed" in lowered or "connection reset by peer" in lowered):
        return mismatch("the service closed the connection at once: it expects TLS: pass tls=True, or tls= the "
                        "CA file")
    if "handshake failed" in lowered:
        return mismatch(f"the TLS handshake failed: {_last_reason(details)}")
    return down(_last_reason(details))


def _last_reason(details: str) -> str:
    """gRPC's innermost reason: what follows "last error: <CODE>: <address>: " in its details."""
    reason = details.rpartition("last error: ")[2]
    parts = reason.split(": ", 2)
    return parts[2] if len(parts) == 3 and parts[0].isupper() else reason


class Connection:
    """One channel and whether its service has been reached; probe() checks that once, before the first call."""

    def __init__(self, channel: grpc.Channel, target: str, *, tls: bool, client_certificate: bool) -> None:
        self.channel = channel
        self.target = target
        self._tls = tls
        self._client_certificate = client_certificate
        self._health = health_pb2_grpc.HealthStub(channel)
        self._reached = False
        self._lock = threading.Lock()

    def probe(self, *, tolerate_down: bool = False) -> None:
        """Returns once the service has been reached; raises ConnectionFailedError if it cannot be.

        Any answer, or a connection that became ready, counts as reached; after that this returns at once. With
        tolerate_down, a service that is merely down (refused, unresolved, no answer) returns too, unreached,
        for a caller that has somewhere else to go (another replica); a mismatch of TLS or certificates raises
        whatever tolerate_down says.
        """
        if self._reached:
            return
        with self._lock:
            if self._reached:
                return
            failure = self._check()
            if failure is None:
                self._reached = True
                return
        if not (tolerate_down and failure.down):
            raise ConnectionFailedError(self.target, failure.cause, failure.details)

    def _check(self) -> Failure | None:
        ready = grpc.channel_ready_future(self.channel)
        try:
            self._health.Check(health_pb2.HealthCheckRequest(), timeout=PROBE_SECONDS)
            return None
        except grpc.RpcError as error:
            code = error.code() if isinstance(error, grpc.Call) else grpc.StatusCode.UNKNOWN
            details = (error.details() if isinstance(error, grpc.Call) else None) or ""
            connecting = details.startswith(("failed to connect to all addresses", "DNS resolution failed"))
            if connecting and code is grpc.StatusCode.UNAVAILABLE:
                return classify(details, tls=self._tls, client_certificate=self._client_certificate)
            if code is grpc.StatusCode.DEADLINE_EXCEEDED and not ready.done():
                return Failure(f"no gRPC connection within {PROBE_SECONDS:g} s: nothing answered, or not gRPC",
                               True, details)
            return None  # the service answered (whatever it said), or the connection was made
        finally:
            ready.cancel()
