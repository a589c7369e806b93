"""Scores a few NAS-Bench-201 cells in one batch call: MGM at initialisation next to the benchmark's accuracy.

Usage: python3 score_a_few.py [HOST:PORT]   (default: $KNAS_TARGET, else localhost:50051)
"""

from __future__ import annotations

import os
import sys

from knas_client import KnasClient

ARCHITECTURES = [
    1,                                                                   # an index
    6111,                                                                # the best CIFAR-10 test accuracy
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|",  # a string
    ["avg_pool_3x3", "none", "skip_connect", "none", "none", "nor_conv_1x1"],  # six ops, edge by edge
]


def main() -> None:
    target = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("KNAS_TARGET", "localhost:50051")
    with KnasClient(target) as client:
        mgm = {result.position: result for result in client.score_many(ARCHITECTURES, samples=10)}
        accuracy = {result.position: result for result in client.score_many(ARCHITECTURES, "benchmark")}
        print(f"{'index':>6}  {'MGM (n = 10)':>12}  {'benchmark':>9}  parameters")
        for position in range(len(ARCHITECTURES)):
            kernel, benchmark = mgm[position].score, accuracy[position].score
            if kernel is None or benchmark is None:
                print(f"entry {position}: {mgm[position].error or accuracy[position].error}")
                continue
            print(f"{kernel.architecture.nb201_index:>6}  {kernel.value:>12.4f}  {benchmark.value:>8.2f}%  "
                  f"{kernel.architecture.parameter_count:>10,}")


if __name__ == "__main__":
    main()
