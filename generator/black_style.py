"""Black's style for what the templates write: how black splits a statement that is too long
for its 88 columns, and how it normalises a docstring.

Only the shapes the templates produce are handled (calls that end a statement, imports, class
headers, annotated assignments, elements of exploded calls); for anything else ``split_line``
returns None and the caller leaves the statement to black. tests/test_layout.py compares every
rule with black itself.
"""

from __future__ import annotations

import re

from .typeexpr import union_members

LINE_LENGTH = 88  # black's default, which the generated packages use

# strings (triple-quoted ones across lines), comments, runs of brackets and newlines: enough to find
# where each logical line ends and which brackets pair up, without tokenizing. The string bodies
# are "unrolled" (a run of plain characters, then one escape or lone quote, repeated) rather than
# one alternative per character: Python's re keeps backtracking state per repetition of a group,
# which made a 10 MB docstring cost over a gigabyte; a run of one character class costs nothing.
TOKENS = re.compile(
    r"""(?P<s>[rRbBuUfF]{0,2}(?:\"\"\"[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*\"\"\""""
    r"""|'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''"""
    r"""|"[^"\\\n]*(?:\\.[^"\\\n]*)*"|'[^'\\\n]*(?:\\.[^'\\\n]*)*'))"""
    r"|(?P<c>\#[^\n]*)|(?P<o>[(\[{]+)|(?P<x>[)\]}]+)|(?P<n>\n)",
    re.S,
)


class Unsupported(Exception):
    """Something black would write in a way these rules do not know."""


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
    """A triple-double-quoted docstring as black writes it at ``depth``.

    black formats a second time whatever its first pass changed, and its docstring rule is not
    always stable (a last line ending in a quote mark gets a space, then closing quotes below
    it; the next pass drops the space), so neither is this.
    """
    once = _docstring_once(literal, depth)
    return once if once == literal else _docstring_once(once, depth)


def _docstring_once(literal: str, depth: int) -> str:
    value = _UNICODE_ESCAPE.sub(_escape_case, literal)
    if re.search(r"\\\s*\n", value):
        return value  # black leaves docstrings with backslash-newlines alone
    body = value[3:-3]
    started_empty = not body
    indent = "    " * depth
    if "\n" in value:
        lines = _LINE_BREAK.split(body)
        if any(line[: len(line) - len(line.lstrip())].count("\t") for line in lines):
            raise Unsupported("a docstring indented with tabs")
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


def _brackets(line: str) -> list[tuple[int, int, int]] | None:
    """(open, close, depth) of every bracket pair of a one-line statement, outermost first.

    None where the line has a comment or the brackets do not pair up."""
    stack: list[int] = []
    pairs: list[tuple[int, int, int]] = []
    for match in TOKENS.finditer(line):
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


_COMMATOKENS = re.compile(r"""[rRbBuUfF]{0,2}(?:"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')|[(\[{]|[)\]}]|,""")


def _commas(text: str) -> list[int]:
    """Offsets of the commas outside brackets and strings."""
    depth = 0
    found: list[int] = []
    for match in _COMMATOKENS.finditer(text):
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
_ASSIGNED_CALL = re.compile(
    r"((?:self\.)?[A-Za-z_][A-Za-z_0-9]*(?:: [A-Za-z_0-9. |\[\],]+)? = )([A-Za-z_][A-Za-z_0-9]*\(.*\))$"
)
# a declaration without a value whose annotation ends with a subscript: ``NAME: Operation[T]``
_DECLARED = re.compile(r"[A-Za-z_][A-Za-z_0-9]*: [A-Za-z_][A-Za-z_0-9]*\[$")
# an argument with nothing black could split it at: a name, an attribute of one (``Api.method``),
# or a lambda returning a name
_ATOM = re.compile(r"(?:lambda: )?[A-Za-z_][A-Za-z_0-9]*(?:\.[A-Za-z_][A-Za-z_0-9]*)?")
# a keyword argument whose value is a dict, tuple or list literal: ``mapping={``, ``params=(``
_KEYED_ATOM = re.compile(r"[A-Za-z_][A-Za-z_0-9]*=[{(\[]")
# a parameter of an exploded signature: ``name: T[ = default],``
_PARAMETER = re.compile(r"([A-Za-z_][A-Za-z_0-9]*): ([^=]+?)(?: = (.+))?,$")
# a method with no parameter but ``self`` and a plain return type: ``def name(self) -> T:``
_SELF_ONLY = re.compile(r"((?:async )?def [A-Za-z_][A-Za-z_0-9]*\()self(\) -> [A-Za-z_][A-Za-z_0-9.]*:)$")
# a list of plain items assigned to a name: ``__all__ = ["A", "B"]``
_ASSIGNED_LIST = re.compile(r"([A-Za-z_][A-Za-z_0-9]* = \[)(.*)\]$")


def _parenthesized(indent: str, statement: str) -> list[str] | None:
    """``name: T = f(...)`` whose ``name: T = f(`` does not fit: black puts the value in
    parentheses, ``name: T = (`` / ``f(...)`` / ``)``, when that line fits."""
    assigned = _ASSIGNED_CALL.match(statement)
    if not assigned:
        return None
    target, value = assigned.groups()
    if "." not in target and _ATOM.fullmatch(value[value.index("(") + 1 : -1]):
        # ``name = f(Api.method)`` keeps its long first line in black (``self.name = ...`` does
        # not): black weighs the two splits by rules not written here, so it decides
        return None
    if len(indent) + len(target) + 1 > LINE_LENGTH:
        return _parenthesized_annotation(indent, target, value)
    inner = indent + "    "
    body = [inner + value] if len(inner) + len(value) <= LINE_LENGTH else split_line(inner + value)
    if body is None or any(len(line) > LINE_LENGTH for line in body):
        return None  # where the parentheses do not make it fit, black may not add them
    return [indent + target + "(", *body, indent + ")"]


