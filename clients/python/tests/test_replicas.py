"""Routing among three real replicas of the service on loopback, each with its own store (one shard each).

Scores are the zero-cost proxy `params` on the synthetic data set: cheap, and cached like every score.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA_DIR, REPO, RunningService, running_service

from knas_client import KnasClient
from knas_client.canonical import CELL_COUNT, canonical_string
from knas_client.routing import Ring, parse_target
from knas_client.stubs.knas.v1 import cache_pb2

ARCHITECTURES = list(range(0, CELL_COUNT, CELL_COUNT // 200))[:200]
PARAMS = {"proxies": ["params"], "dataset": "synthetic"}


class Replicas:
    """Three running services, each of which a test may stop."""

    def __init__(self, workdir: Path) -> None:
        self._stacks = [ExitStack() for _ in range(3)]
        self.services: list[RunningService] = []
        for number, stack in enumerate(self._stacks):
            directory = workdir / f"replica-{number}"
            directory.mkdir()
            self.services.append(stack.enter_context(running_service(directory, "--data-dir", str(DATA_DIR))))
        self.target = ",".join(service.target for service in self.services)

    def stop(self, number: int) -> None:
        self._stacks[number].close()

    def close(self) -> None:
        for stack in self._stacks:
            stack.close()


@pytest.fixture
def replicas(tmp_path: Path) -> Iterator[Replicas]:
    started = Replicas(tmp_path)
    try:
        yield started
    finally:
        started.close()


def score_all(client: KnasClient, architectures: list[int]) -> dict[int, tuple[bool, str]]:
    """Each architecture's (cache hit, cache key) of `params`, from one score_many call."""
    outcome = {}
    for result in client.score_many(architectures, raise_errors=True, timeout=600, **PARAMS):
        assert result.score is not None
        params = result.score.proxies["params"]
        assert params.value is not None and result.architecture == architectures[result.position]
        outcome[result.architecture] = (params.cache_hit, params.cache_key)
    assert sorted(outcome) == sorted(architectures)
    return outcome


def holders(replicas: Replicas, key: str, skip: str = "") -> list[str]:
    """The replicas (but `skip`) whose store holds the entry `key` (LookupScore by key on each)."""
    found = []
    for service in replicas.services:
        if service.target == skip:
            continue
        with KnasClient(service.target) as single:
            lookup = single._cache[0].LookupScore(cache_pb2.LookupScoreRequest(key=key), timeout=30)
        if lookup.found:
            found.append(service.target)
    return found


def test_each_entry_lives_on_its_owner_only_and_repeats_all_hit(replicas: Replicas) -> None:
    with KnasClient(replicas.target) as client:
        assert client.replicas == tuple(service.target for service in replicas.services)
        first = score_all(client, ARCHITECTURES)
        second = score_all(client, ARCHITECTURES)
        assert all(hit for hit, _ in second.values()), "a repeat was computed again"
        assert {key for _, key in first.values()} == {key for _, key in second.values()}
        owners = {architecture: client.replica_for(architecture) for architecture in ARCHITECTURES}
        assert set(owners.values()) == set(client.replicas), "some replica owns none of 200 architectures"
        for architecture, (_, key) in first.items():
            assert holders(replicas, key) == [owners[architecture]], architecture
        stats = client.cache_stats()
    singles = []
    for service in replicas.services:
        with KnasClient(service.target) as single:
            singles.append(single.cache_stats())
    assert stats.entries == sum(s.entries for s in singles) == len({key for _, key in first.values()})
    assert stats.hits == sum(s.hits for s in singles) >= len(ARCHITECTURES)
    assert stats.misses == sum(s.misses for s in singles)
    assert stats.path == ",".join(s.path for s in singles)


def test_equivalent_architectures_reach_one_replica(replicas: Replicas) -> None:
    classes: dict[str, list[int]] = {}
    for index in range(0, CELL_COUNT, 7):
        classes.setdefault(str(canonical_string(index)), []).append(index)
    shared = [members[:3] for members in classes.values() if len(members) >= 3][:15]
    assert len(shared) == 15
    with KnasClient(replicas.target) as client:
        assert len({client.replica_for(members[0]) for members in shared}) > 1
        for members in shared:
            assert len({client.replica_for(member) for member in members}) == 1
            scores = [client.score(member, **PARAMS) for member in members]  # type: ignore[arg-type]
            assert [score.proxies["params"].cache_hit for score in scores] == [False, True, True], members
            assert holders(replicas, scores[0].proxies["params"].cache_key) == [client.replica_for(members[0])]


def test_a_stopped_replica_moves_only_its_own_shard(replicas: Replicas) -> None:
    endpoints = parse_target(replicas.target)
    assert endpoints is not None
    ring = Ring([endpoint.address for endpoint in endpoints])
    with KnasClient(replicas.target) as client:
        first = score_all(client, ARCHITECTURES)
        owners = {architecture: client.replica_for(architecture) for architecture in ARCHITECTURES}
        lost = replicas.services[1].target
        replicas.stop(1)
        again = score_all(client, ARCHITECTURES)
        moved = [architecture for architecture in ARCHITECTURES if owners[architecture] == lost]
        assert moved and len(moved) < len(ARCHITECTURES)
        for architecture in ARCHITECTURES:
            hit, key = again[architecture]
            assert key == first[architecture][1]
            # The others' entries still hit; the lost shard is computed afresh (once per class) on the next
            # replica of the ring.
            assert hit or architecture in moved, architecture
        # Each lost class is computed once more (equivalent members wait for it, also counted as misses).
        assert {again[a][1] for a in moved if not again[a][0]} == {again[a][1] for a in moved}
        for architecture in moved:
            walk = ring.walk(ring.target_index(_request_hash(architecture)))
            expected = next(client.replicas[owner] for owner in walk if client.replicas[owner] != lost)
            assert client.replica_for(architecture) == expected
            assert holders(replicas, again[architecture][1], skip=lost) == [expected]
            assert client.score(architecture, **PARAMS).proxies["params"].cache_hit  # type: ignore[arg-type]


def _request_hash(architecture: int) -> int:
    from knas_client.canonical import canonical_hash
    from knas_client.routing import java_hash
    return java_hash(str(canonical_hash(architecture)))


def java_cli_scores(replicas: Replicas, architectures: list[int], workdir: Path) -> list[dict[str, Any]]:
    """bin/knas score over a file of architectures against the replicas: one JSON batch result per line."""
    listing = workdir / "architectures.txt"
    listing.write_text("".join(f"{architecture}\n" for architecture in architectures))
    completed = subprocess.run(
        [str(REPO / "bin" / "knas"), "score", "--target", replicas.target, "--arch", str(listing), "--proxy",
         "params", "--dataset", "synthetic", "--json"], capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr
    responses = [json.loads(line) for line in completed.stdout.splitlines() if line.strip()]
    assert len(responses) == len(architectures)
    return responses


def test_java_and_python_clients_share_the_shards(replicas: Replicas, tmp_path: Path) -> None:
    java_first, python_first = ARCHITECTURES[:100], ARCHITECTURES[100:]
    java_cli_scores(replicas, java_first, tmp_path)
    with KnasClient(replicas.target) as client:
        assert all(hit for hit, _ in score_all(client, java_first).values()), "Python missed what Java cached"
        score_all(client, python_first)
    responses = java_cli_scores(replicas, python_first, tmp_path)
    assert sorted(response["position"] for response in responses) == list(range(len(python_first)))
    assert all(proxy["cache"].get("hit") for response in responses for proxy in response["score"]["proxyScores"]), \
        "Java missed what Python cached"
