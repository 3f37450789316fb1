"""The spec-wide wire-level checks: info, servers, webhooks, global security requirements and the
security schemes (their fields compared through one table)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .context import WireDiffContext
from .document import as_list, as_map
from .rules import level_of, shown
from .schema import canonical

# A scheme's plain fields: (field, level, rule, how the text names the field). One shape for all of them.
_SCHEME_FIELDS = (
    ("type", "INFO", "api-security-component-type-changed", "{field}"),
    ("scheme", "INFO", "api-security-component-type-changed", "{field}"),
    ("bearerFormat", "INFO", "api-security-component-type-changed", "{field}"),
    ("openIdConnectUrl", "INFO", "api-security-component-type-changed", "{field}"),
    ("in", "WARN", "api-security-component-key-location-changed", "API key {field}"),
    ("name", "WARN", "api-security-component-key-location-changed", "API key {field}"),
)
# An OAuth flow's URLs: (field, rule)
_FLOW_URLS = (
    ("authorizationUrl", "api-security-component-oauth-url-changed"),
    ("tokenUrl", "api-security-component-oauth-token-url-changed"),
)


class SpecWideChecks(WireDiffContext):
    """The rules on what the whole document declares."""

    def _global_security(self) -> None:
        old_reqs = requirements(self.old.data.get("security"))
        new_reqs = requirements(self.new.data.get("security"))
        self._requirement_changes(None, "api-global-security", old_reqs, new_reqs, "global security")

    def _used_schemes(self, keys: list[tuple[str, str]]) -> set[str] | None:
        if self.kept is None:
            return None
        used: set[str] = set()
        for doc in (self.old, self.new):
            for key in keys:
                op = doc.operations.get(key)
                if op is not None:
                    for requirement in requirements(op.node.get("security", doc.data.get("security"))).values():
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
        for field, level, rule_id, label in _SCHEME_FIELDS:
            if old.get(field) != new.get(field):
                change = f"{shown(old.get(field))} -> {shown(new.get(field))}"
                text = f"security scheme {name!r}: {label.format(field=field)} {change}"
                self._add(level, rule_id, None, name, "", text, old=old.get(field), new=new.get(field))
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
            for field, rule_id in _FLOW_URLS:
                if before.get(field) != after.get(field):
                    text = f"security scheme {name!r}, flow {flow}: {field} changed"
                    self._add("INFO", rule_id, None, name, "", text, old=before.get(field), new=after.get(field))
            old_scopes, new_scopes = as_map(before.get("scopes")), as_map(after.get("scopes"))
            for event, scopes in (
                ("added", set(new_scopes) - set(old_scopes)),
                ("removed", set(old_scopes) - set(new_scopes)),
            ):
                for scope in sorted(scopes):
                    text = f"security scheme {name!r}: scope {scope!r} {event}"
                    self._add("INFO", f"api-security-component-oauth-scope-{event}", None, name, "", text)
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


def requirements(raw: Any) -> dict[str, dict[str, list[str]]]:
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
