"""Compare two schemas structurally and list what differs, as direction-free events.

An event says what changed (``kind``), where below the compared schema (``path``, property names
plus ``items``/``additionalProperties``/``oneOf[X]`` steps) and with which flags (the property
was required, read-only, ...). Naming it as an oasdiff rule needs the direction (request or
response) and the site, which ``rules.py`` adds; so one comparison of a shared component serves
every operation that uses it (memoized per pair of nodes). Recursion ends: a pair met
again while it is being compared adds nothing there (its changes are reported where the
recursion started). Inline nesting deeper than ``MAX_DEPTH`` ends in one ``not-compared`` event.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .document import Document, as_list, as_map

MAX_DEPTH = 64
MAX_EVENTS = 5000  # per compared schema; the rest is one "not-compared" event
DOC_FIELDS = ("description", "title", "example", "examples", "externalDocs")
BOUNDS = (
    ("maximum", "max"),
    ("exclusiveMaximum", "exclusive-max"),
    ("minimum", "min"),
    ("exclusiveMinimum", "exclusive-min"),
    ("maxLength", "max-length"),
    ("minLength", "min-length"),
    ("maxItems", "max-items"),
    ("minItems", "min-items"),
)
UPPER_BOUNDS = frozenset({"max", "exclusive-max", "max-length", "max-items"})
COMPOSITIONS = (("oneOf", "one-of"), ("anyOf", "any-of"))
# keywords compared one by one below; any other differing keyword is a generic schema change
_HANDLED = frozenset(
    {
        "$ref",
        "type",
        "format",
        "nullable",
        "enum",
        "const",
        "default",
        "pattern",
        "deprecated",
        "readOnly",
        "writeOnly",
        "properties",
        "required",
        "items",
        "additionalProperties",
        "allOf",
        "oneOf",
        "anyOf",
        "discriminator",
        "xml",
        "$schema",
        "$id",
        "$comment",
        *DOC_FIELDS,
        *(keyword for keyword, _ in BOUNDS),
    }
)
# format changes a client can always read the old values with
_WIDER_FORMATS = frozenset({("int32", "int64"), ("float", "double")})
# a number format that names what an unformatted number already is in practice (no client narrows for it)
_WIDEST_FORMATS = frozenset({"int64", "double"})


def canonical(value: Any) -> str:
    """A stable text for any JSON-like value, to compare and sort values of any type."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=repr)


@dataclass(frozen=True)
class Event:
    kind: str
    path: tuple[str, ...] = ()
    old: Any = None
    new: Any = None
    flags: frozenset[str] = field(default_factory=frozenset)

    def key(self) -> tuple[str, tuple[str, ...], str, str, tuple[str, ...]]:
        return (self.kind, self.path, canonical(self.old), canonical(self.new), tuple(sorted(self.flags)))

    def under(self, step: str) -> Event:
        return Event(self.kind, (step, *self.path), self.old, self.new, self.flags)


@dataclass
class View:
    """One schema's facets, with ``allOf`` members' properties and required names merged in."""

    node: Mapping[str, Any]
    types: frozenset[str] | None
    nullable: bool
    format: str | None
    properties: dict[str, Any]
    required: frozenset[str]
    all_of: list[str]


Pair = tuple[Any, Any]
_DEPTH_CUT: Pair = ("", "")  # marks a result cut short by MAX_DEPTH: valid only where it was computed
_TOO_MANY = frozenset({f"more than {MAX_EVENTS} changes below"})


@dataclass(frozen=True)
class _Memo:
    """A pair's events, valid wherever the pairs it met are being compared (cut) exactly as then."""

    events: tuple[Event, ...]
    met: frozenset[Pair]  # every pair the comparison reached, itself included
    cut: frozenset[Pair]  # those of them that were being compared further up, so added nothing


