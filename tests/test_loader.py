"""generator.loader: parsing YAML/JSON specs, syntax errors with positions, and line lookup."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.loader import Document, load_document, parse_text, pointer_of, split_pointer


def test_invalid_yaml_reports_line_and_column(write_spec: Callable[..., Path]) -> None:
    path = write_spec("""
        openapi: 3.0.3
        info:
          title: Broken
           version: "1"
        paths: {}
        """)
    with pytest.raises(SpecError) as exc:
        load_document(path, "specs/broken.yaml")
    error = exc.value
    assert error.file == "specs/broken.yaml"
    assert error.line == 4
    assert error.message.startswith("invalid YAML at line 4, column 11: ")
    assert str(error).startswith("specs/broken.yaml:4: invalid YAML at line 4, column 11")
    assert error.hint


def test_unclosed_flow_sequence_reports_where_the_parser_stopped() -> None:
    with pytest.raises(SpecError) as exc:
        parse_text("a: [1, 2\nb: c\n", "x.yaml")
    assert exc.value.line == 2
    assert "invalid YAML at line 2, column 2" in exc.value.message


def test_invalid_json_reports_line_and_column(write_spec: Callable[..., Path]) -> None:
    path = write_spec('{\n  "openapi": "3.0.3",\n  "info": {,}\n}\n', name="broken.json")
    with pytest.raises(SpecError) as exc:
        load_document(path, "broken.json")
    assert exc.value.line == 3
    assert exc.value.message.startswith("invalid JSON at line 3, column 12: ")
    assert str(exc.value).startswith("broken.json:3: invalid JSON")


def test_json_is_parsed_as_json(write_spec: Callable[..., Path]) -> None:
    data = {"openapi": "3.0.3", "x": {"on": "yes", "n": 1.5, "b": True, "z": None, "list": [1, "2"]}}
    path = write_spec(json.dumps(data, indent=2), name="spec.json")
    assert load_document(path).data == data


def test_yaml_1_2_booleans() -> None:
    data = parse_text(
        "a: on\nb: yes\nc: no\nd: off\ne: y\nf: n\ng: Yes\nh: ON\n"
        "t1: true\nt2: True\nt3: TRUE\nf1: false\nf2: False\nf3: FALSE\n",
        "x",
    )
    assert data == {
        "a": "on",
        "b": "yes",
        "c": "no",
        "d": "off",
        "e": "y",
        "f": "n",
        "g": "Yes",
        "h": "ON",
        "t1": True,
        "t2": True,
        "t3": True,
        "f1": False,
        "f2": False,
        "f3": False,
    }


def test_enum_of_yaml_1_1_booleans_stays_strings() -> None:
    data = parse_text("enum: [on, off, yes, no]\n", "x")
    assert data == {"enum": ["on", "off", "yes", "no"]}


def test_dates_and_timestamps_stay_strings() -> None:
    data = parse_text(
        "d: 2020-01-01\nt: 2020-01-01T10:00:00Z\ns: 2001-12-14 21:59:43.10 -5\nexample: {when: 2024-02-29}\n", "x"
    )
    assert data == {
        "d": "2020-01-01",
        "t": "2020-01-01T10:00:00Z",
        "s": "2001-12-14 21:59:43.10 -5",
        "example": {"when": "2024-02-29"},
    }


@pytest.mark.parametrize(
    ("scalar", "value"),
    [
        ("12:30", "12:30"),  # YAML 1.1 reads a sexagesimal 750
        ("1_000", "1_000"),  # YAML 1.1 drops the underscore
        ("1e3", 1000.0),  # YAML 1.2 core: a float (PyYAML's 1.1 rules: the string "1e3")
        ("2.5e6", 2500000.0),  # YAML 1.2 core: a float (PyYAML's 1.1 rules need a sign: 2.5e+6)
        ("0755", 755),  # YAML 1.2 core: decimal (YAML 1.1: octal 493)
    ],
)
def test_numbers_follow_yaml_1_2(scalar: str, value: object) -> None:
    """The module promises YAML 1.2 scalar rules: numbers are read as the core schema reads them."""
    assert parse_text(f"v: {scalar}\n", "x") == {"v": value}


def test_numbers_and_nulls() -> None:
    data = parse_text("i: 42\nneg: -7\nf: 1.5\nexp: 1.0e+3\nnull1: null\nnull2: ~\nempty:\nq: '42'\n", "x")
    assert data == {"i": 42, "neg": -7, "f": 1.5, "exp": 1000.0, "null1": None, "null2": None, "empty": None, "q": "42"}


def test_mapping_keys_are_strings() -> None:
    data = parse_text(
        "responses:\n  200: {description: ok}\n  4XX: {description: err}\n  default: {description: d}\n"
        "true: t\n~: n\n1.5: f\n",
        "x",
    )
    assert list(data["responses"]) == ["200", "4XX", "default"]
    assert all(isinstance(k, str) for k in data)
    assert data["true"] == "t"
    assert data["null"] == "n"
    assert data["1.5"] == "f"


def test_anchors_and_merge_keys() -> None:
    data = parse_text("base: &b {type: string, minLength: 1}\nname:\n  <<: *b\n  maxLength: 5\n", "x")
    assert data["name"] == {"type": "string", "minLength": 1, "maxLength": 5}


def test_unsafe_tags_are_refused() -> None:
    with pytest.raises(SpecError) as exc:
        parse_text("a: !!python/object/apply:os.system ['true']\n", "x.yaml")
    assert "invalid YAML" in exc.value.message


def test_missing_file_and_bad_encoding(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as exc:
        load_document(tmp_path / "nope.yaml", "nope.yaml")
    assert exc.value.file == "nope.yaml" and "file not found" in exc.value.message

    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("openapi: 3.0.3\ninfo: {title: caf\xe9}\n".encode("latin-1"))
    with pytest.raises(SpecError) as exc:
        load_document(latin1)
    assert "not UTF-8" in exc.value.message


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfopenapi: 3.0.3\ninfo: {title: x}\n")
    assert load_document(path).data == {"openapi": "3.0.3", "info": {"title": "x"}}


def test_load_document_keeps_text_path_and_display(write_spec: Callable[..., Path]) -> None:
    path = write_spec("openapi: 3.0.3\n")
    doc = load_document(path, "specs/spec.yaml")
    assert doc.path == path
    assert doc.display == "specs/spec.yaml"
    assert doc.text == "openapi: 3.0.3\n"
    assert load_document(path).display == str(path)


SPEC = """\
openapi: 3.0.3
info:
  title: Lines
  version: "1"
