"""Derive a curated spec from its recipe: check the pinned snapshot, select, apply the overlay, write YAML.

``derive`` is a pure function of the recipe and the snapshot bytes: the same inputs give the same
text on any machine. The derived text carries a header saying how it was made and how to change it,
the recipe's notes, and each overlay action's reason as a comment at the node it touched.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SpecError
from ..loader import parse_text
from ..pipeline import display_path
from .emit import dump
from .overlay import Conflict, NoNode, apply, get_node, parse_target
from .recipe import RECIPE_SUFFIX, Recipe, load_recipe
from .selection import Where, load_snapshot, select

Path_ = tuple[str | int, ...]
DERIVED_MARK = "derived by clientgen from "


@dataclass(frozen=True)
class Derived:
    """A derivation: the spec text, its data, and the overlay conflicts (nothing is written with any)."""

    text: str
    data: Any
    conflicts: tuple[Conflict, ...]
    missing: tuple[str, ...] = ()  # selected operations a candidate snapshot lacks (lenient mode only)


def sha256_hex(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def derive(recipe_path: Path) -> Derived:
    """Derive ``specs/<name>.yaml`` from its recipe and the pinned snapshot."""
    return derive_recipe(load_recipe(recipe_path))


def derive_recipe(recipe: Recipe) -> Derived:
    """``derive`` of a recipe already read (or not yet written)."""
    if recipe.upstream is None:
        return own_source(recipe)
    snapshot = recipe.snapshot_path
    try:
        raw = snapshot.read_bytes()
    except OSError as error:
        raise SpecError(
            recipe.display,
            "/upstream/file",
            f"cannot read the snapshot {display_path(snapshot)}: {error.strerror}",
            "restore it from git, or pin a new one with `clientgen upstream pin`",
            recipe.line_of("/upstream/file"),
        ) from None
    found = sha256_hex(raw)
    if found != recipe.upstream.sha256:
        raise SpecError(
            recipe.display,
            "/upstream/sha256",
            f"the snapshot {display_path(snapshot)} has sha256 {found}, the recipe pins {recipe.upstream.sha256}",
            "restore the pinned file from git, or take the new one with "
            f"`clientgen upstream pin {recipe.name} --file {display_path(snapshot)}`",
            recipe.line_of("/upstream/sha256"),
        )
    return derive_from(recipe, raw)


def own_source(recipe: Recipe) -> Derived:
    """``upstream: none``: the curated spec is its own source, so its derivation is itself."""
    spec = recipe.spec_path
    try:
        text = spec.read_text(encoding="utf-8")
    except OSError as error:
        raise SpecError(
            display_path(spec), "", f"cannot read the spec: {error.strerror}", "restore it from git"
        ) from None
    if is_derived_text(text):
        raise SpecError(
            display_path(spec),
            "",
            "the spec says it is derived, but its recipe says `upstream: none`",
            "give the recipe its upstream block, or remove the derived header from the spec",
            1,
        )
    return Derived(text, parse_text(text, display_path(spec)), ())


def derive_from(recipe: Recipe, snapshot: bytes, *, lenient: bool = False) -> Derived:
    """Derive against ``snapshot`` (the pinned one, or a candidate new upstream file), without hash checks.

    ``lenient`` is for a candidate: a selected operation it lacks is left out and listed in
    ``missing``, and an action whose target it lacks is reported as a conflict (upstream now: nothing)
    instead of stopping with an error, so that everything that needs the curator is listed at once."""
    if recipe.upstream is None:
        return own_source(recipe)
    doc = load_snapshot(recipe.snapshot_path, display_path(recipe.snapshot_path), snapshot)
    missing: list[str] | None = [] if lenient else None
    selected = select(doc, recipe.selection, Where(recipe.display, recipe.line_of), missing)
    if lenient:
        data, conflicts = _apply_each(selected, recipe)
    else:
        data, conflicts = apply(selected, list(recipe.actions), file=recipe.display)
    text = dump(data, comments=_comments(recipe, data), header=header_lines(recipe))
    return Derived(text, data, tuple(conflicts), tuple(missing or ()))


def _apply_each(selected: Any, recipe: Recipe) -> tuple[Any, list[Conflict]]:
    """Apply the actions one by one; a target that matches nothing becomes a conflict."""
    state: Any = selected
    conflicts: list[Conflict] = []
    for index, action in enumerate(recipe.actions):
        try:
            get_node(state, action.path)
        except NoNode:
            curator: object = "remove" if action.remove else {"copy": action.copy} if action.copy else action.update
            conflicts.append(Conflict(index, action, action.base or "", "", None, curator))
            continue
        state, found = apply(state, [action], file=recipe.display)
        conflicts += [dataclasses.replace(conflict, index=index) for conflict in found]
    return state, conflicts


def header_lines(recipe: Recipe) -> list[str]:
    """The derived spec's header: how it was made, how to change it, then the recipe's notes."""
    assert recipe.upstream is not None
    origin = ", ".join(f"{key} {value}" for key, value in recipe.upstream.origin)
    lines = [
        f"{DERIVED_MARK}{recipe.path.parent.name}/{recipe.upstream.file} ({origin}); do not edit by hand:",
        f"change specs/{recipe.name}.recipe.yaml or run `clientgen upstream absorb {recipe.name}`",
    ]
    if recipe.notes.strip():
        lines.append("")
        lines.extend(recipe.notes.rstrip("\n").split("\n"))
    return lines


def _comments(recipe: Recipe, data: Any) -> dict[Path_, str]:
    """Each action's reason at the node it set (several reasons at one node joined in order)."""
    comments: dict[Path_, list[str]] = {}
    for action in recipe.actions:
        if action.remove:
            continue  # the node is gone; its reason stays in the recipe
        where = parse_target(action.target)
        try:
            node = get_node(data, where)
        except NoNode:
            continue  # a later action removed it
        if isinstance(node, list):  # an appended element: the last one equal to it
            found = [index for index, item in enumerate(node) if item == action.update]
            where = (*where, found[-1]) if found else where
        elif isinstance(action.update, dict) and len(action.update) == 1:
            where = (*where, next(iter(action.update)))  # the reason sits above the one key it sets
        reasons = comments.setdefault(where, [])
        if action.description not in reasons:
            reasons.append(action.description)
    return {path: "\n".join(reasons) for path, reasons in comments.items()}


def recipes_in(folder: Path) -> list[Path]:
    """The recipes in ``folder`` (``specs/``), sorted."""
    return sorted(p for p in folder.iterdir() if p.name.endswith(RECIPE_SUFFIX) and p.is_file())


def is_derived_text(text: str) -> bool:
    """Does a spec text say it was derived (the mark on its first line)?"""
    return DERIVED_MARK in text.split("\n", 1)[0]
