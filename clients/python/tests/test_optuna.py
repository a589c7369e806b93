"""The Optuna integrations against the real service: a benchmark-fidelity study, and pruning that cancels."""

from __future__ import annotations

import optuna
from conftest import RunningService
from test_training import cached

from knas_client import EDGES, NB201_OPERATIONS, KnasClient, TrainingOptions, nb201_string
from knas_client.optuna import Nb201Objective, architecture_from_params

optuna.logging.set_verbosity(optuna.logging.WARNING)


def test_a_study_at_the_benchmark_fidelity_finds_a_valid_architecture(client: KnasClient) -> None:
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=0))
    study.optimize(Nb201Objective(client, "benchmark"), n_trials=20)

    assert len(study.trials) == 20
    assert all(trial.state == optuna.trial.TrialState.COMPLETE for trial in study.trials)
    best = architecture_from_params(study.best_params)
    assert all(op in NB201_OPERATIONS for op in best)
    score = client.score(best, "benchmark")
    assert 0 <= score.architecture.nb201_index <= 15624
    assert score.architecture.nb201_string == nb201_string(best) == study.best_trial.user_attrs["nb201_string"]
    assert score.value == study.best_value
    assert score.metric == "validation_accuracy"


def test_a_pruned_trial_cancels_its_training(service: RunningService, client: KnasClient) -> None:
    # Training accuracy is at most 100%, so this pruner prunes at the first epoch's report.
    study = optuna.create_study(direction="maximize", pruner=optuna.pruners.ThresholdPruner(lower=101.0))
    study.enqueue_trial(dict(zip(EDGES, client.score(3, "benchmark").architecture.operations)))
    training = TrainingOptions(epochs=200, train_size=64, held_out_size=64, batch_size=32)
    study.optimize(Nb201Objective(client, "short_training", dataset="synthetic", seed=4, training=training),
                   n_trials=1)

    [trial] = study.trials
    assert trial.state == optuna.trial.TrialState.PRUNED
    assert list(trial.intermediate_values) == [1]
    assert not cached(service.target, 3, training, seed=4), "a pruned training cached a result"
