"""Read and check a recipe (``specs/<name>.recipe.yaml``), and write one back canonically.

A recipe says where a curated spec comes from (a pinned upstream snapshot, or ``upstream: none``),
which operations it keeps, what is pruned, and the curator's edits as ordered Overlay 1.0 actions,
each with its reason. Every field is checked here, so later stages can trust the ``Recipe``; an error
names the recipe file, the line, the JSON pointer, what is wrong and what to do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import SpecError
from ..loader import Document, load_document, parse_text, pointer_of
from ..pipeline import display_path
from . import overlay
from .overlay import NO_UPDATE, Action

FORMAT_VERSION = 1
RECIPE_SUFFIX = ".recipe.yaml"
FORMATS = ("openapi-3.0", "openapi-3.1", "swagger-2.0")
PRUNE_RULES = ("unused-security-schemes", "unused-tags")
COMPONENT_KINDS = (
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "pathItems",
)
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
TODO_REASON = "TODO: say why (absorbed hand edit)"
_SHA256 = re.compile(r"[0-9a-f]{64}")
_BASE = re.compile(r"sha256:[0-9a-f]{64}")
_KEEP = re.compile(r"#/components/(" + "|".join(COMPONENT_KINDS) + r")/[^/]+")
_SELECTOR = re.compile(r"(?:" + "|".join(m.upper() for m in METHODS) + r") /\S*")
_ROOT_KEYS = ("clientgen-recipe", "upstream", "reason", "select", "notes", "overlay")
_UPSTREAM_KEYS = ("file", "sha256", "format", "api-version", "origin")
_SELECT_KEYS = ("operations", "keep", "prune")
_ACTION_KEYS = ("target", "description", "update", "remove", "copy", "x-base")


@dataclass(frozen=True)
class Upstream:
    """The pinned snapshot a spec is derived from."""

    file: str  # relative to the recipe's folder
    sha256: str
    format: str
    api_version: str
    origin: tuple[tuple[str, str], ...]  # free-form provenance, in the recipe's order


@dataclass(frozen=True)
class Selection:
    """Which operations are kept, extra components, and what is pruned."""

    operations: tuple[str, ...]  # operationIds or "METHOD /path"
    keep: tuple[str, ...] = ()  # "#/components/<kind>/<name>"
    prune: tuple[str, ...] = ()  # PRUNE_RULES, or a vendor extension key ("x-faker") dropped everywhere


@dataclass(frozen=True)
class Recipe:
    """One checked recipe. ``upstream`` is None for a spec that is its own source (``reason`` says why)."""

    path: Path
    display: str
    upstream: Upstream | None
    reason: str = ""
    selection: Selection = field(default_factory=lambda: Selection(()))
    notes: str = ""
    actions: tuple[Action, ...] = ()
    doc: Document | None = field(default=None, compare=False, repr=False)  # for line numbers in errors

    def line_of(self, pointer: str) -> int | None:
        return self.doc.line_of(pointer) if self.doc is not None else None

    @property
    def name(self) -> str:
        return self.path.name[: -len(RECIPE_SUFFIX)]

    @property
    def spec_path(self) -> Path:
        """The derived spec, ``specs/<name>.yaml`` beside the recipe."""
        return self.path.with_name(f"{self.name}.yaml")

    @property
    def snapshot_path(self) -> Path:
        if self.upstream is None:
            raise ValueError(f"{self.display} has no upstream snapshot")
        return self.path.parent / self.upstream.file


def recipe_path_for(spec: Path) -> Path:
    """``specs/x.yaml`` (or ``specs/x.recipe.yaml``, or ``x``) -> ``specs/x.recipe.yaml``."""
    if spec.name.endswith(RECIPE_SUFFIX):
        return spec
    if spec.suffix in (".yaml", ".yml", ".json"):
        return spec.with_name(spec.stem + RECIPE_SUFFIX)
    return spec.with_name(spec.name + RECIPE_SUFFIX)


def load_recipe(path: Path) -> Recipe:
    """Read and check one recipe file."""
    if not path.name.endswith(RECIPE_SUFFIX):
        raise SpecError(display_path(path), "", "not a recipe file name", f"name it <spec>{RECIPE_SUFFIX}")
    doc = load_document(path, display_path(path))
    return parse_recipe(doc)


def parse_recipe_text(text: str, path: Path) -> Recipe:
    """Check a recipe given as text (for a recipe not yet written)."""
    shown = display_path(path)
    return parse_recipe(Document(path=path, data=parse_text(text, shown), text=text, display=shown))


def parse_recipe(doc: Document) -> Recipe:
    check = _Checker(doc)
    data = check.mapping((), doc.data, _ROOT_KEYS, required=("clientgen-recipe", "upstream"))
    if data["clientgen-recipe"] != FORMAT_VERSION or isinstance(data["clientgen-recipe"], bool):
        check.fail(("clientgen-recipe",), f"unknown recipe format {data['clientgen-recipe']!r}", "write 1")
    notes = check.text(("notes",), data.get("notes", ""), empty_ok=True)
    if data["upstream"] == "none":
        reason = check.text(("reason",), data.get("reason"), missing="a recipe with `upstream: none` needs a reason")
        for key in ("select", "overlay"):
            if data.get(key):
                check.fail((key,), f"`{key}` with `upstream: none`", "there is nothing to select from: remove it")
        return Recipe(doc.path, doc.display, None, reason=reason, notes=notes, doc=doc)
    if "reason" in data:
        check.fail(("reason",), "`reason` belongs to `upstream: none`", "remove it, or say it in `notes`")
    upstream = _upstream(check, data["upstream"])
    if "select" not in data:
        check.fail((), "no `select` block", "list the kept operations under select: operations:")
    selection = _selection(check, data["select"])
    raw_actions = data.get("overlay", [])
    if not isinstance(raw_actions, list):
        check.fail(("overlay",), "`overlay` is not a list", "write a list of actions (target, description, update)")
    actions = tuple(_action(check, index, raw) for index, raw in enumerate(raw_actions))
    return Recipe(doc.path, doc.display, upstream, selection=selection, notes=notes, actions=actions, doc=doc)


def _upstream(check: _Checker, raw: Any) -> Upstream:
    where: tuple[str | int, ...] = ("upstream",)
    if not isinstance(raw, dict):
        check.fail(
            where, "`upstream` is neither a mapping nor `none`", "give file, sha256, format, api-version, origin"
        )
    data = check.mapping(where, raw, _UPSTREAM_KEYS, required=_UPSTREAM_KEYS)
    file = check.text((*where, "file"), data["file"])
    if file.startswith("/") or ".." in Path(file).parts:
        check.fail((*where, "file"), "the snapshot must lie below the recipe's folder", "e.g. upstream/<name>/<file>")
    sha = check.text((*where, "sha256"), data["sha256"])
    if not _SHA256.fullmatch(sha):
        check.fail((*where, "sha256"), "not a sha256 (64 lower-case hex digits)", "run `clientgen upstream pin`")
    format_ = check.text((*where, "format"), data["format"])
    if format_ not in FORMATS:
        check.fail((*where, "format"), f"unknown format {format_!r}", "one of " + ", ".join(FORMATS))
    version = check.text((*where, "api-version"), data["api-version"])
    origin_raw = check.mapping((*where, "origin"), data["origin"], None, required=())
    origin: list[tuple[str, str]] = []
    for key, value in origin_raw.items():
        if not isinstance(value, (str, int)) or isinstance(value, bool) or str(value) == "":
            # a float would lose digits (3.10 reads as 3.1), so versions must be quoted
            check.fail((*where, "origin", key), "origin values are plain text", "quote the value ('3.10')")
        origin.append((key, str(value)))
    if not any(key in origin_raw for key in ("repository", "package", "url")):
        check.fail((*where, "origin"), "origin names no source", "give `repository`, `package` or `url`")
    return Upstream(file, sha, format_, version, tuple(origin))


def _selection(check: _Checker, raw: Any) -> Selection:
    where: tuple[str | int, ...] = ("select",)
    data = check.mapping(where, raw, _SELECT_KEYS, required=("operations",))
    operations = check.strings((*where, "operations"), data["operations"], empty_ok=False)
    seen: set[str] = set()
    for index, operation in enumerate(operations):
        if operation in seen:
            check.fail((*where, "operations", index), f"{operation!r} is listed twice", "list it once")
        seen.add(operation)
        if " " in operation and not _SELECTOR.fullmatch(operation):
            check.fail(
                (*where, "operations", index), f"{operation!r} is no operationId or METHOD /path", "e.g. GET /pets"
            )
    keep = check.strings((*where, "keep"), data.get("keep", []))
    for index, ref in enumerate(keep):
        if not _KEEP.fullmatch(ref):
            check.fail((*where, "keep", index), f"{ref!r} names no component", "write #/components/<kind>/<name>")
    prune = check.strings((*where, "prune"), data.get("prune", []))
    for index, rule in enumerate(prune):
        if rule not in PRUNE_RULES and not rule.startswith("x-"):
            check.fail(
                (*where, "prune", index),
                f"unknown prune rule {rule!r}",
                "one of " + ", ".join(PRUNE_RULES) + ", or a vendor extension key such as x-faker",
            )
    return Selection(tuple(operations), tuple(keep), tuple(prune))


def _action(check: _Checker, index: int, raw: Any) -> Action:
    where: tuple[str | int, ...] = ("overlay", index)
    data = check.mapping(where, raw, _ACTION_KEYS, required=("target", "description"))
    target = check.text((*where, "target"), data["target"])
    try:
        overlay.parse_target(target)
    except ValueError as error:
        check.fail(
            (*where, "target"),
            f"not a single-node normalized path: {error}",
            "write it in bracket notation, e.g. $['paths']['/a/{id}']['get']",
        )
    description = check.text((*where, "description"), data["description"])
    has_update, remove = "update" in data, data.get("remove", False)
    if not isinstance(remove, bool):
        check.fail((*where, "remove"), "`remove` is not true or false", "write remove: true")
    source = data.get("copy")
    if source is not None:
        check.text((*where, "copy"), source)
        try:
            overlay.parse_target(source)
        except ValueError as error:
            check.fail((*where, "copy"), f"not a single-node normalized path: {error}", "write it in bracket notation")
    if [has_update, remove, source is not None].count(True) != 1:
        check.fail(where, "an action needs exactly one of `update`, `remove: true` and `copy`", "give one of them")
    base = data.get("x-base")
    if base is not None and (not isinstance(base, str) or not _BASE.fullmatch(base)):
        check.fail((*where, "x-base"), "not a node hash (sha256:<64 hex digits>)", "remove it; absorb writes it")
    pointer = pointer_of(where)
    return Action(
        target=target,
        update=data["update"] if has_update else NO_UPDATE,
        remove=remove,
        description=description,
        base=base,
        copy=source,
        pointer=pointer,
        line=check.doc.line_of(pointer),
    )


class _Checker:
    """Type checks of recipe fields, each failing with the field's place."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc

    def fail(self, where: tuple[str | int, ...], message: str, hint: str) -> Any:
        pointer = pointer_of(where)
        raise SpecError(self.doc.display, pointer, message, hint, self.doc.line_of(pointer))

    def mapping(
        self, where: tuple[str | int, ...], raw: Any, allowed: tuple[str, ...] | None, required: tuple[str, ...]
    ) -> dict[str, Any]:
        if not isinstance(raw, dict):
            self.fail(where, "not a mapping", "write key: value lines here")
        for key in raw:
            if allowed is not None and key not in allowed:
                self.fail((*where, key), f"unknown key {key!r}", "allowed here: " + ", ".join(allowed))
        for key in required:
            if key not in raw:
                self.fail(where, f"`{key}` is missing", f"add {key}:")
        return dict(raw)

    def text(self, where: tuple[str | int, ...], raw: Any, empty_ok: bool = False, missing: str = "") -> str:
        if raw is None and missing:
            self.fail(where[:-1], missing, f"add {where[-1]}: <text>")
        if not isinstance(raw, str) or (not empty_ok and not raw.strip()):
            self.fail(where, "not a non-empty string", "write text (quote it if YAML reads it as something else)")
        return str(raw)

    def strings(self, where: tuple[str | int, ...], raw: Any, empty_ok: bool = True) -> list[str]:
        if not isinstance(raw, list) or (not empty_ok and not raw):
            self.fail(where, "not a non-empty list" if not empty_ok else "not a list", "write a list of strings")
        for index, item in enumerate(raw):
            if not isinstance(item, str) or not item:
                self.fail((*where, index), "not a string", "quote it")
        return list(raw)


