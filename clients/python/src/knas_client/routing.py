"""Client-side routing among replicas of the service, exactly as gRPC-Java's ring_hash policy routes.

Each replica owns one shard of the score cache, and every request that carries an architecture is routed by its
`knas-canonical-hash` header. The Java clients do it with gRPC-Java's `ring_hash_experimental` policy and its
`requestHashHeader` (gRFC A76); Debian's grpcio 1.51 predates A76, so this module rebuilds the same ring and the
same pick, so that Java and Python clients of one deployment share the shards:

- Ring: each replica gets ring entries XxHash64 (seed 0) of "<address>_<i>", where <address> is Java's
  InetSocketAddress.toString() of the replica (`/127.0.0.1:5001` for an IP literal, `name/10.0.0.5:5001` for a
  host name); with equal weights, the count per replica follows the provider's defaults (minRingSize 1024,
  maxRingSize 4096) and RingHashLoadBalancer's scale formula, in the same double arithmetic. Entries are sorted
  as signed 64-bit integers, as Java's longs.
- Pick: XxHash64 of the header value, located on the ring by RingHashPicker's own binary search (quirks
  included); the first replica from there whose connection is not in TRANSIENT_FAILURE serves the request,
  after waiting for one that is connecting. A replica that refuses connections therefore passes only its own
  shard on to the next replica of the ring.
"""

from __future__ import annotations

import ipaddress
import math
import random
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import grpc
import xxhash

# RingHashLoadBalancerProvider's defaults; the Java clients set neither.
MIN_RING_SIZE = 1024
MAX_RING_SIZE = 4096

_SIGN_BIT = 1 << 63

HASH_HEADER = "knas-canonical-hash"
"""The header the Java clients' ring_hash policy routes by (requestHashHeader); the Python client sends it too."""


@dataclass(frozen=True)
class Endpoint:
    """One replica: its Java address string (its ring identity), what to connect to and the authority to name.

    channel_target is an IP literal with port; authority is the host:port the target named, which the channel
    sends as :authority and, with TLS, verifies the certificate against.
    """

    address: str
    channel_target: str
    authority: str


def java_hash(text: str) -> int:
    """XxHash64.hashAsciiString as a signed 64-bit value: the hash of each UTF-16 unit's low byte, seed 0."""
    low_bytes = text.encode("utf-16-le")[::2]  # Java's (byte) str.charAt(i)
    value = xxhash.xxh64_intdigest(low_bytes, seed=0)
    return value - (1 << 64) if value & _SIGN_BIT else value


def _java_host_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """InetAddress.getHostAddress(): IPv6 as eight unpadded hex groups (no :: shortening), within brackets as
    InetSocketAddress.toString() writes it."""
    if isinstance(address, ipaddress.IPv4Address):
        return str(address)
    groups = address.exploded.split(":")
    return "[" + ":".join(format(int(group, 16), "x") for group in groups) + "]"


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    # Java turns an IPv4-mapped IPv6 literal into its IPv4 address.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """InetAddress.getAllByName(host): each address once, IPv4 before IPv6 (java.net.preferIPv6Addresses=false)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise ValueError(f"target: cannot resolve host {host!r}: {error.strerror}") from None
    addresses: dict[ipaddress.IPv4Address | ipaddress.IPv6Address, None] = {}
    for _, _, _, _, sockaddr in infos:
        literal = _ip_literal(str(sockaddr[0]).split("%")[0])
        if literal is not None:
            addresses.setdefault(literal)
    return sorted(addresses, key=lambda address: address.version)  # stable: keeps the resolver's order within


def _split_host_port(entry: str, target: str) -> tuple[str, int]:
    if entry.startswith("["):
        host, bracket, rest = entry[1:].partition("]")
        port_text = rest[1:] if bracket and rest.startswith(":") else ""
    else:
        host, _, port_text = entry.rpartition(":")
    if not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"target: {entry!r} in {target!r} must be host:port with a port 1..65535")
    return host, int(port_text)


def _endpoint(host: str, port: int, address: ipaddress.IPv4Address | ipaddress.IPv6Address, named: bool) -> Endpoint:
    literal = _java_host_address(address)
    host_part = f"[{host}]" if ":" in host else host
    return Endpoint(f"{host if named else ''}/{literal}:{port}", f"{literal}:{port}", f"{host_part}:{port}")


