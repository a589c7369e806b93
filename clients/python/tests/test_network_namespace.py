"""The client in a network namespace of its own (`unshare --map-root-user --net`): a non-loopback address that
exists only there, so that nothing is sent to this machine's own addresses or beyond.

A listener on 10.200.0.1 records every byte it receives: a client with a token in plaintext must send it nothing
(it refuses before connecting), while a client without a token does reach it, which shows the capture works. A
host name under the reserved .invalid domain fails at once, naming the target (the namespace has no route to any
DNS server, so the lookup cannot leave it either).
"""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import sys
from typing import Any

import pytest

NAMESPACE = ["unshare", "--map-root-user", "--net"]

CAPTURE = r'''
import json, socket, subprocess, sys, threading, time
from knas_client import KnasClient, KnasError

token = sys.argv[1]
for command in (["ip", "link", "set", "lo", "up"], ["ip", "address", "add", "10.200.0.1/32", "dev", "lo"]):
    subprocess.run(command, check=True)
listener = socket.create_server(("10.200.0.1", 0))
received, connections = [], []


def read(connection):
    with connection:
        while chunk := connection.recv(65536):
            received.append(chunk)


def accept():
    while True:
        connection, peer = listener.accept()
        connections.append(peer)
        threading.Thread(target=read, args=(connection,), daemon=True).start()


threading.Thread(target=accept, daemon=True).start()
address = f"10.200.0.1:{listener.getsockname()[1]}"
result = {"address": address, "refusals": []}
for target in (address, f"static:///{address}", f"{address},127.0.0.1:1"):
    try:
        KnasClient(target, token=token).score(1, "benchmark")
    except ValueError as error:
        result["refusals"].append(str(error))
time.sleep(0.5)
result["with_token"] = {"connections": len(connections), "bytes": sum(map(len, received))}
with KnasClient(address, timeout=1.0) as client:
    try:
        client.health()
    except KnasError as error:
        result["control_error"] = str(error)
time.sleep(0.5)
data = b"".join(received)
result["without_token"] = {"connections": len(connections), "http2_preface": b"PRI * HTTP/2.0" in data}
result["token_received"] = token.encode() in data
print(json.dumps(result))
'''

UNRESOLVABLE = r'''
import json, sys, time
from knas_client import ConnectionFailedError, KnasClient

started = time.monotonic()
try:
    KnasClient(sys.argv[1]).health()
    print(json.dumps({"error": None}))
except ConnectionFailedError as error:
    print(json.dumps({"error": str(error), "seconds": time.monotonic() - started}))
'''


@pytest.fixture(scope="module")
def namespace() -> list[str]:
    """The command prefix that runs a program in a new network namespace; skips where none can be made."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) is not installed")
    tried = subprocess.run([*NAMESPACE, "true"], capture_output=True, text=True)
    if tried.returncode != 0:
        pytest.skip(f"this machine does not permit a network namespace: {tried.stderr.strip()}")
    return NAMESPACE


def _run(namespace: list[str], program: str, *arguments: str) -> dict[str, Any]:
    finished = subprocess.run([*namespace, sys.executable, "-c", program, *arguments], capture_output=True,
                              text=True, timeout=60)
    assert finished.returncode == 0, finished.stderr
    return dict(json.loads(finished.stdout.strip().splitlines()[-1]))


def test_a_token_never_reaches_a_plaintext_listener_beyond_loopback(namespace: list[str]) -> None:
    token = secrets.token_hex(16)
    result = _run(namespace, CAPTURE, token)
    assert len(result["refusals"]) == 3, result
    for refusal in result["refusals"]:
        assert "refusing to send the bearer token in plaintext to " in refusal and result["address"] in refusal
        assert token not in refusal
    assert result["with_token"] == {"connections": 0, "bytes": 0}
    # The control: a client without a token does reach the listener, whose capture holds its HTTP/2 preface.
    assert result["without_token"]["connections"] >= 1 and result["without_token"]["http2_preface"], result
    assert result["token_received"] is False


def test_a_host_name_that_does_not_resolve_fails_at_once_naming_the_target(namespace: list[str]) -> None:
    result = _run(namespace, UNRESOLVABLE, "knas-test.invalid:50051")
    assert result["error"] == ("UNAVAILABLE: cannot connect to knas-test.invalid:50051: the host name does not "
                               "resolve"), result
    assert result["seconds"] < 3.0
