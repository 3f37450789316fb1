"""OpenAPI Overlay 1.0 actions on JSON-like documents, restricted to single-node targets.

Targets are RFC 9535 *normalized paths* only (``$['paths']['/a/{id}']['get']``, ``$['tags'][0]``):
one spelling per node, so keys such as ``x-faker``, ``/api/{id}`` or ``…:search`` are never
mis-parsed, and a target selects exactly one node or none.

Update semantics are Overlay 1.0's, with the merge rule that Overlay 1.1 spells out:

- an ``update`` of a mapping merges into it: a key only in the target stays, a key only in the
  update is appended (in the update's order), and for a key in both a primitive replaces a
  primitive, a list is concatenated to a list, a mapping merges into a mapping recursively;
  any other pairing (a mapping onto a string, a list onto a mapping, ...) is an error, since the
  curator meant a replacement: remove the key first, then add it;
- an ``update`` of a list appends the update value as one new element;
- an ``update`` of a primitive is an error (update its mapping instead);
- ``remove: true`` removes the target from its mapping or list;
- ``copy`` (Overlay 1.1) names a source node, which is merged or appended like an ``update``.

An action has exactly one of ``update``, ``remove`` and ``copy``.

Unlike the Overlay specification, a target that matches nothing is an error (for a recipe a
silent no-op is a lost edit). An action carrying ``base`` (the recipe's ``x-base``) applies only
when its target still hashes to that value; otherwise it is reported as a :class:`Conflict`.

Documents are treated as immutable: :func:`apply` copies the containers along each target path
and shares every untouched subtree with its input.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from ..errors import SpecError

Path = tuple[str | int, ...]


class _NoUpdate:
    """The type of :data:`NO_UPDATE`: an action without an ``update`` field."""

    _instance: _NoUpdate | None = None

    def __new__(cls) -> _NoUpdate:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_UPDATE"

    def __copy__(self) -> _NoUpdate:
        return self

    def __deepcopy__(self, memo: object) -> _NoUpdate:
        return self

    def __reduce__(self) -> str:
        return "NO_UPDATE"


NO_UPDATE: Final = _NoUpdate()


class NoNode(LookupError):
    """A path leads to no node of the document."""


# --- targets --------------------------------------------------------------------------------

_SHORT_ESCAPES: Final = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "'": "'", "\\": "\\"}
_ESCAPE_OF: Final = {value: "\\" + key for key, value in _SHORT_ESCAPES.items()}
# the only \u escapes a normalized path uses: control characters without a short escape
_HEX_ESCAPE: Final = re.compile(r"00(?:0[0-7]|0b|0[ef]|1[0-9a-f])")
_INDEX: Final = re.compile(r"0|[1-9][0-9]*")
_ONLY_NORMALIZED: Final = (
    "only RFC 9535 normalized paths are accepted, e.g. $['paths']['/a/{id}']['get'] or $['tags'][0]"
)


def _target_error(text: str, position: int, problem: str) -> ValueError:
    return ValueError(f"invalid overlay target {text!r} at character {position}: {problem}; {_ONLY_NORMALIZED}")


def parse_target(text: str) -> Path:
    """``$['paths']['/a/{id}'][0]`` -> ``("paths", "/a/{id}", 0)``; anything else is a ValueError."""
    if not text.startswith("$"):
        raise _target_error(text, 0, "a target starts with '$'")
    parts: list[str | int] = []
    pos = 1
    end = len(text)
    while pos < end:
        if text[pos] != "[":
            what = "dot notation" if text[pos] == "." else f"unexpected {text[pos]!r}"
            raise _target_error(text, pos, f"{what}; every segment is written ['key'] or [index]")
        pos += 1
        if pos < end and text[pos] == "'":
            key, pos = _parse_name(text, pos + 1)
            parts.append(key)
        else:
            match = _INDEX.match(text, pos)
            if match is None:
                found = text[pos] if pos < end else "the end"
                if found == '"':
                    problem = "double-quoted names are not normalized; use single quotes"
                elif found in ("*", "?"):
                    problem = "wildcards and filters select many nodes; name one node"
                elif found == "-":
                    problem = "negative indices are not normalized; count from the start"
                else:
                    problem = f"expected 'name' or a non-negative index, found {found!r}"
                raise _target_error(text, pos, problem)
            pos = match.end()
            parts.append(int(match.group(0)))
        if pos >= end or text[pos] != "]":
            if pos < end and text[pos] == ":":
                raise _target_error(text, pos, "slices select many nodes; name one node")
            if pos < end and text[pos] == ",":
                raise _target_error(text, pos, "unions select many nodes; name one node")
            if pos < end and text[pos].isdigit():
                raise _target_error(text, pos, "indices have no leading zeros")
            raise _target_error(text, pos, "expected ']'")
        pos += 1
    return tuple(parts)


def _parse_name(text: str, pos: int) -> tuple[str, int]:
    """Read a single-quoted name from just after its opening quote; return it and the position after ']'."""
    out: list[str] = []
    end = len(text)
    while True:
        if pos >= end:
            raise _target_error(text, pos, "unterminated 'name'")
        char = text[pos]
        if char == "'":
            return "".join(out), pos + 1
        if char == "\\":
            if pos + 1 >= end:
                raise _target_error(text, pos, "unterminated escape")
            code = text[pos + 1]
            if code in _SHORT_ESCAPES:
                out.append(_SHORT_ESCAPES[code])
                pos += 2
                continue
            if code == "u":
                digits = text[pos + 2 : pos + 6]
                if _HEX_ESCAPE.fullmatch(digits) is None:
                    raise _target_error(
                        text, pos, "a normalized path uses \\u00XX (lowercase hex) only for control characters"
                    )
                out.append(chr(int(digits, 16)))
                pos += 6
                continue
            raise _target_error(text, pos, f"unknown escape \\{code}")
        if char < " ":
            raise _target_error(text, pos, "a control character in a name is written as an escape")
        if "\ud800" <= char <= "\udfff":
            raise _target_error(text, pos, "a lone surrogate cannot be part of a name")
        out.append(char)
        pos += 1


def _format_name(key: str) -> str:
    out = ["'"]
    for char in key:
        escaped = _ESCAPE_OF.get(char)
        if escaped is not None:
            out.append(escaped)
        elif char < " ":
            out.append(f"\\u{ord(char):04x}")
        elif "\ud800" <= char <= "\udfff":
            raise ValueError(f"a key with a lone surrogate cannot be written as a normalized path: {key!r}")
        else:
            out.append(char)
    out.append("'")
    return "".join(out)


def format_target(path: Path) -> str:
    """``("paths", "/a/{id}", 0)`` -> ``$['paths']['/a/{id}'][0]``."""
    out = ["$"]
    for part in path:
        if isinstance(part, bool) or not isinstance(part, (str, int)):
            raise ValueError(f"a path holds mapping keys (str) and list indices (int), not {part!r}")
        if isinstance(part, str):
            out.append(f"[{_format_name(part)}]")
        elif part < 0:
            raise ValueError(f"a list index is never negative: {part}")
        else:
            out.append(f"[{part}]")
    return "".join(out)


# --- nodes ----------------------------------------------------------------------------------


def node_hash(value: object) -> str:
    """``sha256:<hex>`` of the canonical JSON of ``value`` (keys sorted; 1, 1.0 and true differ)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _child(node: object, part: str | int) -> object:
    if isinstance(node, dict) and isinstance(part, str):
        if part in node:
            return node[part]
    elif isinstance(node, list) and isinstance(part, int) and not isinstance(part, bool):
        if 0 <= part < len(node):
            return node[part]
    raise NoNode(part)


