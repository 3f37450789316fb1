"""The one error type every stage raises for a problem in the user's input."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass
class SpecError(Exception):
    """A problem in a spec: where it is, what is wrong, and what to do about it."""

    file: str
    pointer: str
    message: str
    hint: str = ""
    line: int | None = None
    column: int | None = None  # given where the line alone says little (a one-line JSON file)

    def __str__(self) -> str:
        where = _printable(self.file)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.pointer:
            where += f" at {_printable(self.pointer)}"
        text = f"{where}: {_printable(self.message)}"
        if self.hint:
            text += f"\n  fix: {self.hint}"
        return text


# control characters, line and paragraph separators, bidi overrides: shown as escapes, so a
# string from the spec can neither break the error message apart nor disguise it on a terminal
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def _printable(text: str) -> str:
    return _UNPRINTABLE.sub(lambda m: repr(m.group(0))[1:-1] if m.group(0) != "\n" else "\\n", text)


class UsageError(Exception):
    """The command line asked for something that cannot be done (exit code 2)."""


class OutputError(OSError):
    """The output folder cannot be written as asked (a file in the way, no space, no permission):
    the environment's problem, not the spec's nor a bug (exit code 1). An OSError still, with the
    errno of the failure behind it, so callers of the writer may catch either."""

    def __init__(self, path: str, message: str, hint: str, code: int = 0) -> None:
        super().__init__(code, message)
        self.path = path
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{_printable(self.path)}: {_printable(self.message)}\n  fix: {self.hint}"
