"""generator.escape: spec strings in Python literals, docstrings, comments and Markdown."""

from __future__ import annotations

import ast
import importlib
import inspect
import io
import json
import math
import re
import sys
import tokenize
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import pipeline
from generator.escape import (
    comment,
    docstring,
    markdown,
    markdown_cell,
    markdown_code,
    py_literal,
    py_str,
    py_tuple,
)
from generator.render import environment

hypothesis_settings = settings(database=None, deadline=None, max_examples=300, derandomize=True)

HOSTILE = [
    'say """hi"""',
    "'''single'''",
    'ends with a quote"',
    'ends with two quotes""',
    'ends with three quotes"""',
    '"starts with a quote',
    '""starts with two',
    '"""',
    '\\"""',
    "back\\slash \\n is not a newline, \\x00 \\u2028 \\N{BULLET} \\",
    "trailing backslash\\",
    "nul \x00 byte",
    "line\nbreak",
    "para\u2028line\u2029sep",
    "{{ 7 * 7 }} and {% if x %}y{% endif %} {# c #} {{",
    "# not a comment",
    "esc \x1b[31mred\x1b[0m bell \x07",
    "del \x7f nel \x85 form \x0c vt \x0b fs \x1c",
    "emoji \U0001f680, umlaut \xfc, cjk \u540d",
    "bidi \u202e override",
    "lone surrogate \ud800",
    "zero width \u200b joiner \u200d",
    "<script>alert(1)</script> & <b>bold</b>",
    "pipe | and `tick` and ``double``",
    "a\n\n  indented\n    more",
    "windows\r\nline\rend",
    "tab\there",
    "  surrounding spaces  ",
    "",
]


def _normalized(text: str) -> str:
    """What the docstring filter keeps of a text that needs no wrapping: the docstring's content.

    (Line endings normalized, tabs expanded, outer blank space and trailing spaces dropped; control
    characters are escaped, not dropped, so they survive.)
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return "\n".join(line.rstrip(" ") for line in text.strip(" \n").split("\n"))


def _doc_of_function_with_docstring(body: str, indent: int) -> str:
    """Compile and run ``def f(): \"\"\"<body>\"\"\"``; return the docstring exactly as the source spells it.

    (Python 3.13+ strips common indentation from ``__doc__``; the literal in the AST is the raw value,
    and ``__doc__`` must agree with it up to that cleaning.)
    """
    pad = " " * indent
    source = f'def f():\n{pad}"""{body}"""\n'
    namespace: dict[str, Any] = {}
    exec(compile(source, "<docstring>", "exec"), namespace)
    tree = ast.parse(source)
    node = tree.body[0]
    assert isinstance(node, ast.FunctionDef)
    assert len(node.body) == 1, "the docstring closed early and left code behind"
    statement = node.body[0]
    assert isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
    literal = statement.value.value
    assert isinstance(literal, str)
    doc = namespace["f"].__doc__
    assert isinstance(doc, str)
    assert inspect.cleandoc(doc) == inspect.cleandoc(literal)
    return literal


# ---------------------------------------------------------------- py_str, py_literal, py_tuple


@pytest.mark.parametrize("text", HOSTILE)
def test_py_str_round_trips_and_is_one_ascii_line(text: str) -> None:
    literal = py_str(text)
    assert ast.literal_eval(literal) == text
    assert literal.isascii() and literal.isprintable()
    assert "\n" not in literal


@hypothesis_settings
@given(st.text())
def test_py_str_round_trips_any_text(text: str) -> None:
    literal = py_str(text)
    assert ast.literal_eval(literal) == text
    assert literal.isascii() and literal.isprintable()


@pytest.mark.parametrize("value", [True, False, 0, -3, 2**70, 1.5, -0.25, 1e300, 'x"y', "\u2028"])
def test_py_literal_round_trips_json_scalars(value: object) -> None:
    assert ast.literal_eval(py_literal(value)) == value
    assert type(ast.literal_eval(py_literal(value))) is type(value)


@pytest.mark.parametrize("value", [math.inf, -math.inf])
def test_py_literal_of_yaml_infinity_is_valid_python(value: float) -> None:
    """YAML specs can hold ``.inf`` (e.g. a default or an enum value); the literal must still be Python."""
    source = py_literal(value)
    evaluated = eval(compile(source, "<literal>", "eval"), {"__builtins__": {}})
    assert evaluated == value


def test_py_tuple() -> None:
    assert py_tuple([]) == "()"
    assert py_tuple(["a"]) == '("a",)'
    assert py_tuple(["a", "b"]) == '("a", "b")'
    assert py_tuple([["ApiKey"], ["Jwt", "Basic"]]) == '(("ApiKey",), ("Jwt", "Basic"))'
    hostile = [['"),); import os; (("'], ["\n"]]
    assert ast.literal_eval(py_tuple(hostile)) == (('"),); import os; (("',), ("\n",))


# ---------------------------------------------------------------- docstring


@pytest.mark.parametrize("text", HOSTILE)
def test_docstring_round_trips_at_column_zero(text: str) -> None:
    assert _doc_of_function_with_docstring(docstring(text), 4) == _normalized(text)


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("indent", [4, 8])
def test_docstring_round_trips_indented_as_the_templates_do(text: str, indent: int) -> None:
    # templates write: """{{ text | docstring(N) | indent(N) }}
    body = environment().from_string("{{ text | docstring(n) | indent(n) }}").render(text=text, n=indent)
    doc = _doc_of_function_with_docstring(body, indent)
    assert inspect.cleandoc(doc) == inspect.cleandoc(_normalized(text))