def recipe_data(recipe: Recipe) -> dict[str, Any]:
    """The recipe as plain data in the canonical key order (for ``emit.dump``)."""
    out: dict[str, Any] = {"clientgen-recipe": FORMAT_VERSION}
    if recipe.upstream is None:
        out["upstream"] = "none"
        out["reason"] = recipe.reason
        if recipe.notes:
            out["notes"] = recipe.notes
        return out
    up = recipe.upstream
    out["upstream"] = {
        "file": up.file,
        "sha256": up.sha256,
        "format": up.format,
        "api-version": up.api_version,
        "origin": dict(up.origin),
    }
    select: dict[str, Any] = {"operations": list(recipe.selection.operations)}
    if recipe.selection.keep:
        select["keep"] = list(recipe.selection.keep)
    if recipe.selection.prune:
        select["prune"] = list(recipe.selection.prune)
    out["select"] = select
    if recipe.notes:
        out["notes"] = recipe.notes
    out["overlay"] = [action_data(action) for action in recipe.actions]
    return out


def action_data(action: Action) -> dict[str, Any]:
    out: dict[str, Any] = {"target": action.target, "description": action.description}
    if action.remove:
        out["remove"] = True
    elif action.copy is not None:
        out["copy"] = action.copy
    else:
        out["update"] = action.update
    if action.base is not None:
        out["x-base"] = action.base
    return out


def dump_recipe(recipe: Recipe) -> str:
    from .emit import dump

    return dump(recipe_data(recipe))
