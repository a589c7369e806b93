"""Canonical forms of NAS-Bench-201 cells, as the service computes them, and the routing hash built on them.

This mirrors search-space's CanonicalForm (Java), which defines the classes: each cell reduces to the expression
its output node computes (a multiset of terms pool^k(atom), an atom being the cell input or one parametric
instance per convolution edge; `none` adds nothing, `skip_connect` adds its source's terms, `avg_pool_3x3` is
linear, a convolution of a zero input or a 1x1 convolution of a constant is a shift, pooling a shift is the shift,
dead edges vanish), serialised under the renaming of instances that gives the smallest string. The class key
must equal the Java one character for character: a test compares every cell's representative with the
service's. The representative of a class is its first member in nested-loop order (the first edge outermost),
i.e. the member with the lexicographically smallest op indices.

canonical_hash() is the value of the `knas-canonical-hash` header the clients route by (the lowercase hex SHA-256
of the canonical cell's NAS-Bench-201 string), so equivalent cells and repeated requests reach the replica of
the service that holds their cache entry.
"""

from __future__ import annotations

import hashlib
import itertools
import random
import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import cache

from knas_client.architecture import EDGES, NB201_OPERATIONS, ArchitectureLike, nb201_string

Cell = tuple[int, int, int, int, int, int]
"""A cell as six op indices (positions in NB201_OPERATIONS) in EDGES order."""

CELL_COUNT = len(NB201_OPERATIONS) ** len(EDGES)

# NAS-Bench-201 numbers its cells by Python's random.seed(88); random.shuffle() of the nested-loop enumeration.
_NB201_SHUFFLE_SEED = 88

_NONE, _SKIP, _CONV1, _CONV3, _POOL = range(len(NB201_OPERATIONS))
_EDGE_SLOTS = {(int(edge[0]), int(edge[-1])): slot for slot, edge in enumerate(EDGES)}


def enumerate_cells() -> list[Cell]:
    """Every cell in nested-loop order, the first edge outermost (Nb201Architecture.enumerate())."""
    return [tuple(ops) for ops in itertools.product(range(len(NB201_OPERATIONS)), repeat=len(EDGES))]  # type: ignore[misc]


@cache
def _cells_by_index() -> tuple[Cell, ...]:
    cells = enumerate_cells()
    random.Random(_NB201_SHUFFLE_SEED).shuffle(cells)
    return tuple(cells)


def cell_at(index: int) -> Cell:
    """The cell with NAS-Bench-201 index `index` (0..15624)."""
    if not 0 <= index < CELL_COUNT:
        raise ValueError(f"NAS-Bench-201 index {index} is out of range 0..{CELL_COUNT - 1}")
    return _cells_by_index()[index]


class _Instance:
    """A parametric atom: a shift (input None) or a convolution of kernel 1 or 3 of its input's value."""

    def __init__(self, kind: str, value_input: _Value | None) -> None:
        self.kind = kind
        self.input = value_input
        self._shape: str | None = None

    def is_shift(self) -> bool:
        return self.input is None

    def shape(self) -> str:
        """The structure with instance identities left out: instances of equal shape may be renamed."""
        if self._shape is None:
            self._shape = self.kind if self.input is None else f"{self.kind}({self.input.shape()})"
        return self._shape


# A term pool^k(atom); the atom None is the cell input. Instances compare by identity, as in Java.
_Term = tuple[int, _Instance | None]


class _Value:
    """A node's value: a multiset of terms."""

    def __init__(self) -> None:
        self.terms: Counter[_Term] = Counter()

    def is_zero(self) -> bool:
        return not self.terms

    def is_constant(self) -> bool:
        return all(atom is not None and atom.is_shift() for _, atom in self.terms)

    def shape(self) -> str:
        return self._render(lambda atom: atom.shape())

    def serialise(self, numbers: dict[_Instance, int]) -> str:
        return self._render(lambda atom: f"i{numbers[atom]}")

    def _render(self, name: object) -> str:
        parts: Counter[str] = Counter()
        for (pools, atom), count in self.terms.items():
            parts[f"{pools}.{'x' if atom is None else name(atom)}"] += count  # type: ignore[operator]
        # Java's TreeMap of String: UTF-16 order, which is code point order for these ASCII parts.
        return "[" + "".join(f"{parts[part]}*{part} " for part in sorted(parts)) + "]"


def _apply(op: int, source: _Value, target: _Value) -> None:
    if op == _SKIP:
        target.terms.update(source.terms)
    elif op == _POOL:
        for (pools, atom), count in source.terms.items():
            pooled = (pools, atom) if atom is not None and atom.is_shift() else (pools + 1, atom)
            target.terms[pooled] += count
    elif op in (_CONV1, _CONV3):
        shift = source.is_zero() or (source.is_constant() and op == _CONV1)
        instance = _Instance("shift", None) if shift else _Instance("c1" if op == _CONV1 else "c3", source)
        target.terms[(0, instance)] += 1


def _output(cell: Cell) -> _Value:
    nodes = [_Value()]
    nodes[0].terms[(0, None)] = 1
    for target in range(1, 4):
        value = _Value()
        for source in range(target):
            _apply(cell[_EDGE_SLOTS[(target, source)]], nodes[source], value)
        nodes.append(value)
    return nodes[3]


