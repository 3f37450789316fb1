"""Black's output for the cost of black on the few statements that need it.

The templates write every statement in black's style, on one line. What they cannot know is how
black splits a statement that does not fit in 88 columns (that depends on the spec's names), and
how it normalises a docstring made of the spec's text. So instead of running black over whole
files (its parser is by far the slowest stage of the pipeline), ``plan`` finds the long statements
and the docstrings of a file; ``black_style`` splits the long ones of the shapes the templates write
and normalises the docstrings as black does; the statements left over go to black in one
``synthetic_module``, each wrapped in ``if _:`` blocks to its own indentation, and ``read_back``
takes black's lines out again; ``rebuild`` puts everything in place.

The result equals black over the whole file because black lays out each logical line on its own
(only blank lines depend on neighbours, and the templates write those as black does). The tests
hold that equality on every spec they generate; where a file cannot be read this way
(``LayoutError``), the caller formats the whole file with black instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .black_style import LINE_LENGTH, TOKENS, Unsupported, docstring, split_statement

_MARKER = "# clientgen-layout "
_STRING_START = re.compile(r"[rRuUbBfF]{0,2}[\"']")


class LayoutError(Exception):
    """The fast path cannot handle this source; format the whole file instead."""


@dataclass(frozen=True)
class Statement:
    first: int  # index of its first line
    end: int  # index after its last line
    depth: int  # indentation in levels of four spaces
    compound: bool  # a header that ends in ":" (its body follows)


@dataclass
class Scan:
    long: list[Statement]  # statements with a line over the limit
    docstrings: list[Statement]  # string statements first in their block or module
    after_header: bool = True  # the next statement is the first of a block (or of the module)


def scan(text: str) -> Scan:
    """The logical lines of ``text`` that black would split, and its docstrings."""
    lines = text.split("\n")
    found = Scan([], [])
    depth = 0
    line = 0  # the line the scan is on
    start = 0  # first line of the logical line being read
    spans = False  # it holds a string over several lines
    for match in TOKENS.finditer(text):
        kind = match.lastgroup
        if kind == "s":
            newlines = match.group().count("\n")
            line += newlines
            spans = spans or newlines > 0
        elif kind == "o":
            depth += match.end() - match.start()
        elif kind == "x":
            depth -= match.end() - match.start()
        elif kind == "n":
            line += 1
            if depth == 0:
                _classify(lines, start, line, spans, found)
                start, spans = line, False
    if depth != 0:
        raise LayoutError("unbalanced brackets")
    _classify(lines, start, len(lines), spans, found)
    return found


def long_statements(text: str) -> list[Statement]:
    """The logical lines of ``text`` that black would have to split."""
    return scan(text).long


def _classify(lines: list[str], first: int, end: int, spans: bool, found: Scan) -> None:
    body = lines[first:end]
    head = body[0] if body else ""
    stripped = head.lstrip(" ")
    if not stripped or stripped.startswith("#"):
        return  # blank lines and comments do not count as statements
    indent = len(head) - len(stripped)
    if indent % 4 or "\t" in head:
        raise LayoutError("indentation is not in steps of four spaces")
    if _STRING_START.match(stripped) and not _has_code(body):
        if found.after_header:
            if not stripped.startswith('"""') or not body[-1].rstrip().endswith('"""'):
                raise LayoutError("a docstring not written as the templates write them")
            found.docstrings.append(Statement(first, end, indent // 4, False))
        found.after_header = False
        return  # black does not wrap strings
    tail = (_without_comment(body[-1]) if "#" in body[-1] else body[-1]).rstrip()
    compound = tail.endswith(":")
    found.after_header = compound
    if max(len(line) for line in body) <= LINE_LENGTH:
        return
    if spans:
        raise LayoutError("a long statement holds a string over several lines")  # its blank lines would be lost
    found.long.append(Statement(first, end, indent // 4, compound))


def _has_code(body: list[str]) -> bool:
    """Whether a logical line without brackets is more than a string or a comment."""
    text = "\n".join(body).strip()
    rest = TOKENS.sub(lambda m: "" if m.lastgroup in ("s", "c") else m.group(), text)
    return bool(rest.strip())


def _without_comment(line: str) -> str:
    cut = [m.start() for m in TOKENS.finditer(line) if m.lastgroup == "c"]
    return line[: cut[0]] if cut else line


def plan(text: str) -> list[tuple[Statement, list[str] | None]]:
    """What changes in ``text``: each long statement with its split (None where black has to
    decide) and each docstring black would write otherwise, with black's form."""
    lines = text.split("\n")
    found = scan(text)
    changes: list[tuple[Statement, list[str] | None]] = [
        (statement, split_statement(lines[statement.first : statement.end])) for statement in found.long
    ]
    for statement in found.docstrings:
        old = lines[statement.first : statement.end]
        indent = "    " * statement.depth
        try:
            normalised = docstring("\n".join(old)[len(indent) :].rstrip(), statement.depth)
        except Unsupported as exc:
            raise LayoutError(str(exc)) from None
        new = (indent + normalised).split("\n")
        if new != old:
            changes.append((statement, new))
    return changes


def synthetic_module(statements: Sequence[tuple[int, str, Statement]]) -> str:
    """One module for black holding each ``(key, text, statement)``, in ``if _:`` blocks to its depth."""
    out: list[str] = []
    split: dict[int, list[str]] = {}  # each source's lines, split once
    for key, text, statement in statements:
        lines = split.get(id(text))
        if lines is None:
            lines = split[id(text)] = text.split("\n")
        out.append(f"{_MARKER}{key}")
        out.extend("    " * level + "if _:" for level in range(statement.depth))
        out.extend(lines[statement.first : statement.end])
        if statement.compound:
            out.append("    " * (statement.depth + 1) + "pass")
    return "\n".join(out) + "\n"


def read_back(statements: Sequence[tuple[int, str, Statement]], formatted: str) -> dict[int, list[str]]:
    """Black's lines for each statement of a ``synthetic_module``, by key, wrappers removed."""
    chunks: dict[int, list[str]] = {}
    current: list[str] | None = None
    for line in formatted.split("\n"):
        if line.startswith(_MARKER):
            current = chunks.setdefault(int(line[len(_MARKER) :]), [])
        elif current is not None and line:
            current.append(line)
        elif line:
            raise LayoutError("text before the first marker")
    for key, _, statement in statements:
        chunk = chunks.get(key)
        if chunk is None:
            raise LayoutError("a statement went missing")
        for level in range(statement.depth):
            if not chunk or chunk.pop(0) != "    " * level + "if _:":
                raise LayoutError("the wrapper did not come back")
        if statement.compound and (not chunk or chunk.pop() != "    " * (statement.depth + 1) + "pass"):
            raise LayoutError("the placeholder body did not come back")
        if not chunk:
            raise LayoutError("an empty statement")
    return chunks


def rebuild(text: str, replacements: Sequence[tuple[Statement, list[str]]]) -> str:
    """``text`` with each statement's lines replaced."""
    lines = text.split("\n")
    for statement, new in sorted(replacements, key=lambda item: item[0].first, reverse=True):
        lines[statement.first : statement.end] = new
    return "\n".join(lines)
