"""Which classes of the old package are the same schema under a new name.

A rename is found two ways: the same schema pointer (``Model.source``) under a new class name, or
a class that disappeared while, at the very place it was used (a matched operation's return,
body or parameter type, or a matched model's field), a new class appeared with the same
structure (same wire properties, required and nullable flags, and field types equal up to such
renames; for enums the same values). Structural matches are checked as a whole: every pair a
match implies must hold, or none is taken.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from . import ir

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class _Classes:
    def __init__(self, package: ir.Package) -> None:
        self.models = {m.name: m for m in package.models}
        self.enums = {e.name: e for e in package.enums}
        self.aliases = {a.name: a for a in package.aliases}

    def names(self) -> set[str]:
        return set(self.models) | set(self.enums) | set(self.aliases)


def _annotation_pairs(old: str, new: str) -> list[tuple[str, str]] | None:
    """The identifier pairs where two annotations differ, or None when their shape differs."""
    old_parts = _NAME.split(old)
    new_parts = _NAME.split(new)
    old_names = _NAME.findall(old)
    new_names = _NAME.findall(new)
    if old_parts != new_parts or len(old_names) != len(new_names):
        return None
    return [(a, b) for a, b in zip(old_names, new_names, strict=True) if a != b]


class RenameFinder:
    def __init__(self, old: ir.Package, new: ir.Package) -> None:
        self.old = _Classes(old)
        self.new = _Classes(new)
        self.gone = self.old.names() - self.new.names()
        self.came = self.new.names() - self.old.names()
        self.renames: dict[str, str] = {}
        new_by_source = {m.source: m.name for m in new.models if m.source}
        for model in old.models:
            target = new_by_source.get(model.source)
            if target and model.name in self.gone and target in self.came:
                self.renames[model.name] = target

    def _same_structure(self, old: str, new: str, todo: list[tuple[str, str]]) -> bool:
        if old in self.old.enums and new in self.new.enums:
            before, after = self.old.enums[old], self.new.enums[new]
            return before.value_type == after.value_type and sorted(repr(m.value) for m in before.members) == sorted(
                repr(m.value) for m in after.members
            )
        if old in self.old.aliases and new in self.new.aliases:
            return self._types(self.old.aliases[old].type.annotation, self.new.aliases[new].type.annotation, todo)
        if old in self.old.models and new in self.new.models:
            before_model, after_model = self.old.models[old], self.new.models[new]
            if (before_model.base is None) != (after_model.base is None):
                return False
            if before_model.base and after_model.base and before_model.base != after_model.base:
                todo.append((before_model.base, after_model.base))
            old_fields = {f.wire_name: f for f in before_model.init_fields}
            new_fields = {f.wire_name: f for f in after_model.init_fields}
            if set(old_fields) != set(new_fields):
                return False
            for wire, field in old_fields.items():
                other = new_fields[wire]
                if (field.required, field.nullable) != (other.required, other.nullable):
                    return False
                if not self._types(field.type.annotation, other.type.annotation, todo):
                    return False
            return True
        return False

    def _types(self, old: str, new: str, todo: list[tuple[str, str]]) -> bool:
        pairs = _annotation_pairs(old, new)
        if pairs is None:
            return False
        todo.extend(pairs)
        return True

    def attempt(self, old: str, new: str) -> bool:
        """Take ``old -> new`` (and every pair it implies) if the structures agree throughout."""
        assumed = dict(self.renames)
        taken = set(assumed.values())
        todo = [(old, new)]
        while todo:
            before, after = todo.pop()
            if assumed.get(before) == after:
                continue
            if before in assumed or after in taken or before not in self.gone or after not in self.came:
                return False
            assumed[before] = after
            taken.add(after)
            if not self._same_structure(before, after, todo):
                return False
        self.renames = assumed
        return True

    def from_annotations(self, pairs: Iterable[tuple[str, str]]) -> bool:
        """Try the class pairs where an old and a new annotation at one use site differ."""
        changed = False
        for old, new in pairs:
            found = _annotation_pairs(old, new)
            for before, after in found or ():
                if before in self.gone and after in self.came and before not in self.renames:
                    changed |= self.attempt(before, after)
        return changed

    def field_sites(self) -> list[tuple[str, str]]:
        """(old, new) field annotations of every matched model, by wire name."""
        sites: list[tuple[str, str]] = []
        for name, model in self.old.models.items():
            other = self.new.models.get(self.renames.get(name, name))
            if other is None:
                continue
            after = {f.wire_name: f for f in other.init_fields}
            for field in model.init_fields:
                if field.wire_name in after:
                    sites.append((field.type.annotation, after[field.wire_name].type.annotation))
            if model.base and other.base:
                sites.append((model.base, other.base))
        return sites


def find_renames(old: ir.Package, new: ir.Package, operation_sites: list[tuple[str, str]]) -> dict[str, str]:
    """Old class name -> new class name. ``operation_sites`` are (old, new) annotations of matched
    operations (return, body and parameter types)."""
    finder = RenameFinder(old, new)
    finder.from_annotations(operation_sites)
    while finder.from_annotations(finder.field_sites()):
        pass
    return dict(sorted(finder.renames.items()))
