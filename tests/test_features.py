"""The constructs real specs use, generated and exercised end to end (tests/data/features/).

Each spec is generated into a temporary folder and imported; every call goes through an
``httpx.MockTransport`` that records the request and answers with a scripted response.
"""

from __future__ import annotations

import datetime
import importlib
import io
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from generator.pipeline import generate_many

FEATURES = Path(__file__).resolve().parent / "data" / "features"
SPECS = ["features30.yaml", "features31.yaml", "features20.json"]


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, ModuleType]]:
    folder = tmp_path_factory.mktemp("features")
    generated = generate_many([FEATURES / name for name in SPECS])
    for package in generated:
        for name, content in package.files.items():
            (folder / package.package / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / package.package / name).write_bytes(content)
    sys.path.insert(0, str(folder))
    try:
        yield {p.package: importlib.import_module(p.package) for p in generated}
    finally:
        sys.path.remove(str(folder))
        for key in [k for k in sys.modules if k.startswith(("features20_client", "features30_client", "features31"))]:
            del sys.modules[key]


Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    def __init__(self, *replies: httpx.Response) -> None:
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.replies.pop(0)


def client(pkg: ModuleType, recorder: Recorder, **credentials: str) -> Any:
    return pkg.ApiClient(http_client=httpx.Client(transport=httpx.MockTransport(recorder)), **credentials)


def api(pkg: ModuleType, name: str, recorder: Recorder, **credentials: str) -> Any:
    return getattr(pkg, name)(client(pkg, recorder, **credentials))


def models(pkg: ModuleType) -> Any:
    return importlib.import_module(pkg.__name__ + ".models")


# ------------------------------------------------------------------ OpenAPI 3.0


def test_tags_give_api_classes_and_every_operation_a_method(packages: dict[str, ModuleType]) -> None:
    pkg = packages["features30_client"]
    assert {n for n in pkg.__all__ if n.endswith("Api")} == {"PetsApi", "AsyncPetsApi", "FilesApi", "AsyncFilesApi"}
    methods = {n for n in vars(pkg.PetsApi) if not n.startswith("_")} - {"with_raw_response", "with_streaming_response"}
    # the operation without an operationId is named from its method and path
    expected = {"list_pets", "create_pet", "get_pets_pet_id_owner", "path_styles", "get_animal", "get_thing"}
    assert methods == expected | {"get_shapes"}


def test_query_header_cookie_deep_object_and_ref_parameters(packages: dict[str, ModuleType]) -> None:
    pkg = packages["features30_client"]
    recorder = Recorder(httpx.Response(200, json=[]))
    query = models(pkg).ListPetsFilter(kind="cat", age=3)  # an inline object schema becomes a model
    result = api(pkg, "PetsApi", recorder).list_pets(filter=query, x_trace="t-1", session="s 1", sizes=[1, 2])
    assert result == []
    request = recorder.requests[0]
    assert request.url.path == "/v1/pets"
    # limit: a $ref'd parameter with its default; deepObject; form arrays repeat the key
    assert request.url.query.decode() == "limit=20&filter%5Bkind%5D=cat&filter%5Bage%5D=3&sizes=1&sizes=2"
    assert request.headers["X-Trace"] == "t-1"
    assert request.headers["Cookie"] == "session=s%201"


def test_label_and_matrix_path_parameters(packages: dict[str, ModuleType]) -> None:
    pkg = packages["features30_client"]
    recorder = Recorder(httpx.Response(204))
    api(pkg, "PetsApi", recorder).path_styles(["a b", "c"], [1, 2])
    assert recorder.requests[0].url.raw_path == b"/v1/styles/.a%20b.c/;matrix=1,2"


def test_default_response_is_the_error_and_2xx_the_success(packages: dict[str, ModuleType]) -> None:
    pkg = packages["features30_client"]
    problem = httpx.Response(409, content=b'{"title": "taken"}', headers={"content-type": "application/problem+json"})
    recorder = Recorder(httpx.Response(203, json=[]), problem)
    pets = api(pkg, "PetsApi", recorder)
    assert pets.list_pets() == []  # 203 matches 2XX
    with pytest.raises(pkg.ApiStatusError) as caught:
        pets.list_pets()
    assert caught.value.status == 409
    assert caught.value.model is not None and caught.value.model.title == "taken"


def test_discriminated_union_picks_the_variant_and_keeps_unknown_ones(packages: dict[str, ModuleType]) -> None:
    pkg = packages["features30_client"]
    m = models(pkg)
    body = [
        {"id": 1, "animal": {"petType": "cat", "lives": 9}},
        {"id": 2, "animal": {"petType": "dog", "barks": True}},
        {"id": 3, "animal": {"petType": "bird", "wings": 2}},
    ]
    pets = api(pkg, "PetsApi", Recorder(httpx.Response(200, json=body))).list_pets()
    assert [type(p.animal).__name__ for p in pets] == ["Cat", "Dog", "dict"]
    assert pets[0].animal.lives == 9 and isinstance(pets[0].animal, m.Animal)
    assert pets[2].animal == {"petType": "bird", "wings": 2}  # an unknown variant stays raw data
    assert pets[2].to_dict() == body[2]