def parse_target(target: str) -> list[Endpoint] | None:
    """The replicas a target names, or None for a plain target (one replica, used as gRPC takes it).

    `h1:p1,h2:p2,...` and `static:///h1:p1,h2:p2,...` name one replica per entry (a host name counts with its
    first address, as Java's InetSocketAddress(host, port) does); `dns:///name:port` names one replica per
    address the name resolves to (a Kubernetes headless Service), as gRPC's DNS resolver does.
    """
    if target.startswith("dns:///"):
        host, port = _split_host_port(target.removeprefix("dns:///"), target)
        literal = _ip_literal(host)
        if literal is not None:
            return [_endpoint(host, port, literal, named=False)]
        return [_endpoint(host, port, address, named=True) for address in _resolve(host, port)]
    if target.startswith("static:///"):
        entries = target.removeprefix("static:///").split(",")
    elif "," in target:
        entries = target.split(",")
    else:
        return None
    endpoints = []
    for entry in entries:
        host, port = _split_host_port(entry.strip(), target)
        literal = _ip_literal(host)
        endpoints.append(_endpoint(host, port, literal, named=False) if literal is not None
                         else _endpoint(host, port, _resolve(host, port)[0], named=True))
    duplicates = sorted({e.address for e in endpoints if [f.address for f in endpoints].count(e.address) > 1})
    if duplicates:
        raise ValueError(f"target: {target!r} names the same replica more than once: {', '.join(duplicates)}")
    return endpoints


class Ring:
    """gRPC-Java's ring_hash ring over equally weighted replicas, given by their Java address strings."""

    def __init__(self, addresses: Sequence[str], min_ring_size: int = MIN_RING_SIZE,
                 max_ring_size: int = MAX_RING_SIZE) -> None:
        if not addresses:
            raise ValueError("target: names no replica")
        if len(set(addresses)) != len(addresses):
            raise ValueError(f"target: a replica is named twice among {', '.join(addresses)}")
        # RingHashLoadBalancer's arithmetic, operation for operation in doubles, so entry counts agree.
        total = len(addresses)
        normalized = 1 / total
        scale = min(math.ceil(normalized * min_ring_size) / normalized, float(max_ring_size))
        counts = []
        current, target = 0.0, 0.0
        for _ in addresses:
            target += scale * normalized
            count = 0
            while current < target:
                current += 1
                count += 1
            counts.append(count)
        # Java builds the ring in HashMap order; only where every position gets as many entries as the others
        # (up to 74 replicas at the default sizes) is the ring independent of that order.
        if len(set(counts)) != 1:
            raise ValueError(f"target: {total} replicas give gRPC-Java's ring unequal entry counts by HashMap "
                             f"order ({min(counts)} or {max(counts)}), which this client cannot reproduce")
        entries = [(java_hash(f"{address}_{i}"), owner)
                   for owner, address in enumerate(addresses) for i in range(counts[0])]
        entries.sort(key=lambda entry: entry[0])  # stable, as Collections.sort
        self.addresses = tuple(addresses)
        self.hashes = tuple(entry[0] for entry in entries)
        self.owners = tuple(entry[1] for entry in entries)

    def __len__(self) -> int:
        return len(self.hashes)

    def target_index(self, request_hash: int) -> int:
        """RingHashPicker.getTargetIndex: the entry a request hash maps to.

        Mostly the first entry at or above the hash, but a hash above every entry maps to the last one (not the
        first), and a hash at or below the first entry to the first; both as Java's loop does.
        """
        if len(self.hashes) <= 1:
            return 0
        low, high = 0, len(self.hashes) - 1
        mid = (low + high) // 2
        while True:
            mid_value = self.hashes[mid]
            below = 0 if mid == 0 else self.hashes[mid - 1]
            if below < request_hash <= mid_value:
                break
            if mid_value < request_hash:
                low = mid + 1
            else:
                high = mid - 1
            mid = int((low + high) / 2)  # Java's int division truncates toward zero: (0 + -1) / 2 is 0
            if not (mid < len(self.hashes) and low <= high):
                break
        return mid

    def walk(self, index: int) -> Iterator[int]:
        """The replicas in ring order from entry `index`, each once: the order a pick tries them in."""
        seen: set[int] = set()
        for step in range(len(self.owners)):
            owner = self.owners[(index + step) % len(self.owners)]
            if owner not in seen:
                seen.add(owner)
                yield owner
                if len(seen) == len(self.addresses):
                    return


