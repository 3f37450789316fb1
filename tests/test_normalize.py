"""generator.normalize: a small spec that exercises every rule, and the IR it becomes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from generator import ir, typeexpr
from generator.errors import SpecError
from generator.loader import load_document
from generator.normalize import normalize
from generator.pipeline import generate
from generator.settings import read_settings
from generator.validate import validate

SPEC = """\
openapi: 3.0.3
info:
  title: Pets
  version: "1"
x-python-client:
  package: pets_client
  version: 1.0.0
servers:
  - url: https://pets.example.com/v1/
security:
  - ApiKeyAuth: []
tags:
  - name: pet store
    description: Pets and their owners.
paths:
  /owners/{ownerId}/pets:
    parameters:
      - name: ownerId
        in: path
        required: true
        schema: {type: string}
    get:
      tags: [pet store]
      operationId: listPetsByOwner
      x-pagination:
        items: items
        next-token: nextPageToken
        token-param: pageToken
      parameters:
        - name: pageSize
          in: query
          schema: {type: integer, default: 20}
        - name: tags
          in: query
          style: form
          explode: false
          schema:
            type: array
            items: {type: string}
        - name: X-Request-ID
          in: header
          required: true
          schema: {type: string}
        - name: pageToken
          in: query
          schema: {type: string}
        - name: class
          in: query
          schema: {type: string}
        - name: status
          in: query
          schema:
            type: string
            enum: [available, sold out]
        - name: includeDeleted
          in: query
          schema: {type: boolean, default: true}
      responses:
        "200":
          description: A page of pets.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/PetPage"}
        "404":
          $ref: "#/components/responses/NotFound"
        default:
          description: Unexpected error.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
    post:
      tags: [pet store]
      operationId: createPet
      security:
        - basicAuth: []
      parameters:
        - name: dryRun
          in: query
          schema: {type: boolean, default: false}
      requestBody:
        required: false
        content:
          application/json:
            schema: {$ref: "#/components/schemas/NewPet"}
      responses:
        "201":
          description: Created.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
  /owners/{ownerId}/pets/{petId}:
    put:
      tags: [pet store]
      operationId: replacePet
      x-codegen-request-body-name: replacement
      parameters:
        - name: verbose
          in: query
          schema: {type: boolean}
        - name: petId
          in: path
          required: true
          schema: {type: integer}
        - name: ownerId
          in: path
          required: true
          schema: {type: string}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/NewPet"}
      responses:
        "200":
          description: Replaced.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
  /pets/search:
    post:
      tags: [pet store]
      operationId: searchPets
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [query]
              properties:
                query: {type: string}
                limit: {type: integer}
      responses:
        "200":
          description: Matches.
          content:
            application/json:
              schema:
                type: object
                properties:
                  total: {type: integer}
                  pets:
                    type: array
                    items: {$ref: "#/components/schemas/Pet"}
  /health:
    get:
      responses:
        "204":
          description: Healthy.
components:
  securitySchemes:
    ApiKeyAuth:
      type: apiKey
      in: header
      name: X-API-Key
    basicAuth:
      type: http
      scheme: basic
    unusedBearer:
      type: http
      scheme: bearer
  responses:
    NotFound:
      description: Not found.
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Error"}
  schemas:
    Pet:
      type: object
      description: A pet.
      required: [id, kind]
      discriminator:
        propertyName: kind
        mapping:
          dog: "#/components/schemas/Dog"
      properties:
        id: {type: integer, format: int64}
        name: {type: string}
        nickname: {type: string, nullable: true}
        kind: {type: string}
        birthDate: {type: string, format: date}
        updatedAt: {type: string, format: date-time}
        parent: {$ref: "#/components/schemas/Pet"}
        children:
          type: array
          items: {$ref: "#/components/schemas/Pet"}
        color:
          type: string
          enum: [black, white, light-brown]
        class: {type: string}
        attributes:
          type: object
          additionalProperties: {type: integer}
    Dog:
      allOf:
        - $ref: "#/components/schemas/Pet"
        - type: object
          required: [barks]
          properties:
            barks: {type: boolean}
    Cat:
      allOf:
        - $ref: "#/components/schemas/Pet"
        - type: object
          properties:
            lives: {type: integer}
    NewPet:
      type: object
      required: [name]
      properties:
        name: {type: string}
        tag: {type: string, nullable: true}
    PetPage:
      type: object
      required: [items]
      properties:
        items:
          type: array
          items: {$ref: "#/components/schemas/Pet"}
        nextPageToken: {type: string, nullable: true}
    Error:
      type: object
      properties:
        message: {type: string}