def test_implicit_discriminator_mapping_uses_schema_names(packages: dict[str, ModuleType]) -> None:
    pkg = packages["features30_client"]
    recorder = Recorder(httpx.Response(200, json={"petType": "Dog", "barks": False}))
    animal = api(pkg, "PetsApi", recorder).get_animal()
    assert type(animal).__name__ == "Dog" and animal.barks is False


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"petType": "x", "lives": 7}, "Cat"),  # has Cat's required property
        ({"petType": "x", "barks": True}, "Dog"),
        ({"petType": "x"}, "dict"),  # fits neither: kept
        ("text", "str"),
        (5, "int"),
    ],
)
def test_any_of_without_discriminator_picks_by_shape(
    packages: dict[str, ModuleType], body: object, expected: str
) -> None:
    pkg = packages["features30_client"]
    value = api(pkg, "PetsApi", Recorder(httpx.Response(200, json=body))).get_thing()
    assert type(value).__name__ == expected


def test_arrays_of_unions(packages: dict[str, ModuleType]) -> None:
    pkg = packages["features30_client"]
    body = {"items": [{"radius": 1.5}, {"side": 2}, {"other": 1}]}
    shapes = api(pkg, "PetsApi", Recorder(httpx.Response(200, json=body))).get_shapes()
    assert [type(s).__name__ for s in shapes.items] == ["Circle", "Square", "dict"]


def test_read_only_and_write_only_are_not_required(packages: dict[str, ModuleType]) -> None:
    pkg = packages["features30_client"]
    m = models(pkg)
    # a request without the read-only id; a response without the write-only secret
    pet = m.Pet(secret="s", animal=m.Cat(pet_type="cat", lives=1))
    recorder = Recorder(httpx.Response(201, json={"id": 7, "animal": {"petType": "cat", "lives": 1}}))
    created = api(pkg, "PetsApi", recorder).create_pet(pet)
    assert json.loads(recorder.requests[0].content) == {"secret": "s", "animal": {"petType": "cat", "lives": 1}}
    assert created.id == 7
    assert created.secret is pkg.UNSET


def test_maps_free_form_objects_nested_arrays_enums_dates_and_nested_all_of(packages: dict[str, ModuleType]) -> None:
    pkg = packages["features30_client"]
    m = models(pkg)
    body = {
        "id": 1,
        "animal": {"petType": "dog", "barks": True},
        "status": "sold",
        "level": 2,
        "labels": {"a": "b"},
        "extra": {"any": [1, {"x": None}]},
        "free": {},
        "grid": [[1, 2], [3]],
        "birth": "2020-02-29",
        "puppy": {"petType": "dog", "barks": False, "age": 1, "name": None},
    }
    pet = m.Pet.from_dict(body)
    assert pet.status is m.PetStatus.SOLD and pet.level is m.PetLevel.VALUE_2
    assert pet.labels == {"a": "b"} and pet.extra == {"any": [1, {"x": None}]} and pet.free == {}
    assert pet.grid == [[1, 2], [3]]
    assert pet.birth == datetime.date(2020, 2, 29)
    puppy = pet.puppy
    assert isinstance(puppy, m.Dog) and isinstance(puppy, m.Animal)  # allOf of allOf: inheritance
    assert (puppy.age, puppy.barks, puppy.pet_type, puppy.name) == (1, False, "dog", None)  # nullable
    assert m.PetStatus("available").value == "available"


def test_empty_success_returns_none(packages: dict[str, ModuleType]) -> None:
    pkg = packages["features30_client"]
    recorder = Recorder(httpx.Response(204), httpx.Response(200, json={"name": "Ann"}))
    pets = api(pkg, "PetsApi", recorder)
    assert pets.get_pets_pet_id_owner(3) is None
    assert pets.get_pets_pet_id_owner(3).name == "Ann"
    assert recorder.requests[0].url.path == "/v1/pets/3/owner"


def test_form_urlencoded_body(packages: dict[str, ModuleType]) -> None:
    pkg = packages["features30_client"]
    m = models(pkg)
    recorder = Recorder(httpx.Response(204))
    form = m.SubmitFormRequest(name="Ann Lee", tags=["a", "b"], adult=True, meta={"k": 1})
    assert api(pkg, "FilesApi", recorder).submit_form(form) is None
    request = recorder.requests[0]
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.content.decode() == "name=Ann+Lee&tags=a&tags=b&adult=true&meta=%7B%22k%22%3A1%7D"