def get_node(doc: object, path: Path) -> object:
    """The node at ``path``; :class:`NoNode` when there is none."""
    node = doc
    for depth, part in enumerate(path):
        try:
            node = _child(node, part)
        except NoNode:
            raise NoNode(_describe(path[: depth + 1])) from None
    return node


def _describe(path: Path) -> str:
    try:
        return format_target(path)
    except ValueError:
        return repr(path)


# --- actions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One overlay action; ``pointer``/``line`` say where it is written, for error messages."""

    target: str
    update: object = NO_UPDATE
    remove: bool = False
    description: str = ""
    base: str | None = None  # the recipe's x-base: hash of the target node when the action was written
    pointer: str = ""
    line: int | None = None
    copy: str | None = None  # Overlay 1.1: merge (or append) a copy of the node at this normalized path

    @property
    def path(self) -> Path:
        return parse_target(self.target)


@dataclass(frozen=True)
class Conflict:
    """An action whose target changed since it was written; it was not applied."""

    index: int
    action: Action
    expected: str  # the action's x-base
    found: str  # the hash of the target node now
    now: object  # the target node as the document has it now
    curator: object  # the action's update value, or "remove"


_PRIMITIVES: Final = (str, int, float, bool, type(None))


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "a primitive"


class _Editor:
    """Copy-on-write edits of one document: containers copied once per :func:`apply` call."""

    def __init__(self, doc: object) -> None:
        self.doc = doc
        self._owned: dict[int, object] = {}  # id -> container this editor made (kept alive so ids stay unique)

    def _own(self, node: Any) -> Any:
        if id(node) in self._owned:
            return node
        fresh = dict(node) if isinstance(node, dict) else list(node)
        self._owned[id(fresh)] = fresh
        return fresh

    def writable(self, path: Path) -> Any:
        """The container at ``path``, copied (with its ancestors) unless this editor made it."""
        self.doc = node = self._own(self.doc)
        for part in path:
            child = self._own(node[part])
            node[part] = child
            node = child
        return node

    def adopt(self, container: list[Any]) -> list[Any]:
        """Mark a list this editor built as its own, so later edits need not copy it."""
        self._owned[id(container)] = container
        return container

    def deep_copy(self, value: object) -> object:
        fresh = copy.deepcopy(value)
        self._mark(fresh)
        return fresh

    def _mark(self, value: object) -> None:
        if isinstance(value, dict):
            self._owned[id(value)] = value
            for item in value.values():
                self._mark(item)
        elif isinstance(value, list):
            self._owned[id(value)] = value
            for item in value:
                self._mark(item)


