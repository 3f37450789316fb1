"""Load a spec file into plain Python data, and find where things are in it.

YAML is read with YAML 1.2 scalar rules (``on``/``yes`` stay strings, dates stay strings) so
the data means what the OpenAPI document says. Line numbers are looked up only when an error
needs one: the happy path pays for nothing but the parse.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from .errors import SpecError

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SpecLoader(_Base):  # type: ignore[misc]
    """Safe loader with YAML 1.2 booleans, no timestamps, and string mapping keys."""


# YAML 1.2 core schema: replace PyYAML's YAML 1.1 rules for booleans, numbers and dates
_REPLACED = (
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
)
_SpecLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _REPLACED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_SpecLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
_SpecLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_SpecLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)


def _construct_int(loader: Any, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _construct_float(loader: Any, node: yaml.ScalarNode) -> float:
    text = str(loader.construct_scalar(node)).lower()
    if text.endswith(".inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    if text == ".nan":
        return float("nan")
    return float(text)


_SpecLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_SpecLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> dict[str, Any]:
    loader.flatten_mapping(node)
    out: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = "null" if key is None else str(key).lower() if isinstance(key, bool) else str(key)
        out[key] = loader.construct_object(value_node, deep=True)
    return out


_SpecLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def escape_pointer_part(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def pointer_of(parts: Sequence[str | int]) -> str:
    """``("paths", "/a/{b}", "get")`` -> ``/paths/~1a~1{b}/get``."""
    return "".join("/" + escape_pointer_part(str(p)) for p in parts)


def split_pointer(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [unquote(p).replace("~1", "/").replace("~0", "~") for p in pointer.lstrip("/").split("/")]


@dataclass
class Document:
    """One parsed spec file, with lazy line lookup for error messages."""

    path: Path
    data: Any
    text: str
    display: str
    # for a converted document (Swagger 2.0): pointer in ``data`` -> pointer in ``text``
    origin: Callable[[str], str] | None = field(default=None, repr=False)
    source_version: str = ""  # "2.0" when ``data`` was converted from Swagger 2.0
    _lines: dict[str, int] | None = field(default=None, repr=False)
    _offsets: dict[str, int] | None = field(default=None, repr=False)  # one-line JSON only

    def source_pointer(self, pointer: str) -> str:
        """Where ``pointer`` (of ``data``) is in the file the user edits."""
        return self.origin(pointer) if self.origin is not None else pointer

    def line_of(self, pointer: str) -> int | None:
        """The 1-based line where ``pointer`` starts, or the nearest enclosing node's line."""
        if self._lines is None:
            self._lines = _index_lines(self.text)
        parts = split_pointer(self.source_pointer(pointer))
        while True:
            line = self._lines.get(pointer_of(parts))
            if line is not None or not parts:
                return line
            parts = parts[:-1]

    def column_of(self, pointer: str) -> int | None:
        """The 1-based column where ``pointer`` (or its nearest enclosing node) starts, for a JSON
        file of one line (minified), where every line number is 1; None otherwise."""
        if "\n" in self.text.strip() or not self.text.lstrip().startswith(("{", "[")):
            return None
        if self._offsets is None:
            try:
                self._offsets = _index_json_offsets(self.text)
            except (ValueError, IndexError):
                self._offsets = {}
        parts = split_pointer(self.source_pointer(pointer))
        while True:
            offset = self._offsets.get(pointer_of(parts))
            if offset is not None or not parts:
                return None if offset is None else offset + 1
            parts = parts[:-1]

    def error(self, pointer: str, message: str, hint: str = "") -> SpecError:
        """An error at ``pointer``; messages that quote the pointer quote the file's pointer."""
        shown = self.source_pointer(pointer)
        if shown != pointer:
            message = message.replace(pointer, shown)
        return SpecError(self.display, shown, message, hint, self.line_of(pointer), self.column_of(pointer))


