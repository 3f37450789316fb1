"""Move hand edits of a derived spec into its recipe's overlay, so that nothing edited is lost.

The edits are the tree difference between the derivation and the spec as it is now; each becomes an
overlay action whose reason is the comment the user wrote at the edit, else a TODO reason
(``derive --check`` warns until someone writes the real one). Comments added elsewhere go into the
recipe's notes. The
recipe is rewritten canonically and the spec re-derived: afterwards the check passes and the edit is
still in the spec.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..errors import SpecError
from ..loader import load_document
from ..pipeline import display_path
from .bases import with_bases
from .comments import comments_for, read_comments, unused_note_lines
from .derive import Derived, derive, derive_recipe
from .files import write_if_changed
from .overlay import Action
from .recipe import TODO_REASON, dump_recipe, load_recipe, parse_recipe_text
from .treediff import diff


@dataclasses.dataclass(frozen=True)
class Absorbed:
    """What ``absorb`` did: the new actions (empty when the spec had no hand edit) and the new derivation."""

    actions: tuple[Action, ...]
    derived: Derived
    notes_added: int = 0  # comments that were no edit's reason, kept in the recipe's notes


def absorb(recipe_path: Path) -> Absorbed:
    """Append the spec's hand edits to the overlay, rewrite the recipe, re-derive the spec."""
    recipe = load_recipe(recipe_path)
    if recipe.upstream is None:
        raise SpecError(
            recipe.display,
            "/upstream",
            "the recipe has `upstream: none`: the spec is its own source, there is nothing to absorb",
            "edit the spec directly",
        )
    derived = derive(recipe_path)
    if derived.conflicts:
        raise SpecError(
            recipe.display,
            "/overlay",
            f"{len(derived.conflicts)} overlay conflict(s) with the pinned snapshot",
            "resolve them first (`clientgen upstream derive --check` lists them)",
        )
    edited_doc = load_document(recipe.spec_path, display_path(recipe.spec_path))
    edited = edited_doc.data
    found = diff(derived.data, edited)
    # a comment the user wrote at the edit is its reason; the derivation's own comments are not
    comments, known = read_comments(edited_doc.text), read_comments(derived.text).texts()
    fresh = [
        dataclasses.replace(
            action, description="; ".join(comments_for(comments, edited_doc, edited, action, known)) or TODO_REASON
        )
        for action in found
    ]
    stray = unused_note_lines(edited_doc.text, comments, known)
    if not fresh and not stray:
        return Absorbed((), derived)
    added = with_bases(derived.data, fresh, file=recipe.display)
    notes = recipe.notes
    if stray:
        notes = (
            notes.rstrip("\n")
            + ("\n\n" if notes.strip() else "")
            + STRAY_TITLE
            + "\n"
            + "".join(f"{line}\n" for line in stray)
        )
    updated = dataclasses.replace(recipe, actions=(*recipe.actions, *added), notes=notes)
    text = dump_recipe(updated)
    again = derive_recipe(parse_recipe_text(text, recipe.path))  # the recipe as it will read back
    if again.data != edited or again.conflicts:
        raise AssertionError(f"absorbing {recipe.spec_path} would not reproduce the edited spec")
    write_if_changed(recipe.path, text.encode("utf-8"))
    write_if_changed(recipe.spec_path, again.text.encode("utf-8"))
    return Absorbed(tuple(added), again, len(stray))


STRAY_TITLE = "Comments added to the derived spec by hand (absorbed into the notes):"