paths:
  /a/{b}:
    get:
      parameters:
        - name: b
          in: path
        - name: c
          in: query
      responses:
        "200":
          description: ok
components:
  schemas:
    A~B:
      type: object
"""


@pytest.mark.parametrize(
    ("pointer", "line"),
    [
        ("", 1),
        ("/openapi", 1),
        ("/info", 2),
        ("/info/version", 4),
        ("/paths/~1a~1{b}", 6),
        ("/paths/~1a~1{b}/get", 7),
        ("/paths/~1a~1{b}/get/parameters/0", 9),
        ("/paths/~1a~1{b}/get/parameters/1", 11),
        ("/paths/~1a~1{b}/get/parameters/1/in", 12),
        ("/paths/~1a~1{b}/get/responses/200", 14),
        ("/paths/~1a~1%7Bb%7D/get", 7),  # percent-encoded, as in a $ref
        ("/components/schemas/A~0B/type", 19),
        # not in the document: the nearest enclosing node
        ("/paths/~1a~1{b}/get/responses/404", 13),
        ("/info/nope/deeper", 2),
    ],
)
def test_line_of_pointer(pointer: str, line: int) -> None:
    doc = Document(path=Path("x.yaml"), data=parse_text(SPEC, "x"), text=SPEC, display="x.yaml")
    assert doc.line_of(pointer) == line


def test_line_of_in_json() -> None:
    text = json.dumps({"openapi": "3.0.3", "paths": {"/x": {"get": {"responses": {}}}}}, indent=2)
    doc = Document(path=Path("x.json"), data=json.loads(text), text=text, display="x.json")
    assert doc.line_of("/paths/~1x/get/responses") == 6


def test_document_error_carries_line_and_pointer() -> None:
    doc = Document(path=Path("x.yaml"), data=parse_text(SPEC, "x"), text=SPEC, display="specs/x.yaml")
    error = doc.error("/paths/~1a~1{b}/get/parameters/1/in", "bad", "fix it")
    assert error.line == 12
    assert str(error) == "specs/x.yaml:12 at /paths/~1a~1{b}/get/parameters/1/in: bad\n  fix: fix it"


@pytest.mark.parametrize("parts", [(), ("paths", "/a/{b}", "get"), ("x", "a~b/c", 0), ("paths", "", "~1")])
def test_pointer_round_trip(parts: tuple[str | int, ...]) -> None:
    assert split_pointer(pointer_of(parts)) == [str(p) for p in parts]