class SchemaComparer:
    """Compares schemas of one old and one new document; reuse it for all their schemas.

    A result depends only on the pair and on which pairs it reaches are being compared further
    up (there the recursion stops); memoizing under exactly that condition keeps every
    operation's entries the same whether it is diffed alone or with the whole spec.
    """

    def __init__(self, old: Document, new: Document) -> None:
        self.old = old
        self.new = new
        self._memo: dict[Pair, list[_Memo]] = {}
        self._active: set[Pair] = set()
        self._met: list[set[Pair]] = []
        self._views: dict[tuple[int, int], View] = {}

    def compare(self, old: Any, new: Any) -> tuple[Event, ...]:
        """The events that turn schema ``old`` into ``new``; both may be ``$ref``s or absent."""
        return self._compare(old, new, 0)

    def _meet(self, pairs: frozenset[Pair] | set[Pair]) -> None:
        if self._met:
            self._met[-1].update(pairs)

    def _valid(self, memo: _Memo) -> bool:
        return memo.cut <= self._active and not any(p in memo.met and p not in memo.cut for p in self._active)

    def _compare(self, old_raw: Any, new_raw: Any, depth: int) -> tuple[Event, ...]:
        old_ref, old = self.old.deref(old_raw)
        new_ref, new = self.new.deref(new_raw)
        pair = (old_ref or id(old), new_ref or id(new))
        if pair in self._active:
            self._meet({pair})
            return ()
        for memo in self._memo.get(pair, ()):
            if self._valid(memo):
                self._meet(memo.met)
                return memo.events
        if depth > MAX_DEPTH:
            self._meet({_DEPTH_CUT})
            return (Event("not-compared", (), None, None, frozenset({f"nested deeper than {MAX_DEPTH} levels"})),)
        self._active.add(pair)
        self._met.append({pair})
        try:
            events = tuple(self._events(as_map(old), as_map(new), depth, (old_ref, new_ref)))
        finally:
            self._active.discard(pair)
            met = frozenset(self._met.pop())
        if len(events) > MAX_EVENTS:  # a schema graph that fans out (shared nodes) must not multiply without end
            events = (*events[:MAX_EVENTS], Event("not-compared", (), None, None, _TOO_MANY))
        if _DEPTH_CUT not in met:
            cut = frozenset(p for p in self._active if p in met)
            self._memo.setdefault(pair, []).append(_Memo(events, met, cut))
        self._meet(met)
        return events

    def _view(self, doc: Document, node: Mapping[str, Any], side: int) -> View:
        cached = self._views.get((side, id(node)))
        if cached is not None:
            return cached
        properties: dict[str, Any] = {}
        required: set[str] = set()
        members: list[str] = []
        types, nullable, fmt = _types(node, doc.openapi_31)
        seen: set[int] = {id(node)}
        pending = [(node, 0)]
        while pending:  # allOf members flattened iteratively, each node once
            current, level = pending.pop(0)
            if current is not node:
                member_types, _, member_format = _types(current, doc.openapi_31)
                types = types if types is not None else member_types
                fmt = fmt if fmt is not None else member_format
            for name, child in as_map(current.get("properties")).items():
                properties.setdefault(str(name), child)
            required.update(str(name) for name in as_list(current.get("required")) if isinstance(name, str))
            if level >= MAX_DEPTH:
                continue
            for index, member in enumerate(as_list(current.get("allOf"))):
                ref, target = doc.deref(member)
                if current is node:
                    members.append(_label(ref, index))
                target_map = as_map(target)
                if id(target_map) not in seen:
                    seen.add(id(target_map))
                    pending.append((target_map, level + 1))
        view = View(node, types, nullable, fmt, properties, frozenset(required), members)
        self._views[(side, id(node))] = view
        return view

    def _events(self, old: Mapping[str, Any], new: Mapping[str, Any], depth: int, refs: tuple[str, str]) -> list[Event]:
        ov = self._view(self.old, old, 0)
        nv = self._view(self.new, new, 1)
        events: list[Event] = []
        type_change = _type_change(ov, nv)
        if type_change:
            events.append(Event(type_change, (), _type_value(ov), _type_value(nv)))
        if ov.nullable != nv.nullable:
            events.append(Event("became-nullable" if nv.nullable else "became-not-nullable"))
        events += _enum_events(old, new)
        events += _value_events(old, new, "const")
        events += _value_events(old, new, "default", "default-value")
        events += _bound_events(old, new)
        if old.get("pattern") != new.get("pattern"):
            events.append(_pattern_event(old.get("pattern"), new.get("pattern")))
        if bool(old.get("deprecated")) != bool(new.get("deprecated")):
            events.append(Event("deprecated" if new.get("deprecated") else "reactivated"))
        events += _discriminator_events(old.get("discriminator"), new.get("discriminator"))
        events += self._property_events(ov, nv, depth)
        # `$ref: X` and `allOf: [$ref: X]` (the usual way to annotate a reference) are the same schema
        old_members = [m for m in ov.all_of if not refs[1] or m != _label(refs[1], 0)]
        new_members = [m for m in nv.all_of if not refs[0] or m != _label(refs[0], 0)]
        events += _member_events("allOf", "all-of", old_members, new_members)
        for keyword, name in COMPOSITIONS:
            events += self._composition_events(old, new, keyword, name, depth)
        if "items" in old or "items" in new:
            events += [e.under("items") for e in self._compare(old.get("items"), new.get("items"), depth + 1)]
        events += self._additional_events(old.get("additionalProperties"), new.get("additionalProperties"), depth)
        for keyword in sorted(set(old) | set(new)):
            if keyword in _HANDLED or (isinstance(keyword, str) and keyword.startswith("x-")):
                continue
            if canonical(old.get(keyword)) != canonical(new.get(keyword)):
                events.append(Event("schema-changed", (), old.get(keyword), new.get(keyword), frozenset({keyword})))
        for name in DOC_FIELDS:
            if canonical(old.get(name)) != canonical(new.get(name)):
                events.append(Event(f"doc-{name}", (), old.get(name), new.get(name)))
        return events

    def _property_events(self, ov: View, nv: View, depth: int) -> list[Event]:
        events: list[Event] = []
        for name in sorted(set(ov.properties) | set(nv.properties)):
            old_child = as_map(self.old.resolved(ov.properties.get(name)))
            new_child = as_map(self.new.resolved(nv.properties.get(name)))
            if name not in ov.properties:
                events.append(Event("property-added", (name,), None, None, _flags(new_child, name in nv.required)))
                continue
            if name not in nv.properties:
                events.append(Event("property-removed", (name,), None, None, _flags(old_child, name in ov.required)))
                continue
            was, now = name in ov.required, name in nv.required
            if was != now:
                kind = "became-required" if now else "became-optional"
                events.append(Event(kind, (name,), None, None, _flags(new_child, now)))
            for keyword, tag in (("readOnly", "read-only"), ("writeOnly", "write-only")):
                if bool(old_child.get(keyword)) != bool(new_child.get(keyword)):
                    kind = f"became-{tag}" if new_child.get(keyword) else f"became-not-{tag}"
                    events.append(Event(kind, (name,), None, None, _flags(new_child, now)))
            child = self._compare(ov.properties[name], nv.properties[name], depth + 1)
            events += [e.under(name) for e in child]
        return events

    def _composition_events(
        self, old: Mapping[str, Any], new: Mapping[str, Any], keyword: str, name: str, depth: int
    ) -> list[Event]:
        old_members = _members(self.old, old.get(keyword))
        new_members = _members(self.new, new.get(keyword))
        events = _member_events(keyword, name, list(old_members), list(new_members))
        for label in sorted(set(old_members) & set(new_members)):
            step = f"{keyword}[{label}]"
            events += [e.under(step) for e in self._compare(old_members[label], new_members[label], depth + 1)]
        return events

    def _additional_events(self, old: Any, new: Any, depth: int) -> list[Event]:
        old_schema = isinstance(old, Mapping) and bool(old)
        new_schema = isinstance(new, Mapping) and bool(new)
        if old_schema and new_schema:
            return [e.under("additionalProperties") for e in self._compare(old, new, depth + 1)]
        old_allowed, new_allowed = old is not False, new is not False
        if old_allowed != new_allowed or old_schema != new_schema:
            return [Event("additional-properties-changed", (), _shown(old), _shown(new))]
        return []


