"""The wire-level diff of two OpenAPI documents: ``diff_documents`` and ``is_breaking``.

Endpoints are matched by method and path template (parameter names by position), parameters by
``in`` + name after merging path-level ones in, schemas by value with ``$ref``s followed, so
moving a parameter between levels or inlining a referenced schema is no change.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from .document import Document
from .load import load_for_diff
from .model import WireChange
from .operations import OperationChecks
from .rules import plain
from .schema import canonical
from .specwide import SpecWideChecks

__all__ = ["diff_documents", "is_breaking", "load_for_diff"]


def is_breaking(change: WireChange) -> bool:
    return change.level == "ERR"


def diff_documents(
    old: Mapping[str, Any], new: Mapping[str, Any], *, operations: Collection[str] | None = None
) -> list[WireChange]:
    """Every wire change from ``old`` to ``new``, sorted, without duplicates.

    ``operations`` (operationIds or ``METHOD /path``) limits the report to those operations and
    to the spec-wide entries about them (servers, global security, the security schemes they use).
    """
    differ = _Differ(Document(old), Document(new), None if operations is None else frozenset(operations))
    return _sorted_unique(differ.run())


class _Differ(OperationChecks, SpecWideChecks):
    """The per-endpoint and the spec-wide checks over one shared state."""

    def run(self) -> list[WireChange]:
        keys = sorted(set(self.old.operations) | set(self.new.operations))
        kept_keys = [key for key in keys if self._is_kept(key)]
        old_paths = {op.key[1] for op in self.old.operations.values()}
        new_paths = {op.key[1] for op in self.new.operations.values()}
        for key in kept_keys:
            before, after = self.old.operations.get(key), self.new.operations.get(key)
            if before is None and after is not None:
                self._add("INFO", "endpoint-added", after, "", "", f"endpoint {key[0]} {plain(after.path)} added")
            elif after is None and before is not None:
                self._removed(before, key[1] not in new_paths and key[1] in old_paths)
            elif before is not None and after is not None:
                self._operation(before, after)
        self._info()
        self._servers()
        if self.kept is None:
            self._webhooks()
        self._global_security()
        self._security_schemes(kept_keys)
        return self.changes


def _sort_key(change: WireChange) -> tuple[Any, ...]:
    return (
        *change.sort_key(),
        change.level,
        change.method,
        change.operation_id,
        change.doc,
        canonical(change.old),
        canonical(change.new),
    )


def _sorted_unique(changes: list[WireChange]) -> list[WireChange]:
    unique: dict[tuple[Any, ...], WireChange] = {}
    for change in changes:
        unique.setdefault(_sort_key(change), change)
    return [unique[key] for key in sorted(unique)]
