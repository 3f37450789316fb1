"""The wire-level checks of each endpoint: removal, deprecation, operationId, tags, docs, parameters,
request bodies, responses and their headers, and the operation's own security requirements."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .context import WireDiffContext
from .document import Operation, Parameter, as_list, as_map
from .rules import REQUEST, RESPONSE, Site, level_of, plain, shown
from .schema import Event
from .specwide import requirements

_OPERATION_DOCS = (("summary", "api-summary-changed"), ("description", "api-description-changed"))
_PARAMETER_DOCS = ("description", "example", "examples")
_PARAMETER_FLAGS = (
    ("allowReserved", "request-parameter-allow-reserved-changed"),
    ("allowEmptyValue", "request-parameter-allow-empty-value-changed"),
)
_DEFAULT_STYLE = {"query": "form", "cookie": "form", "path": "simple", "header": "simple"}


class OperationChecks(WireDiffContext):
    """The per-endpoint rules."""

    def _removed(self, op: Operation, whole_path: bool) -> None:
        deprecated = op.node.get("deprecated") is True
        scope = "api-path" if whole_path else "api"
        rule_id = f"{scope}-removed-{'with' if deprecated else 'without'}-deprecation"
        what = "path" if whole_path else "endpoint"
        note = " (it was deprecated)" if deprecated else ""
        self._add(level_of(rule_id, "ERR"), rule_id, op, "", "", f"{what} {op.method} {plain(op.path)} removed{note}")

    # operations ---------------------------------------------------------------------------------

    def _operation(self, before: Operation, after: Operation) -> None:
        was, now = before.node.get("deprecated") is True, after.node.get("deprecated") is True
        if was != now:
            rule_id = "endpoint-deprecated" if now else "endpoint-reactivated"
            self._add("INFO", rule_id, after, "", "", f"endpoint {'deprecated' if now else 'no longer deprecated'}")
        if before.operation_id != after.operation_id:
            if before.operation_id:
                self._add(
                    "INFO",
                    "api-operation-id-removed",
                    after,
                    "",
                    "",
                    f"operationId {before.operation_id!r} replaced by {after.operation_id!r}",
                    old=before.operation_id,
                    new=after.operation_id or None,
                )
            else:
                text = f"operationId {after.operation_id!r} added"
                self._add("INFO", "api-operation-id-added", after, "", "", text, new=after.operation_id)
        old_tags = {t for t in as_list(before.node.get("tags")) if isinstance(t, str)}
        new_tags = {t for t in as_list(after.node.get("tags")) if isinstance(t, str)}
        for tag in sorted(new_tags - old_tags):
            self._add("INFO", "api-tag-added", after, tag, "", f"tag {tag!r} added", new=tag)
        for tag in sorted(old_tags - new_tags):
            self._add("INFO", "api-tag-removed", after, tag, "", f"tag {tag!r} removed", old=tag)
        for field, rule_id in _OPERATION_DOCS:
            self._doc(
                after, rule_id, "", "", f"operation {field} changed", before.node.get(field), after.node.get(field)
            )
        self._doc(
            after,
            "api-external-docs-changed",
            "",
            "",
            "operation externalDocs changed",
            before.node.get("externalDocs"),
            after.node.get("externalDocs"),
        )
        self._parameters(before, after)
        self._request_body(before, after)
        self._responses(before, after)
        self._operation_security(before, after)

    # parameters ---------------------------------------------------------------------------------

    def _parameters(self, before: Operation, after: Operation) -> None:
        for key in sorted(set(before.parameters) | set(after.parameters)):
            old_param, new_param = before.parameters.get(key), after.parameters.get(key)
            if old_param is None and new_param is not None:
                required = new_param.node.get("required") is True or new_param.location == "path"
                rule_id = "new-required-request-parameter" if required else "new-optional-request-parameter"
                text = f"new {'required' if required else 'optional'} {new_param.location} parameter {new_param.name!r}"
                self._add(level_of(rule_id, "INFO"), rule_id, after, new_param.name, "", text)
            elif new_param is None and old_param is not None:
                deprecated = old_param.node.get("deprecated") is True
                rule_id = "request-parameter-removed-with-deprecation" if deprecated else "request-parameter-removed"
                text = f"{old_param.location} parameter {old_param.name!r} removed"
                self._add(level_of(rule_id, "WARN"), rule_id, after, old_param.name, "", text)
            elif old_param is not None and new_param is not None:
                self._parameter(after, old_param, new_param)

    def _parameter(self, op: Operation, old: Parameter, new: Parameter) -> None:
        label = f"{new.location} parameter {new.name!r}"
        if old.name != new.name:  # a path parameter, matched by position: the wire is the same, names in code are not
            text = f"path parameter {old.name!r} renamed to {new.name!r}"
            self._add("INFO", "request-path-parameter-renamed", op, new.name, "", text, old=old.name, new=new.name)
        was, now = old.node.get("required") is True, new.node.get("required") is True
        if was != now and new.location != "path":
            rule_id = "request-parameter-became-required" if now else "request-parameter-became-optional"
            self._add(
                level_of(rule_id, "INFO"),
                rule_id,
                op,
                new.name,
                "",
                f"{label} became {'required' if now else 'optional'}",
            )
        was, now = old.node.get("deprecated") is True, new.node.get("deprecated") is True
        if was != now:
            rule_id = "request-parameter-deprecated" if now else "request-parameter-reactivated"
            self._add("INFO", rule_id, op, new.name, "", f"{label} {'deprecated' if now else 'no longer deprecated'}")
        old_style = old.node.get("style", _DEFAULT_STYLE.get(old.location))
        new_style = new.node.get("style", _DEFAULT_STYLE.get(new.location))
        if old_style != new_style:
            text = f"{label}: style {shown(old_style)} -> {shown(new_style)}"
            self._add("WARN", "request-parameter-style-changed", op, new.name, "", text, old=old_style, new=new_style)
        old_explode = old.node.get("explode", old_style == "form")
        new_explode = new.node.get("explode", new_style == "form")
        if old_explode != new_explode:
            text = f"{label}: explode {shown(old_explode)} -> {shown(new_explode)}"
            self._add(
                "WARN", "request-parameter-explode-changed", op, new.name, "", text, old=old_explode, new=new_explode
            )
        for field, rule_id in _PARAMETER_FLAGS:
            before, after = old.node.get(field) is True, new.node.get(field) is True
            if before != after:
                self._add(
                    "WARN", rule_id, op, new.name, "", f"{label}: {field} {before} -> {after}", old=before, new=after
                )
        for field in _PARAMETER_DOCS:
            self._doc(
                op,
                f"request-parameter-{field}-changed",
                new.name,
                "",
                f"{label}: {field} changed",
                old.node.get(field),
                new.node.get(field),
            )
        site = Site(REQUEST, "parameter", label)
        events = self.schemas.compare(_parameter_schema(old), _parameter_schema(new))
        self._schema_events(op, site, events, "", owner=new.name)

    # request bodies -----------------------------------------------------------------------------

    def _request_body(self, before: Operation, after: Operation) -> None:
        old_body = as_map(self.old.resolved(before.node.get("requestBody")))
        new_body = as_map(self.new.resolved(after.node.get("requestBody")))
        if not old_body and not new_body:
            return
        now_required = new_body.get("required") is True
        if not old_body:
            rule_id = "request-body-added-required" if now_required else "request-body-added-optional"
            self._add(
                level_of(rule_id, "INFO"),
                rule_id,
                after,
                "",
                "",
                f"{'required' if now_required else 'optional'} request body added",
            )
            return
        if not new_body:
            self._add(
                level_of("request-body-removed", "ERR"), "request-body-removed", after, "", "", "request body removed"
            )
            return
        if (old_body.get("required") is True) != now_required:
            rule_id = "request-body-became-required" if now_required else "request-body-became-optional"
            self._add(
                level_of(rule_id, "INFO"),
                rule_id,
                after,
                "",
                "",
                f"request body became {'required' if now_required else 'optional'}",
            )
        self._doc(
            after,
            "request-body-description-changed",
            "",
            "",
            "request body description changed",
            old_body.get("description"),
            new_body.get("description"),
        )
        self._content(after, REQUEST, "", as_map(old_body.get("content")), as_map(new_body.get("content")))

    def _content(
        self, op: Operation, direction: str, status: str, old: Mapping[str, Any], new: Mapping[str, Any]
    ) -> None:
        """Media types added/removed, and the schema changes of the ones on both sides.

        A change found under several media types (a body offered as JSON and as a vendor type) is
        one entry naming them all.
        """
        where = "request body" if direction == REQUEST else f"response {plain(status)}"
        added_id = f"{direction}-{'body-' if direction == REQUEST else ''}media-type-added"
        removed_id = f"{direction}-{'body-' if direction == REQUEST else ''}media-type-removed"
        for media in sorted(set(new) - set(old)):
            self._add(level_of(added_id, "INFO"), added_id, op, media, status, f"{where}: media type {media!r} added")
        for media in sorted(set(old) - set(new)):
            self._add(
                level_of(removed_id, "ERR"), removed_id, op, media, status, f"{where}: media type {media!r} removed"
            )
        grouped: dict[tuple[Any, ...], tuple[Event, list[str]]] = {}
        for media in sorted(set(old) & set(new)):
            old_media, new_media = as_map(old[media]), as_map(new[media])
            old_schema, new_schema = old_media.get("schema"), new_media.get("schema")
            if old_schema is None and new_schema is None:
                continue
            if old_schema is None or new_schema is None:
                kind = "added" if old_schema is None else "removed"
                rule_id = f"{direction}-body-media-type-schema-{kind}"
                self._add(level_of(rule_id, "INFO"), rule_id, op, media, status, f"{where}: schema of {media!r} {kind}")
                continue
            for event in self.schemas.compare(old_schema, new_schema):
                grouped.setdefault(event.key(), (event, []))[1].append(media)
        for event, medias in grouped.values():
            site = Site(direction, "body", f"{where} ({', '.join(plain(m) for m in medias)})")
            self._schema_events(op, site, [event], status, top_subject=", ".join(medias))

    # responses ----------------------------------------------------------------------------------

    def _responses(self, before: Operation, after: Operation) -> None:
        old_responses = as_map(before.node.get("responses"))
        new_responses = as_map(after.node.get("responses"))
        for status in sorted(set(old_responses) | set(new_responses), key=str):
            code = str(status)
            success = code.startswith("2")
            kind = "success" if success else "non-success"
            if status not in old_responses:
                rule_id = f"response-{kind}-status-added"
                self._add(level_of(rule_id, "INFO"), rule_id, after, "", code, f"response status {plain(code)} added")
                continue
            if status not in new_responses:
                rule_id = f"response-{kind}-status-removed"
                self._add(level_of(rule_id, "INFO"), rule_id, after, "", code, f"response status {plain(code)} removed")
                continue
            old_response = as_map(self.old.resolved(old_responses[status]))
            new_response = as_map(self.new.resolved(new_responses[status]))
            self._doc(
                after,
                "response-description-changed",
                "",
                code,
                f"response {plain(code)}: description changed",
                old_response.get("description"),
                new_response.get("description"),
            )
            self._headers(after, code, as_map(old_response.get("headers")), as_map(new_response.get("headers")))
            self._content(
                after, RESPONSE, code, as_map(old_response.get("content")), as_map(new_response.get("content"))
            )

    def _headers(self, op: Operation, status: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        old_by = {str(k).lower(): (str(k), as_map(self.old.resolved(v))) for k, v in old.items()}
        new_by = {str(k).lower(): (str(k), as_map(self.new.resolved(v))) for k, v in new.items()}
        for key in sorted(set(old_by) | set(new_by)):
            if key not in old_by:
                name = new_by[key][0]
                self._add(
                    "INFO",
                    "response-header-added",
                    op,
                    name,
                    status,
                    f"response {plain(status)}: header {name!r} added",
                )
                continue
            if key not in new_by:
                name, header = old_by[key]
                rule_id = (
                    "required-response-header-removed"
                    if header.get("required") is True
                    else "optional-response-header-removed"
                )
                self._add(
                    level_of(rule_id, "WARN"),
                    rule_id,
                    op,
                    name,
                    status,
                    f"response {plain(status)}: header {name!r} removed",
                )
                continue
            name, new_header = new_by[key]
            old_header = old_by[key][1]
            if old_header.get("required") is True and new_header.get("required") is not True:
                text = f"response {plain(status)}: header {name!r} became optional"
                self._add(
                    level_of("response-header-became-optional", "ERR"),
                    "response-header-became-optional",
                    op,
                    name,
                    status,
                    text,
                )
            site = Site(RESPONSE, "header", f"response {plain(status)} header {name!r}")
            events = self.schemas.compare(old_header.get("schema"), new_header.get("schema"))
            self._schema_events(op, site, events, status, owner=name)

    # security -----------------------------------------------------------------------------------

    def _operation_security(self, before: Operation, after: Operation) -> None:
        if "security" not in before.node and "security" not in after.node:
            return
        old_reqs = requirements(before.node.get("security", self.old.data.get("security")))
        new_reqs = requirements(after.node.get("security", self.new.data.get("security")))
        self._requirement_changes(after, "api-security", old_reqs, new_reqs, "operation security")


def _parameter_schema(param: Parameter) -> Any:
    """A parameter's schema, or that of its single ``content`` entry."""
    if "schema" in param.node:
        return param.node["schema"]
    content = as_map(param.node.get("content"))
    for media in sorted(content):
        return as_map(content[media]).get("schema")
    return None
