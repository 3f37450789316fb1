"""Cut a curated subset out of an upstream document: the selected operations and everything they reach.

The closure follows every local ``$ref`` (schemas, parameters, responses, request bodies, headers,
examples, links, callbacks), discriminator mappings (``$ref``-style and bare schema names), the
security schemes the kept operations use and the tags they carry. Upstream key order is kept
everywhere, so the result reads like the upstream file. One walk over the kept nodes with a seen set:
linear in the size of what is kept.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SpecError
from ..loader import Document, load_document, parse_text, pointer_of, split_pointer
from ..validate import openapi3, prepare
from .recipe import COMPONENT_KINDS, METHODS, Selection

# mappings whose keys are names chosen by the API author, never vendor extensions to prune
_NAMED_MAPS = frozenset(
    {"properties", "patternProperties", "paths", "mapping", "variables", "content", "encoding", *COMPONENT_KINDS}
)


def load_snapshot(path: Path, display: str, raw: bytes | None = None) -> Document:
    """Read a snapshot (or ``raw``, a candidate for it) as OpenAPI 3: Swagger 2.0 is converted."""
    if raw is None:
        doc = load_document(path, display)
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SpecError(display, "", f"not UTF-8 text (byte {exc.start})", "save the snapshot as UTF-8") from None
        doc = Document(path=path, data=parse_text(text, display), text=text, display=display)
    return openapi3(doc, prepare(doc))


def operations(data: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every operation in document order: (path, method, operation)."""
    paths = data.get("paths")
    if not isinstance(paths, dict):
        return
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        for method, operation in item.items():
            if method in METHODS and isinstance(operation, dict):
                yield path, method, operation


def selector_of(path: str, method: str, operation: dict[str, Any]) -> str:
    """How a recipe names the operation: its operationId, else ``METHOD /path``."""
    operation_id = operation.get("operationId")
    return operation_id if isinstance(operation_id, str) and operation_id else f"{method.upper()} {path}"


@dataclass(frozen=True)
class Where:
    """Where the selection is written, for error messages: the recipe file and its line lookup."""

    display: str
    line_of: Callable[[str], int | None] = lambda pointer: None


def select(doc: Document, selection: Selection, where: Where, missing: list[str] | None = None) -> dict[str, Any]:
    """The subset of ``doc`` (OpenAPI 3 data) that ``selection`` asks for, pruned; a fresh copy.

    An operation the snapshot does not have is an error, unless ``missing`` is given: then it is
    appended there and left out (a candidate new upstream file may have dropped it)."""
    data = doc.data
    kept = _kept_operations(data, selection, where, missing)
    drop_keys = frozenset(rule for rule in selection.prune if rule.startswith("x-"))
    paths: dict[str, Any] = {}
    for path, item in data.get("paths", {}).items():
        methods = {method for (p, method) in kept if p == path}
        if methods:
            paths[path] = {k: v for k, v in item.items() if k not in METHODS or k in methods}
    components = data.get("components") if isinstance(data.get("components"), dict) else {}
    for index, ref in enumerate(selection.keep):
        kind, name = split_pointer(ref[1:])[1:3]
        if not isinstance(components.get(kind), dict) or name not in components[kind]:
            pointer = pointer_of(("select", "keep", index))
            raise SpecError(
                where.display,
                pointer,
                f"the snapshot has no component {ref!r}",
                "remove it from keep (upstream may have renamed or dropped it)",
                where.line_of(pointer),
            )
    reached = _closure([paths, data.get("security")], selection.keep, components)
    used_schemes, used_tags = _used_schemes_and_tags(data, kept)
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == "paths":
            out[key] = paths
        elif key == "components":
            kept_components = _components(value, reached, used_schemes, "unused-security-schemes" in selection.prune)
            if kept_components:
                out[key] = kept_components
        elif key == "tags" and "unused-tags" in selection.prune and isinstance(value, list):
            tags = [tag for tag in value if isinstance(tag, dict) and tag.get("name") in used_tags]
            if tags:
                out[key] = tags
        elif key == "webhooks":
            continue  # not operations a client calls
        else:
            out[key] = value
    copied: dict[str, Any] = _copy(out, drop_keys, "")
    return copied


