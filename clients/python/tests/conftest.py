"""The real scoring service for the tests: bin/scoring-service as built by `mvn package`, on a free loopback port.

The data comes from $KNAS_DATA_DIR, else ../shared/data beside the repository: the CIFAR-10 subset for the
default data set and the NAS-Bench-201 table for the benchmark fidelity. Trainings use the generated synthetic
set, so they stay small.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from knas_client import KnasClient

REPO = Path(__file__).resolve().parents[3]
DATA_DIR = Path(os.environ.get("KNAS_DATA_DIR") or REPO.parent / "shared" / "data")
BENCHMARK_TABLE = DATA_DIR / "nb201" / "nb201_accuracy.csv"
STARTUP_SECONDS = 180


@dataclass(frozen=True)
class RunningService:
    """A scoring service process the tests started: where it listens and where it logs."""

    target: str
    log: Path

    def log_lines(self, containing: str) -> list[str]:
        return [line for line in self.log.read_text().splitlines() if containing in line]


@contextmanager
def running_service(workdir: Path, *options: str) -> Iterator[RunningService]:
    """Starts bin/scoring-service with a fresh store in workdir, and stops it (SIGTERM) afterwards."""
    if not (REPO / "scoring-service" / "target" / "knas-scoring-service.jar").exists():
        pytest.fail("the scoring service is not built: run `mvn -B -DskipTests package` in the repository root")
    port_file, log = workdir / "port", workdir / "service.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(REPO / "bin" / "scoring-service"), "--port", "0", "--port-file", str(port_file),
             "--store-dir", str(workdir / "store"), *options], stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not (port_file.exists() and port_file.read_text().strip().isdigit()):
            if process.poll() is not None:
                pytest.fail(f"the scoring service exited with {process.returncode}:\n{log.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"the scoring service did not start within {STARTUP_SECONDS} s:\n{log.read_text()}")
            time.sleep(0.2)
        yield RunningService(f"127.0.0.1:{port_file.read_text().strip()}", log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    """The service most tests share: CIFAR-10 subset by default, and the benchmark table."""
    if not BENCHMARK_TABLE.exists():
        pytest.fail(f"{BENCHMARK_TABLE} is missing: set KNAS_DATA_DIR to the shared data")
    with running_service(tmp_path_factory.mktemp("service"), "--data-dir", str(DATA_DIR),
                         "--benchmark-table", str(BENCHMARK_TABLE)) as running:
        yield running


@pytest.fixture(scope="session")
def client(service: RunningService) -> Iterator[KnasClient]:
    with KnasClient(service.target) as connected:
        yield connected
