"""NAS-Bench-201 cells in the three forms the service accepts, and where op names meet the proto's enum."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias, cast

from knas_client.stubs.knas.v1 import scoring_pb2

NB201_OPERATIONS: tuple[str, ...] = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")
"""NAS-Bench-201's operations, in the benchmark's order."""

EDGES: tuple[str, ...] = ("1<-0", "2<-0", "2<-1", "3<-0", "3<-1", "3<-2")
"""A cell's six edges (node <- input node), in the order of NAS-Bench-201 strings and of CellEdges.ops."""

ArchitectureLike: TypeAlias = int | str | Sequence[str]
"""An architecture: its NAS-Bench-201 index (0..15624), its NAS-Bench-201 string, or its six op names in EDGES
order."""


def operation_number(name: str) -> scoring_pb2.Operation:
    """The knas.v1.Operation value of a NAS-Bench-201 op name.

    This is the one place that knows the encoding: the enum lists the benchmark's operations in the benchmark's
    order, shifted by one because 0 is OPERATION_UNSPECIFIED.
    """
    try:
        return cast(scoring_pb2.Operation, NB201_OPERATIONS.index(name) + 1)
    except ValueError:
        raise ValueError(f"unknown operation {name!r}; known: {', '.join(NB201_OPERATIONS)}") from None


def operation_name(number: int) -> str:
    """The NAS-Bench-201 op name of a knas.v1.Operation value (the inverse of operation_number)."""
    if not 1 <= number <= len(NB201_OPERATIONS):
        raise ValueError(f"not a NAS-Bench-201 operation: knas.v1.Operation value {number}")
    return NB201_OPERATIONS[number - 1]


def nb201_string(operations: Sequence[str]) -> str:
    """The NAS-Bench-201 string of six op names, e.g. for an architecture an optimiser chose."""
    if len(operations) != len(EDGES):
        raise ValueError(f"a cell has {len(EDGES)} edges, not {len(operations)}")
    for name in operations:
        operation_number(name)  # refuses an unknown op name
    nodes = ("|".join(f"{name}~{edge[-1]}" for name, edge in zip(operations, EDGES) if edge[0] == node)
             for node in "123")
    return "|" + "|+|".join(nodes) + "|"


def to_proto(architecture: ArchitectureLike) -> scoring_pb2.Architecture:
    """The request form of an architecture.

    Only what cannot be encoded is refused here (a type that is no architecture, an unknown op name); the index
    range, the string's syntax and the number of ops are the service's to judge, in its own words.
    """
    if isinstance(architecture, bool):
        raise TypeError("an architecture is an int index, a NAS-Bench-201 string or six op names, not a bool")
    if isinstance(architecture, int):
        return scoring_pb2.Architecture(nb201_index=architecture)
    if isinstance(architecture, str):
        return scoring_pb2.Architecture(nb201_string=architecture)
    if isinstance(architecture, Sequence) and all(isinstance(name, str) for name in architecture):
        edges = scoring_pb2.CellEdges()
        edges.ops.extend(operation_number(name) for name in architecture)
        return scoring_pb2.Architecture(edges=edges)
    raise TypeError(f"an architecture is an int index, a NAS-Bench-201 string or op names, not {architecture!r}")
