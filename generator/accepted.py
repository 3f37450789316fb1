"""The accepted-changes file (``specs/<name>.accepted.yaml``): changes a reviewer accepted, with reasons.

```yaml
accepted:
  - id: body-removed                               # a Python-level or wire-level rule id
    python_name: ReposApi.repos_get_content(body)  # or operation (+ subject), see below
    reason: the body was a mistake upstream; a GET sends none
  - id: request-parameter-removed
    operation: getWorkflowSessions                 # operationId, or "GET /path"
    subject: status
    reason: ...
```

An entry matches every change whose given keys all agree; it needs ``reason`` and at least one
of ``python_name`` and ``operation``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .apidiff import ApiChange
from .loader import Document, load_document
from .specdiff.model import WireChange

_KEYS = ("id", "python_name", "operation", "subject", "reason", "version")


@dataclass(frozen=True)
class Accepted:
    index: int  # position in the file
    line: int | None
    reason: str
    id: str | None = None
    python_name: str | None = None
    operation: str | None = None
    subject: str | None = None
    version: str | None = None

    def matches_python(self, change: ApiChange) -> bool:
        operations = {change.operation_id, f"{change.http_method} {change.path}"}
        return (
            (self.id is None or self.id == change.id)
            and (self.python_name is None or self.python_name == change.python_name)
            and (self.operation is None or self.operation in operations)
            and (self.subject is None or self.subject == change.subject)
        )

    def matches_wire(self, change: WireChange) -> bool:
        operations = {change.operation_id, f"{change.method} {change.path}"}
        return (
            self.python_name is None
            and (self.id is None or self.id == change.id)
            and (self.operation is None or self.operation in operations)
            and (self.subject is None or self.subject == change.subject)
        )

    def describe(self) -> str:
        parts = [f"{key}={value}" for key, value in self.keys() if value is not None]
        return ", ".join(parts)

    def keys(self) -> list[tuple[str, str | None]]:
        return [
            ("id", self.id),
            ("python_name", self.python_name),
            ("operation", self.operation),
            ("subject", self.subject),
        ]


def _entry(doc: Document, index: int, raw: Any) -> Accepted:
    pointer = f"/accepted/{index}"
    if not isinstance(raw, dict):
        raise doc.error(
            pointer, "an accepted entry must be a mapping", "write id, python_name or operation, and reason"
        )
    for key in sorted(raw):
        if key not in _KEYS:
            raise doc.error(f"{pointer}/{key}", f"unknown key {key!r}", f"the keys are {', '.join(_KEYS)}")
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise doc.error(f"{pointer}/{key}", f"{key} must be a non-empty string", f"quote the value of {key}")
    if "reason" not in raw:
        raise doc.error(pointer, "the entry has no reason", "add reason: why this change is accepted")
    if "python_name" not in raw and "operation" not in raw:
        raise doc.error(
            pointer,
            "the entry names no change",
            "add python_name (e.g. ReposApi.repos_get_content(body)) or operation (operationId or 'GET /path')",
        )
    values = {key: raw.get(key) for key in _KEYS if key != "reason"}
    return Accepted(index, doc.line_of(pointer), raw["reason"], **values)


def load_accepted(path: Path, display: str | None = None) -> list[Accepted]:
    """The entries of an accepted-changes file; a bad file is a located SpecError."""
    doc = load_document(path, display)
    data = doc.data
    if data is None:
        return []
    if not isinstance(data, dict) or set(data) - {"accepted"}:
        raise doc.error(
            "", "an accepted-changes file has one key, accepted: a list of entries", "see docs/change-report.md"
        )
    entries = data.get("accepted") or []
    if not isinstance(entries, list):
        raise doc.error("/accepted", "accepted must be a list of entries", "start each entry with '- '")
    return [_entry(doc, index, raw) for index, raw in enumerate(entries)]
