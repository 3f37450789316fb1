"""generator.refs (through validate): $refs resolve locally, never over the network, never outside the folder."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.errors import SpecError
from generator.loader import load_document
from generator.refs import Resolver
from generator.validate import validate

SpecWriter = Callable[..., Path]


def spec_with_schema_ref(ref: str) -> str:
    """A valid spec whose one response schema is ``$ref: <ref>`` (on line 13)."""
    return f"""
    openapi: 3.0.3
    info: {{title: Refs, version: "1"}}
    x-python-client: {{package: refs_client, version: 1.0.0}}
    paths:
      /pets:
        get:
          operationId: listPets
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {{$ref: "{ref}"}}
    components:
      schemas:
        Pet:
          type: object
          properties:
            name: {{type: string}}
    """


POINTER = "/paths/~1pets/get/responses/200/content/application~1json/schema/$ref"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the generator tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def _error(path: Path) -> SpecError:
    with pytest.raises(SpecError) as exc:
        validate(load_document(path, path.name))
    return exc.value


def test_local_ref_resolves(write_spec: SpecWriter) -> None:
    validate(load_document(write_spec(spec_with_schema_ref("#/components/schemas/Pet"))))


def test_unresolved_ref_names_the_ref_line_and_pointer(write_spec: SpecWriter) -> None:
    error = _error(write_spec(spec_with_schema_ref("#/components/schemas/Missing")))
    assert "unresolved $ref '#/components/schemas/Missing'" in error.message
    assert error.file == "spec.yaml"
    assert error.pointer == POINTER
    assert error.line == 13
    assert error.hint


def test_unresolved_ref_into_a_sibling_file(write_spec: SpecWriter) -> None:
    write_spec("components:\n  schemas:\n    Other: {type: string}\n", name="common.yaml")
    error = _error(write_spec(spec_with_schema_ref("common.yaml#/components/schemas/Pet")))
    assert "unresolved $ref" in error.message and "common.yaml" in error.message
    assert error.line == 13


def test_ref_into_a_sibling_file_resolves(write_spec: SpecWriter) -> None:
    write_spec("components:\n  schemas:\n    Pet: {type: object}\n", name="common.yaml")
    validate(load_document(write_spec(spec_with_schema_ref("common.yaml#/components/schemas/Pet"))))


def test_ref_to_a_missing_sibling_file(write_spec: SpecWriter) -> None:
    error = _error(write_spec(spec_with_schema_ref("nope.yaml#/Pet")))
    assert "no such file" in error.message
    assert error.pointer == POINTER


@pytest.mark.parametrize(
    "ref",
    [
        "https://example.com/schemas.yaml#/Pet",
        "http://127.0.0.1:9/schemas.yaml#/Pet",
        "//example.com/schemas.yaml#/Pet",
        "file:///etc/passwd",
    ],
)
def test_remote_ref_is_refused_without_touching_the_network(write_spec: SpecWriter, ref: str) -> None:
    error = _error(write_spec(spec_with_schema_ref(ref)))
    assert "remote $ref" in error.message and "refused" in error.message
    assert error.pointer == POINTER and error.line == 13


@pytest.mark.parametrize("ref", ["../outside.yaml#/Pet", "sub/../../outside.yaml#/Pet"])
def test_ref_leaving_the_folder_is_refused(tmp_path: Path, write_spec: SpecWriter, ref: str) -> None:
    (tmp_path / "outside.yaml").write_text("Pet: {type: object}\n", encoding="utf-8")  # exists, readable
    (tmp_path / "api" / "sub").mkdir(parents=True)
    error = _error(write_spec(spec_with_schema_ref(ref), name="api/spec.yaml"))
    assert "points outside the spec's folder" in error.message
    assert error.pointer == POINTER and error.line == 13


def test_absolute_path_ref_is_refused(tmp_path: Path, write_spec: SpecWriter) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("Pet: {type: object}\n", encoding="utf-8")
    error = _error(write_spec(spec_with_schema_ref(f"{outside}#/Pet"), name="api/spec.yaml"))
    assert "points outside the spec's folder" in error.message


def test_symlink_leaving_the_folder_is_refused(tmp_path: Path, write_spec: SpecWriter) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("Pet: {type: object}\n", encoding="utf-8")
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "link.yaml").symlink_to(outside)
    error = _error(write_spec(spec_with_schema_ref("link.yaml#/Pet"), name="api/spec.yaml"))
    assert "points outside the spec's folder" in error.message


def test_ref_cycle_is_reported(write_spec: SpecWriter) -> None:
    path = write_spec("""
        openapi: 3.0.3
        info: {title: Cycle, version: "1"}
        x-python-client: {package: cycle_client, version: 1.0.0}
        paths:
          /pets:
            get:
              operationId: listPets
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/A"}
        components:
          schemas:
            A: {$ref: "#/components/schemas/B"}
            B: {$ref: "#/components/schemas/A"}
        """)
    error = _error(path)
    assert "$ref cycle" in error.message
    assert error.line is not None
    assert error.hint


def test_self_ref_is_a_cycle(write_spec: SpecWriter) -> None:
    path = write_spec("""
        openapi: 3.0.3
        info: {title: Cycle, version: "1"}
        x-python-client: {package: cycle_client, version: 1.0.0}
        paths: {}
        components:
          parameters:
            P: {$ref: "#/components/parameters/P"}
        """)
    error = _error(path)
    assert "$ref cycle" in error.message
    assert error.pointer.startswith("/components/parameters/P")
    assert error.line == 7


def test_cycle_through_a_sibling_file(write_spec: SpecWriter) -> None:
    write_spec("Pet: {$ref: 'spec.yaml#/components/schemas/Pet'}\n", name="common.yaml")
    path = write_spec(
        spec_with_schema_ref("#/components/schemas/Pet").replace(
            "Pet:\n          type: object\n          properties:\n            name: {type: string}",
            "Pet: {$ref: 'common.yaml#/Pet'}",
        )
    )
    assert "common.yaml#/Pet" in path.read_text(encoding="utf-8")
    error = _error(path)
    assert "$ref cycle" in error.message


def test_recursive_schema_is_not_a_ref_cycle(write_spec: SpecWriter) -> None:
    """A schema that contains itself through a property is fine; only bare $ref chains are cycles."""
    path = write_spec(
        spec_with_schema_ref("#/components/schemas/Pet").replace(
            "name: {type: string}", "name: {type: string}\n            parent: {$ref: '#/components/schemas/Pet'}"
        )
    )
    validate(load_document(path))


def test_resolver_deref_follows_chains(write_spec: SpecWriter) -> None:
    path = write_spec("""
        openapi: 3.0.3
        components:
          schemas:
            A: {$ref: "#/components/schemas/B"}
            B: {$ref: "#/components/schemas/C"}
            C: {type: string}
        """)
    doc = load_document(path)
    node, target_doc, pointer = Resolver(doc).deref({"$ref": "#/components/schemas/A"}, doc, "/x")
    assert node == {"type": "string"}
    assert target_doc is doc
    assert pointer == "/components/schemas/C"
