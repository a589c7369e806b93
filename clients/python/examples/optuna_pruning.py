"""Optuna with pruning: each trial trains its cell briefly on the service (synthetic data, a few epochs), reports
every epoch's training accuracy, and a trial the median pruner gives up on has its training stopped on the
service at once.

Usage: python3 optuna_pruning.py [HOST:PORT] [TRIALS]   (default: $KNAS_TARGET, else localhost:50051; 10)
"""

from __future__ import annotations

import os
import sys

import optuna

from knas_client import KnasClient, TrainingOptions
from knas_client.optuna import Nb201Objective

TRAINING = TrainingOptions(epochs=3, train_size=128, held_out_size=128, batch_size=32)


def main() -> None:
    target = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("KNAS_TARGET", "localhost:50051")
    trials = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    with KnasClient(target) as client:
        study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=0),
                                    pruner=optuna.pruners.MedianPruner(n_startup_trials=3))
        study.optimize(Nb201Objective(client, "short_training", dataset="synthetic", training=TRAINING),
                       n_trials=trials)
        for trial in study.trials:
            curve = " ".join(f"{accuracy:5.1f}" for accuracy in trial.intermediate_values.values())
            outcome = "pruned" if trial.state == optuna.trial.TrialState.PRUNED else f"{trial.value:5.1f}%"
            print(f"trial {trial.number:>2}  {outcome:>7}  train accuracy by epoch: {curve}")
        print(f"best: {study.best_value:.1f}% held-out, {study.best_trial.user_attrs['nb201_string']}")


if __name__ == "__main__":
    main()
