"""The client's ring against gRPC-Java's own RingHashLoadBalancer and XxHash64, and its target parsing.

tests/java/io/grpc/xds/RingProbe.java is compiled against the grpc-xds jar the Java clients run with and prints
the addresses, ring entries and target indices gRPC-Java computes; the Python ring must print the same.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import REPO

from knas_client.canonical import canonical_hash
from knas_client.routing import Ring, java_hash, parse_target

PROBE = Path(__file__).resolve().parent / "java" / "io" / "grpc" / "xds" / "RingProbe.java"
CLI_LIB = REPO / "client-cli" / "target" / "lib"
GRPC_XDS = Path.home() / ".m2" / "repository" / "io" / "grpc" / "grpc-xds" / "1.85.1" / "grpc-xds-1.85.1.jar"


def grpc_java_ring(tmp_path: Path, replicas: str, requests: list[str]) -> tuple[list[str], list[tuple[int, int]],
                                                                                   list[tuple[int, int]]]:
    """RingProbe's answer: the Java address strings, the ring's (hash, owner) entries and each request's (hash,
    target index)."""
    jars = sorted(CLI_LIB.glob("*.jar"))
    if not any(jar.name.startswith("grpc-xds-") for jar in jars):
        if not GRPC_XDS.exists():
            pytest.fail(f"grpc-xds is neither in {CLI_LIB} nor at {GRPC_XDS}: run `mvn -B -DskipTests package`")
        jars.append(GRPC_XDS)
    classpath = ":".join(str(jar) for jar in jars)
    subprocess.run(["javac", "-d", str(tmp_path), "-cp", classpath, str(PROBE)], check=True, timeout=300)
    completed = subprocess.run(["java", "-cp", f"{tmp_path}:{classpath}", "io.grpc.xds.RingProbe", replicas,
                                *requests], capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    lines = [line.split(" ") for line in completed.stdout.splitlines()]
    return ([line[1] for line in lines if line[0] == "address"],
            [(int(line[1]), int(line[2])) for line in lines if line[0] == "entry"],
            [(int(line[2]), int(line[3])) for line in lines if line[0] == "pick"])


@pytest.mark.parametrize("replicas", [
    "127.0.0.1:50051,127.0.0.1:50052,127.0.0.1:50053",
    "localhost:6001,127.0.0.1:6002,[::1]:6003,10.0.0.7:6004,127.0.0.2:6005",
    "127.0.0.1:7001,127.0.0.1:7002",
], ids=["three", "five-mixed", "two"])
def test_the_ring_and_the_picks_equal_grpc_javas(tmp_path: Path, replicas: str) -> None:
    endpoints = parse_target(replicas)
    assert endpoints is not None
    ring = Ring([endpoint.address for endpoint in endpoints])
    headers = [canonical_hash(index) or "" for index in range(0, 15625, 61)] + ["", "abc"]
    # The binary search's edges: at, just above and just below entries, beyond both ends, both signs.
    edges = [ring.hashes[0], ring.hashes[0] - 1, ring.hashes[-1], ring.hashes[-1] + 1, ring.hashes[7],
             ring.hashes[7] + 1, ring.hashes[500] - 1, 0, -1, 1, -(1 << 63), (1 << 63) - 1]
    addresses, entries, picks = grpc_java_ring(tmp_path, replicas, headers + [f"#{edge}" for edge in edges])
    assert [endpoint.address for endpoint in endpoints] == addresses
    assert list(zip(ring.hashes, ring.owners)) == entries
    assert [(java_hash(header), ring.target_index(java_hash(header))) for header in headers] == picks[:len(headers)]
    assert [(edge, ring.target_index(edge)) for edge in edges] == picks[len(headers):]


def test_a_hash_above_every_entry_maps_to_the_last_entry_as_in_java() -> None:
    ring = Ring(["/127.0.0.1:1", "/127.0.0.1:2"])
    assert ring.target_index(ring.hashes[-1] + 1) == len(ring) - 1
    assert ring.target_index(ring.hashes[0]) == 0
    assert ring.target_index(ring.hashes[3] + 1) == 4


def test_the_walk_visits_each_replica_once_in_ring_order() -> None:
    ring = Ring(["/127.0.0.1:1", "/127.0.0.1:2", "/127.0.0.1:3"])
    order = list(ring.walk(10))
    assert sorted(order) == [0, 1, 2]
    assert order[0] == ring.owners[10]
    assert order[1] == next(owner for owner in ring.owners[10:] + ring.owners[:10] if owner != order[0])


def test_target_forms() -> None:
    assert parse_target("127.0.0.1:50051") is None  # one replica: the target as gRPC takes it
    listed = parse_target("127.0.0.1:1,localhost:2")
    static = parse_target("static:///127.0.0.1:1,localhost:2")
    assert listed == static
    assert listed is not None
    assert [(e.address, e.channel_target, e.authority) for e in listed] == [
        ("/127.0.0.1:1", "127.0.0.1:1", "127.0.0.1:1"), ("localhost/127.0.0.1:2", "127.0.0.1:2", "localhost:2")]
    dns = parse_target("dns:///localhost:50051")
    assert dns is not None and [e.address for e in dns][0] == "localhost/127.0.0.1:50051"
    assert parse_target("static:///[::ffff:10.1.2.3]:5,[::1]:6") is not None
    assert [e.address for e in parse_target("static:///[::ffff:10.1.2.3]:5,[::1]:6") or []] == [
        "/10.1.2.3:5", "/[0:0:0:0:0:0:0:1]:6"]


@pytest.mark.parametrize("target, message", [
    ("127.0.0.1:1,127.0.0.1", "'127.0.0.1' in '127.0.0.1:1,127.0.0.1' must be host:port"),
    ("127.0.0.1:1,127.0.0.1:70000", "must be host:port with a port 1..65535"),
    ("127.0.0.1:1,127.0.0.1:1", "names the same replica more than once: /127.0.0.1:1"),
    ("dns:///no-such-host.invalid:5", "target: cannot resolve host 'no-such-host.invalid'"),
])
def test_bad_targets_are_refused_naming_the_target(target: str, message: str) -> None:
    with pytest.raises(ValueError, match="target: ") as refused:
        parse_target(target)
    assert message in str(refused.value)


def test_more_replicas_than_the_ring_can_share_equally_are_refused() -> None:
    with pytest.raises(ValueError, match="target: 75 replicas give gRPC-Java's ring unequal entry counts"):
        Ring([f"/10.0.0.{i}:1" for i in range(75)])
    assert len(Ring([f"/10.0.0.{i}:1" for i in range(74)])) == 74 * 14