def _reachable_instances(output: _Value) -> list[_Instance]:
    seen: dict[_Instance, None] = {}
    pending = [output]
    while pending:
        for _, atom in pending.pop().terms:
            if atom is not None and atom not in seen:
                seen[atom] = None
                if atom.input is not None:
                    pending.append(atom.input)
    return list(seen)


def class_key(cell: Cell) -> str:
    """The serialised output expression that identifies a cell's class (CanonicalForm.key)."""
    output = _output(cell)
    instances = sorted(_reachable_instances(output), key=_Instance.shape)
    groups = [list(group) for _, group in itertools.groupby(instances, key=_Instance.shape)]
    best: str | None = None
    # Every renaming that keeps instances of different shapes in shape order; the smallest serialisation wins.
    for orders in itertools.product(*(itertools.permutations(group) for group in groups)):
        order = [instance for group in orders for instance in group]
        numbers = {instance: number for number, instance in enumerate(order)}
        candidate = "out=" + output.serialise(numbers) + "".join(
            f"; i{numbers[instance]}={instance.kind}"
            + ("" if instance.input is None else f"({instance.input.serialise(numbers)})")
            for instance in order)
        if best is None or candidate < best:
            best = candidate
    assert best is not None  # product() of no groups yields one empty order
    return best


@cache
def _representatives() -> tuple[Cell, ...]:
    first: dict[str, Cell] = {}
    return tuple(first.setdefault(class_key(cell), cell) for cell in enumerate_cells())


def canonical_cell(cell: Cell) -> Cell:
    """The representative of a cell's class: its member that comes first in nested-loop order.

    The first call computes every cell's class (about a second); later calls are a lookup.
    """
    position = 0
    for op in cell:
        position = position * len(NB201_OPERATIONS) + op
    return _representatives()[position]


# Java's String.strip() removes the code points Character.isWhitespace accepts, which are not str.isspace's.
_JAVA_CONTROL_WHITESPACE = frozenset("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f")
_NO_BREAK_SPACES = frozenset("\u00a0\u2007\u202f")


def _java_is_whitespace(char: str) -> bool:
    return char in _JAVA_CONTROL_WHITESPACE or (
        unicodedata.category(char) in ("Zs", "Zl", "Zp") and char not in _NO_BREAK_SPACES)


def _java_strip(text: str) -> str:
    start, end = 0, len(text)
    while start < end and _java_is_whitespace(text[start]):
        start += 1
    while end > start and _java_is_whitespace(text[end - 1]):
        end -= 1
    return text[start:end]


def parse_nb201_string(text: str) -> Cell | None:
    """The cell a NAS-Bench-201 string names, accepting exactly what the service accepts; None if it names none.

    Sources may come in any order within a node, as Nb201Architecture.parse allows. The service, not the client,
    words the refusal of a malformed string.
    """
    nodes = _java_strip(text).split("+")
    if len(nodes) != 3:
        return None
    ops: list[int | None] = [None] * len(EDGES)
    for target, node in enumerate(nodes, start=1):
        if len(node) < 2 or not node.startswith("|") or not node.endswith("|"):
            return None
        edges = node[1:-1].split("|")
        if len(edges) != target:
            return None
        for edge in edges:
            name, tilde, source_text = edge.rpartition("~")
            if not tilde or len(source_text) != 1 or not "0" <= source_text <= "9":
                return None
            source = int(source_text)
            if source >= target or ops[_EDGE_SLOTS[(target, source)]] is not None or name not in NB201_OPERATIONS:
                return None
            ops[_EDGE_SLOTS[(target, source)]] = NB201_OPERATIONS.index(name)
    return tuple(op for op in ops if op is not None)  # type: ignore[return-value]


def cell_of(architecture: ArchitectureLike) -> Cell | None:
    """The cell an architecture names in any of its three forms; None where the service would refuse it."""
    if isinstance(architecture, bool):
        return None
    if isinstance(architecture, int):
        return cell_at(architecture) if 0 <= architecture < CELL_COUNT else None
    if isinstance(architecture, str):
        return parse_nb201_string(architecture)
    if isinstance(architecture, Sequence) and len(architecture) == len(EDGES) and all(
            isinstance(name, str) and name in NB201_OPERATIONS for name in architecture):
        return tuple(NB201_OPERATIONS.index(name) for name in architecture)  # type: ignore[return-value]
    return None


def canonical_string(architecture: ArchitectureLike) -> str | None:
    """The NAS-Bench-201 string of an architecture's canonical form (the service's
    ResolvedArchitecture.canonical); None where the service would refuse the architecture."""
    cell = cell_of(architecture)
    return None if cell is None else nb201_string([NB201_OPERATIONS[op] for op in canonical_cell(cell)])


def canonical_hash(architecture: ArchitectureLike) -> str | None:
    """The `knas-canonical-hash` of an architecture: lowercase hex SHA-256 of the UTF-8 canonical string.

    None where the service would refuse the architecture; such a request carries no hash and goes to any
    replica, which words the refusal.
    """
    canonical = canonical_string(architecture)
    return None if canonical is None else hashlib.sha256(canonical.encode("utf-8")).hexdigest()
