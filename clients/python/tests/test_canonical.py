"""The client's canonical forms against the service's, for every NAS-Bench-201 cell."""

from __future__ import annotations

import hashlib

from knas_client import KnasClient, nb201_string
from knas_client.canonical import CELL_COUNT, canonical_hash, canonical_string, cell_at
from knas_client.architecture import NB201_OPERATIONS


def test_every_cells_canonical_form_equals_the_services(client: KnasClient) -> None:
    # The benchmark fidelity is a table lookup, and its answer carries the resolved architecture.
    results = list(client.score_many(range(CELL_COUNT), "benchmark", raise_errors=True, timeout=600))
    assert len(results) == CELL_COUNT
    for result in results:
        assert result.score is not None
        resolved = result.score.architecture
        assert resolved.nb201_index == result.position
        assert nb201_string([NB201_OPERATIONS[op] for op in cell_at(result.position)]) == resolved.nb201_string
        assert canonical_string(result.position) == resolved.canonical, resolved.nb201_string
        assert canonical_string(resolved.nb201_string) == resolved.canonical
    assert len({result.score.architecture.canonical for result in results if result.score}) == 5224


def test_the_hash_is_sha256_of_the_canonical_string_and_equal_for_every_form() -> None:
    string = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"
    ops = ["nor_conv_3x3", "nor_conv_3x3", "avg_pool_3x3", "skip_connect", "nor_conv_3x3", "skip_connect"]
    expected = hashlib.sha256(str(canonical_string(1)).encode()).hexdigest()
    assert canonical_hash(1) == canonical_hash(string) == canonical_hash(ops) == expected
    # Sources in any order within a node and surrounding whitespace, as the service's parser allows.
    assert canonical_hash(" |nor_conv_3x3~0|+|avg_pool_3x3~1|nor_conv_3x3~0|+|skip_connect~2|skip_connect~0|"
                          "nor_conv_3x3~1|\n") == expected


def test_what_the_service_refuses_has_no_hash() -> None:
    for refused in (15625, -1, True, "|conv5~0|+|none~0|none~1|+|none~0|none~1|none~2|", ["none"] * 5,
                    "|none~0|+|none~0|none~0|+|none~0|none~1|none~2|", "|none~00|+|none~0|none~1|+|none~0|none~1|none~2|",
                    "\u00a0|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"):
        assert canonical_hash(refused) is None, refused