"""


def build(path: Path) -> ir.Package:
    doc = load_document(path, path.name)
    validate(doc)
    return normalize(doc, read_settings(doc), path.name)


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> ir.Package:
    path = tmp_path_factory.mktemp("normalize") / "pets.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return build(path)


def api(pkg: ir.Package, name: str) -> ir.Api:
    return next(a for a in pkg.apis if a.class_name == name)


def op(pkg: ir.Package, method: str) -> ir.Operation:
    return next(o for a in pkg.apis for o in a.operations if o.method_name == method)


def model(pkg: ir.Package, name: str) -> ir.Model:
    return next(m for m in pkg.models if m.name == name)


def field(m: ir.Model, name: str) -> ir.Field:
    return next(f for f in m.init_fields if f.python_name == name)


def params(o: ir.Operation) -> list[str]:
    """The signature as the template writes it: parameters with the body at body_position."""
    names = [p.python_name for p in o.params]
    if o.body is not None:
        names.insert(o.body_position, o.body.python_name)
    return names


# ---------------------------------------------------------------- package, APIs, methods


def test_package_settings_and_servers(pkg: ir.Package) -> None:
    assert (pkg.package, pkg.project, pkg.version) == ("pets_client", "pets-client", "1.0.0")
    assert pkg.title == "Pets" and pkg.api_version == "1"
    assert pkg.spec_file == "pets.yaml"
    assert len(pkg.spec_sha256) == 64
    assert pkg.default_base_url == "https://pets.example.com/v1"
    assert pkg.base_url_required is False


def test_api_classes_come_from_the_first_tag(pkg: ir.Package) -> None:
    assert [(a.class_name, a.async_class_name, a.module) for a in pkg.apis] == [
        ("PetStoreApi", "AsyncPetStoreApi", "pet_store_api"),
        ("DefaultApi", "AsyncDefaultApi", "default_api"),
    ]
    assert api(pkg, "PetStoreApi").description == "Pets and their owners."
    assert [o.method_name for o in api(pkg, "PetStoreApi").operations] == [
        "list_pets_by_owner",
        "create_pet",
        "replace_pet",
        "search_pets",
    ]


def test_method_name_without_operation_id(pkg: ir.Package) -> None:
    health = op(pkg, "get_health")
    assert (health.http_method, health.path) == ("GET", "/health")
    assert health in api(pkg, "DefaultApi").operations


def test_operation_wire_description(pkg: ir.Package) -> None:
    listing = op(pkg, "list_pets_by_owner")
    assert listing.operation_id == "listPetsByOwner"
    assert (listing.http_method, listing.path) == ("GET", "/owners/{ownerId}/pets")
    assert listing.constant_name == "_LIST_PETS_BY_OWNER"
    assert listing.accept == "application/json"


# ---------------------------------------------------------------- parameters


def test_parameter_order_required_then_optional_in_spec_order(pkg: ir.Package) -> None:
    # ownerId comes from the path item, X-Request-ID is the only other required one
    assert params(op(pkg, "list_pets_by_owner")) == [
        "owner_id",
        "x_request_id",
        "page_size",
        "tags",
        "page_token",
        "class_",
        "status",
        "include_deleted",
    ]


def test_required_body_goes_after_required_parameters(pkg: ir.Package) -> None:
    replace = op(pkg, "replace_pet")
    # the spec lists verbose, petId, ownerId
    assert params(replace) == ["pet_id", "owner_id", "replacement", "verbose"]
    assert replace.body_position == 2


def test_optional_body_goes_last(pkg: ir.Package) -> None:
    create = op(pkg, "create_pet")
    assert params(create) == ["owner_id", "dry_run", "new_pet"]
    assert create.body_position == 2


def test_parameter_names_types_and_defaults(pkg: ir.Package) -> None:
    by_name = {p.python_name: p for p in op(pkg, "list_pets_by_owner").params}
    expected = {
        # python name: (wire name, location, annotation, default, required)
        "owner_id": ("ownerId", "path", "str", None, True),
        "x_request_id": ("X-Request-ID", "header", "str", None, True),
        "page_size": ("pageSize", "query", "int", "20", False),
        "tags": ("tags", "query", "Sequence[str] | None", "None", False),
        "page_token": ("pageToken", "query", "str | None", "None", False),
        "class_": ("class", "query", "str | None", "None", False),
        "status": ("status", "query", "ListPetsByOwnerStatus | str | None", "None", False),
        "include_deleted": ("includeDeleted", "query", "bool", "True", False),
    }
    actual = {n: (p.wire_name, p.location, p.annotation, p.default, p.required) for n, p in by_name.items()}
    assert actual == expected
    assert op(pkg, "create_pet").params[1].default == "False"


def test_query_style_and_explode(pkg: ir.Package) -> None:
    by_name = {p.python_name: p for p in op(pkg, "list_pets_by_owner").params}
    assert (by_name["tags"].style, by_name["tags"].explode) == ("form", False)
    assert (by_name["page_size"].style, by_name["page_size"].explode) == ("form", True)
    assert (by_name["owner_id"].style, by_name["owner_id"].explode) == ("simple", False)
    assert (by_name["x_request_id"].style, by_name["x_request_id"].explode) == ("simple", False)


def test_parameter_codecs(pkg: ir.Package) -> None:
    by_name = {p.python_name: p for p in op(pkg, "list_pets_by_owner").params}
    assert by_name["tags"].type.codec == "ListOf(STR)"
    assert by_name["status"].type.codec == "EnumOf(ListPetsByOwnerStatus)"
    assert by_name["status"].type.converts is True
    assert by_name["page_size"].type.codec == "INT"
    assert by_name["page_size"].type.converts is False


# ---------------------------------------------------------------- bodies and responses


def test_request_bodies(pkg: ir.Package) -> None:
    create = op(pkg, "create_pet").body
    assert create is not None
    assert (create.python_name, create.annotation, create.required) == ("new_pet", "NewPet | None", False)
    assert (create.media_type, create.encoding) == ("application/json", "json")
    assert create.type.codec == "ModelOf(lambda: NewPet)"
    replace = op(pkg, "replace_pet").body
    assert replace is not None
    assert (replace.python_name, replace.annotation, replace.required) == ("replacement", "NewPet", True)
    search = op(pkg, "search_pets").body
    assert search is not None
    assert (search.python_name, search.annotation) == ("body", "SearchPetsRequest")


def test_inline_objects_are_named_after_the_operation(pkg: ir.Package) -> None:
    search = op(pkg, "search_pets")
    assert search.return_type.annotation == "SearchPets200Response"
    assert {"SearchPetsRequest", "SearchPets200Response"} <= {m.name for m in pkg.models}
    request = model(pkg, "SearchPetsRequest")
    assert [(f.python_name, f.annotation) for f in request.init_fields] == [("query", "str"), ("limit", "int | Unset")]


def test_return_types(pkg: ir.Package) -> None:
    assert op(pkg, "list_pets_by_owner").return_type.annotation == "PetPage"
    assert op(pkg, "create_pet").return_type.annotation == "Pet"
    health = op(pkg, "get_health")
    assert health.return_type.annotation == "None"
    assert [(r.status, r.kind) for r in health.success] == [("204", "empty")]


def test_success_responses(pkg: ir.Package) -> None:
    listing = op(pkg, "list_pets_by_owner")
    assert [(r.status, r.kind, r.type and r.type.codec) for r in listing.success] == [
        ("200", "json", "ModelOf(lambda: PetPage)")
    ]


def test_error_responses_are_keyed_by_status_code(pkg: ir.Package) -> None:
    """The runtime picks the error response by status ("404", "4XX", "default"), also for $ref'd responses."""
    listing = op(pkg, "list_pets_by_owner")
    assert [(r.status, r.type and r.type.annotation) for r in listing.errors] == [
        ("404", "Error"),
        ("default", "Error"),
    ]


