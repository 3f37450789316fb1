"""A tolerant, normalized view of one OpenAPI document for diffing.

Local ``$ref``s are followed by value, path-level parameters are merged into each operation
(the operation's own wins by name + ``in``), and operations are keyed by method and path
template with the path parameter names replaced by their position, so ``/a/{id}`` and
``/a/{x}`` are the same endpoint. Nothing here trusts the document's shape: a node of the wrong
type reads as absent, so a malformed spec is diffed as far as it can be, never crashes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ..loader import split_pointer

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_TEMPLATE_PARAM = re.compile(r"\{([^{}]*)\}")
_MAX_REF_HOPS = 64  # a chain of $refs longer than this is a loop


_EMPTY: Mapping[str, Any] = MappingProxyType({})  # one shared object: caches keyed by id() stay valid


def as_map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else _EMPTY


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def endpoint_key(path: str) -> str:
    """``/a/{id}/b`` -> ``/a/{}/b``: the endpoint's identity, whatever its parameters are called."""
    return _TEMPLATE_PARAM.sub("{}", path)


def template_names(path: str) -> list[str]:
    return _TEMPLATE_PARAM.findall(path)


@dataclass(frozen=True)
class Parameter:
    key: tuple[str, str]  # ("query", "name"); a path parameter by position: ("path", "#0")
    name: str
    location: str
    node: Mapping[str, Any]  # the parameter object, $ref resolved


@dataclass(frozen=True)
class Operation:
    key: tuple[str, str]  # ("GET", "/a/{}")
    method: str  # "GET"
    path: str  # the document's own template
    node: Mapping[str, Any]
    path_item: Mapping[str, Any]
    parameters: Mapping[tuple[str, str], Parameter]

    @property
    def operation_id(self) -> str:
        value = self.node.get("operationId")
        return value if isinstance(value, str) else ""


class Document:
    """One side of the diff: the raw document plus its resolved, normalized pieces."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = as_map(data)
        self._pointers: dict[str, tuple[str, Any]] = {}
        self.operations = self._collect_operations()

    @property
    def openapi_31(self) -> bool:
        version = self.data.get("openapi")
        return isinstance(version, str) and version.startswith("3.1")

    def lookup(self, pointer: str) -> Any:
        node: Any = self.data
        for part in split_pointer(pointer):
            if isinstance(node, Mapping) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return None
        return node

    def deref(self, node: Any) -> tuple[str, Any]:
        """The node a (chain of) local ``$ref`` points at, and the last ref followed ("" for none).

        An external or dangling ref is returned as it is: it compares by its text.
        """
        ref = ""
        for _ in range(_MAX_REF_HOPS):
            target = node.get("$ref") if isinstance(node, Mapping) else None
            if not isinstance(target, str) or not target.startswith("#"):
                return ref, node
            cached = self._pointers.get(target)
            if cached is None:
                resolved = self.lookup(target[1:])
                cached = (target, resolved if resolved is not None else node)
                self._pointers[target] = cached
            if cached[1] is node:
                return target, node
            ref, node = cached
        return ref, node

    def resolved(self, node: Any) -> Any:
        return self.deref(node)[1]

    def _collect_operations(self) -> dict[tuple[str, str], Operation]:
        operations: dict[tuple[str, str], Operation] = {}
        paths = as_map(self.data.get("paths"))
        for path in sorted(p for p in paths if isinstance(p, str)):
            item = as_map(self.resolved(paths[path]))
            shared = self._parameters(path, item.get("parameters"))
            for method in METHODS:
                node = item.get(method)
                if not isinstance(node, Mapping):
                    continue
                key = (method.upper(), endpoint_key(path))
                if key in operations:  # two templates differing only in parameter names: keep the first
                    continue
                merged = dict(shared)
                merged.update(self._parameters(path, node.get("parameters")))
                operations[key] = Operation(key, method.upper(), path, node, item, merged)
        return operations

    def _parameters(self, path: str, raw: Any) -> dict[tuple[str, str], Parameter]:
        positions = {name: index for index, name in enumerate(template_names(path))}
        found: dict[tuple[str, str], Parameter] = {}
        for entry in as_list(raw):
            node = as_map(self.resolved(entry))
            name, location = node.get("name"), node.get("in")
            if not isinstance(name, str) or not isinstance(location, str):
                continue
            if location == "path" and name in positions:
                key = ("path", f"#{positions[name]}")
            else:
                key = (location, name.lower() if location == "header" else name)
            found[key] = Parameter(key, name, location, node)
        return found