def _kept_operations(
    data: dict[str, Any], selection: Selection, where: Where, missing: list[str] | None
) -> dict[tuple[str, str], str]:
    """(path, method) -> selector for every selected operation; an unknown selector is an error."""
    by_selector: dict[str, tuple[str, str]] = {}
    for path, method, operation in operations(data):
        by_selector.setdefault(f"{method.upper()} {path}", (path, method))
        operation_id = operation.get("operationId")
        if isinstance(operation_id, str) and operation_id:
            by_selector.setdefault(operation_id, (path, method))
    kept: dict[tuple[str, str], str] = {}
    for index, selector in enumerate(selection.operations):
        found = by_selector.get(selector)
        pointer = pointer_of(("select", "operations", index))
        if found is None and missing is not None:
            missing.append(selector)
            continue
        if found is None:
            near = difflib.get_close_matches(selector, sorted(by_selector), n=3, cutoff=0.6)
            hint = "near matches upstream: " + ", ".join(near) if near else "check the spelling against the snapshot"
            raise SpecError(
                where.display,
                pointer,
                f"the snapshot has no operation {selector!r}",
                hint + " (or the operation was removed upstream: drop it from the selection)",
                where.line_of(pointer),
            )
        if found in kept:
            raise SpecError(
                where.display,
                pointer,
                f"{selector!r} and {kept[found]!r} name the same operation",
                "list it once",
                where.line_of(pointer),
            )
        kept[found] = selector
    return kept


def _closure(roots: list[Any], keep: tuple[str, ...], components: dict[str, Any]) -> set[tuple[str, str]]:
    """Every (kind, name) of ``components`` that the roots reach, plus ``keep``."""
    reached: set[tuple[str, str]] = set()
    stack: list[Any] = list(roots)

    def reach(kind: str, name: str) -> None:
        group = components.get(kind)
        if (kind, name) not in reached and isinstance(group, dict) and name in group:
            reached.add((kind, name))
            stack.append(group[name])

    for ref in keep:
        parts = split_pointer(ref[1:])
        reach(parts[1], parts[2])  # select() has checked that it exists
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        target = node.get("$ref")
        if isinstance(target, str) and target.startswith("#/components/"):
            parts = split_pointer(target[1:])
            if len(parts) >= 3:
                reach(parts[1], parts[2])
        discriminator = node.get("discriminator")
        if isinstance(discriminator, dict) and isinstance(discriminator.get("mapping"), dict):
            for target in discriminator["mapping"].values():
                if isinstance(target, str):
                    name = split_pointer(target[1:])[2] if target.startswith("#/components/schemas/") else target
                    reach("schemas", name)
        stack.extend(value for key, value in node.items() if key != "$ref")
    return reached


def _used_schemes_and_tags(data: dict[str, Any], kept: dict[tuple[str, str], str]) -> tuple[set[str], set[str]]:
    schemes: set[str] = set()
    tags: set[str] = set()
    root_security = data.get("security")
    for path, method, operation in operations(data):
        if (path, method) not in kept:
            continue
        security = operation.get("security", root_security)
        for requirement in security if isinstance(security, list) else []:
            if isinstance(requirement, dict):
                schemes.update(requirement)
        tags.update(tag for tag in operation.get("tags", []) if isinstance(tag, str))
    return schemes, tags


def _components(
    components: Any, reached: set[tuple[str, str]], used_schemes: set[str], prune_schemes: bool
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not isinstance(components, dict):
        return out
    for kind, group in components.items():
        if kind == "securitySchemes" and isinstance(group, dict):
            names = [name for name in group if name in used_schemes or not prune_schemes]
        elif kind in COMPONENT_KINDS and isinstance(group, dict):
            names = [name for name in group if (kind, name) in reached]
        else:
            out[kind] = group  # vendor extensions of the components object
            continue
        if names:
            out[kind] = {name: group[name] for name in names}
    return out


def _copy(value: Any, drop_keys: frozenset[str], parent_key: str) -> Any:
    """A deep copy without the pruned vendor extension keys (never a key the API author named)."""
    if isinstance(value, dict):
        named = parent_key in _NAMED_MAPS
        return {
            key: _copy(item, drop_keys, "" if named else key)
            for key, item in value.items()
            if named or key not in drop_keys
        }
    if isinstance(value, list):
        return [_copy(item, drop_keys, "") for item in value]
    return value
