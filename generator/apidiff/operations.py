"""The Python-level comparison of the package, the API classes and each operation's method: its name,
endpoint, deprecation, iterator, parameters, body, return type and credentials."""

from __future__ import annotations

from typing import Any

from .. import ir
from ..apitypes import compare_types, renamed
from .context import DiffContext, _Located, _match_operations


class OperationChecks(DiffContext):
    """The package-level, class-level and per-operation rules."""

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


def _wire(param: ir.Parameter) -> str:
    return f"{param.location} {param.style}{' explode' if param.explode else ''}"


def _positional(op: ir.Operation) -> list[tuple[str, str]]:
    """The positional parameters in signature order: the required ones (optional ones are keyword-only)."""
    order = [(p.location, p.wire_name) for p in op.params if p.required]
    if op.body is not None and op.body.required:
        order.insert(min(op.body_position, len(order)), ("body", ""))
    return order
