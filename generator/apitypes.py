"""Type and usage questions the Python-level diff asks of the IR: does one annotation cover
another, what does a renamed class make of an old annotation, which classes a method sends or reads.

Annotations are compared as trees: top-level union members, each a name with optional bracketed
arguments. ``wide`` covers ``narrow`` when every member of ``narrow`` is covered by a member of
``wide`` (``Any`` covers everything, ``float`` covers ``int``, ``X[a]`` covers ``X[b]`` when ``a``
covers ``b``). Model names of the old side are mapped through renames first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from . import ir
from .typeexpr import union_members


def _split_args(text: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:index].strip())
            start = index + 1
    parts.append(text[start:].strip())
    return parts


def _member_covers(wide: str, narrow: str) -> bool:
    if wide == narrow or wide == "Any":
        return True
    if wide == "float" and narrow == "int":
        return True
    if "[" in wide and "[" in narrow and wide.endswith("]") and narrow.endswith("]"):
        wide_head, _, wide_rest = wide.partition("[")
        narrow_head, _, narrow_rest = narrow.partition("[")
        if wide_head != narrow_head:
            return False
        wide_args = _split_args(wide_rest[:-1])
        narrow_args = _split_args(narrow_rest[:-1])
        return len(wide_args) == len(narrow_args) and all(
            covers(w, n) for w, n in zip(wide_args, narrow_args, strict=True)
        )
    return False


def covers(wide: str, narrow: str) -> bool:
    """Whether every value the annotation ``narrow`` allows is allowed by ``wide``."""
    wide_members = union_members(wide)
    return all(any(_member_covers(w, n) for w in wide_members) for n in union_members(narrow))


def compare_types(old: str, new: str) -> str:
    """``same``, ``narrowed`` (new allows less), ``widened`` (new allows more) or ``changed``."""
    if old == new:
        return "same"
    old_covers, new_covers = covers(old, new), covers(new, old)
    if old_covers and new_covers:
        return "same"  # the same members in another order
    if old_covers:
        return "narrowed"
    if new_covers:
        return "widened"
    return "changed"


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def renamed(annotation: str, renames: dict[str, str]) -> str:
    """The old annotation with renamed model classes under their new names."""
    if not renames:
        return annotation
    return _NAME.sub(lambda m: renames.get(m.group(0), m.group(0)), annotation)


def reach(package: ir.Package, roots: Iterable[str]) -> set[str]:
    """Every model, enum and alias a set of classes reaches through fields, bases and subtypes."""
    models = {m.name: m for m in package.models}
    aliases = {a.name: a for a in package.aliases}
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in models:
            model = models[name]
            for field in model.init_fields:
                todo.extend(field.type.models)
            if model.base:
                todo.append(model.base)
            todo.extend(case.model for case in model.subtypes)
            if model.discriminator:
                todo.extend(case.model for case in model.discriminator.cases)
        elif name in aliases:
            todo.extend(aliases[name].type.models)
    return seen


def sent_and_read(package: ir.Package, operations: list[ir.Operation]) -> tuple[set[str], set[str]]:
    sent: list[str] = []
    read: list[str] = []
    for op in operations:
        for param in op.params:
            sent.extend(param.type.models)
        if op.body is not None:
            sent.extend(op.body.type.models)
        read.extend(op.return_type.models)
        for response in op.success + op.errors:
            if response.type is not None:
                read.extend(response.type.models)
    return reach(package, sent), reach(package, read)
