"""Load a spec file into plain Python data, and find where things are in it.

YAML is read with YAML 1.2 scalar rules (``on``/``yes`` stay strings, dates stay strings) so
the data means what the OpenAPI document says. Line numbers are looked up only when an error
needs one: the happy path pays for nothing but the parse.
"""

from __future__ import annotations

import json
import os
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
from .limits import MAX_ALIAS_EXPANSION, MAX_INT_DIGITS, MAX_SPEC_BYTES

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
    if len(text) > MAX_INT_DIGITS:
        raise yaml.constructor.ConstructorError(
            None, None, f"an integer of {len(text)} digits (the limit is {MAX_INT_DIGITS})", node.start_mark
        )
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
        hint = hint or "correct the spec at that place (the OpenAPI specification says what belongs there)"
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
    seen: set[int] = set()  # an aliased node is indexed where it is defined only (no expansion)
    while stack:
        node, pointer = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
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
        line = _too_deep_line(text)
        raise SpecError(
            display,
            "",
            "the document nests too deeply to read" + (f" (more than {_DEEP} levels from line {line})" if line else ""),
            "flatten it (no real API nests this deep)",
            line,
        ) from None


_DEEP = 500  # how deep the nesting is when the line of a too-deep document is named


def _too_deep_line(text: str) -> int | None:
    """The line where the nesting first gets ``_DEEP`` levels deep, from the parser's events
    (a stream: no recursion); None when the text cannot be scanned so."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):  # the C parser stops at 1000 levels
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth >= _DEEP:
                    return event.start_mark.line + 1 if event.start_mark is not None else None
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return None
    return None


class _LongInteger(ValueError):
    """An integer literal in JSON with more than MAX_INT_DIGITS digits."""


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _LongInteger(f"an integer of {len(text.lstrip('-'))} digits (the limit is {MAX_INT_DIGITS})")
    return int(text)


def _long_integer_error(text: str, display: str, problem: str) -> SpecError:
    """Where the long integer is: json's parse_int is not told, so find the first such digit run."""
    found = re.search(rf"(?<![0-9.\"])-?[0-9]{{{MAX_INT_DIGITS + 1},}}", text)
    line = text.count("\n", 0, found.start()) + 1 if found else None
    return SpecError(display, "", f"invalid JSON at line {line}: {problem}", "quote it, or use a shorter number", line)


def _parse(text: str, display: str) -> Any:
    if _is_json(text):
        try:
            return json.loads(text, parse_int=_json_int)
        except _LongInteger as exc:
            raise _long_integer_error(text, display, str(exc)) from None
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
        hint = "fix the indentation or quoting at that position"
        if problem.startswith("an integer of"):
            hint = "quote it to make it a string, or use a shorter number"
        raise SpecError(display, "", f"invalid YAML at line {line}, column {column}: {problem}", hint, line) from None
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
    raw = _read_bounded(path, shown)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise SpecError(shown, "", f"not UTF-8 text (byte {exc.start})", "save the spec as UTF-8", line) from None
    del raw  # the text is all that is needed now: a second copy of a large spec would stay while it parses
    data = parse_text(text, shown)
    # only YAML aliases or merge keys share nodes (JSON text is read by json, which shares none):
    # bound their expansion; the walk cost 1-2 s on GitHub's JSON spec, whose text has many "*"
    if not _is_json(text) and ("*" in text or "<<" in text):
        _check_expansion(data, shown)
    doc = Document(path=path, data=data, text=text, display=shown)
    if _SURROGATE_ESCAPE.search(text):  # only an escape can make a lone surrogate: UTF-8 text has none
        _refuse_surrogates(doc)
    return doc


def _is_json(text: str) -> bool:
    """Whether ``_parse`` reads ``text`` as JSON (it never falls back to YAML then)."""
    for char in text:  # the first one that is not white space (no copy of a large text)
        if not char.isspace():
            return char in "{["
    return False


_SURROGATE = re.compile("[\ud800-\udfff]")
# \ud800-\udfff as a JSON or YAML escape, with leading zeros for YAML's \U: the cheap test
# before the walk (GitHub's spec has thousands of other \u escapes)
_SURROGATE_ESCAPE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F]")


def _refuse_surrogates(doc: Document) -> None:
    """A lone surrogate (``"\\ud800"``) is no character: no file can hold it as UTF-8, so the
    package would not import. Each shared node is looked at once."""
    seen: set[int] = set()
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(doc.data, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, str):
            if _SURROGATE.search(node):
                raise doc.error(
                    pointer_of(path),
                    f"the text {node[:40]!r} holds a lone surrogate (an escape such as \\ud800 that is no character)",
                    "remove the escape, or write the character it should be (a pair of surrogate escapes)",
                )
            continue
        if not isinstance(node, (dict, list)) or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            for key, value in node.items():
                stack.append((key, path))
                stack.append((value, (*path, key)))
        else:
            stack.extend((value, (*path, index)) for index, value in enumerate(node))


def _read_bounded(path: Path, shown: str) -> bytes:
    """The file's bytes; one larger than MAX_SPEC_BYTES is refused before it is read."""
    too_big = SpecError(
        shown,
        "",
        f"the file is larger than {MAX_SPEC_BYTES // (1024 * 1024)} MiB, the limit for a spec",
        "split it into files that $ref each other, or remove what the client does not need",
    )
    try:
        with path.open("rb") as stream:
            if os.fstat(stream.fileno()).st_size > MAX_SPEC_BYTES:
                raise too_big
            raw = stream.read(MAX_SPEC_BYTES + 1)  # a pipe or device has no size: read one byte past the limit
    except FileNotFoundError:
        raise SpecError(shown, "", "file not found", "check the path") from None
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise SpecError(shown, "", f"cannot read the file: {reason}", "check the path and permissions") from None
    if len(raw) > MAX_SPEC_BYTES:
        raise too_big
    return raw


def _check_expansion(data: Any, shown: str) -> None:
    """Refuse a document whose aliases would expand it by more than MAX_ALIAS_EXPANSION nodes.

    Every walk of the document visits an aliased node once per alias, so a few aliases of
    aliases ("billion laughs") would make them all exponential. The sizes are computed over
    the graph of shared nodes, each container once, so this check itself is linear.
    """
    if not isinstance(data, (dict, list)):
        return
    expanded: dict[int, int] = {}  # container id -> nodes below it once expanded, itself included
    open_: set[int] = set()  # containers whose children are being sized: meeting one again is a cycle
    distinct = 0
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in expanded:
            continue
        values = list(node.values()) if isinstance(node, dict) else node
        containers = [v for v in values if isinstance(v, (dict, list))]
        if not children_done:
            if id(node) in open_:
                raise SpecError(
                    shown,
                    "",
                    "a YAML alias refers to a node that contains it (the document would be infinite)",
                    "use a $ref for a recursive schema, not a YAML alias",
                )
            open_.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in containers if id(child) not in expanded)
            continue
        open_.discard(id(node))
        distinct += 1 + len(values)
        expanded[id(node)] = 1 + len(values) - len(containers) + sum(expanded[id(c)] for c in containers)
    added = expanded.get(id(data), 0) - distinct
    if added > MAX_ALIAS_EXPANSION:
        raise SpecError(
            shown,
            "",
            f"YAML aliases expand the document by {added:,} nodes (the limit is {MAX_ALIAS_EXPANSION:,})",
            "use $ref instead of YAML anchors and aliases for shared parts of the spec",
        )
