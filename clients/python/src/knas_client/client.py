"""KnasClient: the scoring service's calls as typed methods, with the contract's retries and deadlines."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Literal, Protocol, TypeAlias, TypeVar

import grpc

from knas_client.architecture import ArchitectureLike, to_proto
from knas_client.errors import CancelledError, KnasError, from_rpc_error
from knas_client.results import (BatchResult, CacheStats, ErrorStatus, Fidelity, ProxyInfo, Score,
                                 TrainingProgress, TrainingResult, fidelity_number)
from knas_client.stubs.grpc.health.v1 import health_pb2, health_pb2_grpc
from knas_client.stubs.knas.v1 import cache_pb2, cache_pb2_grpc, scoring_pb2, scoring_pb2_grpc

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

    target is "host:port". tls is False for plaintext, True to verify the server against the system's roots, or
    the path of a PEM file of the CA certificates to trust; client_certificate is (certificate file, key file)
    for services that ask for one. token is the bearer token, sent as `authorization: Bearer <token>` metadata: a
    str is the token itself, a path (pathlib.Path) a file holding it. timeout is each unary call's deadline in
    seconds (None: none); batches and trainings take their own. Calls retry on UNAVAILABLE and RESOURCE_EXHAUSTED
    as the contract's service config says (see service_config()). Use it as a context manager, or close() it.
    """

    def __init__(self, target: str, *, tls: bool | str | os.PathLike[str] = False,
                 client_certificate: tuple[str | os.PathLike[str], str | os.PathLike[str]] | None = None,
                 token: str | os.PathLike[str] | None = None, timeout: float | None = 600.0) -> None:
        options = [("grpc.service_config", service_config()), ("grpc.enable_retries", 1)]
        if tls is False:
            if client_certificate is not None:
                raise ValueError("a client certificate needs tls")
            self._channel = grpc.insecure_channel(target, options)
        else:
            roots = None if tls is True else Path(tls).read_bytes()
            chain, key = (None, None) if client_certificate is None else (
                Path(client_certificate[0]).read_bytes(), Path(client_certificate[1]).read_bytes())
            self._channel = grpc.secure_channel(target, grpc.ssl_channel_credentials(roots, key, chain), options)
        self._metadata: tuple[tuple[str, str], ...] = ()
        if token is not None:
            value = token if isinstance(token, str) else Path(token).read_text(encoding="utf-8").strip()
            if not value:
                raise ValueError("the bearer token is empty")
            self._metadata = (("authorization", f"Bearer {value}"),)
        self._timeout = timeout
        self._scoring = scoring_pb2_grpc.ScoringServiceStub(self._channel)
        self._cache = cache_pb2_grpc.ScoreCacheServiceStub(self._channel)
        self._health = health_pb2_grpc.HealthStub(self._channel)

    def __enter__(self) -> KnasClient:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Closes the channel; calls still running on it end with CANCELLED."""
        self._channel.close()

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
        return Score.from_proto(self._unary(self._scoring.ScoreArchitecture, request))

    def score_many(self, architectures: Iterable[ArchitectureLike], fidelity: Fidelity | None = None, *,
                   proxies: Iterable[str] | None = None, dataset: str | None = None, seed: int | None = None,
                   samples: int | None = None, batch_size: int | None = None,
                   training: TrainingOptions | None = None, precision: Precision | None = None,
                   device: str | None = None, raise_errors: bool = False,
                   timeout: float | None = None) -> Iterator[BatchResult]:
        """Scores many architectures in one ScoreArchitectures call, yielding each result as it arrives.

        Results come in the order the service finishes them, not request order: BatchResult.position says which
        entry each answers. An entry the service cannot score comes as a BatchResult with its error (status
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
        call = self._scoring.ScoreArchitectures(request, timeout=timeout, metadata=self._metadata)
        return self._batch_results(call, given, raise_errors)

    @staticmethod
    def _batch_results(call: _StreamingCall[scoring_pb2.ScoreArchitecturesResult], given: list[ArchitectureLike],
                       raise_errors: bool) -> Iterator[BatchResult]:
        try:
            for result in call:
                if result.WhichOneof("outcome") == "score":
                    yield BatchResult(result.position, given[result.position], Score.from_proto(result.score), None)
                    continue
                error = ErrorStatus.from_proto(result.error)
                if raise_errors:
                    raise error.exception(result.position)
                yield BatchResult(result.position, given[result.position], None, error)
        except grpc.RpcError as error:
            raise from_rpc_error(error) from error
        finally:
            call.cancel()

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
        call = self._scoring.ShortTrain(request, timeout=timeout, metadata=self._metadata)
        try:
            for event in call:
                if event.WhichOneof("event") == "result":
                    return TrainingResult.from_proto(event.result)
                progress = TrainingProgress.from_proto(event.progress)
                if on_progress is not None and on_progress(progress) is False:
                    raise CancelledError(grpc.StatusCode.CANCELLED, f"on_progress cancelled the training at step "
                                         f"{progress.step} of {progress.total_steps}")
        except grpc.RpcError as error:
            raise from_rpc_error(error) from error
        finally:
            call.cancel()
        raise KnasError(grpc.StatusCode.UNKNOWN, "the service ended the training without a result")

    def proxies(self) -> list[ProxyInfo]:
        """The zero-cost proxies the service computes (ListProxies)."""
        response = self._unary(self._scoring.ListProxies, scoring_pb2.ListProxiesRequest())
        return [ProxyInfo.from_proto(info) for info in response.proxies]

    def cache_stats(self) -> CacheStats:
        """The score cache's size and its hits and misses since the service started (GetCacheStats)."""
        return CacheStats.from_proto(self._unary(self._cache.GetCacheStats, cache_pb2.GetCacheStatsRequest()))

    def health(self, service: str = "") -> str:
        """The serving status (grpc.health.v1), e.g. "SERVING": of the whole server, or of one service by name."""
        response = self._unary(self._health.Check, health_pb2.HealthCheckRequest(service=service))
        return health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)

    def _unary(self, method: Callable[..., _Response], request: object) -> _Response:
        try:
            return method(request, timeout=self._timeout, metadata=self._metadata)
        except grpc.RpcError as error:
            raise from_rpc_error(error) from error
