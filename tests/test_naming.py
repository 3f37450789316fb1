"""generator.naming: Python names from spec names."""

from __future__ import annotations

import keyword

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.naming import ascii_fold, class_name, dedupe, enum_member_name, identifier, pascal_case, snake_case

# no example database: the tests write nothing outside their temporary folders
hypothesis_settings = settings(database=None, deadline=None, derandomize=True)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("createSessionUsingGET", "create_session_using_get"),
        ("getSessionInfoUsingPOST", "get_session_info_using_post"),
        ("groupID", "group_id"),
        ("sessionID", "session_id"),
        ("job-id", "job_id"),
        ("X-API-Key", "x_api_key"),
        ("pageSize", "page_size"),
        ("pageToken", "page_token"),
        ("HTTPServer", "http_server"),
        ("GETRequest", "get_request"),
        ("getV2Jobs", "get_v2_jobs"),
        ("TaskVersionsApi", "task_versions_api"),
        ("ProjectWorkflowSessionApi", "project_workflow_session_api"),
        ("already_snake", "already_snake"),
        ("Content-Type", "content_type"),
        ("filter[name]", "filter_name"),
        ("a..b", "a_b"),
        ("__dunder__", "dunder"),
        ("ID", "id"),
        ("", ""),
    ],
)
def test_snake_case(name: str, expected: str) -> None:
    assert snake_case(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Project Workflow Session", "ProjectWorkflowSession"),
        ("Task Versions", "TaskVersions"),
        ("TaskVersions", "TaskVersions"),
        ("session", "Session"),
        ("Client", "Client"),
        ("job", "Job"),
        ("client-api", "ClientApi"),
        ("pet_store", "PetStore"),
        ("workflow sessions (v3)", "WorkflowSessionsV3"),
    ],
)
def test_pascal_case_of_tags(name: str, expected: str) -> None:
    assert pascal_case(name) == expected


@pytest.mark.parametrize(
    ("tag", "api_class"),
    [
        ("Client", "ClientApi"),
        ("Task Versions", "TaskVersionsApi"),
        ("Session", "SessionApi"),
        ("Job", "JobApi"),
        ("Project Workflow Session", "ProjectWorkflowSessionApi"),
        ("project-workflow-session", "ProjectWorkflowSessionApi"),
        ("2fa", "Tag2faApi"),
    ],
)
def test_api_class_names_from_tags(tag: str, api_class: str) -> None:
    # as in normalize: class_name(tag, "Tag") + "Api"
    assert class_name(tag, "Tag") + "Api" == api_class


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("CreateSessionUsingGET200Response", "CreateSessionUsingGET200Response"),
        ("WorkflowSessionV3", "WorkflowSessionV3"),
        ("job_type", "JobType"),
        ("jobType", "JobType"),
        ("Pet.Dog", "PetDog"),
        ("200Response", "Model200Response"),
        ("class", "Class"),
    ],
)
def test_class_name(name: str, expected: str) -> None:
    assert class_name(name) == expected


@pytest.mark.parametrize("name", ["None", "True", "False"])
def test_class_name_never_returns_a_keyword(name: str) -> None:
    """A schema or tag named ``None`` must not become ``class None(Model)``."""
    out = class_name(name)
    assert out.isidentifier() and not keyword.iskeyword(out)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("class", "class_"),
        ("from", "from_"),
        ("None", "None_"),
        ("async", "async_"),
        ("lambda", "lambda_"),
        ("id", "id"),  # builtins are kept on purpose
        ("type", "type"),
        ("match", "match"),  # a soft keyword is a valid identifier
        ("2fa", "param_2fa"),
        ("123", "param_123"),
        ("", "param"),
        ("self", "self_"),  # reserved by the caller
    ],
)
def test_identifier_escapes_keywords_digits_and_reserved(name: str, expected: str) -> None:
    assert identifier(name, "param_", frozenset({"self", "request_options"})) == expected