def _types(node: Mapping[str, Any], openapi_31: bool) -> tuple[frozenset[str] | None, bool, str | None]:
    raw = node.get("type")
    names = [raw] if isinstance(raw, str) else [t for t in as_list(raw) if isinstance(t, str)]
    nullable = node.get("nullable") is True or "null" in names
    core = frozenset(t for t in names if t != "null")
    fmt = node.get("format")
    return (core or None), nullable, fmt if isinstance(fmt, str) else None


def _type_value(view: View) -> dict[str, Any]:
    return {"type": sorted(view.types) if view.types else None, "format": view.format}


def _type_change(ov: View, nv: View) -> str:
    if ov.types == nv.types and ov.format == nv.format:
        return ""
    if ov.types == nv.types:
        if nv.format is None or (ov.format, nv.format) in _WIDER_FORMATS:
            return "type-generalized"
        if ov.format is None:
            return "type-compatible" if nv.format in _WIDEST_FORMATS else "type-specialized"
        return "type-changed"
    if ov.format != nv.format and ov.format is not None and nv.format is not None:
        return "type-changed"
    if nv.types is None:
        return "type-generalized"
    if ov.types is None:
        return "type-specialized"
    if ov.types == {"integer"} and nv.types == {"number"}:
        return "type-generalized"
    if ov.types == {"number"} and nv.types == {"integer"}:
        return "type-specialized"
    if ov.types < nv.types:
        return "list-of-types-widened"
    if nv.types < ov.types:
        return "list-of-types-narrowed"
    return "type-changed"


def _flags(child: Mapping[str, Any], required: bool) -> frozenset[str]:
    flags = {"required"} if required else set()
    if child.get("readOnly"):
        flags.add("read-only")
    if child.get("writeOnly"):
        flags.add("write-only")
    if child.get("deprecated"):
        flags.add("deprecated")
    return frozenset(flags)


