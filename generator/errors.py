"""The one error type every stage raises for a problem in the user's input."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SpecError(Exception):
    """A problem in a spec: where it is, what is wrong, and what to do about it."""

    file: str
    pointer: str
    message: str
    hint: str = ""
    line: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.pointer:
            where += f" at {self.pointer or '/'}"
        text = f"{where}: {self.message}"
        if self.hint:
            text += f"\n  fix: {self.hint}"
        return text


class UsageError(Exception):
    """The command line asked for something that cannot be done (exit code 2)."""