def _parenthesized_annotation(indent: str, target: str, value: str) -> list[str] | None:
    """``name: T = f(...)`` where even ``name: T = (`` does not fit: black puts the annotation
    in parentheses, ``name: (`` / ``T`` / ``) = f(`` ..., when those lines fit."""
    name, _, annotation = target[: -len(" = ")].partition(": ")
    inner = indent + "    "
    if not annotation or len(indent) + len(name) + len(": (") > LINE_LENGTH:
        return None
    if "[" in annotation and len(union_members(annotation)) < 2:
        return None  # black splits ``list[...]`` at its own brackets instead
    hint = _annotation_lines(inner, annotation)
    if hint is None:
        return None
    if len(indent) + len(") = ") + len(value) <= LINE_LENGTH:
        return [f"{indent}{name}: (", *hint, f"{indent}) = {value}"]
    rest = split_line(f"{indent}_ = {value}")  # as long as ") = f(...)", which black splits the same way
    if rest is None or len(rest) < 3 or not rest[0].endswith("("):
        return None
    return [f"{indent}{name}: (", *hint, f"{indent}){rest[0][len(indent) + 1 :]}", *rest[1:]]


def _annotation_lines(inner: str, annotation: str) -> list[str] | None:
    """A parenthesised annotation's lines: on one line where it fits, else a union's members one
    per line (``A`` / ``| B``); None where a line still does not fit."""
    if len(inner) + len(annotation) <= LINE_LENGTH:
        return [inner + annotation]
    members = union_members(annotation)
    lines = [inner + members[0], *(f"{inner}| {member}" for member in members[1:])]
    return lines if len(members) > 1 and all(len(line) <= LINE_LENGTH for line in lines) else None


def _parameter(indent: str, parameter: re.Match[str]) -> list[str] | None:
    """``name: A | B = default,`` in an exploded signature: black puts a union annotation in
    parentheses, ``name: (`` / ``A | B`` (a member per line where that does not fit) / ``) = default,``.
    Annotations that are not unions it splits at their own brackets or leaves long (None)."""
    name, annotation, default = parameter.groups()
    if len(union_members(annotation)) < 2 or (default is not None and _brackets(default) != []):
        return None
    hint = _annotation_lines(indent + "    ", annotation)
    closing = indent + ")" + ("" if default is None else " = " + default) + ","
    opening = f"{indent}{name}: ("
    if hint is None or len(closing) > LINE_LENGTH or len(opening) > LINE_LENGTH:
        return None
    return [opening, *hint, closing]


def _simple_shapes(indent: str, stripped: str) -> list[str] | None:
    """``def name(self) -> T:`` (black gives ``self`` a line, with a comma) and ``name = [a, b]``
    (one item per line, with a comma, where there is more than one)."""
    inner = indent + "    "
    method = _SELF_ONLY.match(stripped)
    if method:
        lines = [indent + method.group(1), inner + "self,", indent + method.group(2)]
        return lines if all(len(line) <= LINE_LENGTH for line in lines) else None
    assigned = _ASSIGNED_LIST.match(stripped)
    if assigned and _brackets(assigned.group(2)) == []:
        text = assigned.group(2)
        items = [inner + item.strip() + "," for item in _pieces(text, _commas(text))]
        if len(items) == 1:
            items = [items[0][:-1]]
        lines = [indent + assigned.group(1), *items, indent + "]"]
        return lines if all(len(line) <= LINE_LENGTH for line in lines) and all(items) else None
    return None


def _pieces(text: str, cuts: list[int]) -> list[str]:
    """``text`` cut at the offsets of ``_commas``, the commas left out."""
    return [text[a:b] for a, b in zip([0] + [c + 1 for c in cuts], [*cuts, len(text)], strict=True)]


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
    parameter = _PARAMETER.match(stripped) if element else None
    if parameter:
        return _parameter(indent, parameter)
    simple = None if element else _simple_shapes(indent, stripped)
    if simple is not None:
        return simple
    statement = stripped[:-1] if element else stripped
    pairs = _brackets(statement)
    if not pairs:
        return None
    ending = [pair for pair in pairs if pair[1] == len(statement) - 1]
    if not ending or ending[0][2] != 0:
        return None  # the line does not end with a call
    opening, closing, _ = ending[0]
    head, body = statement[: opening + 1], statement[opening + 1 : closing]
    if not element and _DECLARED.match(head):
        # black splits at the subscript's bracket; the rest is left to black
        fits = len(indent) + len(head) <= LINE_LENGTH and len(inner) + len(body) <= LINE_LENGTH
        return [indent + head, inner + body, indent + "]"] if fits else None
    # a tuple, list or dict as an argument (``key={...}`` too)
    atom = element and (head in ("(", "[") or _KEYED_ATOM.fullmatch(head) is not None)
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
        return _lone_argument(indent + head, inner + body, tail)
    out = [indent + head]
    for piece in map(str.strip, _pieces(body, cuts)):
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


def _lone_argument(head: str, argument: str, tail: str) -> list[str] | None:
    """A call whose only argument is too long for a line of its own: black splits the argument
    in turn where it ends with a call (adding no comma), and leaves it long where it has nothing
    to split at."""
    if _ATOM.fullmatch(argument.lstrip(" ")):
        return [head, argument, tail]
    split = split_line(argument)
    return None if split is None else [head, *split, tail]


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
