"""Canonical YAML writer: exact round trip through the project's loader, style, comments, header."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.loader import load_document, parse_text
from generator.upstream.emit import dump

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted((ROOT / "specs").glob("*.yaml"))
UPSTREAM = sorted(p for p in (ROOT / "specs" / "upstream").glob("*/*") if p.suffix in (".yaml", ".json"))


def _ordered(value: object) -> object:
    """A form where == also compares key order and scalar types (1 vs 1.0 vs True)."""
    if isinstance(value, dict):
        return ("map", [(key, _ordered(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [_ordered(item) for item in value])
    return (type(value).__name__, repr(value))


def _reads_back(data: object, **options: Any) -> str:
    text = dump(data, **options)
    assert _ordered(parse_text(text, "x.yaml")) == _ordered(data), text
    # one final newline; more only when the last scalar is a keep block whose blank lines are content
    assert text.endswith("\n") and (not text.endswith("\n\n") or "|+" in text or "|2+" in text)
    return text


HOSTILE = [
    "",
    " ",
    "  lead",
    "trail ",
    "on",
    "yes",
    "No",
    "y",
    "null",
    "Null",
    "~",
    "true",
    "False",
    "1",
    "-1",
    "+1",
    "1.0",
    ".5",
    "1e3",
    "0x1f",
    "0o17",
    "1_000",
    "0b101",
    "12:30:00",
    ".inf",
    ".NaN",
    "2024-01-01",
    "2024-01-01T10:00:00Z",
    "<<",
    "=",
    "-",
    "- a",
    "? a",
    ": a",
    "a: b",
    "a:",
    "a #b",
    "#a",
    "a#b",
    "---",
    "...",
    "--- a",
    "'",
    "''",
    '"',
    "\\",
    "\\n",
    "@a",
    "`a",
    "!a",
    "&a",
    "*a",
    "|a",
    ">a",
    "%a",
    "[a]",
    "{a}",
    ",a",
    "a,b",
    "a [b]",
    "/api/{id}",
    "/a:search",
    "#/components/schemas/A",
    "x-faker",
    "\t",
    "a\tb",
    "\n",
    "\n\n",
    "a\n",
    "a\nb",
    "a\nb\n",
    "a\n\n",
    "a\n\n\n",
    " a\nb",
    "\na",
    "\n a",
    "a\n b\n",
    "a \nb",
    "a\n \nb",
    "a\r\nb",
    "a\rb",
    "\x00",
    "\x07\x1b",
    "\x7f",
    "\x85",
    "\xa0",
    "a\xa0",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\ufffe",
    "\U0001f600",
    "ü€",
    "\u202e",
    "# not a comment\n- not a list",
    "x" * 1030,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_strings_round_trip_as_values_keys_and_items(text: str) -> None:
    _reads_back({"k": text})
    _reads_back({text: "v"})
    _reads_back({text: {text: [text, {text: text}]}})
    _reads_back([text, [text]])
    _reads_back(text)


def test_scalars_round_trip_with_their_types() -> None:
    data = {
        "int": 1,
        "big": 2**100,
        "neg": -(2**70),
        "float": 1.0,
        "small": 1e-300,
        "huge": 1.5e300,
        "negzero": -0.0,
        "true": True,
        "false": False,
        "null": None,
        "empty_map": {},
        "empty_list": [],
        "nested_empty": [{}, []],
    }
    text = _reads_back(data)
    assert "int: 1\n" in text and "float: 1.0\n" in text and "negzero: -0.0\n" in text
    assert "empty_map: {}\n" in text and "empty_list: []\n" in text
    assert "'true': true\n" in text and "'null': null\n" in text  # keys that look like scalars are quoted


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_nan_and_infinity_are_refused(bad: float) -> None:
    with pytest.raises(ValueError):
        dump({"x": bad})


def test_lone_surrogates_and_non_json_data_are_refused() -> None:
    with pytest.raises(ValueError, match="surrogate"):
        dump({"x": "\ud800"})
    with pytest.raises(ValueError):
        dump({"x": {1, 2}})
    with pytest.raises(ValueError):
        dump({1: "x"})


def test_style_follows_the_curated_specs() -> None:
    data = {
        "openapi": "3.0.3",
        "paths": {
            "/a/{id}": {
                "get": {
                    "tags": ["Project Workflow Session"],
                    "parameters": [{"name": "id", "in": "path", "required": True}],
                    "responses": {"200": {"$ref": "#/components/responses/Ok"}},
                    "description": "line one\nline two\n",
                }
            }
        },
    }
    assert dump(data) == (
        "openapi: 3.0.3\n"
        "paths:\n"
        "  /a/{id}:\n"
        "    get:\n"
        "      tags:\n"
        "      - Project Workflow Session\n"
        "      parameters:\n"
        "      - name: id\n"
        "        in: path\n"
        "        required: true\n"
        "      responses:\n"
        "        '200':\n"
        "          $ref: '#/components/responses/Ok'\n"
        "      description: |\n"
        "        line one\n"
        "        line two\n"
    )


@pytest.mark.parametrize(
    ("text", "header"),
    [("a\nb", "|-"), ("a\nb\n", "|"), ("a\nb\n\n", "|+"), (" a\nb", "|2-"), ("\na\n", "|2")],
)
def test_literal_blocks_use_the_right_indicators(text: str, header: str) -> None:
    out = _reads_back({"d": text})
    assert out.startswith(f"d: {header}\n")
    listed = _reads_back({"l": [text, {"d": text}]})
    assert f"- {header}\n" in listed and f"- d: {header}\n" in listed


def test_multi_line_text_that_a_block_cannot_hold_is_double_quoted() -> None:
    for text in ["a\r\nb", "a\n\tb", "a\n  \nb", "\n", "  \n"]:
        out = _reads_back({"d": text})
        assert out.startswith('d: "'), out


def test_comments_sit_above_their_key_or_item_and_never_change_the_data() -> None:
    data = {"info": {"title": "T"}, "tags": [{"name": "a", "x": 1}, "b"], "last": 1}
    comments = {
        ("info",): "why info",
        ("info", "title"): "two\nlines",
        ("tags", 0): "first tag",
        ("tags", 0, "name"): "its name",
        ("tags", 1): "second",
        ("last",): "\x1b[31m red \u202e evil\r\nnext: injected\x00",
        ("nowhere",): "ignored",
    }
    text = _reads_back(data, comments=comments, header=["derived from x; do not edit", "", "second line"])
    assert text.startswith("# derived from x; do not edit\n#\n# second line\n# why info\ninfo:\n  # two\n  # lines\n")
    assert "tags:\n# first tag\n-\n  # its name\n  name: a\n  x: 1\n# second\n- b\n" in text
    # control characters are escaped and a line break starts a new comment line, never data
    assert "# \\x1b[31m red \\u202e evil\n# next: injected\\x00\nlast: 1\n" in text
    assert "ignored" not in text


def test_comment_on_the_root_goes_below_the_header() -> None:
    assert dump({"a": 1}, comments={(): "root"}, header=["h"]) == "# h\n# root\na: 1\n"


def test_long_keys_use_explicit_key_syntax() -> None:
    key = "k" * 1500
    text = _reads_back({key: {"a": [1, {key: "v"}]}, "after": [key]})
    assert text.startswith(f"? {key}\n:\n")


def test_dumping_is_deterministic_and_idempotent() -> None:
    data = json.loads((ROOT / "specs" / "upstream" / "libtes" / "tes.json").read_text())
    first = dump(data)
    assert dump(data) == first
    assert dump(parse_text(first, "x.yaml")) == first


@pytest.mark.parametrize("path", SPECS + UPSTREAM, ids=lambda p: p.name)
def test_every_spec_and_upstream_snapshot_round_trips(path: Path) -> None:
    data = load_document(path).data
    _reads_back(data)


def test_a_large_document_dumps_quickly() -> None:
    data = load_document(ROOT / "specs" / "upstream" / "ica_v3" / "openapi_public.yaml").data
    big = {"openapi": "3.0.1", "paths": {}, "components": {"schemas": {}}}
    for copy_number in range(3):
        for name, item in data["paths"].items():
            big["paths"][f"/v{copy_number}{name}"] = item
        for name, schema in data["components"]["schemas"].items():
            big["components"]["schemas"][f"{name}{copy_number}"] = schema
    assert len(json.dumps(big)) > 1_500_000
    start = time.process_time()
    text = dump(big)
    elapsed = time.process_time() - start
    assert len(text) > 1_000_000
    assert elapsed < 5  # generous for a loaded machine; about 0.2 s on an idle one


# --- property tests -------------------------------------------------------------------------

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(HOSTILE)
_LEAVES = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | _TEXT
_DATA = st.recursive(
    _LEAVES,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_TEXT, children, max_size=4),
    max_leaves=30,
)


def _paths(value: object, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*prefix, index)))
    return found


@settings(max_examples=200, deadline=None, derandomize=True)
@given(_DATA)
def test_random_data_round_trips_and_dumps_identically_twice(data: object) -> None:
    text = _reads_back(data)
    assert dump(data) == text


@settings(max_examples=200, deadline=None, derandomize=True)
@given(_DATA, st.lists(_TEXT, max_size=3), st.data())
def test_comments_and_header_never_change_the_data(data: object, header: list[str], draw: st.DataObject) -> None:
    paths = _paths(data)
    chosen = draw.draw(st.lists(st.sampled_from(paths), max_size=len(paths)))
    comments = {path: draw.draw(_TEXT) for path in chosen}
    commented = _reads_back(data, comments=comments, header=header)
    assert dump(data, comments=comments, header=header) == commented
