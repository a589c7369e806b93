"""The client's transport against real TLS and mutual-TLS services that want a token: calls that work, each way a
first connection fails (at once, in one line naming the target and the cause), and a token that shows nowhere."""

from __future__ import annotations

import secrets
import socket
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from certificates import Certificates, make_certificates
from conftest import BENCHMARK_TABLE, RunningService, running_service

from knas_client import ConnectionFailedError, KnasClient, UnauthenticatedError, UnavailableError
from knas_client.connection import classify
from knas_client.transport import read_token

TOKEN = secrets.token_hex(16)
FAST_SECONDS = 3.0


@dataclass(frozen=True)
class Secured:
    """A TLS service and a mutual-TLS one, both wanting TOKEN, the certificates they use and the token's file."""

    tls: RunningService
    mutual: RunningService
    certificates: Certificates
    token_file: Path


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Secured]:
    folder = tmp_path_factory.mktemp("certificates")
    certificates = make_certificates(folder)
    token_file = folder / "token"
    token_file.write_text(TOKEN + "\n")  # as `openssl rand -hex 32 > token` writes it
    certificate, key = certificates.server
    options = ("--default-dataset", "synthetic", "--benchmark-table", str(BENCHMARK_TABLE), "--auth-token-file",
               str(token_file), "--tls-cert", str(certificate), "--tls-key", str(key))
    # Both start at once: each takes seconds to warm its engine up.
    with ExitStack() as services, ThreadPoolExecutor(2) as starting:
        tls = starting.submit(services.enter_context, running_service(tmp_path_factory.mktemp("tls"), *options))
        mutual = starting.submit(services.enter_context, running_service(
            tmp_path_factory.mktemp("mutual-tls"), *options, "--tls-client-ca", str(certificates.ca)))
        yield Secured(tls.result(), mutual.result(), certificates, token_file)


def _port(service: RunningService) -> str:
    return service.target.rpartition(":")[2]


def test_tls_with_the_token_scores(secured: Secured) -> None:
    with KnasClient(secured.tls.target, tls=secured.certificates.ca, token=secured.token_file) as client:
        assert client.score(1, "benchmark").metric == "validation_accuracy"
    # The token as a file's text, trailing newline and all, and the host name the certificate names.
    with KnasClient(f"localhost:{_port(secured.tls)}", tls=str(secured.certificates.ca),
                    token=secured.token_file.read_text()) as client:
        assert client.score(1, "benchmark").metric == "validation_accuracy"


def test_mutual_tls_with_the_token_scores(secured: Secured) -> None:
    with KnasClient(secured.mutual.target, tls=secured.certificates.ca, client_certificate=secured.certificates.client,
                    token=secured.token_file) as client:
        assert client.score(1, "benchmark").metric == "validation_accuracy"
        assert client.health() == "SERVING"


def test_without_the_token_or_with_another_the_service_refuses(secured: Secured) -> None:
    with KnasClient(secured.tls.target, tls=secured.certificates.ca) as client:
        assert client.health() == "SERVING"  # health needs no token
        with pytest.raises(UnauthenticatedError, match="missing"):
            client.score(1, "benchmark")
    another = secrets.token_hex(16)
    with KnasClient(secured.tls.target, tls=secured.certificates.ca, token=another) as client:
        with pytest.raises(UnauthenticatedError) as refused:
            client.score(1, "benchmark")
        assert another not in str(refused.value) and another not in repr(client)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# Each: (target, KnasClient's options) from the services, and what the error must say.
FAILURES: dict[str, tuple[Callable[[Secured, RunningService], tuple[str, dict[str, object]]], str]] = {
    "a CA that did not sign the service's certificate": (
        lambda s, plain: (s.tls.target, {"tls": s.certificates.other_ca, "token": s.token_file}),
        "the service's certificate is not trusted"),
    "the system's roots for a private CA": (
        lambda s, plain: (s.tls.target, {"tls": True, "token": s.token_file}), "the service's certificate is not trusted"),
    "mutual TLS without a client certificate": (
        lambda s, plain: (s.mutual.target, {"tls": s.certificates.ca, "token": s.token_file}),
        "it wants a client certificate (mutual TLS)"),
    "mutual TLS with a client certificate of another CA": (
        lambda s, plain: (s.mutual.target, {"tls": s.certificates.ca, "client_certificate": s.certificates.stranger,
                                            "token": s.token_file}),
        "the service refused the client certificate"),
    "plaintext to the TLS port": (
        lambda s, plain: (s.tls.target, {"token": s.token_file}), "it expects TLS"),
    "TLS to a plaintext port": (
        lambda s, plain: (plain.target, {"tls": s.certificates.ca, "token": s.token_file}),
        "the service does not speak TLS on this port"),
    "nothing listening": (
        lambda s, plain: (f"127.0.0.1:{_free_port()}", {"token": s.token_file}), "connection refused"),
}


@pytest.mark.parametrize("case", FAILURES)
def test_a_first_connection_that_cannot_work_fails_at_once_in_one_line(
        case: str, secured: Secured, service: RunningService, capfd: pytest.CaptureFixture[str]) -> None:
    settings, cause = FAILURES[case]
    target, options = settings(secured, service)
    with KnasClient(target, **options) as client:  # type: ignore[arg-type]
        started = time.monotonic()
        with pytest.raises(ConnectionFailedError) as failed:
            client.score(1, "benchmark")
        elapsed = time.monotonic() - started
        shown = repr(client)
    error = failed.value
    assert isinstance(error, UnavailableError) and error.target == target
    assert str(error).startswith(f"UNAVAILABLE: cannot connect to {target}: ") and cause in str(error), str(error)
    assert "\n" not in str(error)
    assert elapsed < FAST_SECONDS, f"{case}: {elapsed:.2f} s"
    assert error.__cause__ is None and error.__suppress_context__ is False and error.__context__ is None
    logged = capfd.readouterr()
    for text in (str(error), repr(error), error.details, shown, logged.out, logged.err):
        assert TOKEN not in text


