"""Hostile strings are harmless: no string from a spec can break or inject code.

A spec full of quotes, backslashes, NUL, newlines, line separators, template syntax, comment
markers and Python payloads must still give a package that compiles, is black-clean, passes
mypy --strict, imports, and carries every string as data. Payloads that would create a file if
anything executed them prove that nothing did. A property-based test (hypothesis) then throws
random specs with such strings and random schemas at the generator: it must answer with a clear
error or a package that compiles and imports.
"""

from __future__ import annotations

import importlib
import json
import os
import string
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import black
import pytest
from black.mode import Mode, TargetVersion
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import SpecError
from generator.options import Options
from generator.pipeline import GeneratedPackage, generate_many

BIN = Path(sys.executable).parent
MODE = Mode(target_versions={TargetVersion.PY310})
CANARY = "clientgen-canary"  # a payload that ran would create a file of this name in the cwd


def payloads(folder: Path) -> list[str]:
    """Strings that would leave a file in ``folder`` if any of them were executed."""
    target = str(folder / CANARY)
    code = f"__import__('pathlib').Path({target!r}).touch()"
    return [
        code,
        f'");{code}#',
        f"');{code}#",
        f'"""{code}"""',
        f"'''{code}'''",
        f"\\n{code}",
        "{{ " + code + " }}",
        "{% if true %}" + code + "{% endif %}",
        f"#{code}",
        f"\n{code}\n",
        f'\\\\"{code}',
    ]


def hostile(folder: Path) -> str:
    """One string with every kind of trouble in it."""
    return "".join(
        [
            '"""',
            "'''",
            "\\",
            "\x00",
            "\n",
            "\r\n",
            "\t",
            "\u2028",
            "\u2029",
            "\u202e",
            "{{ 7*7 }}",
            "{% raw %}",
            "#",
            "${x}",
            "%s",
            "`|*<b>",
            "é日本😀",
            "\\N{BULLET}\\x41\\u0041",
            *payloads(folder),
        ]
    )


def hostile_spec(folder: Path) -> dict[str, Any]:
    h = hostile(folder)
    bad = payloads(folder)
    path_safe = h.replace("{", "(").replace("}", ")").replace("/", "|")
    return {
        "openapi": "3.0.3",
        "info": {"title": "T" + h, "version": "1" + h, "description": h},
        "servers": [{"url": "https://example.com/" + path_safe, "description": h}],
        "tags": [{"name": "tag" + h, "description": h}],
        "security": [{"key" + h: []}],
        "paths": {
            "/a/"
            + path_safe
            + "/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "get": {
                    "tags": ["tag" + h],
                    "summary": h,
                    "description": h,
                    "operationId": "op" + h,
                    "parameters": [
                        {
                            "name": "q" + h,
                            "in": "query",
                            "description": h,
                            "example": h,
                            "schema": {"type": "string", "default": h, "example": h},
                        },
                        {"name": "class", "in": "query", "schema": {"type": "integer", "default": 3}},
                        {"name": "h" + h, "in": "header", "schema": {"type": "string"}},
                        {"name": "c" + h, "in": "cookie", "schema": {"type": "string", "enum": [h, *bad]}},
                        {
                            "name": "l",
                            "in": "query",
                            "schema": {"type": "array", "items": {"type": "string"}, "default": bad},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": h,
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/M"}, "example": {h: h}}
                            },
                        },
                        "default": {"description": h, "content": {"text/plain": {"schema": {"type": "string"}}}},
                    },
                },
                "post": {
                    "summary": bad[0],
                    "requestBody": {
                        "required": True,
                        "description": h,
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "file" + h: {"type": "string", "format": "binary", "description": h},
                                        "x" + h: {"type": "string", "default": h, "example": h},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {"204": {"description": h}},
                },
            }
        },
        "components": {
            "securitySchemes": {"key" + h: {"type": "apiKey", "in": "header", "name": "X-" + h, "description": h}},
            "schemas": {
                "M": {
                    "type": "object",
                    "title": h,
                    "description": h,
                    "required": ["kind"],
                    "discriminator": {"propertyName": "kind", "mapping": {h: "#/components/schemas/N"}},
                    "properties": {
                        "kind": {"type": "string", "description": h, "example": h},
                        "p" + h: {"type": "string", "enum": [h, *bad, ""], "default": h, "description": h},
                        "n" + h: {"type": "integer", "enum": [1, -2, 3], "description": bad[1]},
                        "u" + h: {"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/N"}], "description": h},
                        "nested": {"type": "object", "title": bad[2], "properties": {bad[3]: {"type": "string"}}},
                    },
                },
                "N": {"allOf": [{"$ref": "#/components/schemas/M"}, {"properties": {"x" + h: {"type": "number"}}}]},
                "E" + h: {"type": "string", "enum": bad, "description": h},
            },
        },
    }


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, GeneratedPackage, dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("hostile")
    spec = hostile_spec(folder)
    path = folder / "spec.json"
    path.write_text(json.dumps(spec, indent=1), encoding="utf-8")
    package = generate_many([path], options=Options(package="hostile_client"))[0]
    out = folder / "out"
    for name, content in package.files.items():
        (out / "hostile_client" / name).parent.mkdir(parents=True, exist_ok=True)
        (out / "hostile_client" / name).write_bytes(content)
    yield out, package, spec
    assert not (folder / CANARY).exists(), "a payload from the spec was executed"


