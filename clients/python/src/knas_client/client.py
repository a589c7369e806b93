"""KnasClient: the scoring service's calls as typed methods, with the contract's retries and deadlines."""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from types import TracebackType
from typing import Literal, Protocol, TypeAlias, TypeVar

import grpc

from knas_client.architecture import ArchitectureLike, to_proto
from knas_client.canonical import canonical_hash
from knas_client.connection import Connection
from knas_client.errors import CancelledError, KnasError, from_rpc_error
from knas_client.results import (BatchResult, CacheStats, ErrorStatus, Fidelity, ProxyInfo, Score,
                                 TrainingProgress, TrainingResult, fidelity_number)
from knas_client.routing import HASH_HEADER, Ring, Router, parse_target
from knas_client.stubs.grpc.health.v1 import health_pb2, health_pb2_grpc
from knas_client.stubs.knas.v1 import cache_pb2, cache_pb2_grpc, scoring_pb2, scoring_pb2_grpc
from knas_client.transport import Transport, target_host, transport

Precision: TypeAlias = Literal["float32", "float64"]
Augmentation: TypeAlias = Literal["none", "crop_flip"]
ProgressCallback: TypeAlias = Callable[[TrainingProgress], bool | None]
"""Called with each training step's progress; returning False (or raising) cancels the training."""

_Response = TypeVar("_Response")
_Message = TypeVar("_Message", covariant=True)


class _StreamingCall(Protocol[_Message]):
    """What a server-streaming call of grpc is: an iterator over its messages that can be cancelled."""

    def __iter__(self) -> Iterator[_Message]: ...

    def cancel(self) -> bool: ...


def service_config() -> str:
    """The contract's gRPC service config (retry policy, per-method timeouts) as JSON.

    It is proto/src/main/resources/knas/v1/service_config.json, copied into the package at build time, so
    every client of the contract retries and times out alike.
    """
    return resources.files("knas_client").joinpath("service_config.json").read_text(encoding="utf-8")


@dataclass(frozen=True)
class TrainingOptions:
    """Options of a short training; None takes the service's default (NAS-Bench-201's 12-epoch recipe)."""

    epochs: int | None = None
    batch_size: int | None = None
    learning_rate: float | None = None
    train_size: int | None = None
    held_out_size: int | None = None
    momentum: float | None = None
    weight_decay: float | None = None
    augmentation: Augmentation | None = None

    def to_proto(self) -> scoring_pb2.ShortTrainingOptions:
        options = scoring_pb2.ShortTrainingOptions(
            epochs=self.epochs or 0, batch_size=self.batch_size or 0, learning_rate=self.learning_rate or 0.0,
            train_size=self.train_size or 0, held_out_size=self.held_out_size or 0)
        # momentum and weight decay are proto3 `optional`: unset means the default, 0 turns them off.
        if self.momentum is not None:
            options.momentum = self.momentum
        if self.weight_decay is not None:
            options.weight_decay = self.weight_decay
        if self.augmentation is not None:
            options.augmentation = scoring_pb2.Augmentation.Value("AUGMENTATION_" + self.augmentation.upper())
        return options


def _evaluation_options(dataset: str | None, seed: int | None, device: str | None,
                        precision: Precision | None) -> scoring_pb2.EvaluationOptions:
    """The options every fidelity shares; None (the proto's zero value) takes the service's default."""
    options = scoring_pb2.EvaluationOptions(dataset=dataset or "", seed=seed or 0, device=device or "")
    if precision is not None:
        options.precision = scoring_pb2.Precision.Value("PRECISION_" + precision.upper())
    return options


@dataclass(frozen=True)
class _Evaluation:
    """The fields ScoreArchitectureRequest and ScoreArchitecturesRequest share."""

    fidelity: scoring_pb2.Fidelity
    options: scoring_pb2.EvaluationOptions
    gradient_kernel: scoring_pb2.GradientKernelOptions
    short_training: scoring_pb2.ShortTrainingOptions
    zero_cost: scoring_pb2.ZeroCostOptions

    @classmethod
    def of(cls, fidelity: Fidelity | None, proxies: Iterable[str] | None, dataset: str | None, seed: int | None,
           samples: int | None, batch_size: int | None, training: TrainingOptions | None,
           precision: Precision | None, device: str | None) -> _Evaluation:
        if fidelity is None:
            fidelity = "zero_cost" if proxies is not None else "gradient_kernel"
        elif proxies is not None and fidelity != "zero_cost":
            raise ValueError(f"proxies are scored at the zero_cost fidelity, not {fidelity}")
        return cls(fidelity_number(fidelity), _evaluation_options(dataset, seed, device, precision),
                   scoring_pb2.GradientKernelOptions(num_samples=samples or 0),
                   (training or TrainingOptions()).to_proto(),
                   scoring_pb2.ZeroCostOptions(proxies=list(proxies or ()), batch_size=batch_size or 0))