def test_the_token_is_in_no_log_of_the_services(secured: Secured) -> None:
    for service in (secured.tls, secured.mutual):
        assert TOKEN not in service.log.read_text()


@pytest.mark.parametrize("target", ["10.1.2.3:50051", "knas.example:50051", "[2001:db8::1]:50051",
                                    "127.0.0.1:50051,10.1.2.3:50051", "dns:///10.1.2.3:50051"])
def test_a_token_in_plaintext_is_refused_beyond_loopback_before_connecting(target: str) -> None:
    with pytest.raises(ValueError) as refused:
        KnasClient(target, token=TOKEN)
    assert f"in plaintext to {target}" in str(refused.value) and TOKEN not in str(refused.value)


@pytest.mark.parametrize("target", ["localhost:50051", "127.0.0.2:50051", "[::1]:50051", "ipv4:127.0.0.1:50051",
                                    "127.0.0.1:50051,127.0.0.2:50051", "unix:/nonexistent/knas.sock"])
def test_a_token_in_plaintext_goes_to_loopback(target: str) -> None:
    with KnasClient(target, token=TOKEN + "\n") as client:
        assert repr(client) == f"KnasClient({target!r}, plaintext, bearer token)"


def test_tokens_lose_surrounding_whitespace_and_bad_ones_are_refused_unquoted(tmp_path: Path) -> None:
    assert read_token(f"  {TOKEN}\r\n") == TOKEN
    token_file = tmp_path / "token"
    token_file.write_text(f"{TOKEN}\n")
    assert read_token(token_file) == TOKEN
    for bad, reason in [("", "empty"), (" \n", "empty"), (f"{TOKEN}\n{TOKEN}", "printable ASCII"),
                        (f"{TOKEN}\x00", "printable ASCII"), (f"{TOKEN}é", "printable ASCII")]:
        with pytest.raises(ValueError, match=reason) as refused:
            KnasClient("127.0.0.1:50051", token=bad)
        assert TOKEN not in str(refused.value)


def test_files_without_pem_content_are_named_not_quoted(tmp_path: Path) -> None:
    not_pem = tmp_path / "token"
    not_pem.write_text(TOKEN)
    with pytest.raises(ValueError, match=f"tls: {not_pem} holds no CA certificate") as refused:
        KnasClient("localhost:50051", tls=not_pem)
    assert TOKEN not in str(refused.value)
    certificates = make_certificates(tmp_path)
    certificate, _ = certificates.client
    with pytest.raises(ValueError, match=f"client_certificate: {certificate} holds no private key"):
        KnasClient("localhost:50051", tls=certificates.ca, client_certificate=(certificate, certificate))
    with pytest.raises(ValueError, match="a client certificate needs tls"):
        KnasClient("localhost:50051", client_certificate=certificates.client)


# gRPC's details as grpcio 1.51 reported them against the Java service (and for a name, in a network namespace).
OBSERVED = [
    ("failed to connect to all addresses; last error: UNKNOWN: ipv4:127.0.0.1:1: Failed to connect to remote host: "
     "Connection refused", False, False, "connection refused", True),
    ("DNS resolution failed for nohost.invalid:50051: C-ares status is not ARES_SUCCESS qtype=A name=nohost.invalid "
     "is_balancer=0: Could not contact DNS servers", False, False, "the host name does not resolve", True),
    ("failed to connect to all addresses; last error: UNKNOWN: ipv4:127.0.0.1:37721: Ssl handshake failed: "
     "SSL_ERROR_SSL: error:0A000086:SSL routines::certificate verify failed", True, False, "is not trusted", False),
    ("failed to connect to all addresses; last error: UNKNOWN: ipv4:127.0.0.1:37721: Peer name other.example is not "
     "in peer certificate", True, False, "not issued for this host name", False),
    ("failed to connect to all addresses; last error: UNAVAILABLE: ipv4:127.0.0.1:46807: Endpoint read failed",
     True, False, "it wants a client certificate", False),
    ("failed to connect to all addresses; last error: UNAVAILABLE: ipv4:127.0.0.1:46807: Endpoint read failed",
     True, True, "refused the client certificate", False),
    ("failed to connect to all addresses; last error: UNAVAILABLE: ipv4:127.0.0.1:37721: Socket closed",
     False, False, "it expects TLS", False),
    ("failed to connect to all addresses; last error: UNAVAILABLE: ipv4:127.0.0.1:37721: recvmsg:Connection reset by "
     "peer", False, False, "it expects TLS", False),
    ("failed to connect to all addresses; last error: UNKNOWN: ipv4:127.0.0.1:46253: Ssl handshake failed: "
     "SSL_ERROR_SSL: error:0A00010B:SSL routines::wrong version number", True, False, "does not speak TLS", False),
    ("failed to connect to all addresses; last error: UNKNOWN: ipv4:10.0.0.1:1: Failed to connect to remote host: "
     "No route to host", False, False, "Failed to connect to remote host: No route to host", True),
]


@pytest.mark.parametrize("details, tls, client_certificate, cause, down", OBSERVED)
def test_observed_failures_are_classified(details: str, tls: bool, client_certificate: bool, cause: str,
                                          down: bool) -> None:
    failure = classify(details, tls=tls, client_certificate=client_certificate)
    assert cause in failure.cause and failure.down is down and failure.details == details
