"""Lazy ``models`` for big APIs: above ``THRESHOLD`` models the package's ``models`` becomes a
package of parts loaded on first use, so ``import pkg.models`` does not build 3,500 classes.

Everything here is computed from the IR at render time. A part is a set of models whose classes
need each other while being defined (a parent and its subclasses, a discriminator and its cases),
packed in spec order; enums live in parts of their own, which import nothing, so no two parts
import each other at run time. References to models of other parts that are only needed when a
value is decoded (``ModelOf(lambda: X)``) go through the ``models`` package's ``__getattr__``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import ir
from .pysort import import_key, isort_key

THRESHOLD = 300  # models; the curated clients are far below it and keep one models.py
MODELS_PER_PART = 40
ENUMS_PER_PART = 100

_IDENT = re.compile(r"[A-Za-z_]\w*")
_FORWARD = re.compile(r"ModelOf\(lambda: ([A-Za-z_]\w*)\)")
_ENUM_USE = re.compile(r"EnumOf\(([A-Za-z_]\w*)")


@dataclass(frozen=True)
class Part:
    module: str  # e.g. "_p001"
    enums: tuple[ir.Enum, ...]
    models: tuple[ir.Model, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """In ``__all__`` order."""
        return tuple(sorted([e.name for e in self.enums] + [m.name for m in self.models], key=isort_key))

    @property
    def import_names(self) -> tuple[str, ...]:
        """In the order of one ``from .part import ...``."""
        return tuple(sorted(self.names, key=import_key))


@dataclass(frozen=True)
class PartImports:
    """What a part's module imports (the template lists it)."""

    datetime: bool
    typing: tuple[str, ...]
    runtime: tuple[str, ...]
    imports: tuple[tuple[str, tuple[str, ...]], ...]  # run-time imports from other parts
    type_only: tuple[tuple[str, tuple[str, ...]], ...]  # under TYPE_CHECKING
    lazy: bool  # uses the package's __getattr__


def is_lazy(pkg: ir.Package) -> bool:
    return len(pkg.models) > THRESHOLD


def split(pkg: ir.Package) -> tuple[Part, ...]:
    """The parts: enums first, then models grouped so that definition-time needs stay inside one part."""
    parts: list[Part] = []
    for start in range(0, len(pkg.enums), ENUMS_PER_PART):
        parts.append(Part(f"_e{len(parts) + 1:03d}", pkg.enums[start : start + ENUMS_PER_PART], ()))
    index = {m.name: i for i, m in enumerate(pkg.models)}
    parent = list(range(len(pkg.models)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(a: str, b: str) -> None:
        if a in index and b in index:
            ra, rb = root(index[a]), root(index[b])
            parent[max(ra, rb)] = min(ra, rb)

    for model in pkg.models:
        if model.base:
            join(model.name, model.base)
        for case in model.subtypes:
            join(model.name, case.model)
    atoms: dict[int, list[ir.Model]] = {}
    for i, model in enumerate(pkg.models):
        atoms.setdefault(root(i), []).append(model)  # spec order inside: parents before subclasses
    chunk: list[ir.Model] = []
    first = len(parts)
    for atom in atoms.values():
        chunk.extend(atom)
        if len(chunk) >= MODELS_PER_PART:
            parts.append(Part(f"_p{len(parts) - first + 1:03d}", (), tuple(chunk)))
            chunk = []
    if chunk:
        parts.append(Part(f"_p{len(parts) - first + 1:03d}", (), tuple(chunk)))
    return tuple(parts)


def _code_idents(part: Part) -> set[str]:
    """Names the part's code (not its docstrings) uses."""
    found: set[str] = set()
    for model in part.models:
        found.update(_IDENT.findall(model.base or "Model"))
        for case in model.subtypes:
            found.add(case.model)
        for f in model.fields:
            found.update(_IDENT.findall(f.annotation))
            found.update(_IDENT.findall(f.type.codec))
            if f.default is not None:
                found.update(_IDENT.findall(f.default))
            found.add("field")
    return found


def imports(pkg: ir.Package, part: Part, where: dict[str, str]) -> PartImports:
    """``where``: class name -> module of its part."""
    own = set(part.names)
    used = _code_idents(part)
    forward = {name for m in part.models for f in m.fields for name in _FORWARD.findall(f.type.codec)}
    needed_now: set[str] = set()
    for model in part.models:
        if model.base:
            needed_now.add(model.base)
        needed_now.update(case.model for case in model.subtypes)
        for f in model.fields:
            needed_now.update(_ENUM_USE.findall(f.type.codec))
    foreign = {n for n in used if n in where and n not in own}
    now = sorted(foreign & needed_now)
    later = sorted(foreign - needed_now)
    # TYPE_CHECKING first: isort puts constants before classes
    typing = (["TYPE_CHECKING"] if later else []) + [n for n in pkg.models_imports.typing if n in used]
    return PartImports(
        datetime=any("datetime" in f.annotation for m in part.models for f in m.fields),
        typing=tuple(typing),
        runtime=tuple(n for n in pkg.models_imports.runtime if n in used),
        imports=_by_module(now, where),
        type_only=_by_module(later, where),
        lazy=bool(forward - own),
    )


def forward_refs(body: str, part: Part) -> str:
    """``ModelOf(lambda: X)`` for an ``X`` of another part becomes a look-up through ``models``."""
    own = set(part.names)
    return _FORWARD.sub(lambda m: m.group(0) if m.group(1) in own else f'ModelOf(lambda: _lazy("{m.group(1)}"))', body)


def _by_module(names: list[str], where: dict[str, str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    grouped: dict[str, list[str]] = {}
    for name in names:
        grouped.setdefault(where[name], []).append(name)
    return tuple((module, tuple(sorted(grouped[module], key=import_key))) for module in sorted(grouped))
