"""The state one wire-level comparison shares: both documents, the kept operations, the schema comparer,
the list its checks add entries to, and the helpers both kinds of check use (the per-endpoint checks in
``operations.py`` and the spec-wide ones in ``specwide.py`` extend it)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .document import Document, Operation, endpoint_key
from .model import WireChange
from .rules import Site, name_event
from .schema import Event, SchemaComparer, canonical


class WireDiffContext:
    """Both documents and the changes found so far."""

    def __init__(self, old: Document, new: Document, kept: frozenset[str] | None) -> None:
        self.old, self.new, self.kept = old, new, kept
        self.schemas = SchemaComparer(old, new)
        self.changes: list[WireChange] = []
        # "get /a/{x}" keeps the endpoint GET /a/{id}: methods in any case, parameter names by position
        self.kept_endpoints = {
            (method.upper(), endpoint_key(path.strip()))
            for method, _, path in (entry.strip().partition(" ") for entry in kept or ())
            if path.strip().startswith("/")
        }

    def _is_kept(self, key: tuple[str, str]) -> bool:
        if self.kept is None:
            return True
        if key in self.kept_endpoints:
            return True
        for doc in (self.old, self.new):
            op = doc.operations.get(key)
            if op is not None and op.operation_id in self.kept:
                return True
        return False

    def _add(
        self,
        level: str,
        rule_id: str,
        op: Operation | None,
        subject: str,
        status: str,
        text: str,
        *,
        doc: bool = False,
        old: Any = None,
        new: Any = None,
    ) -> None:
        self.changes.append(
            WireChange(
                level=level,
                id=rule_id,
                method=op.method if op else "",
                path=op.path if op else "",
                operation_id=op.operation_id if op else "",
                subject=subject,
                status=status,
                text=text,
                doc=doc,
                old=old,
                new=new,
            )
        )

    def _doc(
        self, op: Operation | None, rule_id: str, subject: str, status: str, text: str, old: Any, new: Any
    ) -> None:
        if canonical(old) != canonical(new):
            self._add("INFO", rule_id, op, subject, status, text, doc=True, old=old, new=new)

    def _schema_events(
        self, op: Operation, site: Site, events: Iterable[Event], status: str, owner: str = "", top_subject: str = ""
    ) -> None:
        """Entries for schema events; ``owner`` (a parameter or header name) leads every subject."""
        for event in events:
            named, path = name_event(site, event)
            subject = f"{owner}/{path}" if owner and path else (owner or path or top_subject)
            self._add(
                named.level, named.id, op, subject, status, named.text, doc=named.doc, old=event.old, new=event.new
            )

    def _requirement_changes(
        self,
        op: Operation | None,
        prefix: str,
        old: dict[str, dict[str, list[str]]],
        new: dict[str, dict[str, list[str]]],
        where: str,
    ) -> None:
        for key in sorted(set(new) - set(old)):
            self._add("INFO", f"{prefix}-added", op, key, "", f"{where}: requirement {key!r} added", new=new[key])
        for key in sorted(set(old) - set(new)):
            self._add("INFO", f"{prefix}-removed", op, key, "", f"{where}: requirement {key!r} removed", old=old[key])
        for key in sorted(set(old) & set(new)):
            for scheme in sorted(new[key]):
                before, after = set(old[key].get(scheme, [])), set(new[key][scheme])
                for scope in sorted(after - before):
                    self._add(
                        "INFO",
                        f"{prefix}-scope-added",
                        op,
                        key,
                        "",
                        f"{where}: {scheme!r} scope {scope!r} added",
                        new=scope,
                    )
                for scope in sorted(before - after):
                    self._add(
                        "INFO",
                        f"{prefix}-scope-removed",
                        op,
                        key,
                        "",
                        f"{where}: {scheme!r} scope {scope!r} removed",
                        old=scope,
                    )
