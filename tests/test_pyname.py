"""``x-python-name`` on component schemas: renamed models, enums and aliases, end to end.

A spec whose schemas upstream renamed (``WorkflowSessionV3``, ...) carries the old names in
``x-python-name``; the generated package must use them everywhere (classes, ``__all__``, the
package exports, discriminator dispatch, docs, body parameter names) while the wire keeps the
schema keys. Bad values are located errors, and the change report sees no rename.
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import inspect
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import yaml

from generator.cli import main
from generator.diffcmd import diff_report, read_input
from generator.errors import SpecError
from generator.pipeline import generate

PACKAGE = "pyname_client"

SPEC: dict[str, Any] = yaml.safe_load(f"""
openapi: 3.0.3
info:
  title: Renames
  version: 1.0.0
x-python-client:
  package: {PACKAGE}
  version: 1.0.0
servers:
  - url: https://api.example.com
paths:
  /sessions/{{id}}:
    get:
      operationId: getSession
      tags: [Sessions]
      parameters:
        - name: id
          in: path
          required: true
          schema:
            type: string
      responses:
        '200':
          description: the session
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/WorkflowSessionV3'
  /sessions:
    post:
      operationId: createSession
      tags: [Sessions]
      requestBody:
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/WorkflowSessionV3'
      responses:
        '201':
          description: created
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/WorkflowSessionV3'
  /animals:
    get:
      operationId: listAnimals
      tags: [Sessions]
      responses:
        '200':
          description: animals
          content:
            application/json:
              schema:
                type: array
                items:
                  $ref: '#/components/schemas/AnimalV2'
components:
  schemas:
    WorkflowSessionV3:
      x-python-name: WorkflowSession
      type: object
      required: [id, status]
      properties:
        id:
          type: string
        status:
          $ref: '#/components/schemas/SessionStatusV3'
        steps:
          $ref: '#/components/schemas/StepListV3'
        pet:
          $ref: '#/components/schemas/PetV2'
    SessionStatusV3:
      x-python-name: SessionStatus
      type: string
      enum: [RUNNING, DONE]
    StepListV3:
      x-python-name: StepList
      type: array
      items:
        type: object
        properties:
          name:
            type: string
    PetV2:
      x-python-name: Pet
      type: object
      required: [petType]
      properties:
        petType:
          type: string
      discriminator:
        propertyName: petType
        mapping:
          dog: '#/components/schemas/DogV2'
    DogV2:
      x-python-name: Dog
      allOf:
        - $ref: '#/components/schemas/PetV2'
        - type: object
          properties:
            bark:
              type: boolean
    CatV2:
      x-python-name: Cat
      allOf:
        - $ref: '#/components/schemas/PetV2'
        - type: object
          properties:
            meow:
              type: boolean
    AnimalV2:
      x-python-name: Animal
      oneOf:
        - $ref: '#/components/schemas/DogV2'
        - $ref: '#/components/schemas/CatV2'
      discriminator:
        propertyName: petType
