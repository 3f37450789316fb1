"""Structural mutants of the curated specs, for the fuzz test: each one a single change at a
random place (a value replaced by another type, a key removed or renamed, a node copied to
another place), reproducible from its seed."""

from __future__ import annotations

import copy
import random
from typing import Any

PALETTE: list[Any] = [
    None,
    0,
    -1,
    10**30,
    1.5,
    True,
    "",
    "x" * 300,
    "a\x00b",
    "{bad}",
    "#/components/schemas/Nowhere",
    [],
    [None],
    {},
    {"$ref": "#/components/schemas/Nowhere"},
    {"$ref": "#/"},
    {"type": "object", "properties": []},
    {"type": ["string", {"a": 1}]},
    {"enum": [{"a": 1}, {"a": 1}]},
    {"allOf": [{}]},
]


def _places(data: Any) -> list[tuple[Any, ...]]:
    """Every path (a tuple of keys and indexes) to a node, in document order."""
    out: list[tuple[Any, ...]] = []
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while stack:
        node, path = stack.pop()
        out.append(path)
        if isinstance(node, dict):
            stack.extend((value, (*path, key)) for key, value in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend((value, (*path, index)) for index, value in reversed(list(enumerate(node))))
    return out


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def mutant(spec: Any, seed: int) -> tuple[Any, str]:
    """A copy of ``spec`` with one random change, and a description of it."""
    rng = random.Random(seed)
    data = copy.deepcopy(spec)
    places = [p for p in _places(data) if p]
    path = rng.choice(places)
    parent = _at(data, path[:-1])
    key = path[-1]
    action = rng.choice(["replace", "replace", "replace", "delete", "rename", "copy"])
    if action == "delete":
        del parent[key]
    elif action == "rename" and isinstance(parent, dict):
        parent[rng.choice(["", "$ref", "x-" + str(key), str(key).upper(), str(key) + " "])] = parent.pop(key)
    elif action == "copy":
        parent[key] = copy.deepcopy(_at(data, rng.choice(places)))
    else:
        action = "replace"
        parent[key] = copy.deepcopy(rng.choice(PALETTE))
    return data, f"seed {seed}: {action} at {'/'.join(map(str, path))}"