def test_multipart_body_with_files(packages: dict[str, ModuleType]) -> None:
    pkg = packages["features30_client"]
    m = models(pkg)
    recorder = Recorder(httpx.Response(200, json={"id": "u1"}))
    body = m.UploadRequest(file=("a.txt", b"hello", "text/plain"), more=[b"one", io.BytesIO(b"two")], note="first")
    assert api(pkg, "FilesApi", recorder).upload(body).id == "u1"
    request = recorder.requests[0]
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    content = request.content
    assert b'name="note"\r\n\r\nfirst' in content
    assert b'name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello' in content
    assert content.count(b'name="more"') == 2 and b"\r\n\r\none\r\n" in content and b"\r\n\r\ntwo\r\n" in content


def test_octet_stream_body_and_binary_response(packages: dict[str, ModuleType]) -> None:
    pkg = packages["features30_client"]
    recorder = Recorder(httpx.Response(204), httpx.Response(200, content=b"\x00\x01"))
    files = api(pkg, "FilesApi", recorder)
    assert files.put_blob("a b", b"\xff\xfe") is None
    assert files.get_blob("a b") == b"\x00\x01"
    put = recorder.requests[0]
    assert (put.method, put.url.raw_path, put.content) == ("PUT", b"/v1/blobs/a%20b", b"\xff\xfe")
    assert put.headers["Content-Type"] == "application/octet-stream"


# ------------------------------------------------------------------ OpenAPI 3.1


def test_type_arrays_const_and_null_members(packages: dict[str, ModuleType]) -> None:
    pkg = packages["features31_client"]
    body = {"kind": "item", "value": 3, "note": None, "parent": {"kind": "item", "value": "x"}, "tags": []}
    recorder = Recorder(httpx.Response(200, json=body))
    item = api(pkg, "DefaultApi", recorder).get_item(42)
    assert recorder.requests[0].url.path == "/items/42"
    assert (item.kind, item.value, item.note) == ("item", 3, None)
    assert item.parent is not None and item.parent.value == "x" and item.parent.parent is pkg.UNSET
    bad = models(pkg).Item.from_dict({"kind": "item", "value": True})
    with pytest.raises(pkg.DecodeError):
        bad.value  # noqa: B018 - neither string nor integer


# ------------------------------------------------------------------ Swagger 2.0


def test_swagger_2_is_converted_into_the_same_model(packages: dict[str, ModuleType]) -> None:
    pkg = packages["features20_client"]
    m = models(pkg)
    assert importlib.import_module("features20_client.client").DEFAULT_BASE_URL == "https://api.example.com/v2"
    recorder = Recorder(
        httpx.Response(200, json=[{"name": "Rex", "kind": "Dog", "barks": True, "nickname": None}]),
        httpx.Response(200, json={"name": "Tom"}),
        httpx.Response(200),
    )
    pets = api(pkg, "PetApi", recorder, key="k", oauth="tok")
    found = pets.find_pets(tags=["a", "b"], ids=[1, 2])
    assert type(found[0]).__name__ == "Dog" and found[0].nickname is None  # discriminator, x-nullable
    first = recorder.requests[0]
    assert first.url.query.decode() == "tags=a&tags=b&ids=1,2&limit=10"  # multi, csv, default
    assert first.headers["X-Key"] == "k"
    assert pets.add_pet(m.Pet(name="Tom")).name == "Tom"  # body parameter -> request body named "pet"
    assert recorder.requests[1].headers["Authorization"] == "Bearer tok"  # oauth2 -> bearer token
    assert json.loads(recorder.requests[1].content) == {"name": "Tom"}
    assert pets.upload_image(5, m.UploadImageRequest(file=b"img", caption="c")) is None  # formData -> multipart
    upload = recorder.requests[2]
    assert upload.url.path == "/v2/pets/5/image"
    assert b'name="caption"\r\n\r\nc' in upload.content and b'name="file"' in upload.content


def test_swagger_2_errors_point_into_the_swagger_document(tmp_path: Path) -> None:
    from generator.errors import SpecError
    from generator.pipeline import generate

    spec = json.loads((FEATURES / "features20.json").read_text(encoding="utf-8"))
    spec["paths"]["/pets"]["get"]["responses"]["200"]["schema"]["items"]["$ref"] = "#/definitions/Missing"
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec, indent=2), encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        generate(path)
    error = caught.value
    assert error.pointer == "/paths/~1pets/get/responses/200/schema/items/$ref"
    assert "'#/definitions/Missing'" in error.message
    line = path.read_text(encoding="utf-8").splitlines()[error.line - 1]  # type: ignore[operator]
    assert '"$ref": "#/definitions/Missing"' in line
