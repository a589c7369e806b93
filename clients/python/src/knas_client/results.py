"""What the service answers, as plain dataclasses; each keeps its protobuf message for the rarely used fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeAlias

import grpc

from knas_client.architecture import ArchitectureLike, operation_name
from knas_client.errors import KnasError, knas_error, status_code
from knas_client.stubs.google.rpc import status_pb2
from knas_client.stubs.knas.v1 import cache_pb2, scoring_pb2

Fidelity: TypeAlias = Literal["gradient_kernel", "short_training", "benchmark", "zero_cost"]
"""How a candidate is evaluated (knas.v1.Fidelity without its prefix)."""


_FIDELITY_NUMBERS: dict[Fidelity, scoring_pb2.Fidelity] = {
    "gradient_kernel": scoring_pb2.FIDELITY_GRADIENT_KERNEL,
    "short_training": scoring_pb2.FIDELITY_SHORT_TRAINING,
    "benchmark": scoring_pb2.FIDELITY_BENCHMARK,
    "zero_cost": scoring_pb2.FIDELITY_ZERO_COST,
}
_FIDELITY_NAMES: dict[int, Fidelity] = {number: name for name, number in _FIDELITY_NUMBERS.items()}


def fidelity_number(fidelity: Fidelity) -> scoring_pb2.Fidelity:
    """The knas.v1.Fidelity value of a fidelity name."""
    try:
        return _FIDELITY_NUMBERS[fidelity]
    except KeyError:
        raise ValueError(f"unknown fidelity {fidelity!r}; known: {', '.join(_FIDELITY_NUMBERS)}") from None


def fidelity_name(number: int) -> Fidelity:
    """The fidelity name of a knas.v1.Fidelity value."""
    return _FIDELITY_NAMES[number]


@dataclass(frozen=True)
class ErrorStatus:
    """Why one entry of a batch, or one proxy, has no value: the status the service gave it."""

    code: grpc.StatusCode
    message: str

    @classmethod
    def from_proto(cls, status: status_pb2.Status) -> ErrorStatus:
        return cls(status_code(status.code), status.message)

    def exception(self, position: int | None = None) -> KnasError:
        """The KnasError to raise for it."""
        return knas_error(self.code, self.message, position=position)


@dataclass(frozen=True)
class ResolvedArchitecture:
    """The architecture as the service resolved it, in every form, with the canonical form it computed on."""

    nb201_string: str
    nb201_index: int
    operations: tuple[str, ...]
    canonical: str
    parameter_count: int

    @classmethod
    def from_proto(cls, resolved: scoring_pb2.ResolvedArchitecture) -> ResolvedArchitecture:
        return cls(resolved.nb201_string, resolved.nb201_index,
                   tuple(operation_name(op) for op in resolved.edges.ops), resolved.canonical,
                   resolved.parameter_count)


@dataclass(frozen=True)
class Provenance:
    """Where a value came from: the effective options, device, engine and definition version."""

    dataset: str
    seed: int
    device: str
    definition_version: str
    wall_seconds: float
    engine: str
    service_version: str

    @classmethod
    def from_proto(cls, provenance: scoring_pb2.Provenance) -> Provenance:
        return cls(provenance.options.dataset, provenance.options.seed, provenance.device,
                   provenance.definition_version, provenance.wall_seconds, provenance.engine,
                   provenance.service_version)


@dataclass(frozen=True)
class ProxyScore:
    """One zero-cost proxy's outcome for one architecture: its value, or the status saying why there is none."""

    proxy: str
    value: float | None
    error: ErrorStatus | None
    definition_version: str
    cache_hit: bool
    cache_key: str

    @classmethod
    def from_proto(cls, score: scoring_pb2.ProxyScore) -> ProxyScore:
        has_value = score.WhichOneof("outcome") == "value"
        return cls(score.proxy, score.value if has_value else None,
                   None if has_value else ErrorStatus.from_proto(score.error),
                   score.provenance.definition_version, score.cache.hit, score.cache.key)


