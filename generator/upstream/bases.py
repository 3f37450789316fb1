"""Give overlay actions their ``x-base``: the hash of the target node just before the action applies.

Only an action that replaces or removes something upstream has gets a base; an action that only adds
keys upstream does not have cannot clash with an upstream change, and a base on it (the hash of the
whole mapping it adds to) would turn every unrelated upstream edit of that mapping into a conflict.
Actions on the document root get none either: the root changes with every upstream release.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from .overlay import Action, apply, get_node, node_hash, parse_target


def with_bases(doc: Any, actions: Sequence[Action], *, file: str) -> list[Action]:
    """``actions`` with ``base`` set where they overwrite or remove; applied one by one to ``doc``."""
    out: list[Action] = []
    state = doc
    for action in actions:
        node = get_node(state, action.path)
        value = get_node(state, parse_target(action.copy)) if action.copy is not None else action.update
        if action.path and (action.remove or _overwrites(node, value)):
            action = dataclasses.replace(action, base=node_hash(node))
        else:
            action = dataclasses.replace(action, base=None)
        state, _ = apply(state, [action], file=file)
        out.append(action)
    return out


def _overwrites(node: Any, update: Any) -> bool:
    """Does merging ``update`` into ``node`` change a value ``node`` already has?"""
    if isinstance(node, list):
        return False  # an update of a list appends
    if not isinstance(node, dict) or not isinstance(update, dict):
        return True
    for key, value in update.items():
        if key not in node:
            continue
        old = node[key]
        if isinstance(old, dict) and isinstance(value, dict):
            if _overwrites(old, value):
                return True
        elif isinstance(old, list) and isinstance(value, list):
            continue  # appended, nothing replaced
        else:
            return True
    return False