""")
RENAMED = {
    "WorkflowSessionV3": "WorkflowSession",
    "SessionStatusV3": "SessionStatus",
    "PetV2": "Pet",
    "DogV2": "Dog",
    "CatV2": "Cat",
}


def write_spec(folder: Path, spec: dict[str, Any], name: str = "renames.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def schemas(spec: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = spec["components"]["schemas"]
    return result


def generated_files(spec: dict[str, Any], folder: Path) -> dict[str, bytes]:
    path = write_spec(folder, spec)
    return generate(path, output=folder / "generated").files


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ModuleType, dict[str, bytes]]]:
    folder = tmp_path_factory.mktemp("pyname")
    files = generated_files(SPEC, folder)
    for name, content in files.items():
        (folder / PACKAGE / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / PACKAGE / name).write_bytes(content)
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE), files
    finally:
        sys.path.remove(str(folder))
        for key in [k for k in sys.modules if k == PACKAGE or k.startswith(PACKAGE + ".")]:
            del sys.modules[key]


def sessions_api(pkg: ModuleType, *replies: Any) -> tuple[Any, list[httpx.Request]]:
    sent: list[httpx.Request] = []
    answers = list(replies)

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        sent.append(request)
        return httpx.Response(200, json=answers.pop(0))

    client = pkg.ApiClient(http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    return pkg.SessionsApi(client), sent


# ------------------------------------------------------------------ the generated package


def test_classes_take_the_requested_names(package: tuple[ModuleType, dict[str, bytes]]) -> None:
    pkg, _ = package
    models = importlib.import_module(PACKAGE + ".models")
    # the alias (an array) is no class; the object made from it is named from its x-python-name
    assert set(models.__all__) == set(RENAMED.values()) | {"StepListItem"}
    for upstream, python in RENAMED.items():
        assert getattr(models, python).__name__ == python
        assert not hasattr(models, upstream)
        assert getattr(pkg, python) is getattr(models, python)  # the package exports it too
    assert not hasattr(models, "StepListV3Item")
    assert issubclass(models.Dog, models.Pet) and issubclass(models.Cat, models.Pet)


def test_a_response_decodes_into_the_renamed_classes(package: tuple[ModuleType, dict[str, bytes]]) -> None:
    pkg, _ = package
    models = importlib.import_module(PACKAGE + ".models")
    body = {"id": "s1", "status": "RUNNING", "steps": [{"name": "align"}], "pet": {"petType": "dog", "bark": True}}
    api, sent = sessions_api(pkg, body)
    session = api.get_session("s1")
    assert sent[0].url.path == "/sessions/s1"
    assert type(session) is models.WorkflowSession
    assert session.status is models.SessionStatus.RUNNING
    assert type(session.steps[0]) is models.StepListItem and session.steps[0].name == "align"
    # the discriminator's explicit mapping dispatches to the renamed subtype
    assert type(session.pet) is models.Dog and session.pet.bark is True


def test_discriminator_values_stay_the_schema_keys(package: tuple[ModuleType, dict[str, bytes]]) -> None:
    pkg, _ = package
    models = importlib.import_module(PACKAGE + ".models")
    # implicit values are the schema keys (the wire), whatever the class is called
    decoded = models.Pet.from_dict({"petType": "CatV2", "meow": True})
    assert type(decoded) is models.Cat and decoded.meow is True
    assert models.Cat().to_dict() == {"petType": "CatV2"}
    api, _ = sessions_api(pkg, [{"petType": "DogV2"}, {"petType": "CatV2"}, {"petType": "Cat"}])
    animals = api.list_animals()  # the oneOf alias: implicit mapping by schema key
    assert [type(a) for a in animals[:2]] == [models.Dog, models.Cat]
    assert isinstance(animals[2], dict)  # the Python name is not a wire value


def test_the_request_body_is_named_from_the_requested_name(package: tuple[ModuleType, dict[str, bytes]]) -> None:
    pkg, _ = package
    models = importlib.import_module(PACKAGE + ".models")
    parameters = inspect.signature(pkg.SessionsApi.create_session).parameters
    assert "workflow_session" in parameters and "workflow_session_v3" not in parameters
    api, sent = sessions_api(pkg, {"id": "s2", "status": "DONE"})
    created = api.create_session(workflow_session=models.WorkflowSession(id="s2", status=models.SessionStatus.DONE))
    assert json.loads(sent[0].content) == {"id": "s2", "status": "DONE"}
    assert type(created) is models.WorkflowSession


def test_no_python_file_or_doc_names_an_upstream_name(package: tuple[ModuleType, dict[str, bytes]]) -> None:
    _, files = package
    texts = {n: c.decode("utf-8") for n, c in files.items() if n.endswith((".py", ".md")) and n != "CHANGES.md"}
    assert "## WorkflowSession\n" in texts["docs/models.md"]
    for name, text in texts.items():
        for line in text.splitlines():
            for upstream in [*RENAMED, "StepListV3", "AnimalV2"]:
                if upstream in line:
                    # only wire values (discriminator keys) may name an upstream schema
                    assert upstream in ("DogV2", "CatV2"), (name, line)
                    assert f'"{upstream}"' in line or f"`{upstream}`" in line, (name, line)


def test_without_the_extension_the_upstream_names_come_back(tmp_path: Path) -> None:
    spec = copy.deepcopy(SPEC)
    for schema in schemas(spec).values():
        del schema["x-python-name"]
    models = generated_files(spec, tmp_path)["models.py"].decode("utf-8")
    assert "class WorkflowSessionV3(Model):" in models and "class StepListV3Item(Model):" in models
    assert "class WorkflowSession(" not in models


# ------------------------------------------------------------------ bad values


def value_line(text: str, key: str) -> int:
    """The line of ``x-python-name`` inside schema ``key`` of the dumped spec."""
    lines = text.splitlines()
    start = lines.index(f"    {key}:")
    return next(i for i in range(start, len(lines)) if lines[i].strip().startswith("x-python-name:")) + 1


@pytest.mark.parametrize(
    ("value", "words", "fix"),
    [
        (3, ["must be a string, not a number"], "e.g. x-python-name: WorkflowSession"),
        (None, ["must be a string, not null"], "e.g. x-python-name: WorkflowSession"),
        (["A"], ["must be a string, not a list"], "e.g. x-python-name: WorkflowSession"),
        ("Workflow Session", ["'Workflow Session' is not a Python identifier"], "ASCII letters"),
        ("Séance", ["is not a Python identifier"], "ASCII letters"),
        ("1Session", ["is not a Python identifier"], "starting with a capital letter"),
        ("", ["'' is not a Python identifier"], "ASCII letters"),
        ("None", ["'None' is a Python keyword"], "NoneModel"),
        ("class", ["'class' is a Python keyword"], "another class name"),
        ("workflowSession", ["does not start with a capital letter"], "x-python-name: WorkflowSession"),
        ("_Session", ["does not start with a capital letter"], "capitalize"),
        ("Model", ["'Model' is a name the generated modules already use"], "ModelModel"),
        ("ApiClient", ["'ApiClient' is a name the generated modules already use"], "another class name"),
        ("I", ["'I' is a name the generated modules already use"], "another class name"),
        ("A" * 81, ["81 characters long, more than 80"], "shorter"),
    ],
)
def test_a_bad_value_is_a_located_error(tmp_path: Path, value: Any, words: list[str], fix: str) -> None:
    spec = copy.deepcopy(SPEC)
    schemas(spec)["WorkflowSessionV3"]["x-python-name"] = value
    path = write_spec(tmp_path, spec)
    with pytest.raises(SpecError) as caught:
        generate(path, output=tmp_path / "generated")
    error = caught.value
    assert error.pointer == "/components/schemas/WorkflowSessionV3/x-python-name"
    assert error.line == value_line(path.read_text(encoding="utf-8"), "WorkflowSessionV3")
    for word in words:
        assert word in error.message
    assert fix in error.hint


def test_a_bad_value_on_an_unused_alias_is_still_an_error(tmp_path: Path) -> None:
    spec = copy.deepcopy(SPEC)
    schemas(spec)["Unused"] = {"type": "array", "items": {"type": "string"}, "x-python-name": "not valid"}
    with pytest.raises(SpecError) as caught:
        generate(write_spec(tmp_path, spec), output=tmp_path / "generated")
    assert caught.value.pointer == "/components/schemas/Unused/x-python-name"
    assert "not a Python identifier" in caught.value.message


def test_beside_a_ref_it_names_nothing_and_is_an_error(tmp_path: Path) -> None:
    spec = copy.deepcopy(SPEC)
    schemas(spec)["SessionRef"] = {"$ref": "#/components/schemas/WorkflowSessionV3", "x-python-name": "SessionRef"}
    with pytest.raises(SpecError) as caught:
        generate(write_spec(tmp_path, spec), output=tmp_path / "generated")
    assert caught.value.pointer == "/components/schemas/SessionRef/x-python-name"
    assert "beside $ref names nothing" in caught.value.message
    assert "the schema the $ref points to" in caught.value.hint


@pytest.mark.parametrize("first", [True, False])
def test_a_collision_with_another_schemas_class_is_an_error(tmp_path: Path, first: bool) -> None:
    # whether the schema keeping the name comes before or after the renamed one, the error
    # points at the x-python-name
    spec = copy.deepcopy(SPEC)
    other = {"type": "object", "properties": {"legacy": {"type": "boolean"}}}
    items = list(schemas(spec).items())
    items.insert(0 if first else len(items), ("WorkflowSession", other))
    spec["components"]["schemas"] = dict(items)
    path = write_spec(tmp_path, spec)
    with pytest.raises(SpecError) as caught:
        generate(path, output=tmp_path / "generated")
    error = caught.value
    assert error.pointer == "/components/schemas/WorkflowSessionV3/x-python-name"
    assert error.line == value_line(path.read_text(encoding="utf-8"), "WorkflowSessionV3")
    assert "class name 'WorkflowSession' is used twice" in error.message
    assert "/components/schemas/WorkflowSession " in error.message + " "
    assert "x-python-name" in error.hint


def test_two_schemas_asking_for_one_name_is_an_error(tmp_path: Path) -> None:
    spec = copy.deepcopy(SPEC)
    schemas(spec)["CatV2"]["x-python-name"] = "Dog"
    with pytest.raises(SpecError) as caught:
        generate(write_spec(tmp_path, spec), output=tmp_path / "generated")
    assert caught.value.pointer == "/components/schemas/CatV2/x-python-name"
    assert "class name 'Dog' is used twice" in caught.value.message


def test_a_collision_with_an_api_class_points_at_the_value(tmp_path: Path) -> None:
    spec = copy.deepcopy(SPEC)
    schemas(spec)["PetV2"]["x-python-name"] = "SessionsApi"
    with pytest.raises(SpecError) as caught:
        generate(write_spec(tmp_path, spec), output=tmp_path / "generated")
    assert caught.value.pointer == "/components/schemas/PetV2/x-python-name"
    assert "the API class SessionsApi" in caught.value.message
    assert "x-python-name" in caught.value.hint


def test_inline_schemas_make_way_for_a_requested_name(tmp_path: Path) -> None:
    # an inline object that would be named like a requested class is numbered instead
    spec = copy.deepcopy(SPEC)
    schemas(spec)["PetV2"]["x-python-name"] = "ListAnimals200ResponseItem"
    del schemas(spec)["PetV2"]["discriminator"]
    spec["paths"]["/animals"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["items"] = {
        "type": "object",
        "properties": {"name": {"type": "string"}},
    }
    models = generated_files(spec, tmp_path)["models.py"].decode("utf-8")
    assert "class ListAnimals200ResponseItem(Model):\n    _discriminator" not in models
    assert "class ListAnimals200ResponseItem(Model):\n    pet_type: str" in models
    assert "class ListAnimals200ResponseItem2(Model):\n    name: str" in models


def test_the_cli_reports_a_bad_value_without_a_traceback(tmp_path: Path) -> None:
    spec = copy.deepcopy(SPEC)
    schemas(spec)["SessionStatusV3"]["x-python-name"] = "session-status"
    path = write_spec(tmp_path, spec)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["generate", str(path), "--output", str(tmp_path / "generated")])
    assert code == 1
    text = err.getvalue()
    line = value_line(path.read_text(encoding="utf-8"), "SessionStatusV3")
    assert f"renames.yaml:{line} at /components/schemas/SessionStatusV3/x-python-name" in text
    assert "\n  fix: " in text and "Traceback" not in text
    assert not (tmp_path / "generated").exists()


def test_swagger_definitions_are_named_by_their_swagger_pointer(tmp_path: Path) -> None:
    swagger = {
        "swagger": "2.0",
        "info": {"title": "Old", "version": "1.0.0"},
        "x-python-client": {"package": "pyname_swagger_client", "version": "1.0.0"},
        "paths": {
            "/things": {
                "get": {
                    "operationId": "getThing",
                    "produces": ["application/json"],
                    "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/ThingV2"}}},
                }
            }
        },
        "definitions": {
            "ThingV2": {"type": "object", "x-python-name": "Thing", "properties": {"id": {"type": "string"}}},
        },
    }
    path = write_spec(tmp_path, swagger, "old.yaml")
    models = generate(path, output=tmp_path / "generated").files["models.py"].decode("utf-8")
    assert "class Thing(Model):" in models and "ThingV2" not in models
    swagger["definitions"]["ThingV2"]["x-python-name"] = "thing"
    with pytest.raises(SpecError) as caught:
        generate(write_spec(tmp_path, swagger, "old.yaml"), output=tmp_path / "generated")
    assert caught.value.pointer == "/definitions/ThingV2/x-python-name"


# ------------------------------------------------------------------ the change report


def foo_spec(key: str, python_name: str | None) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "required": ["id"],
        "properties": {"id": {"type": "string"}, "size": {"type": "integer"}},
    }
    if python_name is not None:
        schema = {"x-python-name": python_name, **schema}
    ref = {"$ref": f"#/components/schemas/{key}"}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Foo", "version": "1.0.0"},
        "x-python-client": {"package": "foo_client", "version": "1.0.0"},
        "paths": {
            "/foos": {
                "post": {
                    "operationId": "createFoo",
                    "requestBody": {"content": {"application/json": {"schema": ref}}},
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": ref}}}},
                }
            }
        },
        "components": {"schemas": {key: schema}},
    }


def report_to(tmp_path: Path, new: dict[str, Any]) -> Any:
    old_path = write_spec(tmp_path, foo_spec("Foo", None), "old.yaml")
    new_path = write_spec(tmp_path, new, "new.yaml")
    return diff_report(read_input(str(old_path)), read_input(str(new_path)))


def test_a_rename_kept_by_x_python_name_breaks_nothing_in_python(tmp_path: Path) -> None:
    report = report_to(tmp_path, foo_spec("FooV3", "Foo"))
    assert [entry.change.id for entry in report.python] == []  # no model-renamed, no body-renamed
    assert report.wire == ()  # the wire contract is the same too
    assert report.failing == ()
    assert report.proposed_version == "1.0.0"


def test_the_same_rename_without_it_is_reported(tmp_path: Path) -> None:
    # the control: the report does see the rename when nothing keeps the name
    changes = [entry.change for entry in report_to(tmp_path, foo_spec("FooV3", None)).python]
    renamed = [c for c in changes if c.id == "model-renamed"]
    assert [(c.old, c.new) for c in renamed] == [("Foo", "FooV3")]
    assert {c.id for c in changes if c.level == "breaking"} == {"model-renamed", "body-renamed"}
