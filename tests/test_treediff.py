"""Tree diff: the overlay actions it writes reproduce the edited document, key order included."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.loader import load_document
from generator.upstream import treediff
from generator.upstream.overlay import NO_UPDATE, Action, apply, get_node, node_hash
from generator.upstream.treediff import (
    REPLACES_KEYS,
    REPLACES_LIST,
    REPLACES_LIST_TAIL,
    REPLACES_MAPPING,
    diff,
    identical,
    is_replacement,
)

ROOT = Path(__file__).resolve().parent.parent


def _ordered(value: object) -> object:
    """A form where == also compares key order and scalar types (1 vs 1.0 vs True)."""
    if isinstance(value, dict):
        return ("map", [(key, _ordered(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [_ordered(item) for item in value])
    return (type(value).__name__, repr(value))


def _round_trip(base: object, edited: object) -> list[Action]:
    before = copy.deepcopy(base)
    actions = diff(base, edited)
    result, conflicts = apply(base, actions, file="<test>")
    assert conflicts == []
    assert _ordered(result) == _ordered(edited)
    assert _ordered(base) == _ordered(before)
    return actions


def _shape(actions: list[Action]) -> list[tuple[str, object]]:
    return [(a.target, "remove" if a.remove else a.update) for a in actions]


def test_identical_compares_types_and_key_order() -> None:
    assert identical({"a": [1, {"b": None}]}, {"a": [1, {"b": None}]})
    assert not identical({"a": 1, "b": 2}, {"b": 2, "a": 1})
    assert not identical(1, 1.0) and not identical(1, True) and not identical(0.0, -0.0)


def test_no_change_gives_no_actions() -> None:
    doc = {"a": [1, {"b": 2}], "c": "d"}
    assert diff(doc, copy.deepcopy(doc)) == []


def test_one_update_per_mapping_for_scalars_and_added_keys() -> None:
    base = {"info": {"title": "T", "version": "1"}, "paths": {}}
    edited = {"info": {"title": "U", "version": "1", "x-logo": {"url": "u"}}, "paths": {}, "tags": []}
    actions = _round_trip(base, edited)
    assert _shape(actions) == [
        ("$['info']", {"title": "U", "x-logo": {"url": "u"}}),
        ("$", {"tags": []}),
    ]
    assert actions[0].base == node_hash(base["info"])
    assert actions[1].base == node_hash({"info": edited["info"], "paths": {}})  # after the first action
    assert all(a.description == "" for a in actions)


def test_removed_keys_and_list_elements_from_the_highest_index_down() -> None:
    base = {"a": 1, "b": 2, "enum": ["x", "y", "z", "w"]}
    edited = {"a": 1, "enum": ["x", "w"]}
    assert _shape(_round_trip(base, edited)) == [
        ("$['b']", "remove"),
        ("$['enum'][2]", "remove"),
        ("$['enum'][1]", "remove"),
    ]


def test_parameters_match_by_name_and_in_and_are_recursed_into() -> None:
    base = {"parameters": [{"name": "id", "in": "path", "required": True}, {"name": "q", "in": "query"}]}
    edited = {
        "parameters": [
            {"name": "id", "in": "path", "required": True, "description": "the id"},
            {"name": "q", "in": "query"},
            {"name": "page", "in": "query"},
        ]
    }
    actions = _round_trip(base, edited)
    assert _shape(actions) == [
        ("$['parameters'][0]", {"description": "the id"}),
        ("$['parameters']", {"name": "page", "in": "query"}),
    ]
    assert not any(is_replacement(a) for a in actions)


def test_refs_match_by_ref() -> None:
    base = {"allOf": [{"$ref": "#/a"}, {"$ref": "#/b"}]}
    edited = {"allOf": [{"$ref": "#/a", "description": "d"}, {"$ref": "#/b"}]}
    assert _shape(_round_trip(base, edited)) == [("$['allOf'][0]", {"description": "d"})]


def test_insertion_in_the_middle_of_a_list_is_flagged() -> None:
    base = {"x": 0, "parameters": [{"name": "a", "in": "query"}, {"name": "c", "in": "query"}], "y": 1}
    edited = {
        "x": 0,
        "parameters": [{"name": "a", "in": "query"}, {"name": "b", "in": "query"}, {"name": "c", "in": "query"}],
        "y": 1,
    }
    actions = _round_trip(base, edited)
    assert _shape(actions) == [
        ("$['parameters'][1]", "remove"),
        ("$['parameters']", {"name": "b", "in": "query"}),
        ("$['parameters']", {"name": "c", "in": "query"}),
    ]
    assert [a.description for a in actions] == [REPLACES_LIST_TAIL] * 3


def test_reordered_list_is_flagged_as_replaced() -> None:
    actions = _round_trip({"tags": ["a", "b", "c"]}, {"tags": ["c", "b", "a"]})
    assert _shape(actions) == [
        ("$['tags'][1]", "remove"),
        ("$['tags'][0]", "remove"),
        ("$['tags']", "b"),
        ("$['tags']", "a"),
    ]
    assert {a.description for a in actions} == {REPLACES_LIST_TAIL}
    prepended = _round_trip({"enum": ["a", "b"]}, {"enum": ["new", "a", "b"]})
    assert len(prepended) == 5 and {a.description for a in prepended} == {REPLACES_LIST}


def test_reordered_mapping_is_flagged_and_stays_in_its_parent() -> None:
    base = {"a": {"x": 1, "y": 2}, "b": 3}
    edited = {"a": {"y": 2, "x": 1}, "b": 3}
    actions = _round_trip(base, edited)
    assert {a.description for a in actions} == {REPLACES_KEYS}
    whole = _round_trip({"m": {"x": 1, "y": 2}}, {"m": {"z": 0, "x": 1, "y": 2}})
    assert {a.description for a in whole} == {REPLACES_MAPPING}


def test_appended_key_after_existing_ones_is_not_a_replacement() -> None:
    actions = _round_trip({"a": 1, "b": 2}, {"a": 1, "b": 2, "c": 3})
    assert _shape(actions) == [("$", {"c": 3})] and not is_replacement(actions[0])


@pytest.mark.parametrize(
    ("old", "new"),
    [({"k": 1}, "text"), ("text", {"k": 1}), ([1], {"k": 1}), (1, 1.0), (1, True), (None, []), (0.0, -0.0)],
)
def test_type_changes_are_replacements(old: object, new: object) -> None:
    actions = _round_trip({"a": 0, "v": old}, {"a": 0, "v": new})
    assert actions, "a type change is a change"


def test_root_scalar_change_cannot_be_expressed() -> None:
    with pytest.raises(ValueError, match="root"):
        diff("a", "b")
    assert diff(1, 1) == []


def test_list_root_and_lists_of_lists() -> None:
    _round_trip([[1, 2], [3]], [[1, 2, 4], [3], []])
    _round_trip([1, 2, 3], [3, 2, 1])


def test_diff_of_a_real_curation() -> None:
    """Editing a copy of the ICA spec the way a curator does: every edit comes back through the overlay."""
    spec: dict[str, Any] = load_document(ROOT / "specs" / "ica_v3.yaml").data
    edited = copy.deepcopy(spec)
    path_item = next(iter(edited["paths"].values()))
    operation = path_item["get"]
    operation["x-python-name"] = "list_sessions"
    operation["parameters"][1]["description"] = "changed"
    operation["parameters"].append({"name": "extra", "in": "query", "schema": {"type": "string"}})
    del edited["components"]["schemas"][next(iter(edited["components"]["schemas"]))]
    edited["info"]["title"] = "Changed"
    actions = _round_trip(spec, edited)
    assert not any(is_replacement(a) for a in actions)
    assert len(actions) == 5
    for action in actions:
        assert action.update is NO_UPDATE or not action.remove


# --- property test --------------------------------------------------------------------------

_KEYS = st.sampled_from(["a", "b", "c", "d", "name", "in", "$ref", "x-k"]) | st.text(max_size=4)
_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(allow_nan=False, allow_infinity=False, width=16)
    | st.sampled_from(["", "q", "path", "#/a"])
)
_PARAMETERS = st.fixed_dictionaries(
    {"name": st.sampled_from(["p", "q", "r"]), "in": st.sampled_from(["query", "path"])},
    optional={
        "required": st.booleans(),
        "schema": st.fixed_dictionaries({"type": st.sampled_from(["string", "integer"])}),
    },
)
_DOCS = st.recursive(
    _LEAVES | _PARAMETERS,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(_KEYS, children, max_size=5),
    max_leaves=25,
)
_ROOTS = st.dictionaries(_KEYS, _DOCS, max_size=5)


@st.composite
def _mutated(draw: st.DrawFn, value: Any, depth: int = 0) -> Any:
    """An edit of ``value``: keys removed, added, reordered, values changed; lists likewise."""
    choice = draw(st.integers(0, 9))
    if choice == 0 or depth > 4:
        return draw(_DOCS)
    if isinstance(value, dict):
        items = [(k, draw(_mutated(v, depth + 1)) if draw(st.booleans()) else v) for k, v in value.items()]
        items = [item for item in items if draw(st.integers(0, 5)) > 0]
        if draw(st.booleans()):
            items.append((draw(_KEYS), draw(_DOCS)))
        if choice == 1:
            items = draw(st.permutations(items))
        return dict(items)
    if isinstance(value, list):
        elements = [draw(_mutated(v, depth + 1)) if draw(st.booleans()) else v for v in value]
        elements = [item for item in elements if draw(st.integers(0, 5)) > 0]
        if draw(st.booleans()):
            elements.insert(draw(st.integers(0, len(elements))), draw(_DOCS))
        if choice == 1:
            elements = draw(st.permutations(elements))
        return elements
    return value if choice < 6 else draw(_LEAVES)


@st.composite
def _pairs(draw: st.DrawFn) -> tuple[Any, Any]:
    base = draw(_ROOTS)
    if draw(st.integers(0, 4)) == 0:
        return base, draw(_ROOTS)
    edited = draw(_mutated(base))
    if not isinstance(edited, dict):
        edited = {"root": edited}
    return base, edited


@settings(max_examples=200, deadline=None, derandomize=True)
@given(_pairs())
def test_diff_then_apply_gives_the_edited_document(pair: tuple[Any, Any]) -> None:
    base, edited = pair
    actions = _round_trip(base, edited)
    doc: object = base
    for action in actions:
        assert action.base == node_hash(get_node(doc, action.path))
        doc, _ = apply(doc, [action], file="<test>")
    assert diff(base, edited) == actions  # deterministic


@settings(max_examples=200, deadline=None, derandomize=True)
@given(_pairs())
def test_long_lists_take_the_patience_diff_and_still_round_trip(pair: tuple[Any, Any]) -> None:
    base, edited = pair
    original = treediff._MAX_LCS_CELLS
    treediff._MAX_LCS_CELLS = 0  # every list middle goes through the patience matching
    try:
        _round_trip(base, edited)
    finally:
        treediff._MAX_LCS_CELLS = original


def test_a_long_reordered_list_is_diffed_quickly_and_exactly() -> None:
    base = {"enum": [f"v{i}" for i in range(3000)]}
    edited = {"enum": [f"v{i}" for i in range(1000, 4000)]}
    actions = _round_trip(base, edited)
    assert len(actions) == 2000  # 1000 removed from the front, 1000 appended
    assert not any(is_replacement(a) for a in actions)


def test_key_order_false_leaves_moved_keys_where_they_are() -> None:
    base = {"openapi": "3.0.1", "info": {"title": "T"}, "paths": {"/a": {}}, "components": {}}
    edited = {
        "openapi": "3.0.3",
        "info": {"title": "T"},
        "x-python-client": {"package": "p"},
        "tags": [],
        "paths": {"/a": {}},
        "components": {},
    }
    ordered = _round_trip(base, edited)
    assert any(is_replacement(a) for a in ordered)  # x-python-client sits before paths: paths is re-added
    loose = diff(base, edited, key_order=False)
    assert [(a.target, a.update) for a in loose] == [
        ("$", {"openapi": "3.0.3", "x-python-client": {"package": "p"}, "tags": []})
    ]
    result, conflicts = apply(base, loose, file="<test>")
    assert conflicts == [] and result == edited
    assert list(result) == ["openapi", "info", "paths", "components", "x-python-client", "tags"]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(_pairs())
def test_key_order_false_reproduces_the_content(pair: tuple[Any, Any]) -> None:
    base, edited = pair
    actions = diff(base, edited, key_order=False)
    result, conflicts = apply(base, actions, file="<test>")
    assert conflicts == []
    assert _unordered(result) == _unordered(edited)
    assert not any(a.description in (REPLACES_KEYS, REPLACES_MAPPING) for a in actions)


def _unordered(value: object) -> object:
    if isinstance(value, dict):
        return ("map", sorted((key, repr(_unordered(item))) for key, item in value.items()))
    if isinstance(value, list):
        return ("list", [_unordered(item) for item in value])
    return (type(value).__name__, repr(value))


def test_tags_match_by_name() -> None:
    base = {"tags": [{"name": "A", "description": "old"}, {"name": "B"}]}
    edited = {"tags": [{"name": "A", "description": "new"}, {"name": "B"}]}
    assert _shape(_round_trip(base, edited)) == [("$['tags'][0]", {"description": "new"})]