def test_keywords_through_snake_case() -> None:
    for word in keyword.kwlist:
        name = identifier(snake_case(word), "param_")
        assert name.isidentifier() and not keyword.iskeyword(name)
    assert identifier(snake_case("Class"), "param_") == "class_"
    assert identifier(snake_case("IMPORT"), "param_") == "import_"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("café", "cafe"),
        ("Größe", "gro_u00df_e"),
        ("naïveName", "naive_name"),
        ("名前", "u540d_u524d"),
        ("price€", "price_u20ac"),
    ],
)
def test_non_ascii_names_get_stable_ascii_escapes(name: str, expected: str) -> None:
    assert snake_case(name) == expected
    assert snake_case(name) == snake_case(name)  # no state between calls
    assert expected.isascii() and expected.isidentifier()


def test_non_ascii_class_names() -> None:
    assert class_name("Größe") == "GroU00dfE"
    assert class_name("Ärger") == "Arger"
    assert ascii_fold("Ärger") == "Arger"
    assert class_name("名前").isascii() and class_name("名前").isidentifier()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("SUCCEEDED", "SUCCEEDED"),
        ("succeeded", "SUCCEEDED"),
        ("full-path", "FULL_PATH"),
        ("inProgress", "IN_PROGRESS"),
        ("application/json", "APPLICATION_JSON"),
        ("", "EMPTY"),
        ("-", "EMPTY"),
        ("1", "VALUE_1"),
        ("2xx", "VALUE_2XX"),
        ("class", "CLASS"),
        (1, "VALUE_1"),
        (-1, "VALUE_MINUS_1"),
        (1.5, "VALUE_1_5"),
        (1e16, "VALUE_1E_16"),  # repr "1e+16": the "+" must not end up in the name
        (True, "TRUE"),
        (None, "NONE"),
    ],
)
def test_enum_member_names(value: object, expected: str) -> None:
    assert enum_member_name(value) == expected


def test_enum_member_names_are_deduplicated() -> None:
    values = ["a-b", "a_b", "A B", "x"]
    names = dedupe([enum_member_name(v) for v in values])
    assert names == ["A_B", "A_B_2", "A_B_3", "X"]


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["a", "b"], ["a", "b"]),
        (["a", "a", "a"], ["a", "a_2", "a_3"]),
        (["a", "a", "a_2"], ["a", "a_3", "a_2"]),
        (["job_id", "job_id"], ["job_id", "job_id_2"]),
        ([], []),
    ],
)
def test_dedupe(names: list[str], expected: list[str]) -> None:
    assert dedupe(names) == expected


@hypothesis_settings
@given(st.lists(st.sampled_from(["a", "a_2", "a_3", "b", "a_2_2", "b_2"]), max_size=12))
def test_dedupe_gives_unique_names_and_keeps_first_occurrences(names: list[str]) -> None:
    out = dedupe(names)
    assert len(out) == len(names)
    assert len(set(out)) == len(out)
    firsts = {name: out[names.index(name)] for name in names}
    assert all(firsts[name] == name for name in names)


@hypothesis_settings
@given(st.text(max_size=30))
def test_snake_case_is_a_lower_case_ascii_word(name: str) -> None:
    out = snake_case(name)
    assert out == out.lower()
    assert all(c.isascii() and (c.isalnum() or c == "_") for c in out)
    assert not out.startswith("_") and not out.endswith("_") and "__" not in out
    assert snake_case(out) == out  # idempotent


@hypothesis_settings
@given(st.text(max_size=30))
def test_identifier_of_any_name_is_a_safe_identifier(name: str) -> None:
    out = identifier(snake_case(name), "param_", frozenset({"self"}))
    assert out.isidentifier() and out.isascii()
    assert not keyword.iskeyword(out)
    assert out != "self"


@hypothesis_settings
@given(st.text(max_size=30))
def test_class_name_of_any_name_is_a_class_identifier(name: str) -> None:
    out = class_name(name)
    assert out.isidentifier() and out.isascii()
    assert out[0].isupper()
    assert not keyword.iskeyword(out)


@hypothesis_settings
@given(st.one_of(st.text(max_size=20), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.booleans()))
def test_enum_member_name_is_an_identifier(value: object) -> None:
    out = enum_member_name(value)
    assert out.isidentifier() and out.isascii()
    assert not keyword.iskeyword(out)