_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_JSON_SCALAR = re.compile(r"true|false|null|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


def _index_json_lines(text: str) -> dict[str, int]:
    """Map every JSON pointer of a JSON text to its line (JSON that YAML cannot read: tabs, ``\\/``)."""
    from bisect import bisect_left

    newlines = [m.start() for m in re.finditer("\n", text)]
    return {pointer: bisect_left(newlines, pos) + 1 for pointer, pos in _index_json_offsets(text).items()}


def _index_json_offsets(text: str) -> dict[str, int]:
    """Map every JSON pointer of a JSON text to the offset where it starts (a key's, for members)."""

    scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]

    lines: dict[str, int] = {}

    def value(pos: int, pointer: str, depth: int) -> int:
        pos = _JSON_SPACE.match(text, pos).end()  # type: ignore[union-attr]
        lines.setdefault(pointer, pos)
        char = text[pos]
        if depth > 500:
            raise ValueError("too deep")
        if char in "{[":
            closing = "}" if char == "{" else "]"
            pos = _JSON_SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
            index = 0
            while text[pos] != closing:
                if char == "{":
                    key_at = pos
                    key, pos = scanstring(text, pos + 1)
                    child = pointer + "/" + escape_pointer_part(key)
                    lines[child] = key_at
                    pos = _JSON_SPACE.match(text, pos).end() + 1  # type: ignore[union-attr]  # the colon
                else:
                    child = f"{pointer}/{index}"
                    index += 1
                pos = _JSON_SPACE.match(text, value(pos, child, depth + 1)).end()  # type: ignore[union-attr]
                if text[pos] == ",":
                    pos = _JSON_SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
            return pos + 1
        if char == '"':
            return scanstring(text, pos + 1)[1]
        match = _JSON_SCALAR.match(text, pos)
        if match is None:
            raise ValueError(f"unexpected {char!r}")
        return match.end()

    value(0, "", 0)
    return lines


def _index_lines(text: str) -> dict[str, int]:
    """Map every JSON pointer in the document to its line (YAML composer; JSON is YAML)."""
    if text.lstrip().startswith(("{", "[")):
        try:
            return _index_json_lines(text)
        except (ValueError, IndexError):
            pass
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    lines: dict[str, int] = {}
    stack: list[tuple[Any, str]] = [(root, "")]
    while stack:
        node, pointer = stack.pop()
        if node is None:
            continue
        lines.setdefault(pointer, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = pointer + "/" + escape_pointer_part(str(key.value))
                lines[child] = key.start_mark.line + 1
                stack.append((value, child))
        elif isinstance(node, yaml.SequenceNode):
            for index, value in enumerate(node.value):
                stack.append((value, f"{pointer}/{index}"))
    return lines


def parse_text(text: str, display: str) -> Any:
    """Parse YAML or JSON text; syntax errors name the line and column."""
    try:
        return _parse(text, display)
    except RecursionError:
        raise SpecError(
            display, "", "the document nests too deeply to read", "flatten it (no real API nests this deep)"
        ) from None


def _parse(text: str, display: str) -> Any:
    stripped = text.lstrip()
    if stripped.startswith("{") or stripped.startswith("["):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise SpecError(
                display,
                "",
                f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                "fix the syntax at that position (a JSON validator shows the context)",
                exc.lineno,
            ) from None
    try:
        return yaml.load(text, Loader=_SpecLoader)  # noqa: S506 - _SpecLoader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        problem = exc.problem or exc.context or "syntax error"
        raise SpecError(
            display,
            "",
            f"invalid YAML at line {line}, column {column}: {problem}",
            "fix the indentation or quoting at that position",
            line,
        ) from None
    except yaml.YAMLError as exc:
        raise SpecError(display, "", f"invalid YAML: {exc}", "fix the YAML syntax") from None


_LOADED: ContextVar[set[Path] | None] = ContextVar("clientgen_loaded", default=None)


@contextmanager
def track_loads() -> Iterator[set[Path]]:
    """Collect the resolved path of every file ``load_document`` reads inside the block."""
    loaded: set[Path] = set()
    token = _LOADED.set(loaded)
    try:
        yield loaded
    finally:
        _LOADED.reset(token)


def load_document(path: Path, display: str | None = None) -> Document:
    """Read and parse one spec file."""
    shown = display or str(path)
    tracker = _LOADED.get()
    if tracker is not None:
        tracker.add(path.resolve())
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SpecError(shown, "", "file not found", "check the path") from None
    except OSError as exc:
        raise SpecError(shown, "", f"cannot read the file: {exc.strerror}", "check the path and permissions") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError(shown, "", f"not UTF-8 text (byte {exc.start})", "save the spec as UTF-8") from None
    data = parse_text(text, shown)
    return Document(path=path, data=data, text=text, display=shown)
