"""The overlay actions that turn one JSON-like document into another, key order included.

``apply(base, diff(base, edited))`` gives ``edited``, with the same key order. The actions are
kept few and readable:

- per mapping: ``remove`` for each key that went away, recursion into changed sub-mappings and
  lists, and one ``update`` of the mapping for its changed primitives and its added keys;
- per list: elements are aligned by a longest common subsequence (parameters by ``name`` + ``in``,
  ``$ref`` objects by their ``$ref``, other mappings with a ``name`` (tags) by it, anything else by
  value); unmatched old elements are removed
  from the highest index down, matched elements that changed are recursed into, and new elements
  are appended, one ``update`` of the list each.

Overlay actions can only append. Where ``edited`` puts a kept key (or list element) after an
added one, or reorders them, or changes a value's kind (a mapping becoming a string), the tail of
the mapping (list) from the first such place on is removed and added again in the edited order.
The actions that do so carry one of the :data:`REPLACEMENT_DESCRIPTIONS`, so callers can warn:
such edits replace upstream content instead of amending it. The list or mapping itself always
stays where it is in its parent.

Each action's ``base`` is the hash of its target node at the moment the action applies.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any, Final

from .overlay import Action, Path, apply, format_target, get_node, node_hash

REPLACES_LIST: Final = "replaces the whole list"
REPLACES_LIST_TAIL: Final = "replaces the end of the list to keep its order"
REPLACES_MAPPING: Final = "replaces the whole mapping to keep its key order"
REPLACES_KEYS: Final = "replaces keys to keep the mapping's key order"
# above this many cells the quadratic LCS table is too slow; long lists use a patience diff
_MAX_LCS_CELLS: Final = 250_000
REPLACEMENT_DESCRIPTIONS: Final = frozenset({REPLACES_LIST, REPLACES_LIST_TAIL, REPLACES_MAPPING, REPLACES_KEYS})


def is_replacement(action: Action) -> bool:
    """Whether the action re-adds existing content only to get its order right."""
    return action.description in REPLACEMENT_DESCRIPTIONS


def identical(left: object, right: object) -> bool:
    """Equal as JSON, with the type of every scalar and the order of every mapping's keys."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        assert isinstance(right, dict)
        return len(left) == len(right) and all(
            lk == rk and identical(lv, rv) for (lk, lv), (rk, rv) in zip(left.items(), right.items(), strict=True)
        )
    if isinstance(left, list):
        assert isinstance(right, list)
        return len(left) == len(right) and all(identical(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, float):
        assert isinstance(right, float)
        # -0.0 and 0.0 are different JSON; NaN is equal to itself here
        return repr(left) == repr(right) or (math.isnan(left) and math.isnan(right))
    return left == right


def diff(base: object, edited: object, *, key_order: bool = True) -> list[Action]:
    """Overlay actions that turn ``base`` into ``edited``; ValueError when no action can (a changed root scalar).

    With ``key_order=False`` the order of mapping keys is not reproduced (kept keys stay where
    ``base`` has them, added keys come last): for a caller that puts keys in a canonical order
    itself, so that no content is re-added only to move it. List order is always reproduced.
    """
    planned: list[_Planned] = []
    if isinstance(base, dict) and isinstance(edited, dict):
        _diff_mapping((), base, edited, planned, key_order)
    elif isinstance(base, list) and isinstance(edited, list):
        _diff_list((), base, edited, planned, key_order)
    elif not identical(base, edited):
        raise ValueError("the documents differ at the root, which an overlay action cannot replace")
    return _with_bases(base, planned)


class _Planned:
    """An action before its base hash is known."""

    __slots__ = ("description", "path", "remove", "update")

    def __init__(self, path: Path, *, update: object = None, remove: bool = False, description: str = "") -> None:
        self.path = path
        self.update = update
        self.remove = remove
        self.description = description


def _with_bases(base: object, planned: Sequence[_Planned]) -> list[Action]:
    """Fill in each action's base by applying the actions one by one (copy on write keeps this cheap)."""
    doc = base
    actions: list[Action] = []
    for step in planned:
        target = format_target(step.path)
        node_base = node_hash(get_node(doc, step.path))
        if step.remove:
            action = Action(target, remove=True, description=step.description, base=node_base)
        else:
            action = Action(target, update=step.update, description=step.description, base=node_base)
        doc, conflicts = apply(doc, [action], file="<diff>")
        assert not conflicts
        actions.append(action)
    return actions


def _same_kind(left: object, right: object) -> bool:
    """Whether ``right`` can be written over ``left`` in place (merge, concatenate or replace)."""
    if isinstance(left, dict) or isinstance(right, dict):
        return isinstance(left, dict) and isinstance(right, dict)
    if isinstance(left, list) or isinstance(right, list):
        return isinstance(left, list) and isinstance(right, list)
    return True


def _diff_mapping(
    path: Path, base: dict[str, Any], edited: dict[str, Any], out: list[_Planned], key_order: bool
) -> None:
    if identical(base, edited):
        return
    stayers: list[str] = []
    if key_order:
        # keys that stay in place: the longest prefix of edited's keys that base has in the same order
        position = {key: index for index, key in enumerate(base)}
        last = -1
        for key in edited:
            index = position.get(key, -1)
            if index <= last or not _same_kind(base[key], edited[key]):
                break
            stayers.append(key)
            last = index
    else:
        stayers = [key for key in base if key in edited and _same_kind(base[key], edited[key])]
    stay = set(stayers)
    tail = [key for key in edited if key not in stay]
    moved = [key for key in tail if key in base]
    reordered = any(_same_kind(base[key], edited[key]) for key in moved)
    if reordered:
        description = REPLACES_MAPPING if not stayers else REPLACES_KEYS
    else:
        description = ""

    for key in base:
        if key not in stay:
            out.append(_Planned((*path, key), remove=True, description=description if key in edited else ""))
    update: dict[str, Any] = {}
    for key in stayers:
        old, new = base[key], edited[key]
        if identical(old, new):
            continue
        if isinstance(new, dict):
            _diff_mapping((*path, key), old, new, out, key_order)
        elif isinstance(new, list):
            _diff_list((*path, key), old, new, out, key_order)
        else:
            update[key] = new
    for key in tail:
        update[key] = edited[key]
    if update:
        out.append(_Planned(path, update=update, description=description if moved and reordered else ""))


def _identity(value: object) -> tuple[str, ...]:
    """What makes two list elements the same element: a parameter's name + in, a $ref, a name, else the value."""
    if isinstance(value, dict):
        name, where = value.get("name"), value.get("in")
        if isinstance(name, str) and isinstance(where, str):
            return ("parameter", name, where)
        ref = value.get("$ref")
        if isinstance(ref, str):
            return ("ref", ref)
        if isinstance(name, str):
            return ("named", name)  # tags, and anything else listed by name
    return ("value", json.dumps(value, ensure_ascii=False, allow_nan=True))


def _matching(base: list[Any], edited: list[Any]) -> dict[int, int]:
    """edited index -> base index for a longest common subsequence of element identities."""
    left = [_identity(value) for value in base]
    right = [_identity(value) for value in edited]
    pairs: dict[int, int] = {}
    start = 0
    while start < len(left) and start < len(right) and left[start] == right[start]:
        pairs[start] = start
        start += 1
    end_left, end_right = len(left), len(right)
    while end_left > start and end_right > start and left[end_left - 1] == right[end_right - 1]:
        end_left -= 1
        end_right -= 1
        pairs[end_right] = end_left
    middle_left, middle_right = left[start:end_left], right[start:end_right]
    if len(middle_left) * len(middle_right) > _MAX_LCS_CELLS:
        for j, i in _unique_matching(middle_left, middle_right).items():
            pairs[start + j] = start + i
    elif middle_left and middle_right:
        rows, cols = len(middle_left), len(middle_right)
        lengths = [[0] * (cols + 1) for _ in range(rows + 1)]
        for i in range(rows - 1, -1, -1):
            row, below = lengths[i], lengths[i + 1]
            for j in range(cols - 1, -1, -1):
                row[j] = below[j + 1] + 1 if middle_left[i] == middle_right[j] else max(below[j], row[j + 1])
        i = j = 0
        while i < rows and j < cols:
            if middle_left[i] == middle_right[j]:
                pairs[start + j] = start + i
                i += 1
                j += 1
            elif lengths[i + 1][j] >= lengths[i][j + 1]:
                i += 1
            else:
                j += 1
    return pairs


def _unique_matching(left: list[tuple[str, ...]], right: list[tuple[str, ...]]) -> dict[int, int]:
    """For long lists: match the identities that occur once on each side, in order (patience diff)."""
    left_count: dict[tuple[str, ...], int] = {}
    for identity in left:
        left_count[identity] = left_count.get(identity, 0) + 1
    right_count: dict[tuple[str, ...], int] = {}
    for identity in right:
        right_count[identity] = right_count.get(identity, 0) + 1
    where_left = {identity: i for i, identity in enumerate(left) if left_count[identity] == 1}
    candidates = [
        (j, where_left[identity])
        for j, identity in enumerate(right)
        if right_count[identity] == 1 and identity in where_left
    ]
    # longest increasing subsequence of the left indices, in right order
    tails: list[int] = []  # tails[k]: position in candidates of the smallest tail of a run of length k+1
    previous: list[int] = [-1] * len(candidates)
    for position, (_, i) in enumerate(candidates):
        k = _bisect_tails(candidates, tails, i)
        if k > 0:
            previous[position] = tails[k - 1]
        if k == len(tails):
            tails.append(position)
        else:
            tails[k] = position
    matched: dict[int, int] = {}
    position = tails[-1] if tails else -1
    while position >= 0:
        j, i = candidates[position]
        matched[j] = i
        position = previous[position]
    return matched


def _bisect_tails(candidates: list[tuple[int, int]], tails: list[int], value: int) -> int:
    """The first run length whose tail is not below ``value``."""
    low, high = 0, len(tails)
    while low < high:
        middle = (low + high) // 2
        if candidates[tails[middle]][1] < value:
            low = middle + 1
        else:
            high = middle
    return low


def _diff_list(path: Path, base: list[Any], edited: list[Any], out: list[_Planned], key_order: bool) -> None:
    if identical(base, edited):
        return
    pairs = _matching(base, edited)
    # elements that stay: the longest prefix of edited matched, in order, to base elements of the same kind
    kept: list[int] = []  # base indices, in order
    last = -1
    for index, value in enumerate(edited):
        origin = pairs.get(index, -1)
        if origin <= last or not _same_kind(base[origin], value):
            break
        kept.append(origin)
        last = origin
    keep = set(kept)
    appended = edited[len(kept) :]
    # an old element that comes back among the appended ones: moved, not removed and added
    appended_identities = {_identity(value) for value in appended}
    moved = {index for index in range(len(base)) if index not in keep and _identity(base[index]) in appended_identities}
    if moved:
        description = REPLACES_LIST if not kept else REPLACES_LIST_TAIL
    else:
        description = ""
    for index in range(len(base) - 1, -1, -1):
        if index not in keep:
            out.append(_Planned((*path, index), remove=True, description=description if index in moved else ""))
    # after the removals, the element kept j-th is at index j
    for new_index, origin in enumerate(kept):
        old, new = base[origin], edited[new_index]
        if identical(old, new):
            continue
        if isinstance(new, dict):
            _diff_mapping((*path, new_index), old, new, out, key_order)
        elif isinstance(new, list):
            _diff_list((*path, new_index), old, new, out, key_order)
        else:
            # a primitive matched by value is identical; this is only reached for equal-identity primitives
            raise AssertionError("a primitive element matched but differs")
    for value in appended:
        out.append(_Planned(path, update=value, description=description))