@dataclass(frozen=True)
class TrainingProgress:
    """A running training's progress after one step; epoch_end marks the epoch's last step."""

    epoch: int
    epochs: int
    step: int
    total_steps: int
    train_loss: float
    train_accuracy: float
    learning_rate: float
    elapsed_seconds: float
    epoch_end: bool

    @classmethod
    def from_proto(cls, progress: scoring_pb2.TrainingProgress) -> TrainingProgress:
        return cls(progress.epoch, progress.epochs, progress.step, progress.total_steps, progress.train_loss,
                   progress.train_accuracy, progress.learning_rate, progress.elapsed_seconds, progress.epoch_end)


@dataclass(frozen=True)
class TrainingResult:
    """A finished short training: the per-epoch curve and the held-out accuracy (percent) and loss."""

    architecture: ResolvedArchitecture
    curve: tuple[TrainingProgress, ...]
    final_train_loss: float
    held_out_accuracy: float
    held_out_loss: float
    provenance: Provenance
    cache_hit: bool
    cache_key: str
    response: scoring_pb2.ShortTrainResult = field(repr=False, compare=False)

    @classmethod
    def from_proto(cls, result: scoring_pb2.ShortTrainResult) -> TrainingResult:
        return cls(ResolvedArchitecture.from_proto(result.architecture),
                   tuple(TrainingProgress.from_proto(p) for p in result.curve), result.final_train_loss,
                   result.held_out_accuracy, result.held_out_loss, Provenance.from_proto(result.provenance),
                   result.cache.hit, result.cache.key, result)


@dataclass(frozen=True)
class Score:
    """One architecture's value at one fidelity; larger is better at every fidelity.

    `metric` says what `value` is ("mgm", "held_out_accuracy", "validation_accuracy", "test_accuracy" or a
    proxy's name). With the zero-cost fidelity, `proxies` holds every requested proxy by name, each with its value
    or error, and `value` is the first one's. `response` is the whole ScoreArchitectureResponse (e.g. the
    benchmark's record of every data set).
    """

    architecture: ResolvedArchitecture
    fidelity: Fidelity
    value: float
    metric: str
    cache_hit: bool
    cache_key: str
    provenance: Provenance
    proxies: dict[str, ProxyScore]
    training: TrainingResult | None
    response: scoring_pb2.ScoreArchitectureResponse = field(repr=False, compare=False)

    @classmethod
    def from_proto(cls, response: scoring_pb2.ScoreArchitectureResponse) -> Score:
        return cls(ResolvedArchitecture.from_proto(response.architecture), fidelity_name(response.fidelity),
                   response.value, response.metric, response.cache.hit, response.cache.key,
                   Provenance.from_proto(response.provenance),
                   {p.proxy: ProxyScore.from_proto(p) for p in response.proxy_scores},
                   TrainingResult.from_proto(response.short_training) if response.HasField("short_training")
                   else None, response)


@dataclass(frozen=True)
class BatchResult:
    """One entry of a batch: its position in the request, the architecture as given, and its score or error."""

    position: int
    architecture: ArchitectureLike
    score: Score | None
    error: ErrorStatus | None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class ProxyInfo:
    """A zero-cost proxy the service computes."""

    name: str
    definition_version: str
    description: str
    source: str
    uses_seed: bool
    uses_batch: bool

    @classmethod
    def from_proto(cls, info: scoring_pb2.ProxyInfo) -> ProxyInfo:
        return cls(info.name, info.definition_version, info.description, info.source, info.uses_seed,
                   info.uses_batch)


@dataclass(frozen=True)
class CacheStats:
    """The score cache's entries, and its hits, misses and coalesced requests since the service started."""

    entries: int
    hits: int
    misses: int
    coalesced: int
    bytes_on_disk: int
    path: str

    @classmethod
    def from_proto(cls, stats: cache_pb2.CacheStats) -> CacheStats:
        return cls(stats.entries, stats.hits, stats.misses, stats.coalesced, stats.bytes_on_disk, stats.path)
