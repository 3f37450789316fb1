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
    begin: int = 0  # offset in the text where its first line starts
    finish: int = 0  # offset where its last line ends (before the newline)

    def lines(self, text: str) -> list[str]:
        """Its lines in ``text`` (the text is not split as a whole: a large file's lines would
        cost several times its size)."""
        return text[self.begin : self.finish].split("\n")


@dataclass
class Scan:
    long: list[Statement]  # statements with a line over the limit
    docstrings: list[Statement]  # string statements first in their block or module
    after_header: bool = True  # the next statement is the first of a block (or of the module)


def scan(text: str) -> Scan:
    """The logical lines of ``text`` that black would split, and its docstrings."""
    found = Scan([], [])
    depth = 0
    line = 0  # the line the scan is on
    start = 0  # first line of the logical line being read
    begin = 0  # its offset in the text
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
                _classify(text, start, line, begin, match.start(), spans, found)
                start, begin, spans = line, match.end(), False
    if depth != 0:
        raise LayoutError("unbalanced brackets")
    _classify(text, start, text.count("\n") + 1, begin, len(text), spans, found)
    return found


def long_statements(text: str) -> list[Statement]:
    """The logical lines of ``text`` that black would have to split."""
    return scan(text).long


def _classify(text: str, first: int, end: int, begin: int, finish: int, spans: bool, found: Scan) -> None:
    body = text[begin:finish].split("\n")
    head = body[0]
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
            found.docstrings.append(Statement(first, end, indent // 4, False, begin, finish))
        found.after_header = False
        return  # black does not wrap strings
    tail = (_without_comment(body[-1]) if "#" in body[-1] else body[-1]).rstrip()
    compound = tail.endswith(":")
    found.after_header = compound
    if max(len(line) for line in body) <= LINE_LENGTH:
        return
    if spans:
        raise LayoutError("a long statement holds a string over several lines")  # its blank lines would be lost
    found.long.append(Statement(first, end, indent // 4, compound, begin, finish))


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
    found = scan(text)
    changes: list[tuple[Statement, list[str] | None]] = [
        (statement, split_statement(statement.lines(text))) for statement in found.long
    ]
    for statement in found.docstrings:
        old = statement.lines(text)
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
    for key, text, statement in statements:
        out.append(f"{_MARKER}{key}")
        out.extend("    " * level + "if _:" for level in range(statement.depth))
        out.extend(statement.lines(text))
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
    """``text`` with each statement's lines replaced (the text between them copied once)."""
    pieces: list[str] = []
    done = 0
    for statement, new in sorted(replacements, key=lambda item: item[0].begin):
        pieces += [text[done : statement.begin], "\n".join(new)]
        done = statement.finish
    pieces.append(text[done:])
    return "".join(pieces)
