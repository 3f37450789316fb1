"""The wire-level diff: real upstream release pairs, and one small spec pair per rule family."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from generator.errors import SpecError
from generator.specdiff.diff import diff_documents, is_breaking, load_for_diff
from generator.specdiff.model import WireChange
from generator.specdiff.oasdiff_levels import OASDIFF_LEVELS

DATA = Path(__file__).resolve().parent / "data"
ICA_OLD = DATA / "history" / "ica_v3" / "openapi_public-20240221.yaml"
ICA_NEW = DATA / "history" / "ica_v3" / "openapi_public-20240306.yaml"
TES_OLD = DATA / "history" / "libtes" / "tes-20210308.json"
TES_NEW = DATA / "history" / "libtes" / "tes-20211022.json"
ETHERPAD = DATA.parent.parent / "specs" / "upstream" / "etherpad" / "openapi-1.8.14-api-1.2.15.json"
ICA_KEPT = [
    "getWorkflowSessions",
    "getWorkflowSessionInputs",
    "getWorkflowSessionConfigurations",
    "searchOrchestratedAnalyses",
    "searchWorkflowSessions",
]


@pytest.fixture(scope="module")
def ica() -> tuple[dict[str, Any], dict[str, Any]]:
    return load_for_diff(ICA_OLD, "old.yaml"), load_for_diff(ICA_NEW, "new.yaml")


def ids(changes: list[WireChange]) -> set[tuple[str, str, str, str]]:
    return {(c.id, c.method, c.path, c.subject) for c in changes}


def as_json(changes: list[WireChange]) -> str:
    return json.dumps([dataclasses.asdict(c) for c in changes])


# real release pairs ---------------------------------------------------------------------------------


def test_ica_kept_operations_report_the_added_search_and_the_deprecation(ica: Any) -> None:
    changes = diff_documents(*ica, operations=ICA_KEPT)
    added = [c for c in changes if c.id == "endpoint-added"]
    assert [(c.method, c.path, c.operation_id, c.level) for c in added] == [
        ("POST", "/api/projects/{projectId}/workflowSessions:search", "searchWorkflowSessions", "INFO")
    ]
    deprecated = [c for c in changes if c.id == "endpoint-deprecated"]
    assert [(c.operation_id, c.level) for c in deprecated] == [("getWorkflowSessions", "INFO")]
    assert not [c for c in changes if is_breaking(c)]
    assert {c.operation_id for c in changes} <= {"getWorkflowSessions", "searchWorkflowSessions"}


def test_ica_whole_spec_reports_changes_outside_the_kept_operations(ica: Any) -> None:
    changes = diff_documents(*ica)
    found = ids(changes)
    assert ("endpoint-added", "POST", "/api/projects/{projectId}/analysis:search", "") in found
    assert ("endpoint-deprecated", "GET", "/api/projects/{projectId}/analyses", "") in found
    # NotificationSubscription gained payloadVersion (a new optional field in request and response)
    path = "/api/projects/{projectId}/notificationSubscriptions"
    assert ("new-optional-request-property", "POST", path, "payloadVersion") in found
    assert ("response-optional-property-added", "GET", path, "items/items/payloadVersion") in found
    assert len(changes) > len(diff_documents(*ica, operations=ICA_KEPT))
    assert not [c for c in changes if is_breaking(c)]


def test_libtes_swagger2_pair_reports_the_three_new_response_fields() -> None:
    old, new = load_for_diff(TES_OLD, "old.json"), load_for_diff(TES_NEW, "new.json")
    assert str(old["openapi"]).startswith("3.")
    changes = diff_documents(old, new)
    assert {c.id for c in changes} == {"response-optional-property-added"}
    leaves = {c.subject.rsplit("/", 1)[-1] for c in changes}
    assert leaves == {"sizeOfResource", "tierOfResource", "typeOfResource"}
    launch = [c for c in changes if c.path == "/v1/tasks/{taskId}/versions/{versionId}:launch"]
    assert {(c.method, c.status, c.subject) for c in launch} == {
        ("POST", "201", "sizeOfResource"),
        ("POST", "201", "tierOfResource"),
        ("POST", "201", "typeOfResource"),
    }
    runs = {c.subject for c in changes if c.path == "/v1/tasks/runs" and c.method == "GET"}
    assert runs == {"items/items/sizeOfResource", "items/items/tierOfResource", "items/items/typeOfResource"}


def _etherpad() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ETHERPAD.read_text(encoding="utf-8"))
    return data


def test_etherpad_response_ref_inlined_is_no_change() -> None:
    old = _etherpad()
    new = copy.deepcopy(old)
    inlined = 0
    for item in new["paths"].values():
        for operation in item.values():
            for status, response in operation["responses"].items():
                if response == {"$ref": "#/components/responses/Success"}:
                    operation["responses"][status] = copy.deepcopy(new["components"]["responses"]["Success"])
                    inlined += 1
    assert inlined > 0
    assert diff_documents(old, new) == []
    # the same inlined copy, changed, is reported on every operation that used it
    for item in new["paths"].values():
        for operation in item.values():
            schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
            if "$ref" not in operation["responses"]["200"] and set(schema["properties"]) == {"code", "message", "data"}:
                schema["properties"]["code"]["type"] = "string"
    changed = diff_documents(old, new)
    assert changed and {(c.id, c.subject, c.status, c.level) for c in changed} >= {
        ("response-property-type-changed", "code", "200", "ERR")
    }


def test_etherpad_parameter_moved_to_path_level_is_no_change() -> None:
    new = _etherpad()
    old = copy.deepcopy(new)
    moved = 0
    for item in old["paths"].values():
        shared = item["get"].get("parameters", [])
        if shared and shared == item.get("post", {}).get("parameters"):
            item["parameters"] = shared
            del item["get"]["parameters"]
            del item["post"]["parameters"]
            moved += 1
    assert moved > 0
    assert diff_documents(old, new) == []


def test_two_runs_and_reordered_input_give_identical_output(ica: Any) -> None:
    first = as_json(diff_documents(*ica))
    assert first == as_json(diff_documents(*ica))
    reordered = [_reverse_keys(side) for side in ica]
    assert first == as_json(diff_documents(*reordered))


def _reverse_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _reverse_keys(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reverse_keys(v) for v in value]
    return value


# small specs, one rule family each --------------------------------------------------------------------


def spec(paths: dict[str, Any], schemas: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths}
    if schemas is not None:
        doc["components"] = {"schemas": schemas}
    doc.update(top)
    return doc


def op(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"operationId": "getThing", "responses": {"200": {"description": "ok"}}}
    base.update(fields)
    return base


def json_response(schema: Any, status: str = "200") -> dict[str, Any]:
    return {status: {"description": "ok", "content": {"application/json": {"schema": schema}}}}


def json_body(schema: Any, required: bool = False) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def entries(old: dict[str, Any], new: dict[str, Any]) -> set[tuple[str, str, str, str]]:
    """(level, id, subject, status) of every entry that is not documentation."""
    return {(c.level, c.id, c.subject, c.status) for c in diff_documents(old, new) if not c.doc}


def test_operations_added_removed_deprecated_and_renamed() -> None:
    old = spec({"/a": {"get": op(), "post": op(operationId="postA")}, "/b": {"get": op(operationId="getB")}})
    new = spec({"/a": {"get": op(deprecated=True, operationId="getA2")}, "/c": {"get": op(operationId="getC")}})
    changes = diff_documents(old, new)
    got = {(c.level, c.id, c.method, c.path) for c in changes}
    assert ("INFO", "endpoint-added", "GET", "/c") in got
    assert ("ERR", "api-path-removed-without-deprecation", "GET", "/b") in got
    assert ("ERR", "api-removed-without-deprecation", "POST", "/a") in got
    assert ("INFO", "endpoint-deprecated", "GET", "/a") in got
    renamed = [c for c in changes if c.id == "api-operation-id-removed"]
    assert [(c.old, c.new, c.operation_id) for c in renamed] == [("getThing", "getA2", "getA2")]
    back = diff_documents(new, spec({"/a": {"get": op(operationId="getA2")}}))
    assert ("INFO", "endpoint-reactivated") in {(c.level, c.id) for c in back}


def test_removed_deprecated_operation_is_info() -> None:
    old = spec({"/a": {"get": op(deprecated=True)}})
    assert entries(old, spec({})) == {("INFO", "api-path-removed-with-deprecation", "", "")}


def test_path_parameter_renamed_is_the_same_endpoint() -> None:
    def doc(name: str) -> dict[str, Any]:
        param = {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        return spec({f"/a/{{{name}}}": {"get": op(parameters=[param])}})

    changes = diff_documents(doc("id"), doc("thing_id"))
    assert [(c.level, c.id, c.path, c.subject, c.old, c.new) for c in changes] == [
        ("INFO", "request-path-parameter-renamed", "/a/{thing_id}", "thing_id", "id", "thing_id")
    ]


def _with_param(**param: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"name": "q", "in": "query", "schema": {"type": "string"}}
    base.update(param)
    return spec({"/a": {"get": op(parameters=[base])}})


def test_parameter_existence_and_required() -> None:
    none = spec({"/a": {"get": op()}})
    assert entries(none, _with_param(required=True)) == {("ERR", "new-required-request-parameter", "q", "")}
    assert entries(none, _with_param()) == {("INFO", "new-optional-request-parameter", "q", "")}
    assert entries(_with_param(), none) == {("WARN", "request-parameter-removed", "q", "")}
    assert entries(_with_param(deprecated=True), none) == {
        ("INFO", "request-parameter-removed-with-deprecation", "q", "")
    }
    assert entries(_with_param(), _with_param(required=True)) == {("ERR", "request-parameter-became-required", "q", "")}
    assert entries(_with_param(required=True), _with_param()) == {
        ("INFO", "request-parameter-became-optional", "q", "")
    }


def test_parameter_schema_rules() -> None:
    def with_schema(**schema: Any) -> dict[str, Any]:
        return _with_param(schema={"type": "string", **schema})

    assert entries(with_schema(), _with_param(schema={"type": "integer"})) == {
        ("ERR", "request-parameter-type-changed", "q", "")
    }
    assert entries(with_schema(enum=["a", "b"]), with_schema(enum=["a", "c"])) == {
        ("INFO", "request-parameter-enum-value-added", "q", ""),
        ("ERR", "request-parameter-enum-value-removed", "q", ""),
    }
    assert entries(with_schema(default="a"), with_schema(default="b")) == {
        ("ERR", "request-parameter-default-value-changed", "q", "")
    }
    assert entries(with_schema(maxLength=10), with_schema(maxLength=5)) == {
        ("ERR", "request-parameter-max-length-decreased", "q", "")
    }
    assert entries(with_schema(maxLength=5), with_schema(maxLength=10)) == {
        ("INFO", "request-parameter-max-length-increased", "q", "")
    }
    assert entries(with_schema(), with_schema(pattern="^a")) == {("ERR", "request-parameter-pattern-added", "q", "")}
    number = {"type": "integer", "minimum": 1}
    assert entries(_with_param(schema=number), _with_param(schema={**number, "minimum": 2})) == {
        ("ERR", "request-parameter-min-increased", "q", "")
    }


def test_parameter_style_and_explode() -> None:
    assert entries(_with_param(), _with_param(style="form", explode=True)) == set()  # the defaults, spelled out
    assert entries(_with_param(), _with_param(explode=False)) == {
        ("WARN", "request-parameter-explode-changed", "q", "")
    }
    assert entries(_with_param(), _with_param(style="spaceDelimited")) == {
        ("WARN", "request-parameter-style-changed", "q", ""),
        ("WARN", "request-parameter-explode-changed", "q", ""),
    }


def test_operation_level_parameter_overrides_path_level() -> None:
    shared = {"name": "q", "in": "query", "schema": {"type": "string"}}
    own = {**shared, "required": True}
    old = spec({"/a": {"parameters": [shared], "get": op(parameters=[own])}})
    new = spec({"/a": {"get": op(parameters=[own])}})
    assert entries(old, new) == set()


def test_request_body_rules() -> None:
    obj = {"type": "object", "properties": {"a": {"type": "string"}}}
    none = spec({"/a": {"post": op()}})
    assert entries(none, spec({"/a": {"post": op(requestBody=json_body(obj, True))}})) == {
        ("ERR", "request-body-added-required", "", "")
    }
    old = spec({"/a": {"post": op(requestBody=json_body(obj))}})
    assert entries(old, none) == {("ERR", "request-body-removed", "", "")}
    assert entries(old, spec({"/a": {"post": op(requestBody=json_body(obj, True))}})) == {
        ("ERR", "request-body-became-required", "", "")
    }
    xml = {"content": {"application/xml": {"schema": obj}}}
    assert entries(old, spec({"/a": {"post": op(requestBody=xml)}})) == {
        ("ERR", "request-body-media-type-removed", "application/json", ""),
        ("INFO", "request-body-media-type-added", "application/xml", ""),
    }
    stricter = {**obj, "required": ["a"], "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}}
    stricter["required"] = ["a", "b"]
    assert entries(old, spec({"/a": {"post": op(requestBody=json_body(stricter))}})) == {
        ("ERR", "request-property-became-required", "a", ""),
        ("ERR", "new-required-request-property", "b", ""),
    }


def test_request_body_under_two_media_types_is_one_entry_per_change() -> None:
    def doc(prop: dict[str, Any]) -> dict[str, Any]:
        schema = {"type": "object", "properties": {"a": prop}}
        content = {"application/json": {"schema": schema}, "application/vnd.x+json": {"schema": schema}}
        return spec({"/a": {"post": op(requestBody={"content": content})}})

    changes = diff_documents(doc({"type": "string"}), doc({"type": "string", "maxLength": 3}))
    assert [(c.id, c.subject) for c in changes] == [("request-property-max-length-set", "a")]
    assert "application/json, application/vnd.x+json" in changes[0].text


def test_response_status_rules() -> None:
    def doc(*codes: str) -> dict[str, Any]:
        return spec({"/a": {"get": op(responses={code: {"description": "x"} for code in codes})}})

    assert entries(doc("200", "404"), doc("201", "2XX", "default")) == {
        ("ERR", "response-success-status-removed", "", "200"),
        ("INFO", "response-success-status-added", "", "201"),
        ("INFO", "response-success-status-added", "", "2XX"),
        ("INFO", "response-non-success-status-removed", "", "404"),
        ("INFO", "response-non-success-status-added", "", "default"),
    }


def test_response_schema_rules() -> None:
    def doc(schema: Any) -> dict[str, Any]:
        return spec({"/a": {"get": op(responses=json_response(schema))}})

    base = {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}
    assert entries(doc(base), doc({**base, "properties": {"b": {"type": "string"}}})) == {
        ("ERR", "response-required-property-removed", "a", "200")
    }
    assert entries(doc(base), doc({**base, "properties": {"a": {"type": "string"}}})) == {
        ("WARN", "response-optional-property-removed", "b", "200")
    }
    nullable = {**base, "properties": {**base["properties"], "b": {"type": "string", "nullable": True}}}
    assert entries(doc(base), doc(nullable)) == {("ERR", "response-property-became-nullable", "b", "200")}
    assert entries(doc(base), doc({**base, "required": []})) == {
        ("ERR", "response-property-became-optional", "a", "200")
    }
    enum = {"type": "string", "enum": ["x"]}
    assert entries(doc(enum), doc({**enum, "enum": ["x", "y"]})) == {
        ("WARN", "response-body-enum-value-added", "application/json", "200")
    }
    listed = {"type": "object", "properties": {"l": {"type": "array", "items": {"type": "string"}}}}
    changed = {"type": "object", "properties": {"l": {"type": "array", "items": {"type": "integer"}}}}
    assert entries(doc(listed), doc(changed)) == {("ERR", "response-property-type-changed", "l/items", "200")}
    other = spec({"/a": {"get": op(responses={"200": {"description": "ok", "content": {"text/plain": {}}}})}})
    assert ("ERR", "response-media-type-removed", "application/json", "200") in entries(doc(base), other)


def test_openapi_30_nullable_equals_31_null_type() -> None:
    def doc(version: str, prop: dict[str, Any]) -> dict[str, Any]:
        schema = {"type": "object", "properties": {"a": prop}}
        return {**spec({"/a": {"get": op(responses=json_response(schema))}}), "openapi": version}

    old = doc("3.0.3", {"type": "string", "nullable": True})
    assert entries(old, doc("3.1.0", {"type": ["string", "null"]})) == set()
    assert entries(old, doc("3.1.0", {"type": "string"})) == {
        ("INFO", "response-property-became-not-nullable", "a", "200")
    }


def test_ref_replaced_by_the_same_schema_inline_is_no_change() -> None:
    thing = {"type": "object", "properties": {"a": {"type": "string"}}}
    old = spec({"/a": {"get": op(responses=json_response({"$ref": "#/components/schemas/Thing"}))}}, {"Thing": thing})
    new = spec({"/a": {"get": op(responses=json_response(copy.deepcopy(thing)))}}, {})
    assert diff_documents(old, new) == []


def test_composition_discriminator_and_additional_properties() -> None:
    def doc(schema: Any, schemas: dict[str, Any]) -> dict[str, Any]:
        return spec({"/a": {"post": op(requestBody=json_body(schema), responses=json_response(schema))}}, schemas)

    cat, dog = {"type": "object", "properties": {"k": {"type": "string"}}}, {"type": "object"}
    one = {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}],
        "discriminator": {"propertyName": "k", "mapping": {"cat": "#/components/schemas/Cat"}},
    }
    two = {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {
            "propertyName": "k",
            "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"},
        },
    }
    got = entries(doc(one, {"Cat": cat}), doc(two, {"Cat": cat, "Dog": dog}))
    assert got == {
        ("INFO", "request-body-one-of-added", "application/json", ""),
        ("ERR", "response-body-one-of-added", "application/json", "200"),
        ("INFO", "request-body-discriminator-mapping-added", "application/json", ""),
        ("INFO", "response-body-discriminator-mapping-added", "application/json", "200"),
    }
    inner = {"type": "object", "properties": {"m": {"type": "object"}}}
    closed = {"type": "object", "properties": {"m": {"type": "object", "additionalProperties": False}}}
    assert entries(doc(inner, {}), doc(closed, {})) == {
        ("ERR", "request-property-additional-properties-changed", "m", ""),
        ("INFO", "response-property-additional-properties-changed", "m", "200"),
    }
    base = {"type": "object", "properties": {"id": {"type": "string"}}}
    flat = {"type": "object", "properties": {"x": {"type": "string"}}}
    merged = {"allOf": [{"$ref": "#/components/schemas/Base"}, flat]}
    got = entries(doc(flat, {"Base": base}), doc(merged, {"Base": base}))
    # allOf members' properties read as the object's own: a new optional id, and the Base member
    assert ("INFO", "new-optional-request-property", "id", "") in got
    assert ("INFO", "response-optional-property-added", "id", "200") in got
    assert ("ERR", "request-body-all-of-added", "application/json", "") in got


def test_read_only_and_const() -> None:
    def doc(prop: dict[str, Any]) -> dict[str, Any]:
        schema = {"type": "object", "properties": {"a": prop}}
        return spec({"/a": {"get": op(responses=json_response(schema))}})

    assert entries(doc({"type": "string"}), doc({"type": "string", "readOnly": True})) == {
        ("INFO", "response-optional-property-became-read-only", "a", "200")
    }
    assert entries(doc({"type": "string", "const": "x"}), doc({"type": "string", "const": "y"})) == {
        ("ERR", "response-property-const-changed", "a", "200")
    }


def test_security_and_servers() -> None:
    def doc(scopes: list[str], schemes: dict[str, Any], servers: list[str]) -> dict[str, Any]:
        return spec(
            {"/a": {"get": op(security=[{"oauth": scopes}])}},
            None,
            components={"securitySchemes": schemes},
            security=[{"key": []}],
            servers=[{"url": u} for u in servers],
        )

    oauth = {"type": "oauth2", "flows": {"implicit": {"authorizationUrl": "https://x", "scopes": {"r": "read"}}}}
    old = doc(["r"], {"oauth": oauth, "key": {"type": "apiKey", "in": "header", "name": "K"}}, ["https://a"])
    oauth2 = copy.deepcopy(oauth)
    oauth2["flows"]["implicit"]["scopes"]["w"] = "write"
    new = doc(["r", "w"], {"oauth": oauth2, "key": {"type": "apiKey", "in": "query", "name": "K"}}, ["https://b"])
    assert entries(old, new) == {
        ("INFO", "api-security-scope-added", "oauth", ""),
        ("INFO", "api-security-component-oauth-scope-added", "oauth", ""),
        ("WARN", "api-security-component-key-location-changed", "key", ""),
        ("INFO", "api-server-added", "https://b", ""),
        ("WARN", "api-server-removed", "https://a", ""),
    }


def test_documentation_changes_are_doc_entries() -> None:
    old = spec({"/a": {"get": op(summary="one", description="d")}})
    new = spec({"/a": {"get": op(summary="two", description="d")}})
    changes = diff_documents(old, new)
    assert [(c.level, c.id, c.doc, c.old, c.new) for c in changes] == [
        ("INFO", "api-summary-changed", True, "one", "two")
    ]


def test_operations_filter_by_id_or_method_and_path() -> None:
    old = spec({"/a": {"get": op()}, "/b": {"get": op(operationId="getB")}})
    new = spec({"/b": {"get": op(operationId="getB", deprecated=True)}})
    assert {c.id for c in diff_documents(old, new, operations=["getThing"])} == {"api-path-removed-without-deprecation"}
    assert {c.id for c in diff_documents(old, new, operations=["GET /b"])} == {"endpoint-deprecated"}
    assert {c.id for c in diff_documents(old, new, operations=["get /b"])} == {"endpoint-deprecated"}
    assert diff_documents(old, new, operations=[]) == []


def test_recursive_schemas_end_and_report_a_deep_change_once() -> None:
    def doc(leaf: str) -> dict[str, Any]:
        node = {
            "type": "object",
            "properties": {
                "leaf": {"type": leaf},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
            },
        }
        return spec({"/a": {"get": op(responses=json_response({"$ref": "#/components/schemas/Node"}))}}, {"Node": node})

    assert entries(doc("string"), doc("string")) == set()
    assert entries(doc("string"), doc("integer")) == {("ERR", "response-property-type-changed", "leaf", "200")}


def test_deep_inline_nesting_ends_with_an_entry() -> None:
    def doc(leaf: str) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": leaf}
        for _ in range(300):
            schema = {"type": "object", "properties": {"p": schema}}
        return spec({"/a": {"get": op(responses=json_response(schema))}})

    got = entries(doc("string"), doc("integer"))
    assert len(got) == 1
    ((level, rule_id, subject, _),) = got
    assert rule_id == "response-property-not-compared" and level == "WARN" and subject.startswith("p/p/")


def test_malformed_documents_do_not_crash() -> None:
    broken: dict[str, Any] = {
        "openapi": "3.0.0",
        "paths": {"/a": {"get": "nope", "post": {"parameters": [1, {"name": 3}], "responses": []}}, "/b": []},
        "components": {"schemas": 5, "securitySchemes": []},
        "servers": "x",
        "security": {},
    }
    good = spec({"/a": {"post": op(responses=json_response({"type": "object", "properties": 7}))}})
    assert diff_documents(broken, good)
    assert diff_documents(good, broken)
    assert diff_documents({}, {}) == []


def test_load_for_diff_reads_bytes_and_reports_bad_input() -> None:
    data = load_for_diff(TES_OLD.read_bytes(), "tes.json")
    assert data["paths"]
    with pytest.raises(SpecError) as error:
        load_for_diff(b"{not json", "broken.json")
    assert error.value.file == "broken.json" and error.value.hint
    with pytest.raises(SpecError):
        load_for_diff(b"\xff\xfe", "binary.yaml")


def test_is_breaking_means_level_err() -> None:
    entry = WireChange("ERR", "request-body-removed", "POST", "/a", "", "", "", "t")
    assert is_breaking(entry)
    assert not is_breaking(dataclasses.replace(entry, level="WARN"))


def test_oasdiff_levels_match_the_rules_file() -> None:
    rows = [line.split("\t") for line in (DATA / "oasdiff-rules.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    assert dict(OASDIFF_LEVELS) == {row[1]: row[0] for row in rows}


def test_mutually_recursive_schemas_report_the_same_whatever_is_diffed_first() -> None:
    def doc(leaf: str) -> dict[str, Any]:
        schemas = {
            "A": {"type": "object", "properties": {"leaf": {"type": leaf}, "b": {"$ref": "#/components/schemas/B"}}},
            "B": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}},
        }
        paths = {
            # the endpoint returning B sorts first: its comparison reaches A before A is compared itself
            "/a": {"get": op(operationId="getB", responses=json_response({"$ref": "#/components/schemas/B"}))},
            "/b": {"get": op(operationId="getA", responses=json_response({"$ref": "#/components/schemas/A"}))},
        }
        return spec(paths, schemas)

    old, new = doc("string"), doc("integer")
    whole = diff_documents(old, new)
    assert {(c.path, c.subject) for c in whole} == {("/a", "a/leaf"), ("/b", "leaf")}
    alone = diff_documents(old, new, operations=["getA"]) + diff_documents(old, new, operations=["getB"])
    assert sorted(alone, key=WireChange.sort_key) == whole


def test_response_headers() -> None:
    def doc(headers: dict[str, Any]) -> dict[str, Any]:
        return spec({"/a": {"get": op(responses={"200": {"description": "ok", "headers": headers}})}})

    int_header = {"schema": {"type": "integer"}}
    required = {"required": True, "schema": {"type": "string"}}
    assert entries(doc({"X-Rate": required}), doc({"x-rate": int_header})) == {
        ("ERR", "response-header-became-optional", "x-rate", "200"),
        ("ERR", "response-header-type-changed", "x-rate", "200"),
    }
    assert entries(doc({"X-Rate": required}), doc({})) == {("ERR", "required-response-header-removed", "X-Rate", "200")}
    assert entries(doc({}), doc({"X-New": int_header})) == {("INFO", "response-header-added", "X-New", "200")}


def test_parameter_became_enum_and_webhooks() -> None:
    became = _with_param(schema={"type": "string", "enum": ["a"]})
    assert entries(_with_param(), became) == {("ERR", "request-parameter-became-enum", "q", "")}
    hook = {"post": op(operationId="hook")}
    old = {**spec({}), "openapi": "3.1.0", "webhooks": {"a": hook}}
    new = {**spec({}), "openapi": "3.1.0", "webhooks": {"b": hook}}
    assert entries(old, new) == {("INFO", "webhook-added", "b", ""), ("ERR", "webhook-removed", "a", "")}


def test_shared_nodes_fanning_out_end_quickly_with_a_bounded_report() -> None:
    """YAML aliases (or $refs) can make a schema graph whose paths number 2**depth."""

    def doc(leaf: str) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": leaf}
        for _ in range(40):
            schema = {"type": "object", "properties": {"l": schema, "r": schema}}  # one node, reached twice
        return spec({"/a": {"get": op(responses=json_response(schema))}})

    changes = diff_documents(doc("string"), doc("integer"))
    assert 0 < len(changes) < 20_000
    found = {c.id for c in changes}
    assert "response-property-type-changed" in found
    assert found - {"response-property-type-changed"} <= {
        "response-property-not-compared",
        "response-body-not-compared",
    }
    assert found & {"response-property-not-compared", "response-body-not-compared"}


def test_info_version_and_title() -> None:
    old = spec({})
    new = {**spec({}), "info": {"title": "u", "version": "2"}}
    changes = diff_documents(old, new)
    assert [(c.id, c.doc, c.old, c.new) for c in changes] == [
        ("api-info-title-changed", True, "t", "u"),
        ("api-version-changed", False, "1", "2"),
    ]


def test_names_from_the_spec_cannot_break_the_one_line_text() -> None:
    nasty = "a\nb\u202e\u2028c"

    def doc(extra: bool) -> dict[str, Any]:
        properties: dict[str, Any] = {"x": {"type": "string"}}
        if extra:
            properties[nasty] = {"type": "string"}
        content = {f"application/{nasty}": {"schema": {"type": "object", "properties": properties}}}
        return spec({f"/p{nasty}": {"get": op(responses={nasty: {"description": "d", "content": content}})}})

    changes = diff_documents(doc(False), doc(True)) + diff_documents(doc(True), spec({}))
    assert {c.id for c in changes} == {"response-optional-property-added", "api-path-removed-without-deprecation"}
    for change in changes:
        assert change.text.isprintable(), change.text
    assert any(c.subject == nasty for c in changes)  # the entry itself keeps the raw name


def test_path_parameters_in_the_filter_match_by_position() -> None:
    param = {"name": "x", "in": "path", "required": True, "schema": {"type": "string"}}
    old = spec({"/a/{id}": {"get": op(parameters=[{**param, "name": "id"}])}})
    new = spec({"/a/{id}": {"get": op(parameters=[{**param, "name": "id"}], deprecated=True)}})
    assert {c.id for c in diff_documents(old, new, operations=["GET /a/{other}"])} == {"endpoint-deprecated"}


def test_a_reference_wrapped_in_all_of_is_the_same_schema() -> None:
    thing = {"type": "object", "properties": {"a": {"type": "string"}}}

    def doc(prop: dict[str, Any]) -> dict[str, Any]:
        body = {"type": "object", "properties": {"t": prop}}
        return spec({"/a": {"post": op(requestBody=json_body(body))}}, {"Thing": thing})

    plain_ref = doc({"$ref": "#/components/schemas/Thing"})
    wrapped = doc({"allOf": [{"$ref": "#/components/schemas/Thing"}], "nullable": True})
    assert entries(plain_ref, wrapped) == {("INFO", "request-property-became-nullable", "t", "")}
    assert entries(wrapped, plain_ref) == {("ERR", "request-property-became-not-nullable", "t", "")}
