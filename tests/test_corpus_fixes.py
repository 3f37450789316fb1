"""The generator and runtime faults the corpus harness (tests/corpus/) found, each on a small spec
shaped like the real one: AWS and Flickr path keys, ECMA-262 patterns, one-line JSON errors, Azure's
discriminator values, JSON under ``*/*`` and ``allOf`` children that narrow an inherited property."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from generator import ecma
from generator.errors import SpecError
from generator.options import Options
from generator.pipeline import check_only, generate_many
from generator.wirepath import wire_path

PATH_KEYS = {
    "openapi": "3.0.3",
    "info": {"title": "Path keys", "version": "1"},
    "servers": [{"url": "https://api.example.test/v1"}],
    "paths": {
        "/#X-Amz-Target=Service.CountThings": {
            "post": {
                "operationId": "CountThings",
                "parameters": [
                    {"name": "X-Amz-Target", "in": "header", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {"200": {"description": "ok"}},
            }
        },
        "/tags/{arn}#tagKeys": {
            "delete": {
                "operationId": "UntagResource",
                "parameters": [
                    {"name": "arn", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "tagKeys", "in": "query", "required": True, "schema": {"type": "string"}},
                ],
                "responses": {"204": {"description": "ok"}},
            }
        },
        "/rest?method=flickr.galleries.getPhotos": {
            "get": {
                "operationId": "getPhotos",
                "parameters": [{"name": "page", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "ok"}},
            }
        },
    },
}

AZURE_JOBS = {  # shaped like azure.com/datalake-analytics-job
    "swagger": "2.0",
    "info": {"title": "Jobs", "version": "1"},
    "host": "jobs.example.test",
    "paths": {
        "/job": {
            "get": {
                "operationId": "Job_Get",
                "produces": ["application/json"],
                "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/JobProperties"}}},
            },
            "put": {
                "operationId": "Job_Create",
                "consumes": ["application/json"],
                "parameters": [
                    {"name": "job", "in": "body", "required": True, "schema": {"$ref": "#/definitions/JobProperties"}}
                ],
                "responses": {"204": {"description": "ok"}},
            },
        }
    },
    "definitions": {
        "JobProperties": {
            "type": "object",
            "discriminator": "type",
            "required": ["type"],
            "properties": {"type": {"type": "string"}, "runtimeVersion": {"type": "string"}},
        },
        "HiveJobProperties": {
            "x-ms-discriminator-value": "Hive",
            "allOf": [{"$ref": "#/definitions/JobProperties"}],
            "properties": {"statementCount": {"type": "integer"}},
        },
        "USqlJobProperties": {
            "x-ms-discriminator-value": "USql",
            "allOf": [{"$ref": "#/definitions/JobProperties"}],
            "properties": {"totalCompilationTime": {"type": "string"}},
        },
        "PlainJobProperties": {"allOf": [{"$ref": "#/definitions/JobProperties"}]},
    },
}

WILDCARD = {  # shaped like bungie.net: every answer under */*
    "openapi": "3.0.1",
    "info": {"title": "Wildcard", "version": "1"},
    "servers": [{"url": "https://www.bungie.example.test/Platform"}],
    "paths": {
        "/manifest": {
            "get": {
                "operationId": "Destiny2.GetDestinyManifest",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"*/*": {"schema": {"$ref": "#/components/schemas/Manifest"}}},
                    }
                },
            }
        },
        "/blob": {
            "get": {
                "operationId": "GetBlob",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
                    }
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Manifest": {
                "type": "object",
                "properties": {"version": {"type": "string"}, "paths": {"type": "array", "items": {"type": "string"}}},
            }
        }
    },
}

NARROWING = {  # shaped like personio (data), beezup (links) and bitbucket (an enum)
    "openapi": "3.0.3",
    "info": {"title": "Narrowing", "version": "1"},
    "servers": [{"url": "https://api.example.test"}],
    "paths": {
        "/auth": {
            "post": {
                "operationId": "getToken",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/AuthenticationTokenResponse"}}
                        },
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Response": {
                "type": "object",
                "properties": {
                    "success": {"type": "boolean"},
                    "data": {"type": "object"},
                    "kind": {"type": "string"},
                    "links": {"$ref": "#/components/schemas/Links"},
                    "note": {"type": "string"},
                },
            },
            "Links": {"type": "object", "properties": {"self": {"type": "string"}}},
            "TokenLinks": {"type": "object", "properties": {"self": {"type": "string"}, "renew": {"type": "string"}}},
            "AuthenticationTokenResponse": {
                "allOf": [
                    {"$ref": "#/components/schemas/Response"},
                    {
                        "type": "object",
                        "required": ["data"],
                        "properties": {
                            "data": {
                                "type": "object",
                                "required": ["token"],
                                "properties": {"token": {"type": "string"}},
                            },
                            "kind": {"type": "string", "enum": ["token", "refresh"]},
                            "links": {"$ref": "#/components/schemas/TokenLinks"},
                            "note": {"type": "string", "description": "restated, same type"},
                        },
                    },
                ]
            },
        }
    },
}

MULTIPART = {  # shaped like apptigent.com: a multipart body whose file part is optional
    "openapi": "3.0.3",
    "info": {"title": "Multipart", "version": "1"},
    "servers": [{"url": "https://api.example.test"}],
    "paths": {
        "/SpeechToText": {
            "post": {
                "operationId": "SpeechToText",
                "requestBody": {
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "file": {"type": "string", "format": "binary"},
                                    "language": {"type": "string"},
                                    "tags": {"type": "array", "items": {"type": "string"}},
                                },
                            }
                        }
                    }
                },
                "responses": {"204": {"description": "ok"}},
            }
        }
    },
}

SPECS: dict[str, dict[str, Any]] = {
    "fix_multipart": MULTIPART,
    "fix_narrowing": NARROWING,
    "fix_path_keys": PATH_KEYS,
    "fix_azure_jobs": AZURE_JOBS,
    "fix_wildcard": WILDCARD,
}


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, ModuleType]]:
    folder = tmp_path_factory.mktemp("corpus_fixes")
    paths = []
    for name, spec in SPECS.items():
        paths.append(folder / f"{name}.json")
        paths[-1].write_text(json.dumps(spec), encoding="utf-8")
    generated = generate_many(paths, None, [Options(package=f"{name}_client") for name in SPECS])
    for package in generated:
        for name, content in package.files.items():
            (folder / package.package / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / package.package / name).write_bytes(content)
    sys.path.insert(0, str(folder))
    try:
        yield {name: importlib.import_module(f"{name}_client") for name in SPECS}
    finally:
        sys.path.remove(str(folder))
        for key in [k for k in sys.modules if k.startswith("fix_")]:
            del sys.modules[key]


class Recorder:
    def __init__(self, status: int = 200, body: bytes = b"", content_type: str = "application/json") -> None:
        self.requests: list[httpx.Request] = []
        self.reply = (status, body, content_type)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        status, body, content_type = self.reply
        return httpx.Response(status, content=body, headers={"content-type": content_type} if body else {})


def client(pkg: ModuleType, recorder: Recorder) -> Any:
    return pkg.ApiClient(http_client=httpx.Client(transport=httpx.MockTransport(recorder)))


def sole_api(pkg: ModuleType, recorder: Recorder) -> Any:
    names = [n for n in pkg.__all__ if n.endswith("Api") and not n.startswith("Async") and "Raw" not in n]
    assert len(names) == 1, names
    return getattr(pkg, names[0])(client(pkg, recorder))


# ------------------------------------------------------------------ path keys with '#' and '?'


def test_wire_path_drops_the_fragment_and_keeps_the_query() -> None:
    assert wire_path("/#X-Amz-Target=Service.Count") == "/"
    assert wire_path("/tags/{arn}#tagKeys") == "/tags/{arn}"
    assert wire_path("/rest?method=flickr.photos.search") == "/rest?method=flickr.photos.search"
    assert wire_path("/a b?q=x y#frag") == "/a%20b?q=x%20y"
    assert wire_path("/plain/{id}") == "/plain/{id}"


def test_aws_target_key_is_sent_as_post_slash_with_the_header(packages: dict[str, ModuleType]) -> None:
    recorder = Recorder()
    sole_api(packages["fix_path_keys"], recorder).count_things("Service.CountThings")
    (request,) = recorder.requests
    assert request.method == "POST"
    assert request.url.raw_path == b"/v1/"
    assert request.headers["X-Amz-Target"] == "Service.CountThings"


def test_fragment_after_a_template_is_not_sent(packages: dict[str, ModuleType]) -> None:
    recorder = Recorder(204)
    sole_api(packages["fix_path_keys"], recorder).untag_resource("arn:aws:x", "k1")
    (request,) = recorder.requests
    assert request.url.path == "/v1/tags/arn:aws:x"
    assert request.url.params["tagKeys"] == "k1"
    assert b"%23" not in request.url.raw_path


def test_query_in_the_key_reaches_the_wire_before_the_parameters(packages: dict[str, ModuleType]) -> None:
    recorder = Recorder()
    api = sole_api(packages["fix_path_keys"], recorder)
    api.get_photos(page=2)
    api.get_photos()
    first, second = recorder.requests
    assert first.url.path == "/v1/rest"
    assert list(first.url.params.multi_items()) == [("method", "flickr.galleries.getPhotos"), ("page", "2")]
    assert list(second.url.params.multi_items()) == [("method", "flickr.galleries.getPhotos")]


# ------------------------------------------------------------------ ECMA-262 patterns

AWS_PATTERN = r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$"


def test_ecma_property_classes_and_named_groups_are_valid() -> None:
    assert ecma.is_valid(AWS_PATTERN)
    assert ecma.is_valid(r"\P{Lu}+(?<year>[0-9]{4})-\k<year>")
    assert ecma.is_valid(r"\\p{L}")  # an escaped backslash, then literal text
    assert not ecma.is_valid(r"^[\p{L}\p{Z}")  # an unclosed class stays invalid
    assert not ecma.is_valid(r"(unclosed")


@pytest.mark.parametrize("version", ["2.0", "3.0.3", "3.1.0"])
def test_a_spec_with_ecma_patterns_validates(version: str, tmp_path: Path) -> None:
    schema = {"type": "string", "pattern": AWS_PATTERN}
    settings = {"package": "e_client", "version": "1.0.0"}
    spec: dict[str, Any] = {"info": {"title": "E", "version": "1"}, "x-python-client": settings}
    if version == "2.0":
        spec |= {"swagger": "2.0", "definitions": {"TagKey": schema}}
        parameter = {"name": "q", "in": "query", "type": "string", "pattern": AWS_PATTERN}
    else:
        spec |= {"openapi": version, "components": {"schemas": {"TagKey": schema}}}
        parameter = {"name": "q", "in": "query", "schema": schema}
    responses = {"200": {"description": "ok"}}
    spec["paths"] = {"/x": {"get": {"operationId": "getX", "parameters": [parameter], "responses": responses}}}
    path = tmp_path / "ecma.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    assert check_only(path).operations == 1  # strict: no --allow-invalid


def test_an_invalid_pattern_is_still_rejected_in_the_specs_own_words(tmp_path: Path) -> None:
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "E", "version": "1"},
        "x-python-client": {"package": "e_client", "version": "1.0.0"},
        "paths": {},
        "components": {"schemas": {"TagKey": {"type": "string", "pattern": r"[\p{L}\p{N}"}}},
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        check_only(path)
    assert caught.value.pointer == "/components/schemas/TagKey/pattern"
    assert r"[\\p{L}\\p{N}" in caught.value.message  # as written, not the rewritten form


# ------------------------------------------------------------------ errors in minified JSON


def test_an_error_in_one_line_json_names_the_column(tmp_path: Path) -> None:
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "E", "version": "1"},
        "x-python-client": {"package": "e_client", "version": "1.0.0"},
        "paths": {"/x": {"get": {"operationId": "getX", "responses": {"200": {"description": "ok"}}}}},
        "components": {"schemas": {"A": {"type": "string"}, "B": {"type": "strnig"}}},
    }
    path = tmp_path / "min.json"
    text = json.dumps(spec, separators=(",", ":"))
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        check_only(path)
    error = caught.value
    assert error.line == 1 and error.column is not None
    assert text[error.column - 1 :].startswith('"type":"strnig"')
    assert f"min.json:1:{error.column} at /components/schemas/B/type" in str(error)


def test_an_error_in_multi_line_json_keeps_line_only(tmp_path: Path) -> None:
    spec = {"openapi": "3.0.3", "info": {"title": "E", "version": "1"}, "paths": {"/x": {"get": {"responses": 7}}}}
    path = tmp_path / "pretty.json"
    path.write_text(json.dumps(spec, indent=2), encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        check_only(path, Options(package="e_client"))
    assert caught.value.line is not None and caught.value.line > 1
    assert caught.value.column is None


# ------------------------------------------------------------------ x-ms-discriminator-value


def test_azure_discriminator_value_picks_the_subtype(packages: dict[str, ModuleType]) -> None:
    pkg = packages["fix_azure_jobs"]
    models = importlib.import_module(pkg.__name__ + ".models")
    for wire, expected in (("Hive", "HiveJobProperties"), ("USql", "USqlJobProperties")):
        recorder = Recorder(body=json.dumps({"type": wire, "runtimeVersion": "1"}).encode())
        job = sole_api(pkg, recorder).job_get()
        assert type(job).__name__ == expected
        assert job.type == wire
    recorder = Recorder(body=b'{"type": "PlainJobProperties"}')  # no extension: the schema's name
    assert type(sole_api(pkg, recorder).job_get()).__name__ == "PlainJobProperties"
    assert isinstance(sole_api(pkg, Recorder(body=b'{"type": "Other"}')).job_get(), models.JobProperties)


def test_azure_subtype_sends_its_discriminator_value(packages: dict[str, ModuleType]) -> None:
    pkg = packages["fix_azure_jobs"]
    models = importlib.import_module(pkg.__name__ + ".models")
    assert models.HiveJobProperties(statement_count=3).to_dict() == {"type": "Hive", "statementCount": 3}
    recorder = Recorder(204)
    sole_api(pkg, recorder).job_create(models.USqlJobProperties())
    assert json.loads(recorder.requests[0].content) == {"type": "USql"}


# ------------------------------------------------------------------ a JSON schema under */*


def test_a_json_schema_under_wildcard_decodes_as_json(packages: dict[str, ModuleType]) -> None:
    pkg = packages["fix_wildcard"]
    recorder = Recorder(body=b'{"version": "92", "paths": ["a", "b"]}')
    manifest = sole_api(pkg, recorder).destiny2_get_destiny_manifest()
    assert type(manifest).__name__ == "Manifest"
    assert manifest.version == "92" and manifest.paths == ["a", "b"]


def test_a_non_json_answer_under_wildcard_is_a_decode_error(packages: dict[str, ModuleType]) -> None:
    pkg = packages["fix_wildcard"]
    recorder = Recorder(body=b"<html>maintenance</html>", content_type="text/html")
    with pytest.raises(pkg.errors.ResponseDecodeError, match="not valid JSON"):
        sole_api(pkg, recorder).destiny2_get_destiny_manifest()


def test_bytes_under_wildcard_stay_bytes(packages: dict[str, ModuleType]) -> None:
    recorder = Recorder(body=b"\x00\x01", content_type="application/octet-stream")
    assert sole_api(packages["fix_wildcard"], recorder).get_blob() == b"\x00\x01"


# ------------------------------------------------------------------ allOf narrowing an inherited property


def test_an_allof_child_keeps_its_narrower_types(packages: dict[str, ModuleType]) -> None:
    pkg = packages["fix_narrowing"]
    models = importlib.import_module(pkg.__name__ + ".models")
    body = {"success": True, "data": {"token": "t0k"}, "kind": "refresh", "links": {"self": "/a", "renew": "/b"}}
    answer = sole_api(pkg, Recorder(body=json.dumps(body).encode())).get_token()
    assert isinstance(answer, models.AuthenticationTokenResponse)
    assert isinstance(answer, models.ResponseModel)  # still the parent's subtype
    assert isinstance(answer.data, models.AuthenticationTokenResponseData)
    assert answer.data.token == "t0k"
    assert answer.kind is models.AuthenticationTokenResponseKind.REFRESH
    assert isinstance(answer.links, models.TokenLinks) and answer.links.renew == "/b"
    assert answer.to_dict() == body
    parent = models.ResponseModel.from_dict(body)  # the parent keeps its own types
    assert parent.data == {"token": "t0k"} and parent.kind == "refresh" and isinstance(parent.links, models.Links)


def test_a_narrowed_required_property_is_required_in_the_child(packages: dict[str, ModuleType]) -> None:
    models = importlib.import_module(packages["fix_narrowing"].__name__ + ".models")
    with pytest.raises(TypeError):
        models.AuthenticationTokenResponse()  # data is required here, optional in Response
    made = models.AuthenticationTokenResponse(data=models.AuthenticationTokenResponseData(token="x"))
    assert made.to_dict() == {"data": {"token": "x"}}


def test_the_fix_packages_are_mypy_strict_clean(packages: dict[str, ModuleType]) -> None:
    folder = Path(next(iter(packages.values())).__path__[0]).parent
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "MYPY"))}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "mypy"), "--strict", "--no-incremental", *(f"{n}_client" for n in SPECS)],
        cwd=folder,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:]


# ------------------------------------------------------------------ 204 with a schema


def test_a_204_answer_is_empty_whatever_schema_the_spec_gives(tmp_path: Path) -> None:
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "E", "version": "1"},
        "servers": [{"url": "https://api.example.test"}],
        "paths": {
            "/things/{id}": {
                "delete": {  # shaped like amazonaws.com/iotwireless
                    "operationId": "DeleteThing",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {
                        "204": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"type": "object", "properties": {}}}},
                        }
                    },
                }
            }
        },
    }
    path = tmp_path / "nc.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    (generated,) = generate_many([path], None, [Options(package="fix_no_content_client")])
    for name, content in generated.files.items():
        (tmp_path / "out" / generated.package / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "out" / generated.package / name).write_bytes(content)
    sys.path.insert(0, str(tmp_path / "out"))
    try:
        pkg = importlib.import_module("fix_no_content_client")
        recorder = Recorder(204)
        assert sole_api(pkg, recorder).delete_thing("t1") is None
        assert "-> None:" in (tmp_path / "out" / "fix_no_content_client" / "default_api.py").read_text()
    finally:
        sys.path.remove(str(tmp_path / "out"))
        for key in [k for k in sys.modules if k.startswith("fix_no_content")]:
            del sys.modules[key]


# ------------------------------------------------------------------ multipart without a file


def test_a_multipart_body_without_files_is_still_multipart(packages: dict[str, ModuleType]) -> None:
    pkg = packages["fix_multipart"]
    models = importlib.import_module(pkg.__name__ + ".models")
    body_class = next(getattr(models, n) for n in models.__all__ if n.startswith("SpeechToText"))
    for body in (body_class(language="English", tags=["a", "b"]), body_class(language="x", file=b"RIFF")):
        recorder = Recorder(204)
        sole_api(pkg, recorder).speech_to_text(body=body)
        (request,) = recorder.requests
        assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
        assert b'name="language"' in request.content
    assert request.content.count(b'name="file"') == 1
