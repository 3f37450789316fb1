"""The Python-level change report: what callers of the generated package see change, from two IRs.

Every entry names things as the generated code does (``ReposApi.repos_get_content(body)``,
``models.WorkflowSessionV3.status``). The rules and their levels are documented in
``docs/change-report.md``; ``RULES`` below is the same table in code.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from . import ir
from .apirenames import find_renames
from .apitypes import compare_types, renamed, sent_and_read

# most severe first
LEVELS = ("breaking", "type-breaking", "behaviour", "added", "doc")

# id -> (level, what it means); the level of a few rules depends on where a model is used,
# those are marked "varies" here and decided in the code
RULES: dict[str, tuple[str, str]] = {
    "package-renamed": ("breaking", "the import name of the package changed"),
    "api-class-removed": ("breaking", "an API class no longer exists"),
    "api-class-added": ("added", "a new API class"),
    "method-removed": ("breaking", "an operation's method no longer exists"),
    "method-renamed": ("breaking", "the same operation is generated under a new method name"),
    "method-moved": ("breaking", "the same operation is generated on another API class"),
    "method-added": ("added", "a new method"),
    "method-endpoint-changed": ("behaviour", "the same method sends a different HTTP method or path"),
    "method-deprecated": ("doc", "the method is deprecated: calling it now emits a DeprecationWarning"),
    "method-undeprecated": ("doc", "the method is no longer deprecated"),
    "iterator-removed": ("breaking", "the iter_ method of a paging operation no longer exists"),
    "iterator-renamed": ("breaking", "the iter_ method has a new name"),
    "iterator-added": ("added", "a new iter_ method"),
    "parameter-removed": ("breaking", "a parameter no longer exists: calls passing it fail"),
    "parameter-renamed": ("breaking", "the same wire parameter has a new Python name"),
    "parameter-became-required": ("breaking", "an optional parameter became required (and positional)"),
    "parameter-became-optional": ("breaking", "a required parameter became optional, so keyword-only"),
    "required-parameter-added": ("breaking", "a new required parameter: existing calls fail"),
    "optional-parameter-added": ("added", "a new optional (keyword-only) parameter"),
    "parameter-position-changed": ("breaking", "the order of the required (positional) parameters changed"),
    "parameter-type-narrowed": ("type-breaking", "a parameter accepts fewer types"),
    "parameter-type-changed": ("type-breaking", "a parameter's type changed to one that is not wider"),
    "parameter-type-widened": ("added", "a parameter accepts more types"),
    "parameter-default-changed": ("behaviour", "a parameter's default changed"),
    "parameter-serialization-changed": ("behaviour", "a parameter is sent differently (location, style, explode)"),
    "parameter-deprecated": ("doc", "a parameter is deprecated"),
    "body-removed": ("breaking", "the request body parameter no longer exists"),
    "body-renamed": ("breaking", "the request body parameter has a new name"),
    "body-became-required": ("breaking", "the request body became required (and positional)"),
    "body-became-optional": ("breaking", "the request body became optional, so keyword-only"),
    "required-body-added": ("breaking", "a new required request body parameter"),
    "optional-body-added": ("added", "a new optional request body parameter"),
    "body-type-narrowed": ("type-breaking", "the request body accepts fewer types"),
    "body-type-changed": ("type-breaking", "the request body's type changed to one that is not wider"),
    "body-type-widened": ("added", "the request body accepts more types"),
    "body-media-type-changed": ("behaviour", "the request body is sent as another media type"),
    "return-type-widened": ("type-breaking", "the method may return types it did not before"),
    "return-type-changed": ("type-breaking", "the method's return type changed"),
    "return-type-narrowed": ("behaviour", "the method returns fewer types than before"),
    "credential-added": ("breaking", "the operation needs a credential it did not need before"),
    "credential-removed": ("breaking", "an ApiClient credential argument no longer exists"),
    "client-credential-added": ("added", "ApiClient accepts a new credential argument"),
    "base-url-changed": ("behaviour", "ApiClient's default base_url changed"),
    "base-url-became-required": ("breaking", "ApiClient now needs base_url"),
    "model-removed": ("breaking", "a model class no longer exists"),
    "model-renamed": ("breaking", "the same schema is generated under a new class name"),
    "model-added": ("added", "a new model class"),
    "model-base-changed": ("type-breaking", "a model's base class changed (isinstance checks change)"),
    "enum-removed": ("breaking", "an enum class no longer exists"),
    "enum-renamed": ("breaking", "the same schema is generated as an enum under a new name"),
    "enum-added": ("added", "a new enum class"),
    "enum-value-removed": ("breaking", "an enum member no longer exists"),
    "enum-value-renamed": ("breaking", "the same enum value has a new member name"),
    "enum-value-added": (
        "varies",
        "added where the enum is sent; doc where it is only read (unknown values decode to their plain value)",
    ),
    "alias-removed": ("breaking", "a type alias no longer exists"),
    "alias-type-changed": ("type-breaking", "a type alias means another type"),
    "field-removed": ("breaking", "a model attribute no longer exists"),
    "field-renamed": ("breaking", "the same wire property has a new attribute name"),
    "field-added": ("added", "a new model attribute"),
    "field-became-optional": (
        "varies",
        "type-breaking where the model is read (the attribute may be UNSET); added where it is only sent",
    ),
    "field-became-nullable": (
        "varies",
        "type-breaking where the model is read (the attribute may be None); added where it is only sent",
    ),
    "field-became-required": ("doc", "a response field is now always present"),
    "request-field-became-required": ("breaking", "constructing the model needs an argument it did not"),
    "field-type-changed": (
        "type-breaking",
        "a field is read as a wider or other type, or sent as a narrower or other one",
    ),
    "field-type-narrowed": ("doc", "a field of a model that is only read holds fewer types"),
    "field-type-widened": ("added", "a field of a model that is only sent accepts more types"),
}


@dataclass(frozen=True)
class ApiChange:
    """One change of the generated Python API. Strings from the spec are raw; printers escape them."""

    level: str  # one of LEVELS
    id: str  # a key of RULES
    api_class: str  # "" for a model or package entry
    method: str  # "" likewise
    python_name: str  # e.g. "ReposApi.repos_get_content(body)", "models.WorkflowSessionV3.status"
    operation_id: str
    http_method: str
    path: str
    subject: str  # wire name of the parameter, property path of the field, or the media type
    text: str
    old: str | None = None
    new: str | None = None
    model: str = ""  # the model (new name where it has one) a field or enum entry is about

    def sort_key(self) -> tuple[str, ...]:
        group = "0" if self.api_class else "1" if self.model else "2"  # operations, models, package
        return (group, self.api_class, self.method, self.model, self.python_name, self.id, self.text)


def operation_key(op: ir.Operation) -> str:
    """How a selection and an accepted-changes file name an operation."""
    return op.operation_id or f"{op.http_method} {op.path}"


# ---- the diff ---------------------------------------------------------------------------------


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


class _Differ:
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

    # -- package level
    def package_level(self) -> None:
        old, new = self.old, self.new
        if old.package != new.package:
            self.add(
                "package-renamed",
                f"import {new.package} instead of {old.package}",
                old=old.package,
                new=new.package,
                python_name=new.package,
            )
        old_credentials = {c for s in old.security_schemes for c in s.credentials}
        new_credentials = {c for s in new.security_schemes for c in s.credentials}
        for name in sorted(old_credentials - new_credentials):
            self.add(
                "credential-removed",
                f"ApiClient no longer takes {name}=",
                python_name=f"ApiClient({name})",
                subject=name,
                old=name,
            )
        for name in sorted(new_credentials - old_credentials):
            self.add(
                "client-credential-added",
                f"ApiClient takes {name}=",
                python_name=f"ApiClient({name})",
                subject=name,
                new=name,
            )
        if old.default_base_url != new.default_base_url and not new.base_url_required:
            self.add(
                "base-url-changed",
                f"default base_url is {new.default_base_url!r} (was {old.default_base_url!r})",
                python_name="ApiClient(base_url)",
                old=old.default_base_url,
                new=new.default_base_url,
            )
        if new.base_url_required and not old.base_url_required:
            self.add(
                "base-url-became-required",
                "ApiClient needs base_url (the spec's server is relative)",
                python_name="ApiClient(base_url)",
            )

    # -- classes and operations
    def classes(self) -> None:
        old_classes = {loc.api.class_name for loc in self.old_ops}
        new_classes = {loc.api.class_name for loc in self.new_ops}
        for name in sorted(old_classes - new_classes):
            self.add("api-class-removed", f"{name} no longer exists", api_class=name, python_name=name, old=name)
        for name in sorted(new_classes - old_classes):
            self.add("api-class-added", f"new class {name}", api_class=name, python_name=name, new=name)

    def operations(self) -> None:
        for before, after in _match_operations(self.old_ops, self.new_ops):
            if after is None:
                assert before is not None
                name = f"{before.api.class_name}.{before.op.method_name}"
                self.add("method-removed", f"{name}() no longer exists", loc=before, python_name=name, old=name)
                if before.op.pagination:
                    iterator = f"{before.api.class_name}.{before.op.pagination.method_name}"
                    self.add(
                        "iterator-removed",
                        f"{iterator}() no longer exists",
                        loc=before,
                        python_name=iterator,
                        old=iterator,
                    )
            elif before is None:
                name = f"{after.api.class_name}.{after.op.method_name}"
                self.add("method-added", f"new method {name}()", loc=after, python_name=name, new=name)
                if after.op.pagination:
                    iterator = f"{after.api.class_name}.{after.op.pagination.method_name}"
                    self.add(
                        "iterator-added", f"new iterator {iterator}()", loc=after, python_name=iterator, new=iterator
                    )
            else:
                self.operation(before, after)

    def operation(self, before: _Located, after: _Located) -> None:
        old, new = before.op, after.op
        old_name = f"{before.api.class_name}.{old.method_name}"
        name = f"{after.api.class_name}.{new.method_name}"
        if before.api.class_name != after.api.class_name:
            self.add(
                "method-moved", f"{old_name}() is now {name}()", loc=after, python_name=name, old=old_name, new=name
            )
        elif old.method_name != new.method_name:
            self.add(
                "method-renamed", f"{old_name}() is now {name}()", loc=after, python_name=name, old=old_name, new=name
            )
        if (old.http_method, old.path) != (new.http_method, new.path):
            self.add(
                "method-endpoint-changed",
                f"{name}() sends {new.http_method} {new.path} (was {old.http_method} {old.path})",
                loc=after,
                python_name=name,
                old=f"{old.http_method} {old.path}",
                new=f"{new.http_method} {new.path}",
            )
        if new.deprecated != old.deprecated:
            rule = "method-deprecated" if new.deprecated else "method-undeprecated"
            text = (
                f"{name}() is deprecated: calling it emits a DeprecationWarning"
                if new.deprecated
                else f"{name}() is no longer deprecated"
            )
            self.add(rule, text, loc=after, python_name=name)
        self.iterator(before, after, name)
        self.parameters(before, after, name)
        self.body(before, after, name)
        self.returns(before, after, name)
        self.security(before, after, name)

    def iterator(self, before: _Located, after: _Located, name: str) -> None:
        old, new = before.op.pagination, after.op.pagination
        if old and not new:
            iterator = f"{before.api.class_name}.{old.method_name}"
            self.add(
                "iterator-removed", f"{iterator}() no longer exists", loc=after, python_name=iterator, old=iterator
            )
        elif new and not old:
            iterator = f"{after.api.class_name}.{new.method_name}"
            self.add("iterator-added", f"new iterator {iterator}()", loc=after, python_name=iterator, new=iterator)
        elif old and new and old.method_name != new.method_name:
            iterator = f"{after.api.class_name}.{new.method_name}"
            self.add(
                "iterator-renamed",
                f"{before.api.class_name}.{old.method_name}() is now {iterator}()",
                loc=after,
                python_name=iterator,
                old=old.method_name,
                new=new.method_name,
            )

    def parameters(self, before: _Located, after: _Located, name: str) -> None:
        old_params = {(p.location, p.wire_name): p for p in before.op.params}
        new_params = {(p.location, p.wire_name): p for p in after.op.params}
        # a parameter that moved location (query -> header) is the same parameter sent differently
        for key in list(old_params):
            if key not in new_params:
                moved = [k for k in new_params if k[1] == key[1] and k not in old_params]
                if len(moved) == 1:
                    new_params[key] = new_params.pop(moved[0])
        for key, param in old_params.items():
            label = f"{name}({param.python_name})"
            if key not in new_params:
                self.add(
                    "parameter-removed",
                    f"{label} no longer exists",
                    loc=after,
                    python_name=label,
                    subject=param.wire_name,
                    old=param.annotation,
                )
                continue
            self.parameter(after, name, param, new_params[key])
        for key, param in new_params.items():
            if key in old_params:
                continue
            label = f"{name}({param.python_name})"
            if param.required:
                self.add(
                    "required-parameter-added",
                    f"{label} is a new required parameter",
                    loc=after,
                    python_name=label,
                    subject=param.wire_name,
                    new=param.annotation,
                )
            else:
                self.add(
                    "optional-parameter-added",
                    f"{label} is a new optional parameter",
                    loc=after,
                    python_name=label,
                    subject=param.wire_name,
                    new=param.annotation,
                )
        self.positions(before, after, name)

    def argument(
        self, kind: str, name: str, old: ir.Parameter | ir.Body, new: ir.Parameter | ir.Body, common: dict[str, Any]
    ) -> None:
        """What a parameter and a request body share: renamed, required or optional, its type."""
        label = common["python_name"]
        if old.python_name != new.python_name:
            self.add(
                f"{kind}-renamed",
                f"{name}({old.python_name}) is now {label}",
                old=old.python_name,
                new=new.python_name,
                **common,
            )
        if new.required and not old.required:
            self.add(f"{kind}-became-required", f"{label} became required", **common)
        elif old.required and not new.required:
            self.add(f"{kind}-became-optional", f"{label} became optional: pass it by keyword", **common)
        self.type_change(kind, renamed(old.type.annotation, self.renames), new.type.annotation, label, common)

    def parameter(self, after: _Located, name: str, old: ir.Parameter, new: ir.Parameter) -> None:
        label = f"{name}({new.python_name})"
        common: dict[str, Any] = {"loc": after, "python_name": label, "subject": new.wire_name}
        self.argument("parameter", name, old, new, common)
        if old.default != new.default and old.required == new.required:
            self.add(
                "parameter-default-changed",
                f"{label} defaults to {new.default} (was {old.default})",
                old=old.default,
                new=new.default,
                **common,
            )
        old_wire = (old.location, old.style, old.explode)
        new_wire = (new.location, new.style, new.explode)
        if old_wire != new_wire:
            self.add(
                "parameter-serialization-changed",
                f"{label} is sent as {_wire(new)} (was {_wire(old)})",
                old=_wire(old),
                new=_wire(new),
                **common,
            )
        if new.deprecated and not old.deprecated:
            self.add("parameter-deprecated", f"{label} is deprecated", **common)

    def type_change(self, what: str, old: str, new: str, label: str, common: dict[str, Any]) -> None:
        kind = compare_types(old, new)
        if kind != "same":
            self.add(f"{what}-type-{kind}", f"{label} takes {new} (was {old})", old=old, new=new, **common)

    def positions(self, before: _Located, after: _Located, name: str) -> None:
        """The required parameters (and a required body) both sides have: same relative order?"""
        old_order = _positional(before.op)
        new_order = _positional(after.op)
        new_keys = set(new_order)
        old_keys = set(old_order)
        old_common = [k for k in old_order if k in new_keys]
        new_common = [k for k in new_order if k in old_keys]
        if old_common == new_common:
            return
        python = {k: p.python_name for p in after.op.params for k in [(p.location, p.wire_name)]}
        if after.op.body is not None:
            python[("body", "")] = after.op.body.python_name
        for index, key in enumerate(new_common):
            if old_common.index(key) != index:
                label = f"{name}({python.get(key, key[1])})"
                self.add(
                    "parameter-position-changed",
                    f"{label} is positional argument {new_order.index(key) + 1} (was {old_order.index(key) + 1})",
                    loc=after,
                    python_name=label,
                    subject=key[1],
                    old=str(old_order.index(key) + 1),
                    new=str(new_order.index(key) + 1),
                )

    def body(self, before: _Located, after: _Located, name: str) -> None:
        old, new = before.op.body, after.op.body
        if old is None and new is None:
            return
        if new is None:
            assert old is not None
            label = f"{name}({old.python_name})"
            self.add(
                "body-removed",
                f"{label} no longer exists",
                loc=after,
                python_name=label,
                subject=old.media_type,
                old=old.annotation,
            )
            return
        label = f"{name}({new.python_name})"
        common: dict[str, Any] = {"loc": after, "python_name": label, "subject": new.media_type}
        if old is None:
            rule = "required-body-added" if new.required else "optional-body-added"
            self.add(
                rule,
                f"{label} is a new {'required' if new.required else 'optional'} request body",
                new=new.annotation,
                **common,
            )
            return
        self.argument("body", name, old, new, common)
        if old.media_type != new.media_type:
            self.add(
                "body-media-type-changed",
                f"{label} is sent as {new.media_type} (was {old.media_type})",
                old=old.media_type,
                new=new.media_type,
                **common,
            )

    def returns(self, before: _Located, after: _Located, name: str) -> None:
        old = renamed(before.op.return_type.annotation, self.renames)
        new = after.op.return_type.annotation
        kind = compare_types(old, new)
        if kind == "same":
            return
        media = ",".join(sorted({m for r in after.op.success for m in r.media_types}))
        self.add(
            f"return-type-{kind}",
            f"{name}() returns {new} (was {old})",
            loc=after,
            python_name=name,
            subject=media,
            old=old,
            new=new,
        )

    def security(self, before: _Located, after: _Located, name: str) -> None:
        """An old way to authenticate that no new alternative accepts: the call needs a new credential."""
        old_schemes = {s.key: s.credentials for s in self.old.security_schemes}
        new_schemes = {s.key: s.credentials for s in self.new.security_schemes}

        def credentials(alternative: tuple[str, ...], schemes: dict[str, tuple[str, ...]]) -> frozenset[str]:
            return frozenset(c for key in alternative for c in schemes.get(key, ()))

        old_alternatives = [credentials(a, old_schemes) for a in before.op.security] or [frozenset()]
        new_alternatives = [credentials(a, new_schemes) for a in after.op.security] or [frozenset()]
        missing: set[str] = set()
        for had in old_alternatives:
            if not any(need <= had for need in new_alternatives):
                missing |= set(min(new_alternatives, key=lambda need: (len(need - had), sorted(need))) - had)
        for credential in sorted(missing):
            self.add(
                "credential-added",
                f"{name}() needs the ApiClient credential {credential}=",
                loc=after,
                python_name=name,
                subject=credential,
                new=credential,
            )

    # -- models
    def models(self) -> None:
        self.model_classes()
        self.enum_classes()
        self.alias_classes()

    def _in_scope(self, old_name: str | None, new_name: str | None) -> bool:
        if self.scope_old is None or self.scope_new is None:
            return True
        return (old_name is not None and old_name in self.scope_old) or (
            new_name is not None and new_name in self.scope_new
        )

    def model_classes(self) -> None:
        new_models = {m.name: m for m in self.new.models}
        matched: set[str] = set()
        for model in self.old.models:
            target = self.renames.get(model.name, model.name)
            after = new_models.get(target)
            if not self._in_scope(model.name, after.name if after else None):
                continue
            label = f"models.{model.name}"
            if after is None:
                self.add(
                    "model-removed", f"{label} no longer exists", python_name=label, model=model.name, old=model.name
                )
                continue
            matched.add(after.name)
            if after.name != model.name:
                self.add(
                    "model-renamed",
                    f"{label} is now models.{after.name}",
                    python_name=f"models.{after.name}",
                    model=after.name,
                    old=model.name,
                    new=after.name,
                )
            self.model(model, after)
        for model in self.new.models:
            if (
                model.name not in matched
                and model.name not in {m.name for m in self.old.models}
                and self._in_scope(None, model.name)
            ):
                self.add(
                    "model-added",
                    f"new model models.{model.name}",
                    python_name=f"models.{model.name}",
                    model=model.name,
                    new=model.name,
                )

    def model(self, old: ir.Model, new: ir.Model) -> None:
        old_base = self.renames.get(old.base, old.base) if old.base else None
        if old_base != new.base:
            self.add(
                "model-base-changed",
                f"models.{new.name} derives from {new.base or 'Model'} (was {old.base or 'Model'})",
                python_name=f"models.{new.name}",
                model=new.name,
                old=old.base,
                new=new.base,
            )
        sent = new.name in self.sent or old.name in self.sent
        read = new.name in self.read or old.name in self.read or not sent
        new_fields = {f.wire_name: f for f in new.init_fields}
        old_fields = {f.wire_name: f for f in old.init_fields}
        for wire, field in old_fields.items():
            label = f"models.{new.name}.{field.python_name}"
            common: dict[str, Any] = {"python_name": label, "model": new.name, "subject": wire}
            after = new_fields.get(wire)
            if after is None:
                self.add("field-removed", f"{label} no longer exists", old=field.annotation, **common)
                continue
            self.field(new.name, field, after, sent, read)
        for wire, field in new_fields.items():
            if wire not in old_fields:
                label = f"models.{new.name}.{field.python_name}"
                rule, level = (
                    ("request-field-became-required", "breaking")
                    if field.required and sent
                    else ("field-added", "added")
                )
                text = (
                    f"{label} is a new required field: constructing the model needs it"
                    if level == "breaking"
                    else f"new field {label}"
                )
                self.add(rule, text, level=level, python_name=label, model=new.name, subject=wire, new=field.annotation)

    def field(self, model: str, old: ir.Field, new: ir.Field, sent: bool, read: bool) -> None:
        label = f"models.{model}.{new.python_name}"
        common: dict[str, Any] = {"python_name": label, "model": model, "subject": new.wire_name}
        if old.python_name != new.python_name:
            self.add(
                "field-renamed",
                f"models.{model}.{old.python_name} is now {label}",
                old=old.python_name,
                new=new.python_name,
                **common,
            )
        if new.required and not old.required:
            if sent:
                self.add(
                    "request-field-became-required",
                    f"{label} became required: constructing the model needs it",
                    **common,
                )
            else:
                self.add("field-became-required", f"{label} is always present now", **common)
        elif old.required and not new.required:
            level = "type-breaking" if read else "added"
            self.add("field-became-optional", f"{label} may be UNSET now ({new.annotation})", level=level, **common)
        if new.nullable and not old.nullable:
            level = "type-breaking" if read else "added"
            self.add("field-became-nullable", f"{label} may be None now ({new.annotation})", level=level, **common)
        kind = compare_types(renamed(old.type.annotation, self.renames), new.type.annotation)
        if kind == "same":
            return
        text = f"{label} is {new.type.annotation} (was {old.type.annotation})"
        values: dict[str, Any] = {"old": old.type.annotation, "new": new.type.annotation}
        if kind == "changed" or (kind == "widened" and read) or (kind == "narrowed" and sent):
            self.add("field-type-changed", text, level="type-breaking", **values, **common)
        else:
            self.add(f"field-type-{kind}", text, **values, **common)

    def enum_classes(self) -> None:
        new_enums = {e.name: e for e in self.new.enums}
        for enum in self.old.enums:
            after = new_enums.get(self.renames.get(enum.name, enum.name))
            if not self._in_scope(enum.name, after.name if after else None):
                continue
            label = f"models.{enum.name}"
            if after is None:
                self.add("enum-removed", f"{label} no longer exists", python_name=label, model=enum.name, old=enum.name)
                continue
            if after.name != enum.name:
                self.add(
                    "enum-renamed",
                    f"{label} is now models.{after.name}",
                    python_name=f"models.{after.name}",
                    model=after.name,
                    old=enum.name,
                    new=after.name,
                )
            self.enum(enum, after)
        old_names = {e.name for e in self.old.enums} | set(self.renames.values())
        for enum in self.new.enums:
            if enum.name not in old_names and self._in_scope(None, enum.name):
                self.add(
                    "enum-added",
                    f"new enum models.{enum.name}",
                    python_name=f"models.{enum.name}",
                    model=enum.name,
                    new=enum.name,
                )

    def enum(self, old: ir.Enum, new: ir.Enum) -> None:
        old_members = {repr(m.value): m for m in old.members}
        new_members = {repr(m.value): m for m in new.members}
        sent = new.name in self.new_sent  # whether callers can pass the new value
        for value, member in old_members.items():
            after = new_members.get(value)
            if after is None:
                label = f"models.{new.name}.{member.name}"
                self.add(
                    "enum-value-removed",
                    f"{label} ({value}) no longer exists",
                    python_name=label,
                    model=new.name,
                    subject=str(member.value),
                    old=value,
                )
            elif after.name != member.name:
                label = f"models.{new.name}.{after.name}"
                self.add(
                    "enum-value-renamed",
                    f"models.{new.name}.{member.name} is now {label} ({value})",
                    python_name=label,
                    model=new.name,
                    subject=str(member.value),
                    old=member.name,
                    new=after.name,
                )
        for value, member in new_members.items():
            if value not in old_members:
                label = f"models.{new.name}.{member.name}"
                level = "added" if sent else "doc"
                why = "" if sent else " (responses may carry it; unknown values already decode to their plain value)"
                self.add(
                    "enum-value-added",
                    f"new value {label} ({value}){why}",
                    level=level,
                    python_name=label,
                    model=new.name,
                    subject=str(member.value),
                    new=value,
                )

    def alias_classes(self) -> None:
        new_aliases = {a.name: a for a in self.new.aliases}
        for alias in self.old.aliases:
            target = self.renames.get(alias.name, alias.name)
            after = new_aliases.get(target)
            if not self._in_scope(alias.name, target if after else None):
                continue
            label = f"models.{alias.name}"
            if after is None:
                if alias.name not in {m.name for m in self.new.models}:
                    self.add(
                        "alias-removed",
                        f"{label} no longer exists",
                        python_name=label,
                        model=alias.name,
                        old=alias.name,
                    )
                continue
            old_type = renamed(alias.type.annotation, self.renames)
            if compare_types(old_type, after.type.annotation) != "same":
                self.add(
                    "alias-type-changed",
                    f"models.{after.name} is {after.type.annotation} (was {old_type})",
                    python_name=f"models.{after.name}",
                    model=after.name,
                    old=old_type,
                    new=after.type.annotation,
                )


def _wire(param: ir.Parameter) -> str:
    return f"{param.location} {param.style}{' explode' if param.explode else ''}"


def _positional(op: ir.Operation) -> list[tuple[str, str]]:
    """The positional parameters in signature order: the required ones (optional ones are keyword-only)."""
    order = [(p.location, p.wire_name) for p in op.params if p.required]
    if op.body is not None and op.body.required:
        order.insert(min(op.body_position, len(order)), ("body", ""))
    return order


def _selector(name: str) -> str:
    """``get /pets`` names the operation ``GET /pets``; an operationId stays as written."""
    method, space, path = name.strip().partition(" ")
    if space and path.startswith("/"):
        return f"{method.upper()} {path.strip()}"
    return name.strip()


def diff_packages(old: ir.Package, new: ir.Package, operations: Iterable[str] | None = None) -> list[ApiChange]:
    """Every Python-level change from ``old`` to ``new``, sorted by class, method, model and name.

    ``operations`` (operation ids, or ``METHOD /path``) limits the report to those operations and
    the models they reach on either side; None compares everything.
    """
    keep = frozenset(_selector(name) for name in operations) if operations is not None else None
    differ = _Differ(old, new, keep)
    differ.package_level()
    differ.classes()
    differ.operations()
    differ.models()
    unique = {(c.sort_key(), c.subject, c.old or "", c.new or ""): c for c in differ.changes}
    return [unique[key] for key in sorted(unique)]


def level_rank(level: str) -> int:
    """0 for the most severe level."""
    return LEVELS.index(level)
