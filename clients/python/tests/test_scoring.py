"""Scoring through the client against the real service, and against the Java CLI's answers to the same requests."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import grpc
import pytest
from conftest import REPO, RunningService

from knas_client import InvalidArgumentError, KnasClient

INDEX_1_OPS = ["nor_conv_3x3", "nor_conv_3x3", "avg_pool_3x3", "skip_connect", "nor_conv_3x3", "skip_connect"]
INDEX_1_STRING = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"


def cli_score(service: RunningService, *arguments: str) -> dict[str, Any]:
    """bin/knas score ... --json against the service: the ScoreArchitectureResponse in protobuf's JSON mapping."""
    completed = subprocess.run([str(REPO / "bin" / "knas"), "score", *arguments, "--json", "--target", service.target],
                               capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


@pytest.mark.parametrize("cli_arguments, client_arguments", [
    (["--arch", "1", "--samples", "6"], {"samples": 6}),
    (["--arch", "1", "--fidelity", "benchmark"], {"fidelity": "benchmark"}),
    (["--arch", "1", "--proxy", "params,synflow"], {"proxies": ["params", "synflow"]}),
], ids=["gradient_kernel", "benchmark", "zero_cost"])
def test_a_score_equals_the_java_clis(service: RunningService, client: KnasClient, cli_arguments: list[str],
                                      client_arguments: dict[str, Any]) -> None:
    score = client.score(1, **client_arguments)
    expected = cli_score(service, *cli_arguments)
    assert score.value == expected["value"]
    assert score.metric == expected["metric"]
    assert score.cache_key == expected["cache"]["key"]
    assert score.fidelity.upper() == expected["fidelity"].removeprefix("FIDELITY_")
    assert score.architecture.canonical == expected["architecture"]["canonical"]
    assert score.architecture.parameter_count == int(expected["architecture"]["parameterCount"])
    assert [(p.proxy, p.value, p.cache_key) for p in score.proxies.values()] == [
        (p["proxy"], p["value"], p["cache"]["key"]) for p in expected.get("proxyScores", [])]


def test_the_three_forms_of_an_architecture_are_one_request(client: KnasClient) -> None:
    scores = [client.score(form, samples=6) for form in (1, INDEX_1_STRING, INDEX_1_OPS)]
    assert len({score.cache_key for score in scores}) == 1
    for score in scores:
        assert score.architecture.nb201_index == 1
        assert score.architecture.nb201_string == INDEX_1_STRING
        assert list(score.architecture.operations) == INDEX_1_OPS


MALFORMED = "|conv5~0|+|none~0|none~1|+|none~0|none~1|none~2|"
BAD_ENTRIES: dict[int, tuple[Any, str]] = {  # position: (architecture, what the service's message says)
    1: (MALFORMED, "architecture.nb201_string: edge 1<-0: unknown operation 'conv5'"),
    3: (15625, "architecture.nb201_index: NAS-Bench-201 index 15625 is out of range"),
    4: (["none"] * 5, "architecture.edges: a cell has exactly 6 edge operations"),
}


def test_a_batch_with_bad_entries_scores_the_good_ones(client: KnasClient) -> None:
    architectures = [1, BAD_ENTRIES[1][0], 6111, BAD_ENTRIES[3][0], BAD_ENTRIES[4][0], INDEX_1_OPS]
    results = sorted(client.score_many(architectures, "benchmark"), key=lambda result: result.position)
    assert [result.position for result in results] == list(range(len(architectures)))
    for result in results:
        assert result.architecture is architectures[result.position]
        if result.position in BAD_ENTRIES:
            assert not result.ok and result.score is None and result.error is not None
            assert result.error.code == grpc.StatusCode.INVALID_ARGUMENT
            assert result.error.message.startswith(BAD_ENTRIES[result.position][1])
        else:
            assert result.ok and result.score is not None
            assert result.score.value == client.score(result.architecture, "benchmark").value


def test_a_batch_raises_its_first_error_when_asked(client: KnasClient) -> None:
    with pytest.raises(InvalidArgumentError) as raised:
        for _ in client.score_many([6111, MALFORMED], "benchmark", raise_errors=True):
            pass
    assert raised.value.code == grpc.StatusCode.INVALID_ARGUMENT
    assert raised.value.position == 1
    assert raised.value.message.startswith(BAD_ENTRIES[1][1])


def test_refusals_raise_knas_errors_with_the_services_message(client: KnasClient) -> None:
    with pytest.raises(InvalidArgumentError) as raised:
        client.score(MALFORMED)
    assert raised.value.code == grpc.StatusCode.INVALID_ARGUMENT
    assert raised.value.message.startswith(BAD_ENTRIES[1][1])
    with pytest.raises(InvalidArgumentError, match="cifar10"):
        client.score(1, dataset="no-such-data")
    with pytest.raises(ValueError, match="zero_cost"):
        client.score(1, "benchmark", proxies=["params"])


def test_proxies_cache_and_health(client: KnasClient) -> None:
    assert client.health() == "SERVING"
    assert client.health("knas.v1.ScoringService") == "SERVING"
    proxies = {proxy.name: proxy for proxy in client.proxies()}
    assert {"mgm", "naswot", "synflow", "params"} <= set(proxies)
    assert proxies["naswot"].definition_version == "naswot/1"
    client.score(1, samples=6)
    before = client.cache_stats()
    again = client.score(1, samples=6)
    after = client.cache_stats()
    assert again.cache_hit and after.hits == before.hits + 1 and after.entries >= 1