def apply(doc: object, actions: Sequence[Action], *, file: str) -> tuple[object, list[Conflict]]:
    """Apply ``actions`` in order to a copy of ``doc``; return it with the conflicts (actions not applied)."""
    editor = _Editor(doc)
    conflicts: list[Conflict] = []
    for index, action in enumerate(actions):
        _check_modifier(action, index, file)
        path = _action_path(action, action.target, index, file)
        node = _lookup(editor.doc, path, action, action.target, index, file, "target")
        value: object = action.update
        if action.copy is not None:
            source = _action_path(action, action.copy, index, file)
            value = _lookup(editor.doc, source, action, action.copy, index, file, "copy source")
        if action.base is not None:
            found = node_hash(node)
            if found != action.base:
                conflicts.append(
                    Conflict(index, action, action.base, found, node, "remove" if action.remove else value)
                )
                continue
        if action.remove:
            _remove(editor, path, action, index, file)
        else:
            _update(editor, path, node, value, action, index, file)
    return editor.doc, conflicts


def _check_modifier(action: Action, index: int, file: str) -> None:
    """Exactly one of update, remove and copy (the Overlay spec lets remove win silently; a recipe must not)."""
    given = [
        name
        for name, present in (
            ("update", action.update is not NO_UPDATE),
            ("remove", action.remove),
            ("copy", action.copy is not None),
        )
        if present
    ]
    if not given:
        raise _action_error(
            action, file, f"overlay action {index} has neither update, remove nor copy", "add update: or remove: true"
        )
    if len(given) > 1:
        raise _action_error(
            action,
            file,
            f"overlay action {index} has both {given[0]} and {given[1]}",
            "split it into one action per change, in the order they should apply",
        )


def _lookup(doc: object, path: Path, action: Action, text: str, index: int, file: str, role: str) -> object:
    try:
        return get_node(doc, path)
    except NoNode:
        raise _action_error(
            action,
            file,
            f"overlay action {index}: {role} {text} matches no node",
            "the node was renamed or removed upstream, or an earlier action removed it: "
            "correct the path, or delete the action if it is no longer needed",
        ) from None


def _action_path(action: Action, text: str, index: int, file: str) -> Path:
    try:
        return parse_target(text)
    except ValueError as exc:
        raise _action_error(
            action, file, f"overlay action {index}: {exc}", "write the target as a normalized path"
        ) from None


def _action_error(action: Action, file: str, message: str, hint: str) -> SpecError:
    return SpecError(file, action.pointer, message, hint, action.line)


def _remove(editor: _Editor, path: Path, action: Action, index: int, file: str) -> None:
    if not path:
        raise _action_error(
            action, file, f"overlay action {index} removes the whole document", "target the node to remove"
        )
    parent = editor.writable(path[:-1])
    del parent[path[-1]]


def _update(editor: _Editor, path: Path, node: object, value: object, action: Action, index: int, file: str) -> None:
    if isinstance(node, list):
        editor.writable(path).append(editor.deep_copy(value))
        return
    if not isinstance(node, dict):
        raise _action_error(
            action,
            file,
            f"overlay action {index}: target {action.target} is a primitive, which an update cannot change",
            "target the mapping that holds it and update the key there",
        )
    if not isinstance(value, dict):
        raise _action_error(
            action,
            file,
            f"overlay action {index}: the update of mapping {action.target} is {_kind(value)}",
            "give the keys to merge as a mapping",
        )
    _merge(editor, path, node, value, action, index, file)


def _merge(
    editor: _Editor, path: Path, target: dict[str, Any], update: dict[Any, Any], action: Action, index: int, file: str
) -> None:
    writable: dict[str, Any] = editor.writable(path)
    for key, value in update.items():
        if not isinstance(key, str):
            raise _action_error(
                action, file, f"overlay action {index}: update key {key!r} is not a string", "quote the key"
            )
        if key not in target:
            writable[key] = editor.deep_copy(value)
            continue
        old = target[key]
        if isinstance(old, dict) and isinstance(value, dict):
            _merge(editor, (*path, key), old, value, action, index, file)
        elif isinstance(old, list) and isinstance(value, list):
            writable[key] = editor.adopt([*old, *(editor.deep_copy(item) for item in value)])
        elif isinstance(old, _PRIMITIVES) and isinstance(value, _PRIMITIVES):
            writable[key] = value
        else:
            raise _action_error(
                action,
                file,
                f"overlay action {index}: update puts {_kind(value)} onto {_kind(old)} at "
                f"{format_target((*path, key))}, which cannot be merged",
                f"to replace it, remove {format_target((*path, key))} in an earlier action, "
                "then add it with this update",
            )
