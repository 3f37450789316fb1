"""What both halves of the Python-level comparison share: the two IRs, the operations matched between
them, where models are used, the model renames, and the list the changes are added to."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .. import ir
from ..apirenames import find_renames
from ..apitypes import sent_and_read
from .rules import RULES, ApiChange, operation_key


@dataclass(frozen=True)
class _Located:
    api: ir.Api
    op: ir.Operation


def _operations(package: ir.Package, keep: frozenset[str] | None) -> list[_Located]:
    found = [_Located(api, op) for api in package.apis for op in api.operations]
    if keep is not None:
        found = [loc for loc in found if operation_key(loc.op) in keep or f"{loc.op.http_method} {loc.op.path}" in keep]
    return found


def _match_operations(old: list[_Located], new: list[_Located]) -> Iterator[tuple[_Located | None, _Located | None]]:
    """Pairs by operation_id, then by method + path; unmatched ones alone, in a stable order."""
    by_id = {loc.op.operation_id: loc for loc in new if loc.op.operation_id}
    by_route = {(loc.op.http_method, loc.op.path): loc for loc in new}
    used: set[int] = set()
    for before in old:
        after = by_id.get(before.op.operation_id) if before.op.operation_id else None
        if after is None or id(after) in used:
            after = by_route.get((before.op.http_method, before.op.path))
        if after is not None and id(after) in used:
            after = None
        if after is not None:
            used.add(id(after))
        yield before, after
    for after in new:
        if id(after) not in used:
            yield None, after


class DiffContext:
    """The state of one comparison; the checks in ``operations.py`` and ``models.py`` extend it."""

    def __init__(self, old: ir.Package, new: ir.Package, keep: frozenset[str] | None) -> None:
        self.old = old
        self.new = new
        self.keep = keep
        self.changes: list[ApiChange] = []
        self.old_ops = _operations(old, keep)
        self.new_ops = _operations(new, keep)
        self.renames = self._model_renames()
        # where models are used: sent (reached from parameters and bodies), read (from responses)
        old_sent, old_read = sent_and_read(old, [loc.op for loc in self.old_ops])
        new_sent, new_read = sent_and_read(new, [loc.op for loc in self.new_ops])
        self.sent = old_sent | new_sent
        self.new_sent = new_sent
        self.read = old_read | new_read
        # with kept operations, only the models they reach are compared
        self.scope_old = None if keep is None else old_sent | old_read
        self.scope_new = None if keep is None else new_sent | new_read

    # -- helpers
    def add(self, rule: str, text: str, *, level: str = "", loc: _Located | None = None, **fields: Any) -> None:
        defaults: dict[str, Any] = {"api_class": "", "method": "", "operation_id": "", "http_method": "", "path": ""}
        if loc is not None:
            defaults.update(
                api_class=loc.api.class_name,
                method=loc.op.method_name,
                operation_id=loc.op.operation_id,
                http_method=loc.op.http_method,
                path=loc.op.path,
            )
        defaults.update(fields)
        defaults.setdefault("python_name", "")
        defaults.setdefault("subject", "")
        self.changes.append(ApiChange(level or RULES[rule][0], rule, text=text, **defaults))

    def _model_renames(self) -> dict[str, str]:
        """Old class name -> new class name for schemas generated under a new name."""
        sites: list[tuple[str, str]] = []
        for before, after in _match_operations(self.old_ops, self.new_ops):
            if before is None or after is None:
                continue
            sites.append((before.op.return_type.annotation, after.op.return_type.annotation))
            if before.op.body is not None and after.op.body is not None:
                sites.append((before.op.body.type.annotation, after.op.body.type.annotation))
            new_params = {(p.location, p.wire_name): p for p in after.op.params}
            for param in before.op.params:
                other = new_params.get((param.location, param.wire_name))
                if other is not None:
                    sites.append((param.type.annotation, other.type.annotation))
        return find_renames(self.old, self.new, sites)

    def _in_scope(self, old_name: str | None, new_name: str | None) -> bool:
        if self.scope_old is None or self.scope_new is None:
            return True
        return (old_name is not None and old_name in self.scope_old) or (
            new_name is not None and new_name in self.scope_new
        )


def _selector(name: str) -> str:
    """``get /pets`` names the operation ``GET /pets``; an operationId stays as written."""
    method, space, path = name.strip().partition(" ")
    if space and path.startswith("/"):
        return f"{method.upper()} {path.strip()}"
    return name.strip()
