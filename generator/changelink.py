"""Links between the two levels of the change report: which Python entries a wire entry caused.

A wire entry and a Python entry are linked when they are about the same operation (operationId,
or method and path) and the same subject: the parameter's wire name, the request or response
media type, or a property path (``a/b/items/c``) that leads, through the operation's models, to
the model field or enum a Python entry is about. A wire entry on an operation with nothing to
link says why the client is not affected; a Python entry nothing links to says it has no
wire-level cause.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from . import ir
from .apidiff import ApiChange
from .apitypes import reach
from .specdiff.model import WireChange

# wire ids that name a constraint the generated client does not check
_CONSTRAINTS = (
    "max-length",
    "min-length",
    "pattern",
    "max-items",
    "min-items",
    "max-properties",
    "min-properties",
    "unique-items",
    "multiple-of",
    "-max-",
    "-min-",
    "-max",
    "-min",
    "format",
)
# path segments of a property path that are not property names
_STRUCTURE = {"items", "additionalProperties", "allOf", "oneOf", "anyOf", "not"}

NO_WIRE_CAUSE = "no wire-level cause: the same contract gives a different Python API (a generator or naming change)"
FROM_SCHEMAS = "no single wire entry: the class follows from the schemas of the operations listed"
RENAMED = "no wire-level cause: the same schema under a new name (the wire contract is the same)"


@dataclass(frozen=True)
class Links:
    wire_to_python: tuple[tuple[int, ...], ...]  # per wire entry, indexes of Python entries
    python_to_wire: tuple[tuple[int, ...], ...]
    impact: tuple[str, ...]  # per wire entry: "" when linked, else "no client impact: <reason>"
    cause: tuple[str, ...]  # per Python entry: "" when linked, else why nothing links to it


def _operations(package: ir.Package | None) -> dict[tuple[str, str], ir.Operation]:
    if package is None:
        return {}
    return {(op.http_method, op.path): op for api in package.apis for op in api.operations}


class _Fields:
    """Field lookup by wire name for one package, built once per report."""

    def __init__(self, package: ir.Package | None) -> None:
        self.by_wire: dict[tuple[str, str], ir.Field] = {}
        self.enums: set[str] = set()
        if package is not None:
            self.enums = {e.name for e in package.enums}
            for model in package.models:
                for field in model.init_fields:
                    self.by_wire[model.name, field.wire_name] = field


def _field_targets(fields: _Fields, roots: Iterable[str], path: Sequence[str]) -> set[tuple[str, str]]:
    """(model, wire field) pairs a property path reaches from the root classes, and (enum, "").

    A property name may itself hold "/", so the longest run of segments that names a field wins."""
    found: set[tuple[str, str]] = set()
    enums = fields.enums

    def walk(current: set[str], rest: Sequence[str], depth: int) -> None:
        if not rest or depth > 64:
            return
        for size in range(len(rest), 0, -1):
            name = "/".join(rest[:size])
            matches = [
                (model, fields.by_wire[model, name]) for model in sorted(current) if (model, name) in fields.by_wire
            ]
            if not matches:
                continue
            if size == len(rest):
                for model, field in matches:
                    found.add((model, name))
                    found.update((enum, "") for enum in field.type.models if enum in enums)
            else:
                walk({m for _, field in matches for m in field.type.models}, rest[size:], depth + 1)
            return
        if rest[0] in _STRUCTURE or rest[0].isdigit():
            walk(current, rest[1:], depth + 1)

    if path:
        walk(set(roots), list(path), 0)
    return found


def _roots(op: ir.Operation | None, side: str) -> set[str]:
    if op is None:
        return set()
    roots: set[str] = set()
    if side in ("request", "any") and op.body is not None:
        roots.update(op.body.type.models)
    if side in ("response", "any"):
        roots.update(op.return_type.models)
        for response in op.success + op.errors:
            if response.type is not None:
                roots.update(response.type.models)
    return roots


def _side(wire: WireChange) -> str:
    if wire.id.startswith("request-") or wire.id.startswith("new-required-request") or "request-property" in wire.id:
        return "request"
    if wire.id.startswith("response-") or "response-property" in wire.id:
        return "response"
    return "any"


def _no_impact(wire: WireChange) -> str:
    if wire.doc:
        return "no client impact: documentation only"
    side = _side(wire)
    if any(mark in wire.id for mark in _CONSTRAINTS):
        if side == "response":
            return "no client impact: the client does not enforce response constraints"
        return "no client impact: the client does not check constraints; the server applies them"
    if "example" in wire.id:
        return "no client impact: documentation only"
    if "status" in wire.id and side == "response":
        return "no client impact: the same signature and return type; other statuses raise the same errors"
    if "security" in wire.id or "scope" in wire.id:
        return "no client impact: the client sends the same credentials"
    if "server" in wire.id:
        return "no client impact: the default base_url is the same"
    return "no client impact: the generated API is the same and the client sends the same request"


def _operation_of(change: ApiChange) -> tuple[str, str]:
    return change.http_method, change.path


def link(
    wire: Sequence[WireChange], python: Sequence[ApiChange], old: ir.Package | None, new: ir.Package | None
) -> Links:
    """Link every wire entry to the Python entries it caused (both IRs resolve property paths)."""
    old_ops, new_ops = _operations(old), _operations(new)
    old_fields, new_fields = _Fields(old), _Fields(new)
    by_operation: dict[tuple[str, str], list[int]] = {}
    by_id: dict[str, list[int]] = {}
    for index, change in enumerate(python):
        if change.http_method:
            by_operation.setdefault(_operation_of(change), []).append(index)
        if change.operation_id:
            by_id.setdefault(change.operation_id, []).append(index)
    model_entries: dict[str, list[int]] = {}
    for index, change in enumerate(python):
        if change.model:
            model_entries.setdefault(change.model, []).append(index)
    forward: list[tuple[int, ...]] = []
    impact: list[str] = []
    backward: dict[int, list[int]] = {}
    for wire_index, entry in enumerate(wire):
        candidates = set(by_operation.get((entry.method, entry.path), ()))
        if entry.operation_id:
            candidates |= set(by_id.get(entry.operation_id, ()))
        # a documentation-only entry changes no code
        linked = set() if entry.doc else {i for i in candidates if _same_subject(entry, python[i])}
        key = (entry.method, entry.path)
        path = entry.subject.split("/") if entry.subject else []
        if entry.method and path and not linked and not entry.doc and not _is_media_type(entry.subject):
            side = _side(entry)
            targets = _field_targets(old_fields, _roots(old_ops.get(key), side), path)
            targets |= _field_targets(new_fields, _roots(new_ops.get(key), side), path)
            for model, field in targets:
                for i in model_entries.get(model, ()):
                    if field == "" or python[i].subject == field:
                        linked.add(i)
        ordered = tuple(sorted(linked))
        forward.append(ordered)
        impact.append("" if ordered else _no_impact(entry))
        for i in ordered:
            backward.setdefault(i, []).append(wire_index)
    _link_classes_to_endpoints(wire, python, old, new, forward, impact, backward)
    python_to_wire = tuple(tuple(sorted(backward.get(i, ()))) for i in range(len(python)))
    cause = tuple("" if python_to_wire[i] else _cause(change) for i, change in enumerate(python))
    return Links(tuple(forward), python_to_wire, tuple(impact), cause)


def _operation_classes(package: ir.Package | None, op: ir.Operation | None) -> set[str]:
    if package is None or op is None:
        return set()
    roots = [m for p in op.params for m in p.type.models] + list(op.return_type.models)
    if op.body is not None:
        roots += op.body.type.models
    for response in op.success + op.errors:
        roots += response.type.models if response.type is not None else ()
    return reach(package, roots)


def _link_classes_to_endpoints(
    wire: Sequence[WireChange],
    python: Sequence[ApiChange],
    old: ir.Package | None,
    new: ir.Package | None,
    forward: list[tuple[int, ...]],
    impact: list[str],
    backward: dict[int, list[int]],
) -> None:
    """A class added (removed) with nothing else to link it to was caused by the endpoints added
    (removed) that reach it."""
    sides = {
        "endpoint-added": (new, ("model-added", "enum-added")),
        "endpoint-removed": (old, ("model-removed", "enum-removed")),
    }
    old_ops, new_ops = _operations(old), _operations(new)
    for wire_index, entry in enumerate(wire):
        if entry.id not in sides:
            continue
        package, ids = sides[entry.id]
        op = (new_ops if package is new else old_ops).get((entry.method, entry.path))
        classes = _operation_classes(package, op)
        caused = [
            i
            for i, change in enumerate(python)
            if change.id in ids and change.model in classes and not _linked_elsewhere(i, backward, wire, sides)
        ]
        if not caused:
            continue
        forward[wire_index] = tuple(sorted(set(forward[wire_index]) | set(caused)))
        impact[wire_index] = ""
        for i in caused:
            backward.setdefault(i, []).append(wire_index)


def _linked_elsewhere(
    index: int, backward: dict[int, list[int]], wire: Sequence[WireChange], sides: Mapping[str, object]
) -> bool:
    """Linked to a wire entry that is not an endpoint addition or removal."""
    return any(wire[w].id not in sides for w in backward.get(index, ()))


def _is_media_type(subject: str) -> bool:
    head, _, tail = subject.partition("/")
    return bool(tail) and head in {"application", "text", "multipart", "image", "audio", "video", "*", "font", "model"}


def _same_subject(wire: WireChange, change: ApiChange) -> bool:
    if change.id.startswith(("body-", "required-body", "optional-body")):
        return "request-body" in wire.id or (wire.id.startswith("request-") and _is_media_type(wire.subject))
    if change.id.startswith("return-type-"):
        response_level = "response-body" in wire.id or "response-media" in wire.id or "success-status" in wire.id
        return response_level or (wire.id.startswith("response-") and _is_media_type(wire.subject))
    if change.id == "credential-added":
        return "security" in wire.id
    if not wire.subject:  # an operation-level wire entry: the operation-level Python entries
        return not change.subject and change.id.startswith(("method-", "iterator-"))
    return change.subject == wire.subject and not change.model and "parameter" in change.id


def _cause(change: ApiChange) -> str:
    if change.id in ("model-renamed", "enum-renamed"):
        return RENAMED
    return NO_WIRE_CAUSE if change.http_method else FROM_SCHEMAS
