"""One wire-level change between two OpenAPI documents."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LEVELS = ("ERR", "WARN", "INFO")  # oasdiff's levels, most severe first


@dataclass(frozen=True)
class WireChange:
    """A change of the wire contract (or, with ``doc``, of its documentation only).

    ``id`` is oasdiff's rule id verbatim where the concept is the same (``request-parameter-removed``,
    ``endpoint-added``, ...), else a kebab-case id of our own. Strings are raw text from the specs;
    whoever prints them escapes them for where they land.
    """

    level: str  # "ERR" | "WARN" | "INFO"
    id: str
    method: str  # upper case, "" for an entry that is not about one operation (servers, security schemes)
    path: str  # the path template, "" likewise
    operation_id: str  # of the new operation (the old one where it was removed); "" when none
    subject: str  # parameter name, property path "a/b/items/c", media type, scheme name, or ""
    status: str  # the response status ("200", "2XX", "default") where the entry is about one, else ""
    text: str  # one line a person can read
    doc: bool = False  # a documentation-only change (description, summary, example, title)
    old: Any = None  # JSON-compatible values, for the JSON report
    new: Any = None

    def sort_key(self) -> tuple[str, ...]:
        return (self.path, self.method, self.status, self.subject, self.id, self.text)