def test_every_python_file_compiles_and_is_black_clean(
    generated: tuple[Path, GeneratedPackage, dict[str, Any]],
) -> None:
    _, package, _ = generated
    for name, content in package.files.items():
        if name.endswith(".py"):
            text = content.decode("utf-8")
            compile(text, name, "exec")
            assert black.format_str(text, mode=MODE) == text, name
            for char in ("\x00", "\r", "\u2028", "\u2029", "\u202e"):  # escaped, never raw
                assert char not in text, (name, char)


def test_the_package_passes_mypy_strict(
    generated: tuple[Path, GeneratedPackage, dict[str, Any]], tmp_path: Path
) -> None:
    out, _, _ = generated
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "MYPY"))}
    result = subprocess.run(
        [str(BIN / "mypy"), "--strict", "--cache-dir", str(tmp_path / "cache"), "hostile_client"],
        cwd=out,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_strings_arrive_as_data_and_nothing_runs(generated: tuple[Path, GeneratedPackage, dict[str, Any]]) -> None:
    """Import everything, build a model and make a call: every spec string is data, exactly."""
    import httpx

    out, _, spec = generated
    h = spec["info"]["description"]
    sys.path.insert(0, str(out))
    try:
        pkg = importlib.import_module("hostile_client")
        models = importlib.import_module("hostile_client.models")
        for name in pkg.__all__:
            getattr(pkg, name)
        m_props = spec["components"]["schemas"]["M"]["properties"]
        wires = {f.wire for f in models.M._fields.values()}
        assert wires == set(m_props)
        enum = next(getattr(models, n) for n in dir(models) if n.startswith("MP"))
        assert [e.value for e in enum] == m_props["p" + h]["enum"]
        assert models.M.__doc__ is not None and "__import__" in models.M.__doc__

        seen: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return httpx.Response(200, json={"kind": h, "p" + h: h, "n" + h: -2, "u" + h: "text"})

        api_class = next(getattr(pkg, n) for n in pkg.__all__ if n.startswith("Tag") and n.endswith("Api"))
        http = httpx.Client(transport=httpx.MockTransport(handler))
        # no credential: the API key's header name is not a valid HTTP header name (nor ASCII)
        with pkg.ApiClient("https://example.com", http_client=http) as client:
            api = api_class(client)
            method = next(getattr(api, n) for n in dir(api) if n.startswith("op_"))
            result = method("the id")
        assert isinstance(result, models.N)  # the discriminator value h maps to N
        assert result.kind == h
        request = seen[0]
        query = dict(httpx.QueryParams(request.url.query))
        assert query["q" + h] == h  # the default, sent as given
        assert query["class"] == "3"
    finally:
        sys.path.remove(str(out))
        for key in [k for k in sys.modules if k.startswith("hostile_client")]:
            del sys.modules[key]


# ------------------------------------------------------------------------------------------
# property-based: random specs with hostile strings and random schemas
# ------------------------------------------------------------------------------------------

TROUBLE = ['"""', "'''", "\\", "\x00", "\n", "\u2028", "{{", "}}", "{%", "%}", "#", "'", '"', "é", "\u202e", " "]
CODE = ["__import__('os').system('false')", '");print(1)#', "'''+1+'''", "exec('1')"]

texts = st.one_of(
    st.sampled_from(TROUBLE + CODE),
    st.lists(st.sampled_from(TROUBLE + list(string.ascii_letters + string.digits + "_-.$@")), max_size=8).map("".join),
    st.text(max_size=8),
)
names = st.one_of(
    st.sampled_from(
        ["class", "self", "id", "type", "str", "list", "field", "get", "1st", "naïve", "日本", "", "_", "a-b"]
    ),
    texts,
)


@st.composite
def schemas(draw: st.DrawFn, refs: list[str], depth: int = 0) -> dict[str, Any]:
    choices = [
        "string",
        "integer",
        "number",
        "boolean",
        "enum",
        "array",
        "object",
        "ref",
        "oneOf",
        "allOf",
        "map",
        "any",
    ]
    if depth >= 2:
        choices = ["string", "integer", "enum", "ref", "any"]
    kind = draw(st.sampled_from(choices))
    schema: dict[str, Any]
    if kind in ("string", "integer", "number", "boolean"):
        schema = {"type": kind}
        if kind == "string" and draw(st.booleans()):
            schema["format"] = draw(st.sampled_from(["date-time", "date", "binary", "byte", "email", "uuid"]))
    elif kind == "enum":
        values = draw(st.lists(st.one_of(texts, st.integers(-5, 5)), min_size=1, max_size=4, unique_by=repr))
        schema = {"type": "string", "enum": [str(v) for v in values]}
    elif kind == "array":
        schema = {"type": "array", "items": draw(schemas(refs, depth + 1))}
    elif kind == "object":
        props = draw(st.dictionaries(names, schemas(refs, depth + 1), max_size=4))
        schema = {"type": "object", "properties": props}
        if props and draw(st.booleans()):
            schema["required"] = [draw(st.sampled_from(sorted(props)))]
    elif kind == "ref" and refs:
        return {"$ref": "#/components/schemas/" + draw(st.sampled_from(refs)).replace("~", "~0").replace("/", "~1")}
    elif kind == "oneOf":
        schema = {
            draw(st.sampled_from(["oneOf", "anyOf"])): draw(st.lists(schemas(refs, depth + 1), min_size=1, max_size=3))
        }
    elif kind == "allOf" and refs:
        schema = {
            "allOf": [
                {"$ref": "#/components/schemas/" + draw(st.sampled_from(refs)).replace("~", "~0").replace("/", "~1")},
                {"type": "object", "properties": draw(st.dictionaries(names, schemas(refs, depth + 1), max_size=2))},
            ]
        }
    elif kind == "map":
        schema = {"type": "object", "additionalProperties": draw(st.one_of(st.booleans(), schemas(refs, depth + 1)))}
    else:
        schema = {}
    if draw(st.booleans()):
        schema["description"] = draw(texts)
    if draw(st.integers(0, 5)) == 0:
        schema["nullable"] = True
    if draw(st.integers(0, 4)) == 0 and kind in ("string", "enum"):
        schema["default"] = schema["enum"][0] if kind == "enum" else draw(texts)
    return schema


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    component_names = draw(st.lists(names.filter(bool), max_size=3, unique=True))
    components = {}
    for index, name in enumerate(component_names):
        components[name] = draw(schemas(component_names[:index]))
    paths: dict[str, Any] = {}
    for _ in range(draw(st.integers(1, 3))):
        segment = draw(texts).replace("{", "").replace("}", "").replace("/", "")
        path = "/" + segment + "/" + str(len(paths))
        operation: dict[str, Any] = {"responses": {}}
        if draw(st.booleans()):
            operation["operationId"] = draw(texts) + str(len(paths))
        if draw(st.booleans()):
            operation["tags"] = [draw(texts)]
        operation["summary"] = draw(texts)
        params = []
        for location, name in draw(
            st.lists(
                st.tuples(st.sampled_from(["query", "header", "cookie"]), names), max_size=3, unique_by=lambda t: t
            )
        ):
            params.append(
                {"name": name, "in": location, "description": draw(texts), "schema": draw(schemas(component_names, 1))}
            )
        if params:
            operation["parameters"] = params
        if draw(st.booleans()):
            media = draw(
                st.sampled_from(
                    [
                        "application/json",
                        "application/x-www-form-urlencoded",
                        "multipart/form-data",
                        "application/octet-stream",
                        "text/plain",
                    ]
                )
            )
            operation["requestBody"] = {
                "required": draw(st.booleans()),
                "content": {media: {"schema": draw(schemas(component_names))}},
            }
        for status in draw(
            st.lists(
                st.sampled_from(["200", "201", "204", "2XX", "404", "default"]), min_size=1, max_size=3, unique=True
            )
        ):
            response: dict[str, Any] = {"description": draw(texts)}
            if status != "204" and draw(st.booleans()):
                media = draw(
                    st.sampled_from(
                        ["application/json", "text/plain", "application/octet-stream", "application/problem+json"]
                    )
                )
                response["content"] = {media: {"schema": draw(schemas(component_names))}}
            operation["responses"][status] = response
        paths[path] = {draw(st.sampled_from(["get", "post", "put", "delete", "patch"])): operation}
    return {
        "openapi": draw(st.sampled_from(["3.0.3", "3.1.0"])),
        "info": {"title": draw(texts), "version": draw(texts), "description": draw(texts)},
        "servers": [{"url": "https://example.com/" + draw(texts).replace("{", "").replace("}", "")}],
        "paths": paths,
        "components": {"schemas": components},
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(spec=specs(), allow_invalid=st.booleans())
def test_random_specs_give_a_clear_error_or_a_package_that_imports(
    spec: dict[str, Any], allow_invalid: bool, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("random")
    path = folder / "spec.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    name = "random_" + folder.name.replace("-", "_").lower() + "_client"
    try:
        package = generate_many([path], options=Options(package=name, allow_invalid=allow_invalid))[0]
    except SpecError as error:
        text = str(error)
        assert text.startswith(str(path)) or text.startswith(path.name), text
        assert "cannot generate this part" not in text and "internal error" not in text, text
        assert error.hint, text
        return
    out = folder / "out"
    for relative, content in package.files.items():
        target = out / name / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        if relative.endswith(".py"):
            compile(content.decode("utf-8"), relative, "exec")
    sys.path.insert(0, str(out))
    try:
        pkg = importlib.import_module(name)
        for export in pkg.__all__:
            getattr(pkg, export)
    finally:
        sys.path.remove(str(out))
        for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
            del sys.modules[key]
    assert not list(Path.cwd().glob(CANARY))
