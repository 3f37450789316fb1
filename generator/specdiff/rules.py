"""Name schema events as rules: oasdiff's id and level where it has the concept, else our own.

A schema change means different things in a request (the server accepts less: a caller's valid
request may now fail) and in a response (the server sends more: a caller's parsing may fail),
so each event's level is worked out from its direction, then replaced by oasdiff's level when
oasdiff has a rule of that id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .oasdiff_levels import OASDIFF_LEVELS
from .schema import UPPER_BOUNDS, Event

REQUEST, RESPONSE = "request", "response"


def level_of(rule_id: str, fallback: str) -> str:
    return OASDIFF_LEVELS.get(rule_id, fallback)


@dataclass(frozen=True)
class Named:
    id: str
    level: str
    text: str
    doc: bool = False


@dataclass(frozen=True)
class Site:
    """Where a compared schema sits: a request or response body, a parameter, a response header."""

    direction: str  # REQUEST | RESPONSE
    where: str  # "body" | "parameter" | "header"
    label: str  # for the text: "request body (application/json)", "query parameter 'q'"

    def prefix(self, nested: bool) -> str:
        if self.where == "parameter":
            return "request-parameter-property" if nested else "request-parameter"
        if self.where == "header":
            return "response-header-property" if nested else "response-header"
        return f"{self.direction}-{'property' if nested else 'body'}"


def plain(text: str) -> str:
    """``text`` as it is when it prints as one plain line, else escaped (newlines, bidi controls)."""
    return text if text.isprintable() else repr(text)


def shown(value: Any) -> str:
    """A value inside one line of text (JSON, shortened)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=repr)
    return text if len(text) <= 80 else text[:77] + "..."


def _pick(site: Site, nested: bool, suffix: str, request_level: str, response_level: str) -> tuple[str, str]:
    """The rule id for ``suffix`` at ``site`` and its level (oasdiff's when it knows the id)."""
    fallback = request_level if site.direction == REQUEST else response_level
    rule_id = f"{site.prefix(nested)}-{suffix}"
    if rule_id in OASDIFF_LEVELS or site.where == "body":
        return rule_id, level_of(rule_id, fallback)
    # a parameter's or header's nested property: oasdiff's body-property rule for the same concept
    generic = f"{site.direction}-property-{suffix}" if nested else rule_id
    return (generic, level_of(generic, fallback)) if generic in OASDIFF_LEVELS else (rule_id, fallback)


_TYPE_LEVELS = {
    "type-changed": ("ERR", "ERR"),
    "type-generalized": ("INFO", "ERR"),
    "type-specialized": ("ERR", "INFO"),
    "type-compatible": ("INFO", "INFO"),
    "list-of-types-widened": ("INFO", "ERR"),
    "list-of-types-narrowed": ("ERR", "INFO"),
}
_SIMPLE_LEVELS = {
    "became-nullable": ("INFO", "ERR"),
    "became-not-nullable": ("ERR", "INFO"),
    "enum-value-added": ("INFO", "WARN"),
    "enum-value-removed": ("ERR", "INFO"),
    "became-enum": ("ERR", "INFO"),
    "became-not-enum": ("INFO", "WARN"),
    "const-added": ("ERR", "INFO"),
    "const-removed": ("INFO", "ERR"),
    "const-changed": ("ERR", "ERR"),
    "default-value-added": ("INFO", "INFO"),
    "default-value-removed": ("INFO", "INFO"),
    "default-value-changed": ("INFO", "INFO"),
    "pattern-added": ("ERR", "INFO"),
    "pattern-removed": ("INFO", "INFO"),
    "pattern-changed": ("WARN", "INFO"),
    "deprecated": ("INFO", "INFO"),
    "reactivated": ("INFO", "INFO"),
    "discriminator-added": ("INFO", "INFO"),
    "discriminator-removed": ("INFO", "INFO"),
    "discriminator-property-name-changed": ("INFO", "INFO"),
    "discriminator-mapping-added": ("INFO", "INFO"),
    "discriminator-mapping-deleted": ("INFO", "INFO"),
    "discriminator-mapping-changed": ("INFO", "INFO"),
    "all-of-added": ("ERR", "INFO"),
    "all-of-removed": ("WARN", "INFO"),
    "one-of-added": ("INFO", "ERR"),
    "one-of-removed": ("ERR", "INFO"),
    "any-of-added": ("INFO", "INFO"),
    "any-of-removed": ("ERR", "INFO"),
    "schema-changed": ("WARN", "WARN"),
    "not-compared": ("WARN", "WARN"),
}
_WHAT = {
    "became-nullable": "became nullable",
    "became-not-nullable": "became not nullable",
    "became-enum": "became an enum",
    "became-not-enum": "is no longer an enum",
    "deprecated": "became deprecated",
    "reactivated": "is no longer deprecated",
    "became-required": "became required",
    "became-optional": "became optional",
}