def _enum_events(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Event]:
    old_enum, new_enum = old.get("enum"), new.get("enum")
    if not isinstance(old_enum, list) and not isinstance(new_enum, list):
        return []
    if not isinstance(old_enum, list):
        return [Event("became-enum", (), None, new_enum)]
    if not isinstance(new_enum, list):
        return [Event("became-not-enum", (), old_enum, None)]
    old_values = {canonical(v): v for v in old_enum}
    new_values = {canonical(v): v for v in new_enum}
    events = [Event("enum-value-added", (), None, new_values[k]) for k in sorted(set(new_values) - set(old_values))]
    events += [Event("enum-value-removed", (), old_values[k], None) for k in sorted(set(old_values) - set(new_values))]
    return events


def _value_events(old: Mapping[str, Any], new: Mapping[str, Any], keyword: str, name: str = "") -> list[Event]:
    name = name or keyword
    if keyword not in old and keyword not in new:
        return []
    if keyword not in old:
        return [Event(f"{name}-added", (), None, new[keyword])]
    if keyword not in new:
        return [Event(f"{name}-removed", (), old[keyword], None)]
    if canonical(old[keyword]) != canonical(new[keyword]):
        return [Event(f"{name}-changed", (), old[keyword], new[keyword])]
    return []


def _bounds(node: Mapping[str, Any]) -> dict[str, Any]:
    """The numeric limits, with OpenAPI 3.0's boolean ``exclusiveMaximum`` read as 3.1's number."""
    found: dict[str, Any] = {}
    for keyword, name in BOUNDS:
        value = node.get(keyword)
        if isinstance(value, bool):
            continue
        if isinstance(value, (int, float)):
            found[name] = value
    for flag, plain, exclusive in (
        ("exclusiveMaximum", "max", "exclusive-max"),
        ("exclusiveMinimum", "min", "exclusive-min"),
    ):
        if node.get(flag) is True and plain in found:
            found[exclusive] = found.pop(plain)
    return found


def _bound_events(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Event]:
    old_bounds, new_bounds = _bounds(old), _bounds(new)
    events: list[Event] = []
    for _, name in BOUNDS:
        before, after = old_bounds.get(name), new_bounds.get(name)
        if before == after:
            continue
        if before is None:
            change = "set"
        elif after is None:
            change = "unset"
        else:
            change = "increased" if after > before else "decreased"
        events.append(Event(f"{name}-{change}", (), before, after))
    return events


def _pattern_event(old: Any, new: Any) -> Event:
    if old is None:
        return Event("pattern-added", (), None, new)
    if new is None:
        return Event("pattern-removed", (), old, None)
    return Event("pattern-changed", (), old, new)


def _discriminator_events(old: Any, new: Any) -> list[Event]:
    if not isinstance(old, Mapping) and not isinstance(new, Mapping):
        return []
    if not isinstance(old, Mapping):
        return [Event("discriminator-added", (), None, as_map(new).get("propertyName"))]
    if not isinstance(new, Mapping):
        return [Event("discriminator-removed", (), old.get("propertyName"), None)]
    events: list[Event] = []
    if old.get("propertyName") != new.get("propertyName"):
        events.append(
            Event("discriminator-property-name-changed", (), old.get("propertyName"), new.get("propertyName"))
        )
    old_map, new_map = as_map(old.get("mapping")), as_map(new.get("mapping"))
    for value in sorted(set(old_map) | set(new_map)):
        if value not in old_map:
            events.append(Event("discriminator-mapping-added", (), None, {value: new_map[value]}))
        elif value not in new_map:
            events.append(Event("discriminator-mapping-deleted", (), {value: old_map[value]}, None))
        elif old_map[value] != new_map[value]:
            events.append(Event("discriminator-mapping-changed", (), {value: old_map[value]}, {value: new_map[value]}))
    return events


def _label(ref: str, index: int) -> str:
    """A composition member's name: its component's name when it is a ``$ref``, else ``#index``."""
    return ref.rsplit("/", 1)[-1] if ref else f"#{index}"


def _members(doc: Document, raw: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for index, member in enumerate(as_list(raw)):
        ref = member.get("$ref") if isinstance(member, Mapping) else None
        found[_label(ref if isinstance(ref, str) else "", index)] = member
    return found


def _member_events(keyword: str, name: str, old: list[str], new: list[str]) -> list[Event]:
    events = [Event(f"{name}-added", (), None, label, frozenset({keyword})) for label in sorted(set(new) - set(old))]
    events += [Event(f"{name}-removed", (), label, None, frozenset({keyword})) for label in sorted(set(old) - set(new))]
    return events


def _shown(value: Any) -> Any:
    """additionalProperties for a report: true, false, or "schema"."""
    if value is None:
        return True
    if isinstance(value, Mapping):
        return "schema" if value else True
    return value
