"""Escaping of untrusted spec strings for each place they land in generated files.

Jinja renders values as text and never re-reads them as template code, so ``{{``/``{%`` in a
spec are harmless to the renderer; these filters make sure they are just as harmless to
Python (string literals, docstrings, comments) and to Markdown.
"""

from __future__ import annotations

import re

# controls, line separators and bidi overrides ("Trojan Source") are escaped; other text stays
_UNPRINTABLE = re.compile(
    "[^\n -~\u00a0-\u061b\u061d-\u200d\u2010-\u2027\u202f-\u2065\u206a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_QUOTE_RUN = re.compile(r'"(?="|\s*$)')  # a quote that could close or merge into the closing """


_PY_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _py_char(char: str) -> str:
    if char in _PY_ESCAPES:
        return _PY_ESCAPES[char]
    if " " <= char <= "~":
        return char
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def py_str(value: object) -> str:
    """A double-quoted, pure-ASCII Python string literal; everything else is an escape."""
    return '"' + "".join(_py_char(c) for c in str(value)) + '"'


_TOML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def one_line(value: object) -> str:
    """Text on one line: every run of whitespace (newlines, separators) becomes one space."""
    return _one_line(str(value))


def toml_str(value: object) -> str:
    """A double-quoted, pure-ASCII TOML basic string (TOML has no ``\\x`` escapes)."""
    out = []
    for char in str(value):
        if char in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[char])
        elif " " <= char <= "~":
            out.append(char)
        else:
            code = ord(char)
            out.append(f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def py_literal(value: object) -> str:
    """A Python literal for a JSON scalar (strings escaped as in ``py_str``)."""
    if isinstance(value, str):
        return py_str(value)
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "1e999" if value > 0 else "-1e999"  # overflows to infinity: a literal, no name lookup
    if isinstance(value, float) and value != value:
        return 'float("nan")'
    return repr(value)


def py_tuple(value: object) -> str:
    """A tuple literal of (nested tuples of) strings, without magic trailing commas."""
    if isinstance(value, (tuple, list)):
        items = [py_tuple(v) for v in value]
        return "(" + items[0] + ",)" if len(items) == 1 else "(" + ", ".join(items) + ")"
    return py_str(value)


def _escape_unprintable(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def docstring(value: object, indent: int = 0, width: int = 88) -> str:
    """Text safe inside a triple-quoted docstring: backslashes, quotes and controls escaped.

    Lines longer than ``width`` (less the ``indent`` the docstring sits at) are wrapped at
    spaces; their leading indentation is kept, so lists in descriptions stay lists.
    """
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    text = _QUOTE_RUN.sub('\\\\"', text.replace("\\", "\\\\"))
    text = _UNPRINTABLE.sub(_escape_unprintable, text)
    text = _TRAILING_SPACE.sub("\n", text.strip() + "\n").strip()
    limit = max(width - indent - 3, 40)  # 3 for the quotes on the first line
    return "\n".join(_wrap(line, limit) for line in text.split("\n"))


def _wrap(line: str, limit: int) -> str:
    if len(line) <= limit:
        return line
    lead = line[: len(line) - len(line.lstrip(" "))]
    return _fill(line.strip().translate(_TEXTWRAP_SPACES), limit, lead)


# textwrap's white space (ASCII only), each of which it turns into a space before it splits
_TEXTWRAP_SPACES = {ord(char): " " for char in "\t\n\x0b\x0c\r "}
_CHUNK = re.compile(r" +|[^ ]+")


def _fill(text: str, width: int, indent: str) -> str:
    """``textwrap.fill(text, width, initial_indent=indent, subsequent_indent=indent,
    break_long_words=False, break_on_hyphens=False)`` for text whose ASCII white space is spaces,
    line for line the same, without textwrap's list of every word (15 times the size of a long
    description): a line at a time where every white space is a space, else chunk by chunk."""
    if _OTHER_SPACE.search(text):  # textwrap drops words such as "\u00a0" at line ends: follow it
        return _fill_chunks(text, width, indent)
    room = width - len(indent)
    size = len(text)
    lines: list[str] = []
    start = 0  # always the start of a word
    while start < size:
        end = start
        if room > 0:
            limit = start + room
            if limit >= size:
                end = size
            elif text[limit] == " ":  # the line ends before the run of spaces that does not fit
                end = limit
                while end > start and text[end - 1] == " ":
                    end -= 1
            else:  # before the word that does not fit
                end = text.rfind(" ", start, limit) + 1 or start
        if end == start:  # a word longer than a line: alone on its line
            end = text.find(" ", start)
            end = size if end < 0 else end
        lines.append(indent + text[start:end].rstrip(" "))
        spaces = _SPACES.match(text, end)  # a line starts with no space (" *" always matches)
        start = spaces.end() if spaces else end
    return "\n".join(lines)


_OTHER_SPACE = re.compile(r"[^\S ]")
_SPACES = re.compile(" *")


def _fill_chunks(text: str, width: int, indent: str) -> str:
    """``_fill`` by textwrap's own steps, reading the chunks one by one."""
    chunks = (match.group() for match in _CHUNK.finditer(text))
    room = width - len(indent)
    lines: list[str] = []
    chunk = next(chunks, None)
    while chunk is not None:
        if lines and not chunk.strip():  # a line starts with no white space
            chunk = next(chunks, None)
        line: list[str] = []
        length = 0
        while chunk is not None and length + len(chunk) <= room:
            line.append(chunk)
            length += len(chunk)
            chunk = next(chunks, None)
        if chunk is not None and len(chunk) > room and not line:  # a word longer than a line: alone
            line.append(chunk)
            chunk = next(chunks, None)
        if line and not line[-1].strip():  # nor ends with it
            del line[-1]
        if line:
            lines.append(indent + "".join(line))
    return "\n".join(lines)


_WHITE_RUN = re.compile(r"\s+")  # \s is str.split's white space (both are Py_UNICODE_ISSPACE)


_UNLIKE_ONE_SPACE = re.compile(r"[^\S ]|\s\s")  # white space other than a single space


def _one_line(text: str) -> str:
    """``" ".join(text.split())`` without, for a long text, the list of every word (nor of the
    pieces between single spaces, which need no change); a short one is joined so, faster."""
    if len(text) < _LONG_TEXT:
        return " ".join(text.split())
    if not _UNLIKE_ONE_SPACE.search(text):
        return text.strip()
    return _WHITE_RUN.sub(" ", text).strip()


_LONG_TEXT = 1 << 16  # characters; below this the list of words costs little


def comment(value: object) -> str:
    """Text safe on a single ``#`` comment line."""
    text = str(value).replace("\r", " ").replace("\n", " ")
    return _UNPRINTABLE.sub(_escape_unprintable, text)


def markdown(value: object) -> str:
    """Text for Markdown prose: raw HTML is shown as text, controls are dropped."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _UNPRINTABLE.sub("", text).strip()


def markdown_cell(value: object) -> str:
    """Text for one Markdown table cell: one line, pipes escaped."""
    return _one_line(markdown(value)).replace("|", "\\|")


def markdown_code(value: object) -> str:
    """Text inside one inline code span, fenced by more backticks than any run inside it."""
    text = _UNPRINTABLE.sub("", _one_line(str(value)))
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    if not longest:
        return f"`{text}`"
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}"