@pytest.mark.parametrize("text", HOSTILE)
def test_docstring_followed_by_more_docstring_text(text: str) -> None:
    # the class/method docstrings continue after the spec text
    body = docstring(text) + "\n\nArgs:\n    x: y\n"
    assert _doc_of_function_with_docstring(body, 4) == _normalized(text) + "\n\nArgs:\n    x: y\n"


def test_docstring_wraps_long_lines_and_keeps_list_indentation() -> None:
    text = "word " * 40 + "\n  - item " + "x " * 50
    out = docstring(text, indent=8, width=88)
    lines = out.split("\n")
    assert all(len(line) <= 88 - 8 - 3 for line in lines)
    item = next(i for i, line in enumerate(lines) if "item" in line)
    assert lines[item].startswith("  - item")
    assert all(line.startswith("  ") for line in lines[item:])
    assert _doc_of_function_with_docstring(out, 4).split() == text.split()


@hypothesis_settings
@given(st.text(), st.sampled_from([0, 4, 8, 12]))
def test_docstring_of_any_text_compiles_and_keeps_every_word(text: str, indent: int) -> None:
    body = environment().from_string("{{ text | docstring(n) | indent(n) }}").render(text=text, n=indent)
    doc = _doc_of_function_with_docstring(body, max(indent, 4))
    expected = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    assert doc.split() == expected.split()


BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.mark.parametrize("place", ["docstring", "comment"])
def test_bidi_controls_are_escaped_in_python_output(place: str) -> None:
    """Trojan Source (CVE-2021-42574): bidi controls from a spec must not reach generated code raw,
    where they make a reviewer see something other than what Python reads."""
    text = "access granted \u202e }; evil() /* \u2066 isolate \u2069"
    out = docstring(text) if place == "docstring" else comment(text)
    assert not any(c in BIDI_CONTROLS for c in out), repr(out)


# ---------------------------------------------------------------- comment


def _comment_tokens(source: str) -> list[str]:
    return [t.string for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type == tokenize.COMMENT]


@pytest.mark.parametrize("text", HOSTILE)
def test_comment_stays_on_one_line(text: str) -> None:
    out = comment(text)
    assert len(out.splitlines()) <= 1  # splitlines knows \u2028, \x0b, \x1c, \x85 ...
    source = f"x = 1  # {out}\ny = 2\n"
    namespace: dict[str, Any] = {}
    exec(compile(source, "<comment>", "exec"), namespace)
    assert namespace["x"] == 1 and namespace["y"] == 2
    assert _comment_tokens(source) == [f"# {out}"]


@hypothesis_settings
@given(st.text())
def test_comment_of_any_text_is_one_line(text: str) -> None:
    out = comment(text)
    assert len(out.splitlines()) <= 1
    source = f"x = 1  # {out}\ny = 2\n"
    assert len(ast.parse(source).body) == 2


def test_comment_keeps_plain_text() -> None:
    assert comment("specs/café api.yaml") == "specs/café api.yaml"
    assert comment("a\nb\r\nc") == "a b  c"


# ---------------------------------------------------------------- markdown


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_shows_html_as_text_and_drops_controls(text: str) -> None:
    out = markdown(text)
    assert "<" not in out and ">" not in out
    assert all(c == "\n" or unicodedata.category(c) not in ("Cc", "Cs", "Zl", "Zp") for c in out), repr(out)
    assert "\u2028" not in out and "\x00" not in out


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_cell_is_one_line_with_escaped_pipes(text: str) -> None:
    out = markdown_cell(text)
    assert len(out.splitlines()) <= 1
    assert "<" not in out
    unescaped = out.replace("\\|", "")
    assert "|" not in unescaped


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_code_is_one_code_span(text: str) -> None:
    out = markdown_code(text)
    assert len(out.splitlines()) <= 1
    assert out.startswith("`") and out.endswith("`")
    if "`" in text:
        fence = re.match(r"`+", out).group(0)
        assert out.startswith(fence + " ") and out.endswith(" " + fence)
        # CommonMark closes a code span at the next run of exactly as many backticks as opened it
        inner = out[len(fence) + 1 : -len(fence) - 1]
        runs = re.findall(r"`+", inner)
        assert all(len(run) != len(fence) for run in runs), "a backtick run inside closes the span early"


