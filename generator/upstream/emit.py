"""Write JSON-like data as canonical block-style YAML, with comments above chosen nodes.

The text reads back through ``generator.loader.parse_text`` to exactly the same data, key order
included, and is the same for the same input on every machine. Style follows the curated specs:
two-space indentation, a sequence under a key is not indented further, ``{}``/``[]`` for empty
collections, plain scalars wherever they cannot be misread (by our YAML 1.2 loader or by a YAML 1.1
reader), single quotes otherwise, double quotes only for what needs escapes, and literal block
scalars (``|``) for multi-line text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

import yaml

from ..loader import _SpecLoader
from .overlay import Path

_STR_TAG: Final = "tag:yaml.org,2002:str"
# what PyYAML's reader accepts; anything else must be written as an escape
_NOT_PRINTABLE: Final = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# characters a single-quoted or plain scalar cannot hold on one line: line breaks, tabs, escapes-only
_NEEDS_DOUBLE: Final = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")
# the start of a plain scalar: no indicator character, no space
_PLAIN_START: Final = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`]")
_PLAIN_FORBIDDEN: Final = re.compile(r": |:$| #|\s$")
# comment text: control characters, line separators and bidi overrides shown as escapes
_COMMENT_UNSAFE: Final = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff" "\ud800-\udfff\ufffe\uffff]"
)
_LINE_BREAKS: Final = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
_DOUBLE_ESCAPES: Final = {
    "\0": "\\0",
    "\a": "\\a",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\v": "\\v",
    "\f": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
    '"': '\\"',
    "\\": "\\\\",
    "\x85": "\\N",
    "\xa0": "\\_",
    "\u2028": "\\L",
    "\u2029": "\\P",
}
_MAX_SIMPLE_KEY: Final = 1000  # PyYAML reads an implicit key of at most 1024 characters


def dump(data: object, *, comments: Mapping[Path, str] | None = None, header: Sequence[str] = ()) -> str:
    """The YAML text of ``data``; ``comments`` go above the key or item at each path, ``header`` on top."""
    writer = _Writer(comments or {})
    lines = [_comment_line("", text) for entry in header for text in _split_lines(entry)]
    lines.extend(writer.comment_lines((), ""))
    if isinstance(data, dict) and data:
        writer.mapping(data, 0, (), lines)
    elif isinstance(data, list) and data:
        writer.sequence(data, 0, (), lines)
    else:
        lines.append(writer.inline(data, 0, "  "))
    return "\n".join(lines) + "\n"


def _split_lines(text: str) -> list[str]:
    return _LINE_BREAKS.split(text)


def _comment_line(indent: str, text: str) -> str:
    safe = _COMMENT_UNSAFE.sub(lambda m: _escape_char(m.group(0)), text).rstrip()
    return f"{indent}# {safe}" if safe else f"{indent}#"


def _escape_char(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


class _Writer:
    """Emit lines for one document; scalar texts are cached (specs repeat many strings)."""

    def __init__(self, comments: Mapping[Path, str]) -> None:
        self.comments = comments
        self._scalars: dict[str, str] = {}
        self._keys: dict[str, str] = {}

    def comment_lines(self, path: Path, indent: str) -> list[str]:
        text = self.comments.get(path) if self.comments else None
        if text is None:
            return []
        return [_comment_line(indent, line) for line in _split_lines(text)]

    # --- collections ------------------------------------------------------------------------

    def mapping(self, data: dict[str, Any], column: int, path: Path, lines: list[str]) -> None:
        indent = " " * column
        tracking = bool(self.comments)
        for key, value in data.items():
            if not isinstance(key, str):
                raise ValueError(f"mapping keys must be strings, not {key!r}")
            child = (*path, key) if tracking else path
            if tracking:
                lines.extend(self.comment_lines(child, indent))
            key_text = self.key(key)
            if len(key_text) > _MAX_SIMPLE_KEY:
                # too long for an implicit key: "? key" on its own line, then ": value"
                lines.append(f"{indent}? {key_text}")
                self._value(value, column, child, lines, f"{indent}:", column + 2)
            else:
                self._value(value, column, child, lines, f"{indent}{key_text}:", column)

    def _value(self, value: object, column: int, path: Path, lines: list[str], lead: str, list_column: int) -> None:
        """``lead`` (``key:``) followed by the value, inline or as a nested block."""
        if isinstance(value, dict) and value:
            lines.append(lead)
            self.mapping(value, column + 2, path, lines)
        elif isinstance(value, list) and value:
            lines.append(lead)
            self.sequence(value, list_column, path, lines)
        else:
            lines.append(f"{lead} {self.inline(value, column, ' ' * (column + 2))}")

    def sequence(self, data: list[Any], column: int, path: Path, lines: list[str]) -> None:
        indent = " " * column
        tracking = bool(self.comments)
        for index, value in enumerate(data):
            child = (*path, index) if tracking else path
            if tracking:
                lines.extend(self.comment_lines(child, indent))
            if (isinstance(value, dict) or isinstance(value, list)) and value:
                start = len(lines)
                if isinstance(value, dict):
                    self.mapping(value, column + 2, child, lines)
                else:
                    self.sequence(value, column + 2, child, lines)
                first = lines[start]
                if first.lstrip().startswith("#"):
                    # the first key has its own comment: the item starts on the line after the dash
                    lines.insert(start, f"{indent}-")
                else:
                    lines[start] = f"{indent}- {first[column + 2:]}"
            else:
                lines.append(f"{indent}- {self.inline(value, column, ' ' * (column + 2))}")

    # --- scalars ----------------------------------------------------------------------------

    def inline(self, value: object, column: int, content_indent: str) -> str:
        """A scalar or empty collection; a block scalar continues on lines indented by ``content_indent``."""
        if value is None:
            return "null"
        if value is True:
            return "true"
        if value is False:
            return "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            if math.isnan(value) or math.isinf(value):
                raise ValueError(f"{value!r} has no JSON form")
            return repr(value)
        if isinstance(value, str):
            if "\n" in value:
                block = _literal_block(value, content_indent)
                if block is not None:
                    return block
            cached = self._scalars.get(value)
            if cached is None:
                cached = self._scalars[value] = _flow_scalar(value)
            return cached
        if isinstance(value, dict) and not value:
            return "{}"
        if isinstance(value, list) and not value:
            return "[]"
        raise ValueError(f"not JSON-like data: {type(value).__name__}")

    def key(self, key: str) -> str:
        cached = self._keys.get(key)
        if cached is None:
            cached = self._keys[key] = _flow_scalar(key)
        return cached


# resolvers of our loader and of a YAML 1.1 reader: a plain scalar must read as a string to both
_RESOLVERS: Final[tuple[Any, ...]] = (_SpecLoader(""), yaml.SafeLoader(""))


def _resolves_to_str(text: str) -> bool:
    """Whether a plain scalar reads back as this string."""
    return all(resolver.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG for resolver in _RESOLVERS)


def _flow_scalar(text: str) -> str:
    """One-line form of a string: plain, single-quoted, or double-quoted with escapes."""
    if _NEEDS_DOUBLE.search(text) or _NOT_PRINTABLE.search(text):
        return _double_quoted(text)
    if (
        _PLAIN_START.match(text)
        and not _PLAIN_FORBIDDEN.search(text)
        and not text.startswith(("---", "..."))
        and _resolves_to_str(text)
    ):
        return text
    return "'" + text.replace("'", "''") + "'"


def _double_quoted(text: str) -> str:
    out = ['"']
    for char in text:
        escaped = _DOUBLE_ESCAPES.get(char)
        if escaped is not None:
            out.append(escaped)
        elif "\ud800" <= char <= "\udfff":
            raise ValueError(f"a lone surrogate cannot be written as YAML: {text!r}")
        elif _NEEDS_DOUBLE.match(char) or _NOT_PRINTABLE.match(char):
            out.append(_escape_char(char))
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _literal_block(text: str, indent: str) -> str | None:
    """``|``-style text, or None when a literal block cannot hold ``text`` exactly."""
    if _NEEDS_DOUBLE.search(text.replace("\n", "")) or _NOT_PRINTABLE.search(text):
        return None
    body = text.rstrip("\n")
    if not body.strip(" "):
        return None  # only spaces and line breaks: a literal block would lose or change them
    trailing = len(text) - len(body)
    chomping = "-" if trailing == 0 else "" if trailing == 1 else "+"
    content = body.split("\n")
    if any(line.strip(" ") == "" and line for line in content):
        return None  # a line of spaces only would read back as indentation; rare, so quote instead
    # the indentation indicator is relative to the parent's column: content sits two further in
    indicator = "2" if text.startswith((" ", "\n")) else ""
    lines = [f"|{indicator}{chomping}"]
    lines.extend(f"{indent}{line}" if line else "" for line in content)
    lines.extend("" for _ in range(trailing - 1))
    return "\n".join(lines)
