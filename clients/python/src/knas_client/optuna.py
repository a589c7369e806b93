"""Optuna integrations: an objective over NAS-Bench-201's six edges at any fidelity, and pruning of trainings.

Every value the service returns is larger-is-better, so studies maximize. A cell is six categorical parameters,
one per edge, named as in EDGES ("1<-0", ...); architecture_from_params turns a trial's parameters back into op
names, and every trial records the NAS-Bench-201 string and canonical form it scored as user attributes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import optuna

from knas_client.architecture import EDGES, NB201_OPERATIONS, ArchitectureLike
from knas_client.client import KnasClient, Precision, TrainingOptions
from knas_client.results import Fidelity, TrainingProgress, TrainingResult

LOG_SCALED_METRICS: frozenset[str] = frozenset({"mgm", "grad_norm", "snip", "params", "flops"})
"""Metrics whose values span orders of magnitude across the space (on CIFAR-10 with n = 50, MGM is 0.58 for index
1 and 1059 for the all-nor_conv_3x3 cell 1462), which Nb201Objective returns as natural logarithms by default.
synflow, naswot, zico and jacov are already logarithms as the service reports them, and accuracies are
percentages, so they are returned as they are. TPE, Optuna's default sampler, only uses the order of the values;
the log matters for samplers that model the value itself (GP, CMA-ES), for pruning by value and for plots."""


def suggest_architecture(trial: optuna.Trial) -> tuple[str, ...]:
    """Asks the trial for a cell: one categorical parameter per edge, NAS-Bench-201's five ops."""
    return tuple(trial.suggest_categorical(edge, NB201_OPERATIONS) for edge in EDGES)


def architecture_from_params(params: Mapping[str, Any]) -> tuple[str, ...]:
    """The cell of a trial's parameters (e.g. study.best_params), as six op names in EDGES order."""
    return tuple(str(params[edge]) for edge in EDGES)


def train_with_pruning(client: KnasClient, trial: optuna.Trial, architecture: ArchitectureLike,
                       training: TrainingOptions | None = None, *, dataset: str | None = None,
                       seed: int | None = None, precision: Precision | None = None,
                       device: str | None = None) -> TrainingResult:
    """Trains an architecture (ShortTrain) while the study's pruner watches; raises optuna.TrialPruned.

    At the end of every epoch the epoch's training accuracy (percent) is reported as the intermediate value at
    step = epoch: the service measures held-out accuracy only once, at the end, so the pruner compares training
    curves. When trial.should_prune() says so, the call is cancelled, which stops the training on the service
    (nothing partial is cached), and optuna.TrialPruned is raised. A cached training answers at once; its curve
    is reported all the same, so the pruner sees every trial's curve.
    """

    def report(progress: TrainingProgress) -> None:
        if not progress.epoch_end:
            return
        trial.report(progress.train_accuracy, step=progress.epoch)
        if trial.should_prune():
            raise optuna.TrialPruned(f"pruned after epoch {progress.epoch} of {progress.epochs}: training "
                                     f"accuracy {progress.train_accuracy:.2f}%")

    result = client.train(architecture, training, dataset=dataset, seed=seed, precision=precision, device=device,
                          on_progress=report)
    if result.cache_hit:
        for epoch in result.curve:
            trial.report(epoch.train_accuracy, step=epoch.epoch)
    return result


@dataclass(frozen=True)
class Nb201Objective:
    """An Optuna objective over NAS-Bench-201: suggests a cell, scores it at one fidelity, returns the value.

    fidelity "benchmark" returns the benchmark's recorded accuracy (cifar10 validation by default), a cheap
    stand-in for the real search; "gradient_kernel" MGM; "zero_cost" the one proxy named by proxy; and
    "short_training" the held-out accuracy after training with the given options, reporting each epoch to the
    study's pruner (train_with_pruning). log_scale None takes the log of LOG_SCALED_METRICS only; True or False
    forces it. A cell the service cannot score (e.g. synflow's OUT_OF_RANGE) raises its KnasError: pass
    catch=(knas_client.KnasError,) to study.optimize to fail that trial and go on.
    """

    client: KnasClient
    fidelity: Fidelity = "gradient_kernel"
    proxy: str | None = None
    log_scale: bool | None = None
    dataset: str | None = None
    seed: int | None = None
    samples: int | None = None
    batch_size: int | None = None
    training: TrainingOptions | None = None

    def __post_init__(self) -> None:
        if (self.fidelity == "zero_cost") != (self.proxy is not None):
            raise ValueError("name exactly one proxy, and only with the zero_cost fidelity")

    def __call__(self, trial: optuna.Trial) -> float:
        architecture = suggest_architecture(trial)
        if self.fidelity == "short_training":
            result = train_with_pruning(self.client, trial, architecture, self.training, dataset=self.dataset,
                                        seed=self.seed)
            resolved, value, metric = result.architecture, result.held_out_accuracy, "held_out_accuracy"
        else:
            score = self.client.score(architecture, self.fidelity,
                                      proxies=None if self.proxy is None else [self.proxy], dataset=self.dataset,
                                      seed=self.seed, samples=self.samples, batch_size=self.batch_size)
            resolved, value, metric = score.architecture, score.value, score.metric
        trial.set_user_attr("nb201_string", resolved.nb201_string)
        trial.set_user_attr("canonical", resolved.canonical)
        trial.set_user_attr(metric, value)
        log = metric in LOG_SCALED_METRICS if self.log_scale is None else self.log_scale
        return math.log(value) if log else value