def test_markdown_examples() -> None:
    assert markdown("<b>x</b> & y") == "&lt;b&gt;x&lt;/b&gt; &amp; y"
    assert markdown_cell("a | b\nc") == "a \\| b c"
    assert markdown_code("X-API-Key") == "`X-API-Key`"
    assert markdown_code("a`b") == "`` a`b ``"


# ---------------------------------------------------------------- through the templates


def test_templates_never_evaluate_spec_text() -> None:
    env = environment()
    text = "{{ 7 * 7 }}{% for x in range(3) %}{{ x }}{% endfor %}"
    assert env.from_string("{{ t }}").render(t=text) == text
    assert ast.literal_eval(env.from_string("{{ t | py_str }}").render(t=text)) == text


HOSTILE_SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {
        "title": 'Hostile """ <script>alert(1)</script> API',
        "version": '1 """',
        "description": 'Ends with a quote" and has {{ jinja }}, {% raw %} and a NUL \x00.\n<script>x</script>',
    },
    "x-python-client": {"package": "hostile_client", "version": "1.0.0"},
    "servers": [{"url": 'https://example.com/api"quote'}],
    "tags": [{"name": "things", "description": "Tag with ''' quotes and a backslash \\ at the end \\"}],
    "paths": {
        "/things/{thing-id}": {
            "get": {
                "tags": ["things"],
                "operationId": "getThing",
                "summary": 'Summary with """ and \u2028 separator <img src=x onerror=alert(1)> | pipe',
                "description": "Line one\nLine two ends with \\",
                "parameters": [
                    {
                        "name": "thing-id",
                        "in": "path",
                        "required": True,
                        "description": 'Id """ with quotes" ',
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "mode",
                        "in": "query",
                        "schema": {
                            "type": "string",
                            "default": 'a"b\\c\u2028d',
                            "enum": ['a"b\\c\u2028d', "plain", "{{ x }}"],
                        },
                    },
                ],
                "responses": {
                    "200": {
                        "description": 'ok """',
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Thing": {
                "type": "object",
                "description": 'A thing """ whose description ends with a quote"',
                "properties": {"name": {"type": "string", "description": "# not a comment\nsecond line \\"}},
            }
        }
    },
}


def _attribute_docs(module: Path, class_name: str) -> dict[str, str]:
    """The string literal under each annotated attribute of a class (attribute docstrings)."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name)
    docs: dict[str, str] = {}
    for stmt, following in zip(cls.body, cls.body[1:], strict=False):
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            if isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant):
                docs[stmt.target.id] = str(following.value.value)
    return docs


@pytest.fixture
def hostile_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    spec = tmp_path / "hostile.json"
    spec.write_text(json.dumps(HOSTILE_SPEC, indent=2), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    generated = pipeline.generate(Path("hostile.json"))
    target = tmp_path / "out" / generated.package
    for name, content in generated.files.items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes(content)
    monkeypatch.syspath_prepend(str(tmp_path / "out"))
    try:
        yield importlib.import_module(generated.package)
    finally:
        for name in [m for m in sys.modules if m == generated.package or m.startswith(generated.package + ".")]:
            del sys.modules[name]


def test_hostile_spec_strings_survive_generation(hostile_package: Any) -> None:
    api = importlib.import_module("hostile_client.things_api")
    models = importlib.import_module("hostile_client.models")
    client = importlib.import_module("hostile_client.client")

    assert client.DEFAULT_BASE_URL == 'https://example.com/api"quote'
    method_doc = inspect.getdoc(api.ThingsApi.get_thing) or ""
    assert method_doc.startswith('Summary with """ and \u2028 separator')
    assert "Line one\nLine two ends with \\" in method_doc
    assert 'Id """ with quotes"' in method_doc
    assert (inspect.getdoc(api.ThingsApi) or "").startswith("Tag with ''' quotes and a backslash \\ at the end \\")
    # (black pads a docstring that ends with a quote with one space; whitespace at the ends does not count)
    assert (inspect.getdoc(models.Thing) or "").strip() == 'A thing """ whose description ends with a quote"'
    assert _attribute_docs(Path(str(models.__file__)), "Thing")["name"] == "# not a comment\n    second line \\"
    enum_class = models.GetThingMode
    assert sorted(m.value for m in enum_class) == sorted(['a"b\\c\u2028d', "plain", "{{ x }}"])
    folder = Path(hostile_package.__file__).parent
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in readme
    for doc in folder.rglob("*.md"):
        text = doc.read_text(encoding="utf-8")
        assert "<script" not in text and "<img" not in text, doc.name
