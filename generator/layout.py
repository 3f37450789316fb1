"""Black's output for the cost of black on the few statements that need it.

The templates write every statement in black's style, on one line. What they cannot know is how
black splits a statement that does not fit in its line length; that depends on the names and
strings of the spec. So instead of running black over whole files (its parser is the slowest stage
of the pipeline by far), this module finds the statements with a line over the limit and runs black
over those alone: each is wrapped in ``if _:`` blocks to its own indentation, all of them in one
synthetic module, and black's result is put back in place. Docstrings and comments are left alone,
as black leaves them.

The result equals black over the whole file because black formats each logical line on its own
(only blank lines depend on neighbours, and the templates write those as black does).
tests/test_format.py holds that equality on every spec the suite generates; where the synthetic
module cannot be built or read back, the caller formats the whole file with black instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

LINE_LENGTH = 88  # black's default, which the generated packages use

# strings (triple-quoted ones across lines), comments, brackets and newlines: enough to find
# where each logical line ends without tokenizing the whole file
_SCAN = re.compile(
    r"""(?P<s>[rRbBuUfF]{0,2}(?:\"\"\"(?:\\.|[^\\])*?\"\"\"|'''(?:\\.|[^\\])*?'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'))"""
    r"|(?P<c>\#[^\n]*)|(?P<o>[(\[{]+)|(?P<x>[)\]}]+)|(?P<n>\n)",
    re.S,
)
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
    for match in _SCAN.finditer(text):
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


# black's normalisation of docstrings (linegen.visit_STRING for a docstring, mode defaults)
_UNICODE_ESCAPE = re.compile(
    r"(?P<backslashes>\\+)(?P<body>(u(?P<u>[a-fA-F0-9]{4}))|(U(?P<U>[a-fA-F0-9]{8}))"
    r"|(x(?P<x>[a-fA-F0-9]{2}))|(N\{(?P<N>[a-zA-Z0-9 \-]{2,})\}))?"
)
_LINE_BREAK = re.compile(r"\r\n|[\r\n]")


def _escape_case(match: re.Match[str]) -> str:
    """Hex digits of escapes in lower case, ``\\N{...}`` names in upper case."""
    slashes = match.group("backslashes")
    if match.group("body") is None or len(slashes) % 2 == 0:
        return match.group(0)
    for kind in ("u", "U", "x"):
        if match.group(kind):
            return slashes + kind + match.group(kind).lower()
    return slashes + "N{" + match.group("N").upper() + "}"


def docstring(literal: str, depth: int) -> str:
    """A triple-double-quoted docstring as black writes it at ``depth``."""
    value = _UNICODE_ESCAPE.sub(_escape_case, literal)
    if re.search(r"\\\s*\n", value):
        return value  # black leaves docstrings with backslash-newlines alone
    body = value[3:-3]
    started_empty = not body
    indent = "    " * depth
    if "\n" in value:
        lines = _LINE_BREAK.split(body)
        if any(line[: len(line) - len(line.lstrip())].count("\t") for line in lines):
            raise LayoutError("a docstring indented with tabs")
        margin = min((len(line) - len(line.lstrip()) for line in lines[1:] if line.strip()), default=None)
        trimmed = [lines[0].strip()]
        if margin is not None:
            last = len(lines) - 2
            for number, line in enumerate(lines[1:]):
                text = line[margin:].rstrip()
                trimmed.append(indent + text if text or number == last else "")
        body = "\n".join(trimmed)
    else:
        body = body.strip()
    trailing_backslash = False
    if body:
        if body[0] == '"':
            body = " " + body
        if body[-1] == '"':
            body += " "
        if body[-1] == "\\" and (len(body) - len(body.rstrip("\\"))) % 2:
            body += " "
            trailing_backslash = True
    elif not started_empty:
        body = " "
    lines = body.splitlines()
    last_length = len(lines[-1]) if body and not body.endswith("\n") else 0
    if len(lines) > 1 and last_length + 3 > LINE_LENGTH and len(indent) + 3 <= LINE_LENGTH and not trailing_backslash:
        if value[-4] != "\n":
            return '"""' + body + "\n" + indent + '"""'
    return '"""' + body + '"""'


def _has_code(body: list[str]) -> bool:
    """Whether a logical line without brackets is more than a string or a comment."""
    text = "\n".join(body).strip()
    rest = _SCAN.sub(lambda m: "" if m.lastgroup in ("s", "c") else m.group(), text)
    return bool(rest.strip())


def _without_comment(line: str) -> str:
    cut = [m.start() for m in _SCAN.finditer(line) if m.lastgroup == "c"]
    return line[: cut[0]] if cut else line


def _brackets(line: str) -> list[tuple[int, int, int]] | None:
    """(open, close, depth) of every bracket pair of a one-line statement, outermost first.

    None where the line has a comment or the brackets do not pair up."""
    stack: list[int] = []
    pairs: list[tuple[int, int, int]] = []
    for match in _SCAN.finditer(line):
        kind = match.lastgroup
        if kind == "o":
            stack.extend(range(match.start(), match.end()))
        elif kind == "x":
            for offset in range(match.start(), match.end()):
                if not stack:
                    return None
                pairs.append((stack.pop(), offset, len(stack)))
        elif kind in ("c", "n"):
            return None
    if stack:
        return None
    return sorted(pairs)


_COMMA_SCAN = re.compile(r"""[rRbBuUfF]{0,2}(?:"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')|[(\[{]|[)\]}]|,""")


def _commas(text: str) -> list[int]:
    """Offsets of the commas outside brackets and strings."""
    depth = 0
    found: list[int] = []
    for match in _COMMA_SCAN.finditer(text):
        found_text = match.group()
        if found_text in "([{":
            depth += 1
        elif found_text in ")]}":
            depth -= 1
        elif found_text == "," and depth == 0:
            found.append(match.start())
    return found


# heads of a call that ends a statement, as the templates write them: ``f(``, ``return await f(``,
# ``name: T | None = f(``, ``name = f(``; and inside an exploded call, ``key=f(`` and ``200: f(``
_CALL_HEAD = re.compile(
    r"(?:return (?:await )?|[A-Za-z_][A-Za-z_0-9.]*(?:: [A-Za-z_0-9. |\[\],]+)? = (?:await )?"
    r"|[A-Za-z_][A-Za-z_0-9]*=|[0-9]+: |\"[A-Za-z_0-9/.+-]*\": )?[A-Za-z_][A-Za-z_0-9.]*\($"
)
_IMPORT = re.compile(r"from [A-Za-z_0-9.]+ import ([A-Za-z_0-9, ]+)$")
_UNSPLITTABLE = re.compile(
    r' *(?:"(?:\\.|[^"\\])*"|[A-Za-z_][A-Za-z_0-9]*)(?:: (?:"(?:\\.|[^"\\])*"|[A-Za-z_][A-Za-z_0-9]*))?,$'
)
_CLASS_HEAD = re.compile(r"class [A-Za-z_][A-Za-z_0-9]*\($")
# an assignment whose value is a call: ``name: T = f(...)`` (``f`` a plain name)
_ASSIGNED_CALL = re.compile(r"([A-Za-z_][A-Za-z_0-9]*(?:: [A-Za-z_0-9. |\[\],]+)? = )([A-Za-z_][A-Za-z_0-9]*\(.*\))$")


def _parenthesized(indent: str, statement: str) -> list[str] | None:
    """``name: T = f(a, b, c)`` whose ``name: T = f(`` does not fit: black puts the value in
    parentheses, ``name: T = (`` / ``f(...)`` / ``)``, when that line fits and the call has
    more than one comma (with fewer, black may keep the call's own parentheses instead)."""
    assigned = _ASSIGNED_CALL.match(statement)
    if not assigned:
        return None
    target, value = assigned.groups()
    if len(indent) + len(target) + 1 > LINE_LENGTH:
        return _parenthesized_annotation(indent, target, value)
    call = value[value.index("(") + 1 : -1]
    if len(_commas(call)) < 2:
        return None
    inner = indent + "    "
    body = [inner + value] if len(inner) + len(value) <= LINE_LENGTH else split_line(inner + value)
    if body is None:
        return None
    return [indent + target + "(", *body, indent + ")"]


def _parenthesized_annotation(indent: str, target: str, value: str) -> list[str] | None:
    """``name: T = f(...)`` where even ``name: T = (`` does not fit: black puts the annotation
    in parentheses, ``name: (`` / ``T`` / ``) = f(`` ..., when those lines fit."""
    name, _, annotation = target[: -len(" = ")].partition(": ")
    inner = indent + "    "
    if not annotation or len(indent) + len(name) + len(": (") > LINE_LENGTH:
        return None
    if "[" in annotation and len(_top_level_split(annotation, " | ")) < 2:
        return None  # black splits ``list[...]`` at its own brackets instead
    hint = [inner + annotation]
    if len(hint[0]) > LINE_LENGTH:  # black puts each member of the union on its own line
        members = _top_level_split(annotation, " | ")
        hint = [inner + members[0], *(f"{inner}| {member}" for member in members[1:])]
        if len(members) < 2 or any(len(line) > LINE_LENGTH for line in hint):
            return None
    if len(indent) + len(") = ") + len(value) <= LINE_LENGTH:
        return [f"{indent}{name}: (", *hint, f"{indent}) = {value}"]
    rest = split_line(f"{indent}_ = {value}")  # as long as ") = f(...)", which black splits the same way
    if rest is None or len(rest) < 3 or not rest[0].endswith("("):
        return None
    return [f"{indent}{name}: (", *hint, f"{indent}){rest[0][len(indent) + 1 :]}", *rest[1:]]


def _top_level_split(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` outside brackets."""
    parts: list[str] = []
    depth = 0
    start = 0
    index = 0
    while index < len(text):
        char = text[index]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif depth == 0 and text.startswith(separator, index):
            parts.append(text[start:index])
            index += len(separator)
            start = index
            continue
        index += 1
    parts.append(text[start:])
    return parts


def split_line(line: str) -> list[str] | None:
    """Black's split of a too-long line of the few shapes the templates write, or None.

    Handled: ``from x import a, b`` (black puts each name on its own line), and a call that ends
    the line (``f(...)``, ``return [await] f(...)``, ``name[: T] = f(...)`` with a plain annotation,
    or, as an element of an exploded call, ``key=f(...),``) whose head fits: its arguments go on one
    line below when they fit there, else one per line with a trailing comma. Anything else is
    left to black (None).
    """
    stripped = line.lstrip(" ")
    indent = line[: len(line) - len(stripped)]
    inner = indent + "    "
    imported = _IMPORT.match(stripped)
    if imported:
        names = [name.strip() for name in imported.group(1).split(",")]
        if not all(names):
            return None
        head = stripped[: imported.start(1)]
        return [f"{indent}{head}(", *(f"{inner}{name}," for name in names), f"{indent})"]
    if stripped.startswith("class ") and stripped.endswith("):"):
        split = split_line(indent + stripped[:-1])  # the bases, as a call's arguments
        return None if split is None else [*split[:-1], split[-1] + ":"]
    element = stripped.endswith(",")
    statement = stripped[:-1] if element else stripped
    pairs = _brackets(statement)
    if not pairs:
        return None
    ending = [pair for pair in pairs if pair[1] == len(statement) - 1]
    if not ending or ending[0][2] != 0:
        return None  # the line does not end with a call
    opening, closing, _ = ending[0]
    head, body = statement[: opening + 1], statement[opening + 1 : closing]
    atom = head in ("(", "[") and element  # a tuple or list as an argument
    if not (atom or _CALL_HEAD.match(head) or _CLASS_HEAD.match(head)):
        return None
    if len(indent) + len(head) > LINE_LENGTH:
        return _parenthesized(indent, statement)  # black wraps the value in parentheses instead
    if head.startswith("class ") and _CALL_HEAD.match(head):
        return None
    if not body.strip() or body.rstrip().endswith(","):
        return None  # nothing to split, or a magic trailing comma
    tail = indent + statement[closing] + ("," if element else "")
    cuts = _commas(body)
    if len(inner) + len(body) <= LINE_LENGTH and not (atom and cuts):
        return [indent + head, inner + body, tail]  # black explodes a split tuple or list even so
    if not cuts:
        return None
    out = [indent + head]
    for a, b in zip([0] + [c + 1 for c in cuts], [*cuts, len(body)], strict=True):
        piece = body[a:b].strip()
        if not piece or piece.startswith("*"):
            return None
        line = f"{inner}{piece},"
        if len(line) <= LINE_LENGTH:
            out.append(line)
            continue
        split = split_line(line)  # an argument black splits in turn
        if split is None:
            return None
        out.extend(split)
    out.append(tail)
    return out


def split_statement(lines: list[str]) -> list[str] | None:
    """A long statement split as black would, where ``split_line`` knows every long line in it.

    A statement over several lines is one the templates exploded with a magic trailing comma,
    which black keeps; its too-long lines are elements black splits on their own.
    """
    out: list[str] = []
    for line in lines:
        if len(line) <= LINE_LENGTH:
            out.append(line)
            continue
        if len(lines) > 1 and not line.endswith(","):
            return None
        if len(lines) > 1 and _UNSPLITTABLE.match(line):
            out.append(line)  # an entry of an exploded collection with no brackets: black leaves it
            continue
        split = split_line(line)
        if split is None:
            return None
        out.extend(split)
    return out


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
        new = (indent + docstring("\n".join(old)[len(indent) :].rstrip(), statement.depth)).split("\n")
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