class KnasClient:
    """A connection to a KNAS scoring service (knas.v1.ScoringService and ScoreCacheService).

    target is "host:port" (one replica, used as gRPC takes the target), or several replicas of the service, each
    owning one shard of the score cache: "h1:p1,h2:p2,..." or "static:///h1:p1,h2:p2,..." (one replica per
    entry), or "dns:///name:port" (one per address the name resolves to, e.g. a Kubernetes headless Service).
    With several, every request that carries an architecture goes to the replica that owns its canonical form,
    exactly as the Java clients' ring_hash routing sends it (see knas_client.routing), and a replica that refuses
    connections passes its share on to the next replica of the ring.

    tls is False for plaintext, True to verify the server against the system's roots, or the path of a PEM file
    of the CA certificates to trust; client_certificate is (certificate file, key file) for services that ask for
    one. token is the bearer token, sent as `authorization: Bearer <token>` by gRPC's call credentials: a str is
    the token itself, a path (pathlib.Path) a file holding it, and surrounding whitespace is not part of it. It
    travels only over TLS or to loopback (localhost, 127.0.0.0/8, [::1]): a token with a plaintext target
    elsewhere raises ValueError here, before anything is sent (see knas_client.transport).

    timeout is each unary call's deadline in seconds (None: none); batches and trainings take their own. Before
    a channel's first call the client checks that the service can be reached (knas_client.connection): a
    connection refused, a host name that does not resolve, or a TLS or certificate mismatch raises
    ConnectionFailedError at once, naming the target and the cause. Calls to a service that was reached retry on
    UNAVAILABLE and RESOURCE_EXHAUSTED as the contract's service config says (see service_config()). Use it as a
    context manager, or close() it.
    """

    def __init__(self, target: str, *, tls: bool | str | os.PathLike[str] = False,
                 client_certificate: tuple[str | os.PathLike[str], str | os.PathLike[str]] | None = None,
                 token: str | os.PathLike[str] | None = None, timeout: float | None = 600.0) -> None:
        endpoints = parse_target(target)
        hosts = [target_host(target)] if endpoints is None else [target_host(e.channel_target) for e in endpoints]
        self._target = target
        self._transport: Transport = transport(hosts, tls, client_certificate, token, target)
        self._router: Router | None = None
        if endpoints is None:
            self._channels: tuple[grpc.Channel, ...] = (_channel(target, None, self._transport),)
            self._targets: tuple[str, ...] = (target,)
        else:
            ring = Ring([endpoint.address for endpoint in endpoints])
            self._channels = tuple(_channel(endpoint.channel_target, endpoint.authority, self._transport)
                                   for endpoint in endpoints)
            self._targets = tuple(endpoint.authority for endpoint in endpoints)
            self._router = Router(ring, self._channels)
        self._connections = tuple(
            Connection(channel, replica, tls=self._transport.tls,
                       client_certificate=self._transport.client_certificate)
            for channel, replica in zip(self._channels, self._targets))
        self._timeout = timeout
        self._scoring = tuple(scoring_pb2_grpc.ScoringServiceStub(channel) for channel in self._channels)
        self._cache = tuple(cache_pb2_grpc.ScoreCacheServiceStub(channel) for channel in self._channels)
        self._health = tuple(health_pb2_grpc.HealthStub(channel) for channel in self._channels)

    def __repr__(self) -> str:
        return f"KnasClient({self._target!r}, {self._transport.describe()})"

    @property
    def replicas(self) -> tuple[str, ...]:
        """The replicas' targets (host:port as the target named them), in the target's order; one for a plain
        target."""
        return self._targets

    def replica_for(self, architecture: ArchitectureLike) -> str:
        """The replica a request for `architecture` goes to now (its owner, or the next one up on the ring)."""
        return self._targets[self._pick(self._key(architecture), self._timeout)]

    def __enter__(self) -> KnasClient:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Closes the channels; calls still running on them end with CANCELLED."""
        for channel in self._channels:
            channel.close()

    def score(self, architecture: ArchitectureLike, fidelity: Fidelity | None = None, *,
              proxies: Iterable[str] | None = None, dataset: str | None = None, seed: int | None = None,
              samples: int | None = None, batch_size: int | None = None, training: TrainingOptions | None = None,
              precision: Precision | None = None, device: str | None = None) -> Score:
        """Scores one architecture at one fidelity (ScoreArchitecture).

        fidelity defaults to gradient_kernel, or zero_cost when proxies are named. samples is the gradient
        kernel's n (and the proxy mgm's), batch_size the zero-cost proxies' mini-batch, training the
        short_training fidelity's options; None takes the service's default. Raises a KnasError subclass when
        the service refuses.
        """
        evaluation = _Evaluation.of(fidelity, proxies, dataset, seed, samples, batch_size, training, precision,
                                    device)
        request = scoring_pb2.ScoreArchitectureRequest(
            architecture=to_proto(architecture), fidelity=evaluation.fidelity, options=evaluation.options,
            gradient_kernel=evaluation.gradient_kernel, short_training=evaluation.short_training,
            zero_cost=evaluation.zero_cost)
        key = self._key(architecture)
        return Score.from_proto(self._routed(lambda replica: self._scoring[replica].ScoreArchitecture, request, key))

    def score_many(self, architectures: Iterable[ArchitectureLike], fidelity: Fidelity | None = None, *,
                   proxies: Iterable[str] | None = None, dataset: str | None = None, seed: int | None = None,
                   samples: int | None = None, batch_size: int | None = None,
                   training: TrainingOptions | None = None, precision: Precision | None = None,
                   device: str | None = None, raise_errors: bool = False,
                   timeout: float | None = None) -> Iterator[BatchResult]:
        """Scores many architectures in one ScoreArchitectures call, yielding each result as it arrives.

        Results come in the order the service finishes them, not request order: BatchResult.position says which
        entry each answers. With several replicas the batch is split by owner, one call per replica, and the
        results of all of them are merged as they arrive, each with its position in `architectures`; a replica
        that refuses connections hands its unanswered entries on to the next replica of the ring. An entry the service cannot score comes as a BatchResult with its error (status
        code and message) while the others go on; with raise_errors=True it raises that KnasError instead and
        cancels the rest. Options are score()'s; timeout bounds the whole call (None: no deadline). Stopping
        the iteration early cancels the call.
        """
        given = list(architectures)
        evaluation = _Evaluation.of(fidelity, proxies, dataset, seed, samples, batch_size, training, precision,
                                    device)
        request = scoring_pb2.ScoreArchitecturesRequest(
            architectures=[to_proto(architecture) for architecture in given], fidelity=evaluation.fidelity,
            options=evaluation.options, gradient_kernel=evaluation.gradient_kernel,
            short_training=evaluation.short_training, zero_cost=evaluation.zero_cost)
        if self._router is None:
            self._reach(0)
            call = self._scoring[0].ScoreArchitectures(request, timeout=timeout)
            return self._batch_results(call, given, raise_errors)
        return self._routed_batch(request, given, raise_errors, timeout)

    @staticmethod
    def _batch_result(result: scoring_pb2.ScoreArchitecturesResult, position: int, given: list[ArchitectureLike],
                      raise_errors: bool) -> BatchResult:
        if result.WhichOneof("outcome") == "score":
            return BatchResult(position, given[position], Score.from_proto(result.score), None)
        error = ErrorStatus.from_proto(result.error)
        if raise_errors:
            raise error.exception(position)
        return BatchResult(position, given[position], None, error)

    @classmethod
    def _batch_results(cls, call: _StreamingCall[scoring_pb2.ScoreArchitecturesResult],
                       given: list[ArchitectureLike], raise_errors: bool) -> Iterator[BatchResult]:
        try:
            for result in call:
                yield cls._batch_result(result, result.position, given, raise_errors)
        except grpc.RpcError as error:
            raise from_rpc_error(error) from error
        finally:
            call.cancel()

    def _routed_batch(self, request: scoring_pb2.ScoreArchitecturesRequest, given: list[ArchitectureLike],
                      raise_errors: bool, timeout: float | None) -> Iterator[BatchResult]:
        """score_many over several replicas: one ScoreArchitectures call per owner, read by a thread each."""
        deadline = None if timeout is None else time.monotonic() + timeout
        keys = [self._key(architecture) for architecture in given]
        arrivals: queue.Queue[tuple[_Part, scoring_pb2.ScoreArchitecturesResult | grpc.RpcError | None]] = \
            queue.Queue()
        parts: list[_Part] = []

        def remaining() -> float | None:
            return None if deadline is None else max(0.0, deadline - time.monotonic())

        def send(positions: list[int]) -> None:
            owners: dict[int, list[int]] = {}
            for position in positions:
                owners.setdefault(self._pick(keys[position], remaining()), []).append(position)
            for replica, members in owners.items():
                self._reach(replica)
                part_request = scoring_pb2.ScoreArchitecturesRequest()
                part_request.CopyFrom(request)
                del part_request.architectures[:]
                part_request.architectures.extend(request.architectures[position] for position in members)
                call = self._scoring[replica].ScoreArchitectures(part_request, timeout=remaining())
                part = _Part(replica, members, call)
                parts.append(part)
                threading.Thread(target=part.read, args=(arrivals,), daemon=True,
                                 name=f"knas-batch-replica-{replica}").start()

        def run() -> Iterator[BatchResult]:
            answered: set[int] = set()
            failed: set[int] = set()
            try:
                send(list(range(len(given))))
                running = len(parts)
                while running:
                    part, arrival = arrivals.get()
                    if isinstance(arrival, scoring_pb2.ScoreArchitecturesResult):
                        position = part.members[arrival.position]
                        answered.add(position)
                        yield self._batch_result(arrival, position, given, raise_errors)
                        continue
                    running -= 1
                    if isinstance(arrival, grpc.RpcError):
                        if not self._fails_over(part.replica, arrival, failed):
                            raise from_rpc_error(arrival) from arrival
                        before = len(parts)
                        send([position for position in part.members if position not in answered])
                        running += len(parts) - before
            finally:
                for part in parts:
                    part.call.cancel()

        return run()

    def train(self, architecture: ArchitectureLike, training: TrainingOptions | None = None, *,
              dataset: str | None = None, seed: int | None = None, precision: Precision | None = None,
              device: str | None = None, on_progress: ProgressCallback | None = None,
              timeout: float | None = None) -> TrainingResult:
        """Trains an architecture briefly (ShortTrain), calling on_progress after every step.

        If on_progress returns False the call is cancelled, which stops the training on the service, and
        CancelledError is raised; an exception it raises cancels the call likewise and propagates. A cached
        training returns its result at once, without progress. timeout bounds the whole training (None: no
        deadline); passing it also stops the training.
        """
        request = scoring_pb2.ShortTrainRequest(
            architecture=to_proto(architecture), options=_evaluation_options(dataset, seed, device, precision),
            training=(training or TrainingOptions()).to_proto())
        key = self._key(architecture)
        failed: set[int] = set()
        while True:
            replica = self._pick(key, timeout)
            self._reach(replica)
            call = self._scoring[replica].ShortTrain(request, timeout=timeout, metadata=self._with_key(key))
            started = False
            try:
                for event in call:
                    started = True
                    if event.WhichOneof("event") == "result":
                        return TrainingResult.from_proto(event.result)
                    progress = TrainingProgress.from_proto(event.progress)
                    if on_progress is not None and on_progress(progress) is False:
                        raise CancelledError(grpc.StatusCode.CANCELLED, f"on_progress cancelled the training at "
                                             f"step {progress.step} of {progress.total_steps}")
            except grpc.RpcError as error:
                # Only a training that never started moves on: one under way is not started over elsewhere.
                if not started and self._fails_over(replica, error, failed):
                    continue
                raise from_rpc_error(error) from error
            finally:
                call.cancel()
            raise KnasError(grpc.StatusCode.UNKNOWN, "the service ended the training without a result")

    def proxies(self) -> list[ProxyInfo]:
        """The zero-cost proxies the service computes (ListProxies; with several replicas, of any that is up)."""
        response = self._routed(lambda replica: self._scoring[replica].ListProxies, scoring_pb2.ListProxiesRequest(),
                                None)
        return [ProxyInfo.from_proto(info) for info in response.proxies]

    def cache_stats(self) -> CacheStats:
        """The score cache's size and its hits and misses since the service started (GetCacheStats).

        With several replicas, the sum over every replica of entries, hits, misses, coalesced and bytes_on_disk
        (each entry lives on one replica, so entries counts each once), and path lists the replicas' store
        names, comma-separated, in the target's order. A replica that cannot answer raises its error.
        """
        stats = [CacheStats.from_proto(self._cache_stats(replica)) for replica in range(len(self._cache))]
        if len(stats) == 1:
            return stats[0]
        return CacheStats(sum(s.entries for s in stats), sum(s.hits for s in stats), sum(s.misses for s in stats),
                          sum(s.coalesced for s in stats), sum(s.bytes_on_disk for s in stats),
                          ",".join(s.path for s in stats))

    def health(self, service: str = "") -> str:
        """The serving status (grpc.health.v1), e.g. "SERVING": of the whole server, or of one service by name.

        With several replicas, of one that is up (as any request without an architecture).
        """
        response = self._routed(lambda replica: self._health[replica].Check,
                                health_pb2.HealthCheckRequest(service=service), None)
        return health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)

    def _key(self, architecture: ArchitectureLike) -> str | None:
        """The routing hash of a request for `architecture`; only computed with several replicas to route among."""
        return None if self._router is None else canonical_hash(architecture)

    @staticmethod
    def _with_key(key: str | None) -> tuple[tuple[str, str], ...]:
        # The header the Java clients route by; sent alike so that both clients' requests look the same.
        return () if key is None else ((HASH_HEADER, key),)

    def _reach(self, replica: int) -> None:
        """Probes a replica's channel before its first call (see knas_client.connection). With several replicas,
        one that is down is left to the routing, which passes its share on."""
        self._connections[replica].probe(tolerate_down=self._router is not None)

    def _pick(self, key: str | None, timeout: float | None) -> int:
        """The number of the replica a request with routing hash `key` goes to (the only one for a plain target)."""
        return 0 if self._router is None else self._router.pick(key, timeout).number

    def _fails_over(self, replica: int, error: grpc.RpcError, failed: set[int]) -> bool:
        """Whether a call that failed on `replica` moves on along the ring: it was UNAVAILABLE, the replica
        refuses connections, and it has not failed this request before (when every replica has, the error
        stands). Records the replica as failed."""
        if self._router is None or replica in failed or error.code() != grpc.StatusCode.UNAVAILABLE:
            return False
        failed.add(replica)
        return self._router.is_down(self._router.replicas[replica], self._timeout)

    def _routed(self, method: Callable[[int], Callable[..., _Response]], request: object, key: str | None) -> _Response:
        """A unary call on the replica its routing hash picks, moving on along the ring past replicas that are down."""
        failed: set[int] = set()
        while True:
            replica = self._pick(key, self._timeout)
            self._reach(replica)
            try:
                return method(replica)(request, timeout=self._timeout, metadata=self._with_key(key))
            except grpc.RpcError as error:
                if self._fails_over(replica, error, failed):
                    continue
                raise from_rpc_error(error) from error

    def _cache_stats(self, replica: int) -> cache_pb2.CacheStats:
        """GetCacheStats of one replica."""
        self._reach(replica)
        try:
            return self._cache[replica].GetCacheStats(cache_pb2.GetCacheStatsRequest(), timeout=self._timeout)
        except grpc.RpcError as error:
            raise from_rpc_error(error) from error


def _channel(target: str, authority: str | None, secured: Transport) -> grpc.Channel:
    """A channel with the contract's service config; authority names a replica reached by its address."""
    options: list[tuple[str, str | int]] = [("grpc.service_config", service_config()), ("grpc.enable_retries", 1)]
    if authority is not None:
        options.append(("grpc.default_authority", authority))
        if secured.tls:
            # The certificate names the host the target named, not the address connected to.
            options.append(("grpc.ssl_target_name_override", authority.rpartition(":")[0].strip("[]")))
    if secured.credentials is None:
        return grpc.insecure_channel(target, options)
    return grpc.secure_channel(target, secured.credentials, options)


class _Part:
    """One replica's share of a routed batch: its ScoreArchitectures call and the caller's positions it holds."""

    def __init__(self, replica: int, members: list[int],
                 call: _StreamingCall[scoring_pb2.ScoreArchitecturesResult]) -> None:
        self.replica = replica
        self.members = members
        self.call = call

    def read(self, arrivals: queue.Queue[tuple[_Part, scoring_pb2.ScoreArchitecturesResult | grpc.RpcError | None]]
             ) -> None:
        """Passes each result on, then None at the end or the call's error."""
        try:
            for result in self.call:
                arrivals.put((self, result))
        except grpc.RpcError as error:
            arrivals.put((self, error))
            return
        arrivals.put((self, None))
