"""Optional parameters are keyword-only, so an optional parameter inserted upstream in the middle
of an operation's list changes no existing call: each call binds the same parameters and sends
the same request, byte for byte."""

from __future__ import annotations

import importlib
import inspect
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import yaml

from generator.cache import Cache
from generator.loader import load_document
from generator.options import Options
from generator.pipeline import generate_many
from generator.writer import write_package

pytestmark = pytest.mark.filterwarnings("ignore:get_workflow_sessions is deprecated:DeprecationWarning")

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "specs" / "ica_v3.yaml"
API = "ProjectWorkflowSessionApi"
NEW_PARAM = {"name": "createdAfter", "in": "query", "required": False, "schema": {"type": "string"}}
# where the new parameter goes: (path, method, index in its parameter list)
INSERTIONS = [
    ("/api/projects/{projectId}/workflowSessions", "get", 4),  # among the optional ones, after status
    ("/api/projects/{projectId}/workflowSessions/{workflowSessionId}/analyses:search", "post", 2),  # first optional
]

# calls as the seeds write them: required arguments by position, optional ones by keyword
CALLS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("get_workflow_sessions", ("p.1",), {}),
    (
        "get_workflow_sessions",
        ("p.1",),
        {"reference": "r", "status": "RUNNING", "usertag": "u", "page_size": "10", "sort": "name"},
    ),
    ("get_workflow_session_inputs", ("p.1", "w.1"), {}),
    ("get_workflow_session_configurations", ("p.1", "w.1"), {}),
    ("search_orchestrated_analyses", ("p.1", "w.1"), {"page_offset": "0", "page_size": "5"}),
    ("search_workflow_sessions", ("p.1",), {"page_token": "t", "sort": "-name"}),
]


def _with_inserted_parameter(target: Path) -> None:
    data = load_document(SPEC).data
    for path, method, index in INSERTIONS:
        params = data["paths"][path][method]["parameters"]
        assert 0 < index < len(params), "the insertion must land in the middle of the list"
        params.insert(index, dict(NEW_PARAM))
    target.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ModuleType, ModuleType]]:
    """The ICA client generated from the spec as it is and with the parameter inserted."""
    folder = tmp_path_factory.mktemp("stable")
    changed = folder / "ica_v3_changed.yaml"
    _with_inserted_parameter(changed)
    options = [Options(package="stable_old_client"), Options(package="stable_new_client")]
    for package in generate_many([SPEC, changed], Cache(None), options, folder / "out"):
        write_package(folder / "out" / package.package, package.files)
    sys.path.insert(0, str(folder / "out"))
    try:
        yield importlib.import_module("stable_old_client"), importlib.import_module("stable_new_client")
    finally:
        sys.path.remove(str(folder / "out"))
        for name in [m for m in sys.modules if m.startswith(("stable_old_client", "stable_new_client"))]:
            del sys.modules[name]


def _send(package: ModuleType, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> httpx.Request:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(500, json={"message": "recorded"})

    http = httpx.Client(transport=httpx.MockTransport(handler))
    with package.ApiClient(api_key="key", http_client=http, max_retries=0) as client:
        api = getattr(package, API)(client)
        models = importlib.import_module(f"{package.__name__}.models")
        if method.startswith("search_"):
            kwargs = {**kwargs, "analysis_query_parameters": models.AnalysisQueryParameters(status=["RUNNING"])}
        with pytest.raises(package.ApiStatusError):
            getattr(api, method)(*args, **kwargs)
    assert len(seen) == 1
    return seen[0]


def test_the_new_parameter_sits_in_the_middle_and_is_keyword_only(packages: tuple[ModuleType, ModuleType]) -> None:
    old, new = packages
    for method in ("get_workflow_sessions", "iter_get_workflow_sessions", "search_orchestrated_analyses"):
        before = list(inspect.signature(getattr(getattr(old, API), method)).parameters)
        after = inspect.signature(getattr(getattr(new, API), method)).parameters
        assert "created_after" not in before
        names = list(after)
        assert 0 < names.index("created_after") < len(names) - 2, names  # not simply appended
        assert after["created_after"].kind is inspect.Parameter.KEYWORD_ONLY


@pytest.mark.parametrize(("method", "args", "kwargs"), CALLS, ids=[f"{m}-{i}" for i, (m, _, _) in enumerate(CALLS)])
def test_existing_calls_bind_the_same_parameters(
    packages: tuple[ModuleType, ModuleType], method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    old, new = packages
    bound = [
        inspect.signature(getattr(getattr(package, API), method)).bind(None, *args, **kwargs).arguments
        for package in (old, new)
    ]
    assert bound[0] == bound[1]


@pytest.mark.parametrize(("method", "args", "kwargs"), CALLS, ids=[f"{m}-{i}" for i, (m, _, _) in enumerate(CALLS)])
def test_existing_calls_send_byte_identical_requests(
    packages: tuple[ModuleType, ModuleType], method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    old, new = packages
    before, after = (_send(package, method, args, kwargs) for package in (old, new))
    assert (before.method, str(before.url)) == (after.method, str(after.url))
    assert before.headers.raw == after.headers.raw
    assert before.content == after.content
    assert "createdAfter" not in str(after.url)


def test_an_optional_argument_passed_by_position_is_refused(packages: tuple[ModuleType, ModuleType]) -> None:
    """The reason nothing can shift: an optional value given by position is an error, not a guess."""
    _, new = packages
    signature = inspect.signature(getattr(new, API).get_workflow_sessions)
    with pytest.raises(TypeError):
        signature.bind(None, "p.1", "a-reference")


def test_every_optional_parameter_of_the_five_clients_is_keyword_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Across the committed packages, sync and async: required positional, optional keyword-only."""
    monkeypatch.syspath_prepend(str(ROOT / "generated"))
    checked = 0
    for folder in sorted((ROOT / "generated").iterdir()):
        if not (folder / "clientgen.json").is_file():
            continue
        package = importlib.import_module(folder.name)
        for name in dir(package):
            cls = getattr(package, name)
            if not (inspect.isclass(cls) and name.endswith("Api") and name != "SyncApi"):
                continue
            for method, function in inspect.getmembers(cls, callable):
                if method.startswith("_") or method == "with_raw_response":
                    continue
                for param in list(inspect.signature(function).parameters.values())[1:]:
                    optional = param.default is not inspect.Parameter.empty
                    wanted = inspect.Parameter.KEYWORD_ONLY if optional else inspect.Parameter.POSITIONAL_OR_KEYWORD
                    assert param.kind is wanted, (name, method, param.name)
                    checked += optional
    assert checked > 100  # the count of optional parameters seen, request_options included


def test_the_docs_show_the_bare_star() -> None:
    docs = (ROOT / "generated" / "ica_v3_client" / "docs" / "ProjectWorkflowSessionApi.md").read_text()
    assert "> WorkflowSessionPagedListV3 get_workflow_sessions(project_id, *, reference=None, " in docs
