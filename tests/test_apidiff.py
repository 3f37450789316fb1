"""The Python-level change report (generator/apidiff/): one test per rule on small inline specs,
then the real cases: GitHub 23.0.0 -> 23.0.2 and the ICA v3 history pair."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from apidifflib import base_spec, changes_after, ids, ir_of, write_spec
from github_specs import Unavailable, github_spec, required

from generator.apidiff import LEVELS, RULES, diff_packages
from generator.apitypes import compare_types, covers
from generator.diffcmd import build_ir, read_input

HISTORY = Path(__file__).resolve().parent / "data" / "history" / "ica_v3"
ICA_KEPT = [
    "getWorkflowSessions",
    "getWorkflowSessionConfigurations",
    "getWorkflowSessionInputs",
    "searchOrchestratedAnalyses",
    "searchWorkflowSessions",
]


def _params(spec: dict[str, Any], path: str = "/pets", method: str = "get") -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = spec["paths"][path][method]["parameters"]
    return params


def test_no_change_is_no_entry(tmp_path: Path) -> None:
    assert changes_after(tmp_path, lambda spec: None) == []


def test_optional_parameter_inserted_in_the_middle_is_added_and_nothing_breaks(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        _params(spec).insert(1, {"name": "color", "in": "query", "schema": {"type": "string"}})

    changes = changes_after(tmp_path, edit)
    assert ids(changes) == [("added", "optional-parameter-added", "PetApi.list_pets(color)")]
    assert changes[0].subject == "color" and changes[0].http_method == "GET" and changes[0].path == "/pets"


def test_required_parameter_added_is_breaking(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        _params(spec).append({"name": "zone", "in": "query", "required": True, "schema": {"type": "string"}})

    assert ids(changes_after(tmp_path, edit)) == [("breaking", "required-parameter-added", "PetApi.list_pets(zone)")]


def test_required_parameters_reordered_is_a_position_change(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        params = _params(spec, "/pets/{petId}")
        params.insert(0, {"name": "shop", "in": "query", "required": True, "schema": {"type": "string"}})

    def reorder(spec: dict[str, Any]) -> None:
        params = _params(spec, "/pets/{petId}")
        params[0], params[1] = params[1], params[0]

    old = base_spec()
    edit(old)
    new = copy.deepcopy(old)
    reorder(new)
    changes = diff_packages(ir_of(tmp_path, "old.json", old), ir_of(tmp_path, "new.json", new))
    assert {(c.id, c.python_name) for c in changes} == {
        ("parameter-position-changed", "PetApi.get_pet(pet_id)"),
        ("parameter-position-changed", "PetApi.get_pet(shop)"),
    }
    assert {c.level for c in changes} == {"breaking"}


def test_parameter_removed_and_became_required(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        params = _params(spec)
        params.pop(2)  # sort
        params[1]["required"] = True  # limit

    assert ids(changes_after(tmp_path, edit)) == [
        ("breaking", "parameter-became-required", "PetApi.list_pets(limit)"),
        ("breaking", "parameter-removed", "PetApi.list_pets(sort)"),
    ]


def test_required_parameter_became_optional_moves_to_keyword_only(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        _params(spec)[0]["required"] = False

    changes = changes_after(tmp_path, edit)
    assert ("breaking", "parameter-became-optional", "PetApi.list_pets(owner)") in ids(changes)


def test_parameter_type_narrowed_and_widened(tmp_path: Path) -> None:
    def narrow(spec: dict[str, Any]) -> None:
        _params(spec)[1]["schema"] = {"type": "integer"}

    old = base_spec()
    _params(old)[1]["schema"] = {"oneOf": [{"type": "integer"}, {"type": "string"}]}
    new = base_spec()
    narrow(new)
    narrowed = diff_packages(ir_of(tmp_path, "old.json", old), ir_of(tmp_path, "new.json", new))
    assert ids(narrowed) == [("type-breaking", "parameter-type-narrowed", "PetApi.list_pets(limit)")]
    widened = diff_packages(ir_of(tmp_path, "a.json", new), ir_of(tmp_path, "b.json", old))
    assert ids(widened) == [("added", "parameter-type-widened", "PetApi.list_pets(limit)")]


def test_parameter_default_changed_is_behaviour(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        _params(spec)[1]["schema"] = {"type": "integer", "default": 20}

    assert ids(changes_after(tmp_path, edit)) == [("behaviour", "parameter-default-changed", "PetApi.list_pets(limit)")]


def test_response_field_removed_is_breaking(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        del spec["components"]["schemas"]["Pet"]["properties"]["tag"]

    changes = changes_after(tmp_path, edit)
    assert ids(changes) == [("breaking", "field-removed", "models.Pet.tag")]
    assert changes[0].model == "Pet" and changes[0].subject == "tag"


def test_response_field_became_optional_and_nullable_are_type_breaking(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        pet = spec["components"]["schemas"]["Pet"]
        pet["required"] = ["id"]
        pet["properties"]["tag"]["nullable"] = True

    assert ids(changes_after(tmp_path, edit)) == [
        ("type-breaking", "field-became-optional", "models.Pet.name"),
        ("type-breaking", "field-became-nullable", "models.Pet.tag"),
    ]


def test_request_field_became_required_is_breaking(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        spec["components"]["schemas"]["NewPet"]["required"] = ["name", "tag"]

    assert ids(changes_after(tmp_path, edit)) == [("breaking", "request-field-became-required", "models.NewPet.tag")]


def test_enum_value_removed_is_breaking_and_added_depends_on_use(tmp_path: Path) -> None:
    def remove(spec: dict[str, Any]) -> None:
        spec["components"]["schemas"]["PetStatus"]["enum"] = ["available"]

    assert ids(changes_after(tmp_path, remove)) == [("breaking", "enum-value-removed", "models.PetStatus.SOLD")]

    def add(spec: dict[str, Any]) -> None:
        spec["components"]["schemas"]["PetStatus"]["enum"] = ["available", "sold", "pending"]

    # PetStatus is sent (the view parameter): a new value callers can pass
    assert ids(changes_after(tmp_path, add)) == [("added", "enum-value-added", "models.PetStatus.PENDING")]

    def add_read_only(spec: dict[str, Any]) -> None:
        add(spec)
        _params(spec, "/pets/{petId}").pop(1)

    changes = changes_after(tmp_path, add_read_only)
    # only read now: unknown values already decode to str, so a new one is documentation
    assert ("doc", "enum-value-added", "models.PetStatus.PENDING") in ids(changes)


def test_deprecation_is_doc_and_says_it_warns(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        spec["paths"]["/pets"]["get"]["deprecated"] = True

    changes = changes_after(tmp_path, edit)
    assert ids(changes) == [("doc", "method-deprecated", "PetApi.list_pets")]
    assert "DeprecationWarning" in changes[0].text


def test_new_credential_on_an_operation_is_breaking(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        spec["components"]["securitySchemes"]["token"] = {"type": "http", "scheme": "bearer"}
        spec["paths"]["/pets"]["get"]["security"] = [{"token": []}]

    changes = changes_after(tmp_path, edit)
    assert ("breaking", "credential-added", "PetApi.list_pets") in ids(changes)
    assert ("added", "client-credential-added", "ApiClient(token)") in ids(changes)


def test_another_alternative_that_old_credentials_satisfy_is_no_change(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        spec["components"]["securitySchemes"]["token"] = {"type": "http", "scheme": "bearer"}
        spec["paths"]["/pets"]["post"]["security"] = [{"key": []}, {"token": []}]

    assert ids(changes_after(tmp_path, edit)) == [("added", "client-credential-added", "ApiClient(token)")]


def test_method_removed_renamed_and_added(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        del spec["paths"]["/pets"]["post"]
        spec["paths"]["/pets/{petId}"]["get"]["operationId"] = "fetchPet"  # same route: a rename
        spec["paths"]["/pets/{petId}"]["delete"] = {
            "operationId": "deletePet",
            "responses": {"204": {"description": "gone"}},
        }

    changes = changes_after(tmp_path, edit)
    assert ("breaking", "method-removed", "PetApi.create_pet") in ids(changes)
    assert ("breaking", "method-renamed", "PetApi.fetch_pet") in ids(changes)
    assert ("added", "method-added", "DefaultApi.delete_pet") in ids(changes)
    assert ("added", "api-class-added", "DefaultApi") in ids(changes)
    # NewPet is reached only by the removed operation, and still generated: no model entry
    assert not [c for c in changes if c.id == "model-removed"]


def test_schema_renamed_with_the_same_structure_is_one_rename(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        schemas = spec["components"]["schemas"]
        schemas["PetV2"] = schemas.pop("Pet")
        text = __import__("json").dumps(spec).replace('#/components/schemas/Pet"', '#/components/schemas/PetV2"')
        spec.clear()
        spec.update(__import__("json").loads(text))

    changes = changes_after(tmp_path, edit)
    assert ids(changes) == [("breaking", "model-renamed", "models.PetV2")]
    assert (changes[0].old, changes[0].new) == ("Pet", "PetV2")


def test_request_body_removed_is_breaking(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        del spec["paths"]["/pets"]["post"]["requestBody"]

    changes = changes_after(tmp_path, edit)
    assert ("breaking", "body-removed", "PetApi.create_pet(new_pet)") in ids(changes)


def test_kept_operations_limit_the_report(tmp_path: Path) -> None:
    old = base_spec()
    new = copy.deepcopy(old)
    _params(new).append({"name": "zone", "in": "query", "required": True, "schema": {"type": "string"}})
    new["paths"]["/pets/{petId}"]["get"]["deprecated"] = True
    old_ir, new_ir = ir_of(tmp_path, "old.json", old), ir_of(tmp_path, "new.json", new)
    assert ids(diff_packages(old_ir, new_ir, ["getPet"])) == [("doc", "method-deprecated", "PetApi.get_pet")]
    assert ids(diff_packages(old_ir, new_ir, ["get /pets"])) == [
        ("breaking", "required-parameter-added", "PetApi.list_pets(zone)")
    ]


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        ("int", "int", "same"),
        ("int | str", "str | int", "same"),
        ("int | str", "int", "narrowed"),
        ("int", "float", "widened"),
        ("list[int]", "list[int | str]", "widened"),
        ("dict[str, Any]", "dict[str, Pet]", "narrowed"),
        ("str", "int", "changed"),
        ("list[Pet]", "Pet", "changed"),
    ],
)
def test_type_comparison(old: str, new: str, kind: str) -> None:
    assert compare_types(old, new) == kind


def test_covers_is_about_members_not_text() -> None:
    assert covers("list[int | str] | None", "list[str]")
    assert not covers("list[str]", "list[int | str]")


def test_every_rule_has_a_level_and_a_text() -> None:
    for rule, (level, text) in RULES.items():
        assert level in (*LEVELS, "varies"), rule
        assert text, rule


# ---- real data --------------------------------------------------------------------------------


def _github(version: str) -> Path:
    try:
        return github_spec(version)
    except Unavailable as reason:
        if required():
            pytest.fail(f"GitHub's spec is needed: {reason} (CLIENTGEN_REQUIRE_PEERS=1 forbids skipping)")
        pytest.skip(f"GitHub's spec is needed: {reason}")


def test_github_23_0_0_to_23_0_2_flags_the_lost_body_parameter() -> None:
    old = build_ir(read_input(str(_github("23.0.0"))), "github_client")
    new = build_ir(read_input(str(_github("23.0.2"))), "github_client")
    changes = diff_packages(old, new)
    lost = [c for c in changes if c.python_name == "ReposApi.repos_get_content(body)"]
    assert [(c.level, c.id) for c in lost] == [("breaking", "body-removed")]
    # the GET had a request body of examples and no schema, so the method took body: Any
    assert lost[0].old == "Any | None" and lost[0].http_method == "GET"
    assert lost[0].path == "/repos/{owner}/{repo}/contents/{path}"


def _ica(name: str) -> Path:
    return HISTORY / f"openapi_public-{name}.yaml"


def test_ica_history_pair_adds_search_and_deprecates_get() -> None:
    old = build_ir(read_input(str(_ica("20240221"))), "ica_v3_client")
    new = build_ir(read_input(str(_ica("20240306"))), "ica_v3_client")
    changes = diff_packages(old, new, ICA_KEPT)
    found = ids(changes)
    assert ("added", "method-added", "ProjectWorkflowSessionApi.search_workflow_sessions") in found
    assert ("doc", "method-deprecated", "ProjectWorkflowSessionApi.get_workflow_sessions") in found
    # no operation of the five changes in a breaking way; upstream renamed the schemas behind
    # them (WorkflowSession -> WorkflowSessionV3, same structure): class names callers import
    operation_breaks = [c for c in changes if c.level in ("breaking", "type-breaking") and c.http_method]
    assert operation_breaks == []
    renames = {(c.old, c.new) for c in changes if c.level == "breaking"}
    assert ("WorkflowSession", "WorkflowSessionV3") in renames
    assert {c.id for c in changes if c.level == "breaking"} == {"model-renamed", "enum-renamed"}


def test_ica_history_pair_with_pinned_class_names_has_no_break(tmp_path: Path) -> None:
    """A recipe keeps the curated class names; with the old schemas under the new names, the
    change from 2024-02-21 to 2024-03-06 breaks nothing."""
    text = _ica("20240221").read_text(encoding="utf-8")
    for old_name, new_name in (
        ("WorkflowSessionPagedList", "WorkflowSessionPagedListV3"),
        ("WorkflowSession", "WorkflowSessionV3"),
        ("Workflow", "WorkflowV3"),
        ("AnalysisStorage", "AnalysisStorageV3"),
    ):
        text = text.replace(f"    {old_name}:\n", f"    {new_name}:\n")
        text = text.replace(f"#/components/schemas/{old_name}'", f"#/components/schemas/{new_name}'")
        text = text.replace(f'#/components/schemas/{old_name}"', f'#/components/schemas/{new_name}"')
    pinned = tmp_path / "openapi_public-20240221-pinned.yaml"
    pinned.write_text(text, encoding="utf-8")
    old = build_ir(read_input(str(pinned)), "ica_v3_client")
    new = build_ir(read_input(str(_ica("20240306"))), "ica_v3_client")
    changes = diff_packages(old, new, ICA_KEPT)
    assert [c for c in changes if c.level in ("breaking", "type-breaking")] == []
    assert ("added", "method-added", "ProjectWorkflowSessionApi.search_workflow_sessions") in ids(changes)
    assert ("doc", "method-deprecated", "ProjectWorkflowSessionApi.get_workflow_sessions") in ids(changes)


def test_write_spec_round_trips(tmp_path: Path) -> None:
    path = write_spec(tmp_path, "x.json", base_spec())
    assert read_input(str(path)).raw == path.read_bytes()


def _paged(spec: dict[str, Any]) -> None:
    """listPets answers a page: items plus a token for the next one."""
    operation = spec["paths"]["/pets"]["get"]
    operation["parameters"].append({"name": "pageToken", "in": "query", "schema": {"type": "string"}})
    operation["responses"]["200"]["content"]["application/json"]["schema"] = {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
            "next": {"type": "string"},
        },
    }


def test_iterator_added_and_removed(tmp_path: Path) -> None:
    old = base_spec()
    _paged(old)
    new = copy.deepcopy(old)
    new["paths"]["/pets"]["get"]["x-pagination"] = {"items": "items", "next-token": "next", "token-param": "pageToken"}
    old_ir, new_ir = ir_of(tmp_path, "old.json", old), ir_of(tmp_path, "new.json", new)
    assert ids(diff_packages(old_ir, new_ir)) == [("added", "iterator-added", "PetApi.iter_list_pets")]
    assert ids(diff_packages(new_ir, old_ir)) == [("breaking", "iterator-removed", "PetApi.iter_list_pets")]


def test_serialization_and_media_type_changes_are_behaviour(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        _params(spec)[2]["in"] = "header"
        body = spec["paths"]["/pets"]["post"]["requestBody"]["content"]
        body["application/x-www-form-urlencoded"] = body.pop("application/json")

    assert ids(changes_after(tmp_path, edit)) == [
        ("behaviour", "body-media-type-changed", "PetApi.create_pet(new_pet)"),
        ("behaviour", "parameter-serialization-changed", "PetApi.list_pets(sort)"),
    ]