class Replica:
    """One replica's channel and its last reported connectivity, kept current by a subscription."""

    def __init__(self, number: int, channel: grpc.Channel, condition: threading.Condition) -> None:
        self.number = number
        self.channel = channel
        self.state: grpc.ChannelConnectivity | None = None  # None: not reported yet, counted as IDLE
        self._condition = condition
        self._connecting: grpc.Future | None = None
        channel.subscribe(self._on_state, try_to_connect=True)

    def _on_state(self, state: grpc.ChannelConnectivity) -> None:
        with self._condition:
            self.state = state
            self._condition.notify_all()

    def idle(self) -> bool:
        return self.state in (None, grpc.ChannelConnectivity.IDLE)

    def request_connection(self) -> None:
        """Starts connecting an idle channel (a pick that meets an IDLE endpoint does so in Java)."""
        if self._connecting is None or self._connecting.done():
            # A ready future subscribes with try_to_connect; it ends by itself once the channel is READY.
            self._connecting = grpc.channel_ready_future(self.channel)


class Router:
    """Picks the replica for a request hash as RingHashPicker does, from the replicas' connectivity."""

    def __init__(self, ring: Ring, channels: Sequence[grpc.Channel]) -> None:
        self.ring = ring
        self._condition = threading.Condition()
        self.replicas = tuple(Replica(number, channel, self._condition) for number, channel in enumerate(channels))

    def pick(self, key: str | None, timeout: float | None) -> Replica:
        """The replica for a request with hash header `key` (None: no header, a random hash, as in Java).

        With a header: the first replica in ring order from the hash's entry that is not in TRANSIENT_FAILURE;
        one that is connecting (or idle, which starts it connecting) holds the pick until its state changes.
        Without: the first READY replica from a random entry. When every replica has failed, the hash's own
        replica, whose call then fails as gRPC-Java's would. Waits at most `timeout` seconds (None: no limit).
        """
        request_hash = java_hash(key) if key is not None else random.getrandbits(64) - (1 << 63)
        index = self.ring.target_index(request_hash)
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._condition:
            while True:
                pending = self._pick_ready(index) if key is None else self._pick_first_not_failed(index)
                if isinstance(pending, Replica):
                    return pending
                if not pending:
                    return self.replicas[self.ring.owners[index]]
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return self.replicas[self.ring.owners[index]]  # its call meets the deadline itself
                self._condition.wait(remaining)

    def _pick_first_not_failed(self, index: int) -> Replica | bool:
        for owner in self.ring.walk(index):
            replica = self.replicas[owner]
            if replica.state is grpc.ChannelConnectivity.READY:
                return replica
            if replica.idle():
                replica.request_connection()
                return True
            if replica.state is grpc.ChannelConnectivity.CONNECTING:
                return True
        return False

    def _pick_ready(self, index: int) -> Replica | bool:
        requested = any(r.state is grpc.ChannelConnectivity.CONNECTING for r in self.replicas)
        for owner in self.ring.walk(index):
            replica = self.replicas[owner]
            if replica.state is grpc.ChannelConnectivity.READY:
                return replica
            if not requested and replica.idle():
                replica.request_connection()
                requested = True
        return requested

    def is_down(self, replica: Replica, timeout: float | None) -> bool:
        """Whether a replica's connection has failed (TRANSIENT_FAILURE), once its state has settled.

        Called after a call to it ended UNAVAILABLE: a replica that refuses connections is down and its requests
        move on along the ring; one that is READY answered UNAVAILABLE itself, and that answer stands.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._condition:
            while replica.idle() or replica.state is grpc.ChannelConnectivity.CONNECTING:
                if replica.idle():
                    replica.request_connection()
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    break
                self._condition.wait(remaining)
            return replica.state in (grpc.ChannelConnectivity.TRANSIENT_FAILURE, grpc.ChannelConnectivity.SHUTDOWN)
