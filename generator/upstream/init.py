"""Create a recipe from an existing hand-curated spec: pin the snapshot, select, and record the edits.

The overlay is the tree difference between the selection and the curated spec; each action's reason
is the curated spec's YAML comments at the nodes it sets (else at its target node), the
file's header comment becomes the recipe's notes, and comments that no edit took are kept in the
notes too, so no reason is lost. The round trip is verified before anything is written.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..loader import Document, load_document
from ..pipeline import display_path
from .bases import with_bases
from .comments import SpecComments, comments_for, read_comments, unused_note_lines
from .derive import Derived, derive_from, is_derived_text, sha256_hex
from .files import write_if_changed
from .overlay import Action
from .recipe import Recipe, Selection, Upstream, dump_recipe, parse_recipe_text, recipe_path_for
from .reorder import PROPERTY_ORDER, RESPONSE_ORDER, upstream_order
from .selection import Where, load_snapshot, select
from .treediff import diff, identical, is_replacement

NO_COMMENT = "TODO: say why (no comment at this place in the curated spec)"
ORDER_REASONS = {
    PROPERTY_ORDER: "the model keeps the curated spec's field order; the properties keep upstream's order",
    RESPONSE_ORDER: "the client documents the statuses in the curated spec's order; the responses keep upstream's",
}


def init(
    spec: Path,
    snapshot: Path,
    operations: Sequence[str],
    origin: Mapping[str, str],
    *,
    keep: Sequence[str] = (),
    prune: Sequence[str] = (),
) -> Derived:
    """Write ``specs/<name>.recipe.yaml`` for ``spec`` (and the snapshot, when it is not in place yet)."""
    recipe_path = recipe_path_for(spec)
    if recipe_path.exists():
        raise UsageError(f"{display_path(recipe_path)} exists already (edit it, or delete it to start again)")
    curated = load_document(spec, display_path(spec))
    if is_derived_text(curated.text):
        raise UsageError(f"{display_path(spec)} is derived already: use `clientgen upstream derive`")
    pinned = _snapshot_place(spec, snapshot, recipe_path.name[: -len(".recipe.yaml")])
    raw = snapshot.read_bytes()
    doc = load_snapshot(snapshot, display_path(snapshot), raw)
    source = doc.source_version or str(doc.data.get("openapi", ""))[:3]
    info = doc.data.get("info") if isinstance(doc.data.get("info"), dict) else {}
    upstream = Upstream(
        file=pinned.relative_to(spec.parent).as_posix(),
        sha256=sha256_hex(raw),
        format="swagger-2.0" if source == "2.0" else f"openapi-{source}",
        api_version=str(info.get("version", "")) or "unknown",
        origin=tuple((key, str(value)) for key, value in origin.items() if value),
    )
    selection = Selection(tuple(operations), tuple(keep), tuple(prune))
    shown = display_path(recipe_path)
    selected = select(doc, selection, Where(shown))
    comments = read_comments(curated.text)
    wanted = upstream_order(selected, curated.data)
    actions = [
        dataclasses.replace(action, description=_reason(comments, curated, wanted, action))
        for action in diff(selected, wanted)
    ]
    actions = with_bases(selected, actions, file=shown)
    notes = _notes(comments, curated.text)
    recipe = Recipe(recipe_path, shown, upstream, selection=selection, notes=notes, actions=tuple(actions))
    text = dump_recipe(recipe)
    derived = derive_from(parse_recipe_text(text, recipe_path), raw)  # the pinned copy may not exist yet
    if not identical(derived.data, wanted):
        raise AssertionError(f"the recipe for {display_path(spec)} does not reproduce it")
    if pinned.resolve() != snapshot.resolve():
        pinned.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(snapshot, pinned)
    write_if_changed(recipe_path, text.encode("utf-8"))
    write_if_changed(spec, derived.text.encode("utf-8"))
    return derived


def _snapshot_place(spec: Path, snapshot: Path, name: str) -> Path:
    """Where the recipe pins the snapshot: where it is when below the spec's folder, else upstream/<name>/."""
    if not snapshot.is_file():
        raise UsageError(f"no such snapshot file: {snapshot}")
    try:
        snapshot.resolve().relative_to(spec.parent.resolve())
    except ValueError:
        return spec.parent / "upstream" / name / snapshot.name
    return spec.parent / snapshot.resolve().relative_to(spec.parent.resolve())


def _reason(comments: SpecComments, curated: Document, wanted: Any, action: Action) -> str:
    texts = comments_for(comments, curated, wanted, action)
    if not texts and isinstance(action.update, dict) and set(action.update) <= set(ORDER_REASONS):
        texts.extend(ORDER_REASONS[key] for key in action.update)
    reason = "; ".join(texts) or NO_COMMENT
    if is_replacement(action):  # keep the mark, so that `derive` warns about it
        reason += f" [{action.description}]"
    return reason


def _notes(comments: SpecComments, text: str) -> str:
    lines = list(comments.leading)
    while lines and not lines[-1]:
        lines.pop()
    left = unused_note_lines(text, comments)
    if left:
        lines += ["", "Comments of the curated spec at places no edit touches (kept here so none is lost):", *left]
    return "\n".join(lines) + "\n" if lines else ""