# ---------------------------------------------------------------- models


def test_model_fields_required_optional_nullable(pkg: ir.Package) -> None:
    pet = model(pkg, "Pet")
    assert pet.description == "A pet."
    assert pet.base is None
    rows = [(f.python_name, f.wire_name, f.annotation, f.default, f.required, f.nullable) for f in pet.init_fields]
    assert rows == [
        # required first (in spec order), then optional (in spec order)
        ("id", "id", "int", None, True, False),
        ("kind", "kind", "str", None, True, False),
        ("name", "name", "str | Unset", "UNSET", False, False),
        ("nickname", "nickname", "str | Unset | None", "UNSET", False, True),
        ("birth_date", "birthDate", "datetime.date | Unset", "UNSET", False, False),
        ("updated_at", "updatedAt", "datetime.datetime | Unset", "UNSET", False, False),
        ("parent", "parent", "Pet | Unset", "UNSET", False, False),
        ("children", "children", "list[Pet] | Unset", "UNSET", False, False),
        ("color", "color", "PetColor | str | Unset", "UNSET", False, False),
        ("class_", "class", "str | Unset", "UNSET", False, False),
        ("attributes", "attributes", "dict[str, int] | Unset", "UNSET", False, False),
    ]


def test_model_field_codecs(pkg: ir.Package) -> None:
    pet = model(pkg, "Pet")
    codecs = {f.python_name: f.type.codec for f in pet.init_fields}
    assert codecs["birth_date"] == "DATE"
    assert codecs["updated_at"] == "DATETIME"
    assert codecs["parent"] == "ModelOf(lambda: Pet)"  # recursive: resolved lazily
    assert codecs["children"] == "ListOf(ModelOf(lambda: Pet))"
    assert codecs["color"] == "EnumOf(PetColor)"
    assert codecs["attributes"] == "DictOf(INT)"
    assert field(pet, "id").type.converts is False
    assert field(pet, "birth_date").type.converts is True


