"""An Optuna study over NAS-Bench-201's six edges at the benchmark fidelity (the recorded CIFAR-10 validation
accuracy), which costs a table lookup per trial: a quick way to try samplers before scoring for real.

Usage: python3 optuna_benchmark.py [HOST:PORT] [TRIALS]   (default: $KNAS_TARGET, else localhost:50051; 100)
The service needs its benchmark table (bin/scoring-service --benchmark-table, or DATA_DIR/nb201/).
"""

from __future__ import annotations

import os
import sys

import optuna

from knas_client import KnasClient
from knas_client.optuna import Nb201Objective


def main() -> None:
    target = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("KNAS_TARGET", "localhost:50051")
    trials = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    with KnasClient(target) as client:
        study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=0))
        study.optimize(Nb201Objective(client, "benchmark"), n_trials=trials)
        best = study.best_trial
        print(f"best of {trials} trials: {best.value:.2f}% (trial {best.number})")
        print(f"architecture {best.user_attrs['nb201_string']}")
        print(f"canonical    {best.user_attrs['canonical']}")


if __name__ == "__main__":
    main()
