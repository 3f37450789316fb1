"""The Python-level comparison of the models module: model classes and their fields, enums and their
members, type aliases, each judged by where the model is used (sent, read or both)."""

from __future__ import annotations

from typing import Any

from .. import ir
from ..apitypes import compare_types, renamed
from .context import DiffContext


class ModelChecks(DiffContext):
    """The rules on models, enums and aliases."""

    def models(self) -> None:
        self.model_classes()
        self.enum_classes()
        self.alias_classes()

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
