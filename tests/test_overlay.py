"""Overlay actions: normalized-path targets, node hashes, apply (merge, append, remove), conflicts, errors."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import SpecError
from generator.upstream.overlay import (
    NO_UPDATE,
    Action,
    NoNode,
    Path,
    apply,
    format_target,
    get_node,
    node_hash,
    parse_target,
)

KEYS = st.text(max_size=10) | st.sampled_from(
    ["x-faker", "/api/{id}", "/projects/{projectId}:search", "'quoted'", "a]b", "[0]", "\\", "\x00\x1f\x7f", "ü€😀"]
)
PATHS = st.lists(KEYS | st.integers(min_value=0, max_value=10**6), max_size=6).map(tuple)


# --- targets --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("$", ()),
        ("$['paths']['/api/{id}']['get']", ("paths", "/api/{id}", "get")),
        ("$['x-faker']", ("x-faker",)),
        ("$['paths']['/workflowSessions:search']['post']", ("paths", "/workflowSessions:search", "post")),
        ("$['it\\'s']['a\\\\b']", ("it's", "a\\b")),
        ("$['a]b']['[0]']", ("a]b", "[0]")),
        ("$['\\b\\f\\n\\r\\t']", ("\b\f\n\r\t",)),
        ("$['\\u0000\\u001f\\u000b']", ("\x00\x1f\x0b",)),
        ("$['tags'][0][12]", ("tags", 0, 12)),
        ("$['']", ("",)),
        ("$['ü\x7f😀\"']", ('ü\x7f😀"',)),
    ],
)
def test_parse_target_reads_normalized_paths(text: str, path: Path) -> None:
    assert parse_target(text) == path
    assert format_target(path) == text


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("paths", "starts with '$'"),
        ("$.paths", "dot notation"),
        ("$..get", "dot notation"),
        ('$["paths"]', "double-quoted"),
        ("$[*]", "wildcards"),
        ("$[?@.x]", "wildcards and filters"),
        ("$[0:2]", "slices"),
        ("$['a','b']", "unions"),
        ("$[01]", "leading zeros"),
        ("$[-1]", "negative"),
        ("$['a'", "expected ']'"),
        ("$['a", "unterminated"),
        ("$['a\\u0041']", "only for control characters"),
        ("$['a\\u000A']", "only for control characters"),
        ("$['a\\u000a']", "only for control characters"),
        ("$['a\\/']", "unknown escape"),
        ("$['a\nb']", "control character"),
        ("$['a'] ", "unexpected ' '"),
    ],
)
def test_parse_target_rejects_everything_else(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match="only RFC 9535 normalized paths are accepted") as caught:
        parse_target(text)
    assert problem in str(caught.value)


def test_format_target_rejects_what_has_no_normalized_path() -> None:
    for bad in [(-1,), (True,), (1.5,), ("\ud800",)]:
        with pytest.raises(ValueError):
            format_target(bad)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(PATHS)
def test_targets_round_trip(path: Path) -> None:
    text = format_target(path)
    assert parse_target(text) == path
    assert "\n" not in text  # control characters are always escaped


# --- hashes and nodes -----------------------------------------------------------------------


def test_node_hash_is_canonical_and_typed() -> None:
    assert node_hash({"a": 1, "b": [None]}) == node_hash({"b": [None], "a": 1})
    assert node_hash({"a": 1, "b": [None]}).startswith("sha256:")
    distinct = {node_hash(value) for value in [1, 1.0, True, "1", None, [1], {"1": 1}, 0, False, -0.0, 0.0]}
    assert len(distinct) == 11
    expected = json.dumps({"k": "ü"}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    import hashlib

    assert node_hash({"k": "ü"}) == "sha256:" + hashlib.sha256(expected.encode()).hexdigest()


def test_get_node_finds_nodes_and_raises_no_node() -> None:
    doc = {"a": [{"b": 1}], "0": "zero"}
    assert get_node(doc, ("a", 0, "b")) == 1
    assert get_node(doc, ()) is doc
    assert get_node(doc, ("0",)) == "zero"
    for missing in [("b",), ("a", 1), ("a", "0"), (0,), ("a", 0, "b", "c"), ("a", True)]:
        with pytest.raises(NoNode) as caught:
            get_node(doc, missing)
        assert isinstance(caught.value, LookupError)
        assert not isinstance(caught.value, (KeyError, IndexError))


# --- apply ----------------------------------------------------------------------------------


def _apply(doc: object, *actions: Action) -> Any:
    result, conflicts = apply(doc, list(actions), file="recipe.yaml")
    assert conflicts == []
    return result


def test_update_merges_mappings_recursively_keeping_positions() -> None:
    doc = {"info": {"title": "T", "version": "1"}, "paths": {}}
    out = _apply(doc, Action("$['info']", update={"x-new": 1, "title": "U", "contact": {"name": "n"}}))
    assert list(out["info"].items()) == [("title", "U"), ("version", "1"), ("x-new", 1), ("contact", {"name": "n"})]
    assert list(out) == ["info", "paths"]
    nested = _apply(out, Action("$", update={"info": {"contact": {"email": "e"}}}))
    assert nested["info"]["contact"] == {"name": "n", "email": "e"}


def test_update_concatenates_lists_under_merged_keys_and_appends_to_targeted_lists() -> None:
    doc = {"tags": ["a"], "op": {"parameters": [{"name": "x"}]}}
    out = _apply(doc, Action("$", update={"tags": ["b", "c"]}), Action("$['op']['parameters']", update={"name": "y"}))
    assert out["tags"] == ["a", "b", "c"]
    assert out["op"]["parameters"] == [{"name": "x"}, {"name": "y"}]
    appended_list = _apply(doc, Action("$['tags']", update=["z"]))
    assert appended_list["tags"] == ["a", ["z"]]  # one new element, as Overlay 1.0 says


def test_update_replaces_primitives_including_null_and_type_of_number() -> None:
    doc = {"a": 1, "b": None, "c": "s", "d": True}
    out = _apply(doc, Action("$", update={"a": 1.0, "b": "now", "c": None, "d": 0}))
    assert [(k, type(v)) for k, v in out.items()] == [("a", float), ("b", str), ("c", type(None)), ("d", int)]


def test_remove_from_mapping_and_list() -> None:
    doc = {"a": {"x": 1, "y": 2, "z": 3}, "l": [0, 1, 2]}
    out = _apply(doc, Action("$['a']['y']", remove=True), Action("$['l'][1]", remove=True))
    assert list(out["a"].items()) == [("x", 1), ("z", 3)]
    assert out["l"] == [0, 2]


def test_actions_see_earlier_results_in_order() -> None:
    doc = {"l": [0, 1, 2]}
    out = _apply(doc, Action("$['l'][0]", remove=True), Action("$['l'][0]", remove=True))
    assert out["l"] == [2]
    added = _apply(doc, Action("$", update={"m": {}}), Action("$['m']", update={"k": "v"}))
    assert added["m"] == {"k": "v"}


def test_apply_never_mutates_its_input_nor_the_actions() -> None:
    doc: dict[str, Any] = {"a": {"b": [1, {"c": 2}]}, "d": {"e": 1}}
    update = {"b": [3], "new": {"deep": [1]}}
    before, update_before = copy.deepcopy(doc), copy.deepcopy(update)
    out = _apply(doc, Action("$['a']", update=update), Action("$['a']['b'][1]", remove=True))
    assert doc == before and update == update_before
    assert out["a"] == {"b": [1, 3], "new": {"deep": [1]}}
    assert out["d"] is doc["d"]  # untouched subtrees are shared, not copied
    out["a"]["new"]["deep"].append(2)
    assert update == update_before  # values from actions are copied in


def test_target_matching_nothing_is_a_spec_error_with_place() -> None:
    with pytest.raises(SpecError) as caught:
        apply({"a": {}}, [Action("$['a']['gone']", update={"x": 1}, pointer="/overlay/3", line=41)], file="r.yaml")
    error = caught.value
    assert (error.file, error.pointer, error.line) == ("r.yaml", "/overlay/3", 41)
    assert "overlay action 0: target $['a']['gone'] matches no node" in error.message
    assert error.hint


@pytest.mark.parametrize(
    ("doc", "action", "message"),
    [
        ({"a": "s"}, Action("$['a']", update={"x": 1}), "is a primitive"),
        ({"a": {}}, Action("$['a']", update="s"), "the update of mapping $['a'] is a primitive"),
        ({"a": {"k": {}}}, Action("$['a']", update={"k": "s"}), "puts a primitive onto a mapping"),
        ({"a": {"k": [1]}}, Action("$['a']", update={"k": {}}), "puts a mapping onto a list"),
        ({"a": {"k": 1}}, Action("$['a']", update={"k": [1]}), "puts a list onto a primitive"),
        ({"a": {}}, Action("$", remove=True), "removes the whole document"),
        ({"a": {}}, Action("$['a']"), "neither update, remove nor copy"),
        ({"a": {}}, Action("$['a']", update={}, copy="$['a']"), "both update and copy"),
        ({"a": {}}, Action("$['a']", remove=True, copy="$['a']"), "both remove and copy"),
        ({"a": {}}, Action("$['a']", copy="$['b']"), "copy source $['b'] matches no node"),
        ({"a": {}}, Action("$['a']", copy="$.b"), "normalized paths"),
        ({"a": {}, "s": "x"}, Action("$['a']", copy="$['s']"), "the update of mapping $['a'] is a primitive"),
        ({"a": {}}, Action("$['a']", update={}, remove=True), "both update and remove"),
        ({"a": {}}, Action("$.a", update={}), "normalized paths"),
    ],
)
def test_impossible_actions_are_spec_errors(doc: object, action: Action, message: str) -> None:
    with pytest.raises(SpecError) as caught:
        apply(doc, [action], file="r.yaml")
    assert message in caught.value.message
    assert caught.value.hint


def test_base_mismatch_is_a_conflict_and_the_rest_still_applies() -> None:
    doc = {"a": {"v": 1}, "b": {"v": 1}, "c": [1]}
    stale = Action("$['a']", update={"v": 2}, base=node_hash({"v": 0}))
    fresh = Action("$['b']", update={"v": 2}, base=node_hash({"v": 1}))
    stale_remove = Action("$['c'][0]", remove=True, base=node_hash(2))
    out, conflicts = apply(doc, [stale, fresh, stale_remove], file="r.yaml")
    assert out == {"a": {"v": 1}, "b": {"v": 2}, "c": [1]}
    assert [(c.index, c.action) for c in conflicts] == [(0, stale), (2, stale_remove)]
    first = conflicts[0]
    assert (first.expected, first.found, first.now, first.curator) == (
        node_hash({"v": 0}),
        node_hash({"v": 1}),
        {"v": 1},
        {"v": 2},
    )
    assert conflicts[1].curator == "remove" and conflicts[1].now == 1


def test_base_is_checked_against_the_node_as_earlier_actions_left_it() -> None:
    doc = {"a": {"v": 1}}
    first = Action("$['a']", update={"w": 2})
    second = Action("$['a']", update={"v": 3}, base=node_hash({"v": 1, "w": 2}))
    out, conflicts = apply(doc, [first, second], file="r.yaml")
    assert conflicts == [] and out == {"a": {"v": 3, "w": 2}}


def test_action_path_and_no_update_sentinel() -> None:
    assert Action("$['a'][0]").path == ("a", 0)
    assert Action("$").update is NO_UPDATE
    assert copy.deepcopy(NO_UPDATE) is NO_UPDATE and repr(NO_UPDATE) == "NO_UPDATE"


def test_large_document_is_copied_only_along_the_target_path() -> None:
    paths = {
        f"/p{i}": {"get": {"operationId": f"op{i}", "responses": {"200": {"description": "ok"}}}} for i in range(20000)
    }
    doc = {"paths": paths, "components": {"schemas": {f"S{i}": {"type": "object"} for i in range(5000)}}}
    actions = [Action(f"$['paths']['/p{i}']['get']", update={"x-python-name": f"n{i}"}) for i in range(0, 20000, 20)]
    out = _apply(doc, *actions)
    assert out["components"] is doc["components"]
    assert out["paths"]["/p1"] is paths["/p1"]
    assert out["paths"]["/p20"]["get"]["x-python-name"] == "n20"
    assert "x-python-name" not in paths["/p20"]["get"]


def test_copy_merges_or_appends_a_copy_of_another_node() -> None:
    doc = {"paths": {"/a": {"get": {"x": 1}}, "/b": {"post": {"y": 2}}}, "list": [1], "src": {"k": "v"}}
    out = _apply(doc, Action("$['paths']['/b']", copy="$['paths']['/a']"), Action("$['list']", copy="$['src']"))
    assert list(out["paths"]["/b"]) == ["post", "get"]
    assert out["list"] == [1, {"k": "v"}]
    out["list"][1]["k"] = "changed"
    out["paths"]["/b"]["get"]["x"] = 9
    assert doc["src"] == {"k": "v"} and doc["paths"]["/a"]["get"] == {"x": 1}  # copies, not shared nodes
    assert out["src"] == {"k": "v"}
    stale = Action("$['list']", copy="$['src']", base=node_hash([0]))
    _, conflicts = apply(doc, [stale], file="r.yaml")
    assert [(c.index, c.curator) for c in conflicts] == [(0, {"k": "v"})]
