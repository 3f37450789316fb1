"""The wire-level diff of two OpenAPI documents: ``diff_documents`` and ``is_breaking``.

Endpoints are matched by method and path template (parameter names by position), parameters by
``in`` + name after merging path-level ones in, schemas by value with ``$ref``s followed, so
moving a parameter between levels or inlining a referenced schema is no change.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from .document import Document, Operation, Parameter, as_list, as_map, endpoint_key
from .load import load_for_diff
from .model import WireChange
from .rules import REQUEST, RESPONSE, Site, level_of, name_event, plain, shown
from .schema import Event, SchemaComparer, canonical

__all__ = ["diff_documents", "is_breaking", "load_for_diff"]

_OPERATION_DOCS = (("summary", "api-summary-changed"), ("description", "api-description-changed"))
_PARAMETER_DOCS = ("description", "example", "examples")
_PARAMETER_FLAGS = (
    ("allowReserved", "request-parameter-allow-reserved-changed"),
    ("allowEmptyValue", "request-parameter-allow-empty-value-changed"),
)
_DEFAULT_STYLE = {"query": "form", "cookie": "form", "path": "simple", "header": "simple"}


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


class _Differ:
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
        old_reqs = _requirements(before.node.get("security", self.old.data.get("security")))
        new_reqs = _requirements(after.node.get("security", self.new.data.get("security")))
        self._requirement_changes(after, "api-security", old_reqs, new_reqs, "operation security")

    def _global_security(self) -> None:
        old_reqs = _requirements(self.old.data.get("security"))
        new_reqs = _requirements(self.new.data.get("security"))
        self._requirement_changes(None, "api-global-security", old_reqs, new_reqs, "global security")

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

    def _used_schemes(self, keys: list[tuple[str, str]]) -> set[str] | None:
        if self.kept is None:
            return None
        used: set[str] = set()
        for doc in (self.old, self.new):
            for key in keys:
                op = doc.operations.get(key)
                if op is not None:
                    for requirement in _requirements(op.node.get("security", doc.data.get("security"))).values():
                        used.update(requirement)
        return used

    def _security_schemes(self, kept_keys: list[tuple[str, str]]) -> None:
        old = as_map(as_map(self.old.data.get("components")).get("securitySchemes"))
        new = as_map(as_map(self.new.data.get("components")).get("securitySchemes"))
        used = self._used_schemes(kept_keys)
        for name in sorted(set(old) | set(new), key=str):
            if used is not None and name not in used:
                continue
            if name not in old:
                self._add("INFO", "api-security-component-added", None, name, "", f"security scheme {name!r} added")
            elif name not in new:
                self._add("INFO", "api-security-component-removed", None, name, "", f"security scheme {name!r} removed")
            else:
                self._security_scheme(
                    str(name), as_map(self.old.resolved(old[name])), as_map(self.new.resolved(new[name]))
                )

    def _security_scheme(self, name: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        for field in ("type", "scheme", "bearerFormat", "openIdConnectUrl"):
            if old.get(field) != new.get(field):
                text = f"security scheme {name!r}: {field} {shown(old.get(field))} -> {shown(new.get(field))}"
                self._add(
                    "INFO",
                    "api-security-component-type-changed",
                    None,
                    name,
                    "",
                    text,
                    old=old.get(field),
                    new=new.get(field),
                )
        for field in ("in", "name"):
            if old.get(field) != new.get(field):
                text = f"security scheme {name!r}: API key {field} {shown(old.get(field))} -> {shown(new.get(field))}"
                self._add(
                    "WARN",
                    "api-security-component-key-location-changed",
                    None,
                    name,
                    "",
                    text,
                    old=old.get(field),
                    new=new.get(field),
                )
        self._doc(
            None,
            "api-security-component-description-changed",
            name,
            "",
            f"security scheme {name!r}: description changed",
            old.get("description"),
            new.get("description"),
        )
        old_flows, new_flows = as_map(old.get("flows")), as_map(new.get("flows"))
        for flow in sorted(set(old_flows) | set(new_flows), key=str):
            before, after = as_map(old_flows.get(flow)), as_map(new_flows.get(flow))
            for field, rule_id in (
                ("authorizationUrl", "api-security-component-oauth-url-changed"),
                ("tokenUrl", "api-security-component-oauth-token-url-changed"),
            ):
                if before.get(field) != after.get(field):
                    text = f"security scheme {name!r}, flow {flow}: {field} changed"
                    self._add("INFO", rule_id, None, name, "", text, old=before.get(field), new=after.get(field))
            old_scopes, new_scopes = as_map(before.get("scopes")), as_map(after.get("scopes"))
            for scope in sorted(set(new_scopes) - set(old_scopes)):
                self._add(
                    "INFO",
                    "api-security-component-oauth-scope-added",
                    None,
                    name,
                    "",
                    f"security scheme {name!r}: scope {scope!r} added",
                )
            for scope in sorted(set(old_scopes) - set(new_scopes)):
                self._add(
                    "INFO",
                    "api-security-component-oauth-scope-removed",
                    None,
                    name,
                    "",
                    f"security scheme {name!r}: scope {scope!r} removed",
                )
            for scope in sorted(set(old_scopes) & set(new_scopes)):
                if old_scopes[scope] != new_scopes[scope]:
                    text = f"security scheme {name!r}: scope {scope!r} description changed"
                    self._add("INFO", "api-security-component-oauth-scope-changed", None, name, "", text, doc=True)

    def _info(self) -> None:
        old, new = as_map(self.old.data.get("info")), as_map(self.new.data.get("info"))
        if canonical(old.get("version")) != canonical(new.get("version")):
            text = f"API version {shown(old.get('version'))} -> {shown(new.get('version'))}"
            self._add("INFO", "api-version-changed", None, "", "", text, old=old.get("version"), new=new.get("version"))
        for field in ("title", "description", "termsOfService", "contact", "license"):
            rule_id = f"api-info-{field.lower()}-changed"
            self._doc(None, rule_id, "", "", f"API {field} changed", old.get(field), new.get(field))

    def _webhooks(self) -> None:
        """OpenAPI 3.1 webhooks by name (the requests the server sends); their contents are not compared."""
        old, new = as_map(self.old.data.get("webhooks")), as_map(self.new.data.get("webhooks"))
        for name in sorted(set(new) - set(old), key=str):
            self._add("INFO", "webhook-added", None, str(name), "", f"webhook {name!r} added")
        for name in sorted(set(old) - set(new), key=str):
            self._add(
                level_of("webhook-removed", "ERR"), "webhook-removed", None, str(name), "", f"webhook {name!r} removed"
            )
        for name in sorted(set(old) & set(new), key=str):
            if canonical(old[name]) != canonical(new[name]):
                self._add(
                    "WARN", "webhook-changed", None, str(name), "", f"webhook {name!r} changed (compared as a whole)"
                )

    # servers ------------------------------------------------------------------------------------

    def _servers(self) -> None:
        old = _server_urls(self.old.data.get("servers"))
        new = _server_urls(self.new.data.get("servers"))
        for url in sorted(set(new) - set(old)):
            self._add("INFO", "api-server-added", None, url, "", f"server {url!r} added")
        for url in sorted(set(old) - set(new)):
            self._add("WARN", "api-server-removed", None, url, "", f"server {url!r} removed")
        for url in sorted(set(old) & set(new)):
            if canonical(old[url]) != canonical(new[url]):
                self._add(
                    "INFO",
                    "api-server-variables-changed",
                    None,
                    url,
                    "",
                    f"server {url!r}: variables changed",
                    old=old[url],
                    new=new[url],
                )


def _parameter_schema(param: Parameter) -> Any:
    """A parameter's schema, or that of its single ``content`` entry."""
    if "schema" in param.node:
        return param.node["schema"]
    content = as_map(param.node.get("content"))
    for media in sorted(content):
        return as_map(content[media]).get("schema")
    return None


def _requirements(raw: Any) -> dict[str, dict[str, list[str]]]:
    """Security requirements by a name made of their scheme names (``A+B`` for both together)."""
    found: dict[str, dict[str, list[str]]] = {}
    for requirement in as_list(raw):
        schemes = {str(k): sorted(str(s) for s in as_list(v)) for k, v in as_map(requirement).items()}
        found["+".join(sorted(schemes)) or "(none)"] = schemes
    return found


def _server_urls(raw: Any) -> dict[str, Any]:
    return {
        server["url"]: as_map(server.get("variables"))
        for server in as_list(raw)
        if isinstance(server, Mapping) and isinstance(server.get("url"), str)
    }


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