def test_inline_enum_of_a_property(pkg: ir.Package) -> None:
    enums = {e.name: e for e in pkg.enums}
    color = enums["PetColor"]
    assert color.value_type == "str"
    assert [(m.name, m.value) for m in color.members] == [
        ("BLACK", "black"),
        ("WHITE", "white"),
        ("LIGHT_BROWN", "light-brown"),
    ]
    status = enums["ListPetsByOwnerStatus"]
    assert [(m.name, m.value) for m in status.members] == [("AVAILABLE", "available"), ("SOLD_OUT", "sold out")]


def test_all_of_inheritance(pkg: ir.Package) -> None:
    dog = model(pkg, "Dog")
    assert dog.base == "Pet"
    # its own fields, plus the discriminator redeclared with the subtype's value as the default
    assert [f.python_name for f in dog.fields] == ["kind", "barks"]
    assert dog.fields[0].default == '"dog"'  # the mapping's value for Dog
    init = [(f.python_name, f.required) for f in dog.init_fields]
    assert init[:3] == [("id", True), ("kind", True), ("barks", True)]
    assert {name for name, _ in init} == {f.python_name for f in model(pkg, "Pet").init_fields} | {"barks"}
    cat = model(pkg, "Cat")
    assert cat.base == "Pet" and [f.python_name for f in cat.fields] == ["kind", "lives"]
    # every model comes after its base
    names = [m.name for m in pkg.models]
    assert names.index("Pet") < names.index("Dog") and names.index("Pet") < names.index("Cat")