def name_event(site: Site, event: Event) -> tuple[Named, str]:
    """The rule for ``event`` at ``site``, and its property path (``a/items/b``, "" for the top)."""
    subject = "/".join(event.path)
    nested = bool(event.path)
    where = f"{site.label} property {subject!r}" if nested else site.label
    kind = event.kind
    if kind.startswith("doc-"):
        field = kind[4:]
        suffix = {"externalDocs": "external-docs"}.get(field, field) + "-changed"
        rule_id = f"{site.prefix(nested)}-{suffix}"
        return Named(rule_id, "INFO", f"{where}: {field} changed", doc=True), subject
    if kind in ("property-added", "property-removed", "became-required", "became-optional") or kind.startswith(
        ("became-read-only", "became-not-read-only", "became-write-only", "became-not-write-only")
    ):
        return _property_rule(site, event, where), subject
    if kind in _TYPE_LEVELS:
        rule_id, level = _pick(site, nested, kind, *_TYPE_LEVELS[kind])
        return (
            Named(rule_id, level, f"{where}: type/format changed from {_type(event.old)} to {_type(event.new)}"),
            subject,
        )
    if kind == "additional-properties-changed":
        forbids = event.new is False
        allows = event.old is False
        rule_id, level = _pick(site, nested, kind, "ERR" if forbids else "INFO", "WARN" if allows else "INFO")
        return Named(rule_id, level, f"{where}: additionalProperties {shown(event.old)} -> {shown(event.new)}"), subject
    bound = _bound_rule(site, nested, event, where)
    if bound is not None:
        return bound, subject
    request_level, response_level = _SIMPLE_LEVELS.get(kind, ("WARN", "WARN"))
    rule_id, level = _pick(site, nested, kind, request_level, response_level)
    if rule_id == "response-body-enum-value-removed":
        rule_id, level = "response-mediatype-enum-value-removed", level_of(
            "response-mediatype-enum-value-removed", level
        )
    return Named(rule_id, level, f"{where}: {_describe(event)}"), subject


def _describe(event: Event) -> str:
    kind = event.kind
    if kind in _WHAT:
        return _WHAT[kind]
    if kind == "schema-changed":
        return f"{''.join(sorted(event.flags))!r} changed (compared as a whole)"
    if kind == "not-compared":
        return f"not compared further: {''.join(sorted(event.flags))}"
    if kind.endswith("-added") and kind.startswith(("all-of", "one-of", "any-of")):
        return f"{''.join(sorted(event.flags))} member {plain(str(event.new))} added"
    if kind.endswith("-removed") and kind.startswith(("all-of", "one-of", "any-of")):
        return f"{''.join(sorted(event.flags))} member {plain(str(event.old))} removed"
    if kind.endswith("-added"):
        return f"{kind[:-6].replace('-', ' ')} {shown(event.new)} added"
    if kind.endswith(("-removed", "-deleted")):
        return f"{kind.rsplit('-', 1)[0].replace('-', ' ')} {shown(event.old)} removed"
    return f"{kind.rsplit('-', 1)[0].replace('-', ' ')} changed from {shown(event.old)} to {shown(event.new)}"


def _type(value: Any) -> str:
    if not isinstance(value, dict):
        return shown(value)
    types = value.get("type")
    text = "/".join(types) if types else "any"
    return f"{text} ({value['format']})" if value.get("format") else text


def _bound_rule(site: Site, nested: bool, event: Event, where: str) -> Named | None:
    name, _, change = event.kind.rpartition("-")
    if change not in ("set", "unset", "increased", "decreased") or not name:
        return None
    upper = name in UPPER_BOUNDS
    stricter = change == "set" or (change == "decreased") == upper
    if site.direction == REQUEST:
        fallback = ("WARN" if change == "set" else "ERR") if stricter else "INFO"
    else:
        fallback = "INFO" if stricter else "ERR"
    rule_id, level = _pick(site, nested, event.kind, fallback, fallback)
    return Named(rule_id, level, f"{where}: {name.replace('-', ' ')} {shown(event.old)} -> {shown(event.new)}")


def _property_rule(site: Site, event: Event, where: str) -> Named:
    """Property existence, required and read/write-only changes: oasdiff names these per direction."""
    required = "required" in event.flags
    read_only, write_only = "read-only" in event.flags, "write-only" in event.flags
    need = "required" if required else "optional"
    kind = event.kind
    text = f"{where}: {_WHAT.get(kind, kind.replace('-', ' '))}"
    if site.direction == REQUEST:
        if kind == "property-added":
            if required and not read_only:
                return Named("new-required-request-property", "ERR", f"{where}: new required property")
            return Named("new-optional-request-property", "INFO", f"{where}: new optional property")
        if kind == "property-removed":
            return Named("request-property-removed", level_of("request-property-removed", "WARN"), f"{where}: removed")
        if kind == "became-required":
            if read_only:
                return Named("request-read-only-property-became-required", "INFO", text)
            return Named("request-property-became-required", "ERR", text)
        if kind == "became-optional":
            return Named("request-property-became-optional", "INFO", text)
        rule_id = f"request-{need}-property-{kind}"
        return Named(rule_id, level_of(rule_id, "INFO"), text)
    wo = "write-only-" if write_only else ""
    if kind == "property-added":
        rule_id = f"response-{need}-{wo}property-added"
        return Named(rule_id, level_of(rule_id, "INFO"), f"{where}: new {need} property")
    if kind == "property-removed":
        rule_id = f"response-{need}-{wo}property-removed"
        fallback = "INFO" if write_only else ("ERR" if required else "WARN")
        return Named(rule_id, level_of(rule_id, fallback), f"{where}: removed ({need})")
    if kind in ("became-required", "became-optional"):
        rule_id = f"response-{wo}property-{kind}"
        fallback = "ERR" if kind == "became-optional" and not write_only else "INFO"
        return Named(rule_id, level_of(rule_id, fallback), text)
    rule_id = f"response-{need}-property-{kind}"
    return Named(rule_id, level_of(rule_id, "INFO"), text)