def test_discriminator(pkg: ir.Package) -> None:
    pet = model(pkg, "Pet")
    assert pet.discriminator is not None
    assert pet.discriminator.wire_name == "kind"
    cases = {(c.value, c.model) for c in pet.discriminator.cases}
    assert cases == {("dog", "Dog"), ("Cat", "Cat")}  # explicit mapping, then the implicit schema name
    assert {(c.value, c.model) for c in pet.subtypes} == cases
    # constructing a subtype fills in its discriminator value
    assert field(model(pkg, "Dog"), "kind").default == '"dog"'
    assert field(model(pkg, "Cat"), "kind").default == '"Cat"'


def test_exports(pkg: ir.Package) -> None:
    assert pkg.exports == (
        "Cat",
        "Dog",
        "Error",
        "ListPetsByOwnerStatus",
        "NewPet",
        "Pet",
        "PetColor",
        "PetPage",
        "SearchPets200Response",
        "SearchPetsRequest",
    )


# ---------------------------------------------------------------- pagination and security


def test_cursor_pagination(pkg: ir.Package) -> None:
    pagination = op(pkg, "list_pets_by_owner").pagination
    assert pagination is not None
    assert pagination.method_name == "iter_list_pets_by_owner"
    assert (pagination.items, pagination.next_token_wire, pagination.token_param) == (
        "items",
        "nextPageToken",
        "page_token",
    )
    assert pagination.item_type.annotation == "Pet"
    assert (pagination.offset_param, pagination.limit_param) == (None, None)
    # the runtime's pager moves the argument at this position of the call's tuple
    assert pagination.token_param == "page_token"
    assert "page_token" in [p.python_name for p in op(pkg, "list_pets_by_owner").params]
    assert (pagination.offset_param, pagination.limit_param) == (None, None)
    assert op(pkg, "create_pet").pagination is None


DESCRIBED = """\
openapi: 3.0.3
info: {title: Described, version: "1"}
x-python-client: {package: described_client, version: 1.0.0}
paths:
  /things:
    get:
      operationId: getThing
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
components:
  schemas:
    Owner:
      description: Someone who owns things.
      type: object
      properties:
        name: {type: string}
    Colour:
      description: A colour.
      type: string
      enum: [red, blue]
    Count:
      description: How many there are.
      type: integer
    Thing:
      type: object
      properties:
        owner: {$ref: "#/components/schemas/Owner"}
        colour: {$ref: "#/components/schemas/Colour"}
        count: {$ref: "#/components/schemas/Count"}
        keeper:
          description: Who keeps it now.
          allOf: [{$ref: "#/components/schemas/Owner"}]
        size:
          description: How big it is.
          type: string
          enum: [small, large]
        label:
          description: What it says on it.
          type: string
"""


def test_a_field_does_not_repeat_the_description_its_class_carries(write_spec: Callable[..., Path]) -> None:
    described = build(write_spec(DESCRIBED, name="described.yaml"))
    thing = model(described, "Thing")
    descriptions = {f.python_name: f.description for f in thing.init_fields}
    assert descriptions == {
        "owner": "",  # the Owner class says it
        "colour": "",  # the Colour enum says it
        "count": "How many there are.",  # a scalar schema: no class to carry it
        "keeper": "Who keeps it now.",  # the property's own words beside the reference
        "size": "",  # an inline enum: its class ThingSize carries the text
        "label": "What it says on it.",
    }
    enums = {e.name: e.description for e in described.enums}
    assert enums["ThingSize"] == "How big it is." and enums["Colour"] == "A colour."


def test_security(pkg: ir.Package) -> None:
    schemes = {s.key: s for s in pkg.security_schemes}
    assert set(schemes) == {"ApiKeyAuth", "basicAuth"}  # unusedBearer is used by no operation
    key = schemes["ApiKeyAuth"]
    assert (key.kind, key.location, key.wire_name, key.prefix, key.credentials) == (
        "api_key",
        "header",
        "X-API-Key",
        "",
        ("api_key_auth",),
    )
    basic = schemes["basicAuth"]
    assert (basic.kind, basic.credentials, basic.prefix) == ("basic", ("username", "password"), "Basic ")
    assert op(pkg, "list_pets_by_owner").security == (("ApiKeyAuth",),)  # the document's default
    assert op(pkg, "create_pet").security == (("basicAuth",),)  # the operation's own


def test_the_tiny_spec_generates_valid_python(tmp_path: Path, write_spec: Callable[..., Path]) -> None:
    path = write_spec(SPEC, name="pets.yaml")
    generated = generate(path)
    assert generated.package == "pets_client"
    assert generated.operations == 5
    for name, content in generated.files.items():
        if name.endswith(".py"):
            compile(content, name, "exec")


# ---------------------------------------------------------------- errors found while normalizing


def _fails(write_spec: Callable[..., Path], old: str, new: str) -> SpecError:
    assert old in SPEC
    path = write_spec(SPEC.replace(old, new, 1), name="pets.yaml")
    with pytest.raises(SpecError) as exc:
        build(path)
    return exc.value


def test_pagination_naming_a_missing_property(write_spec: Callable[..., Path]) -> None:
    error = _fails(write_spec, "next-token: nextPageToken", "next-token: nextToken")
    assert "PetPage has no property 'nextToken'" in error.message
    assert error.pointer.endswith("/x-pagination/next-token")
    assert error.line is not None


def test_pagination_naming_a_missing_parameter(write_spec: Callable[..., Path]) -> None:
    error = _fails(write_spec, "token-param: pageToken", "token-param: cursor")
    assert "no parameter 'cursor'" in error.message


def test_two_operations_with_one_method_name(write_spec: Callable[..., Path]) -> None:
    error = _fails(write_spec, "operationId: replacePet", "operationId: create_pet")
    assert "both become PetStoreApi.create_pet()" in error.message


def test_unsupported_security_scheme_type(write_spec: Callable[..., Path]) -> None:
    error = _fails(
        write_spec,
        "    basicAuth:\n      type: http\n      scheme: basic\n",
        "    basicAuth:\n      type: http\n      scheme: digest\n",
    )
    assert "unsupported: security scheme type http 'digest'" in error.message
    assert error.pointer == "/components/securitySchemes/basicAuth"


def test_undeclared_security_scheme_is_reported(write_spec: Callable[..., Path]) -> None:
    """OpenAPI: each name in a security requirement MUST be a declared security scheme.

    Otherwise the client would silently send the request without any credentials.
    """
    error = _fails(write_spec, "      security:\n        - basicAuth: []\n", "      security:\n        - oauth: []\n")
    assert "oauth" in error.message
    assert error.line is not None


@pytest.mark.parametrize(
    ("annotation", "members"),
    [
        ("str", ["str"]),
        ("str | None", ["str", "None"]),
        ("list[int | str] | Unset | None", ["list[int | str]", "Unset", "None"]),
        ("dict[str, A | B]", ["dict[str, A | B]"]),
        ("Callable[[A | B], C] | D", ["Callable[[A | B], C]", "D"]),
        ("tuple[str, bytes | IO[bytes]] | bytes", ["tuple[str, bytes | IO[bytes]]", "bytes"]),
    ],
)
def test_union_members_split_only_at_the_top_level(annotation: str, members: list[str]) -> None:
    assert typeexpr.union_members(annotation) == members
