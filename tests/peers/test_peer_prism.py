"""Every operation of the five generated clients against Prism's validating mock server.

Each of the 28 operations runs through the sync and the async client, against Prism in static mode
(examples built from the schemas) and in dynamic mode (random data from the schemas), with realistic
arguments for EVERY parameter of the method, request bodies with realistic fields, and the API's real
credentials. For each call:

* Prism must not find anything wrong with the request: no 422 (or other 4xx), and no ``sl-violations``
  entry whose location starts with ``request``;
* the answer must decode into the documented type, and every field of every model, nested ones
  included, is read (models decode lazily, on attribute access); the decoded value must give back the
  exact JSON (``to_dict()``);
* Prism also reports what is wrong with the mock data it generated itself (``response`` violations).
  Those are not the client's fault and are only recorded (see the "peer calls" summary), with one
  cross-check: a field the client refuses to decode (``DecodeError``) must be one Prism itself
  flagged as broken, and every required property Prism says is missing must make the client refuse it.

Vidispine's ``JobType`` and ``JobTaskType`` are recursive (``subJob``, ``subTask``). Prism's static
example generator stops recursing by writing an empty object ``{}`` at the third level, which lacks the
required properties (``status``, ``jobId``, ...), and it reports exactly those as response violations.
The client is right to raise ``DecodeError`` when such a field is read, so these reads are expected to
fail and are checked against Prism's report rather than skipped.

ICA v3 accepts a JWT or an API key (two security alternatives): its five operations run with each.
Etherpad's success bodies carry an error ``code`` (``x-error-envelope``) typed as a plain integer, so
dynamic mode invents non-zero codes and the client raises ``ApiResultError``; there the decoded body on
the exception is what gets checked.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import enum
import importlib
import inspect
import json
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from peerlib import MODES, Ledger, request_violations, violations_of

JWT = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEiLCJ0aWQiOiJ0ZW5hbnQtMSJ9.c2lnbmF0dXJl"
CREDENTIALS: dict[str, dict[str, str]] = {
    "cons3rt": {"token": "c3rt-rest-token-7f3a9b2e", "username": "alice.ops@example.com"},
    "libtes": {"access_token": JWT},
    "etherpad": {"api_key": "c1ea3f5d0b9e4a7c8e2f6d1b0a9c8e7f"},
    "vidispine": {"username": "admin", "password": "vidi-s3cret"},
    "ica_v3-jwt": {"access_token": JWT},
    "ica_v3-apikey": {"api_key": "ica-api-key-0123456789abcdef"},
}

# What each credential set must put on the wire (Prism checks the security requirements as well).
WIRE_AUTH: dict[str, tuple[dict[str, str], dict[str, str]]] = {  # headers, query
    "cons3rt": ({"token": "c3rt-rest-token-7f3a9b2e", "username": "alice.ops@example.com"}, {}),
    "libtes": ({"authorization": f"Bearer {JWT}"}, {}),
    "etherpad": ({}, {"apikey": "c1ea3f5d0b9e4a7c8e2f6d1b0a9c8e7f"}),
    "vidispine": ({"authorization": "Basic " + base64.b64encode(b"admin:vidi-s3cret").decode()}, {}),
    "ica_v3-jwt": ({"authorization": f"Bearer {JWT}"}, {}),
    "ica_v3-apikey": ({"x-api-key": "ica-api-key-0123456789abcdef"}, {}),
}
AUTH_NAMES = {"token", "username", "authorization", "x-api-key"}

TASK = "tdn.7a1e9c2b4f5d4e3a8b6c0d9e1f2a3b4c"
VERSION = "tvn.0f1e2d3c4b5a69788796a5b4c3d2e1f0"
PROJECT = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
SESSION = "f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f"
JOB = "VX-1234"
GROUP = "g.s8oes9dhwrvt0zif"
AUTHOR = "a.s8oes9dhwrvt0zif"


@dataclass(frozen=True)
class Case:
    """One operation with arguments for every parameter; ``returns`` names the decoded type."""

    spec: str
    api: str
    method: str
    build: Callable[[Any], tuple[tuple[Any, ...], dict[str, Any]]]  # models module -> (args, kwargs)
    returns: str | None  # "Model", "list[Model]", "list[int]" or None (no body)
    credentials: str = ""
    deprecated: bool = False

    @property
    def package(self) -> str:
        return f"{self.spec}_client"

    @property
    def creds(self) -> dict[str, str]:
        return CREDENTIALS[self.credentials or self.spec]

    @property
    def id(self) -> str:
        suffix = f"[{self.credentials.split('-', 1)[1]}]" if "-" in self.credentials else ""
        return f"{self.spec}.{self.method}{suffix}"


# --------------------------------------------------------------------------------------------
# Realistic arguments
# --------------------------------------------------------------------------------------------


def _execution(m: Any) -> Any:
    return m.Execution(
        image=m.Image(
            name="registry.example.com/genomics/bwa-mem2",
            tag="2.2.1",
            digest="sha256:4b2d1f0e9c8a7b6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d",
            credentials=m.Credentials(username="ci-puller", password="pull-token-123"),
        ),
        command="bash",
        args=["-c", "bwa-mem2 mem -t {{threads}} ref.fa reads.fq > out.sam"],
        inputs=[
            m.InputMountMappingWithCreds(
                storage_provider="aws",
                credentials={"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"},
                path="/data/reads.fq",
                url="s3://lab-bucket/runs/240301/reads.fq",
                urn="urn:ilmn:iap:aps2:file:fil.123#/runs/240301/reads.fq",
                mode="download",
                type="File",
            )
        ],
        outputs=[
            m.MountMappingWithCreds(
                path="/out",
                url="s3://lab-bucket/results/240301/",
                urn="urn:ilmn:iap:aps2:folder:fol.456#/results/240301/",
                type="Folder",
                storage_provider="aws",
                credentials={"AWS_SESSION_TOKEN": "token"},
                service_url="https://s3.ap-southeast-2.amazonaws.com",
            )
        ],
        system_files=m.SystemFiles(
            url="gds://lab/system/240301/",
            urn="urn:ilmn:iap:aps2:folder:fol.789#/system/240301/",
            storage_provider="gds",
            credentials={"token": "gds-token"},
        ),
        environment=m.Environment(
            variables={"THREADS": "16", "LC_ALL": "C.UTF-8"},
            resources=m.Resources(
                type="standard", size="large", cpu_cores=16.0, memory_gb=64.0, hardware=["avx512"], tier="standard"
            ),
            input_stream_settings=m.InputStreamSettings(
                access_pattern="sequential", cache_size_gb=100, block_size_mb=64.0, prefetch_blocks=16
            ),
        ),
        working_directory="/scratch",
        retry_limit=3,
        retry_count=0,
    )


def _query(m: Any) -> Any:
    return m.AnalysisQueryParameters(
        reference="umccr-240301-wgs",
        user_reference="nightly-240301",
        status=["SUCCEEDED", "FAILED_FINAL"],
        user_tags=["batch-7"],
        technical_tags=["run-2024-03"],
        reference_tags=["hg38"],
    )


CASES: list[Case] = [
    # ---- CONS3RT: token + username headers ----
    Case("cons3rt", "ClientApi", "list_composition_status", lambda m: ((), {}), "list[AbstractCompositionStatus]"),
    Case(
        "cons3rt",
        "ClientApi",
        "launch_composition",
        lambda m: (
            ("4217",),
            {
                "composition_launch_options": m.CompositionLaunchOptions(
                    username="alice.ops", password="Sup3r-secret!", time_to_live=3600
                )
            },
        ),
        "list[int]",
    ),
    # ---- ICA v1 TES: bearer token ----
    Case(
        "libtes",
        "TaskVersionsApi",
        "list_task_versions",
        lambda m: (
            (TASK,),
            {
                "sort": "timeCreated desc",
                "versions": "1.0.0,1.1.0",
                "ids": "tvn.0f1e2d3c4b5a69788796a5b4c3d2e1f0,tvn.1a2b3c4d5e6f70819203a4b5c6d7e8f9",
                "acls": "wid:e4730533-d752-3601-b4b7-8d4d3e1ae5b2",
                "page_size": 50,
                "page_token": "eyJwYWdlIjoyfQ",
            },
        ),
        "TaskVersionSummaryPagedItems",
    ),
    Case(
        "libtes",
        "TaskVersionsApi",
        "create_task_version",
        lambda m: (
            (TASK,),
            {
                "body": m.CreateTaskVersionRequest(
                    version="1.2.0",
                    description="bwa-mem2 alignment, 16 threads",
                    execution=_execution(m),
                    acl=["wid:e4730533-d752-3601-b4b7-8d4d3e1ae5b2"],
                )
            },
        ),
        "TaskVersion",
    ),
    Case("libtes", "TaskVersionsApi", "get_task_version", lambda m: ((TASK, VERSION), {}), "TaskVersion"),
    Case(
        "libtes",
        "TaskVersionsApi",
        "update_task_version",
        lambda m: (
            (TASK, VERSION),
            {
                "body": m.UpdateTaskVersionRequest(
                    version="1.2.1",
                    description="bwa-mem2 alignment, 16 threads, retries",
                    execution=_execution(m),
                    acl=["wid:e4730533-d752-3601-b4b7-8d4d3e1ae5b2", "tid:ZGV2Ym94"],
                )
            },
        ),
        "TaskVersion",
    ),
    Case(
        "libtes",
        "TaskVersionsApi",
        "launch_task_run",
        lambda m: (
            (TASK, VERSION),
            {
                "body": m.LaunchTaskRequest(
                    name="align-240301-sample-7",
                    description="alignment of sample 7, run 240301",
                    arguments={"threads": "16", "sample": "S7"},
                    acl=["wid:e4730533-d752-3601-b4b7-8d4d3e1ae5b2"],
                )
            },
        ),
        "TaskRun",
    ),
    # ---- Etherpad: API key in the query ----
    Case(
        "etherpad",
        "SessionApi",
        "create_session_using_get",
        lambda m: ((), {"group_id": GROUP, "author_id": AUTHOR, "valid_until": "1893456000"}),
        "CreateSessionUsingGET200Response",
    ),
    Case(
        "etherpad",
        "SessionApi",
        "create_session_using_post",
        lambda m: ((), {"group_id": GROUP, "author_id": AUTHOR, "valid_until": "1893456000"}),
        "CreateSessionUsingGET200Response",
    ),
    Case(
        "etherpad",
        "SessionApi",
        "delete_session_using_get",
        lambda m: ((), {"session_id": "s.s8oes9dhwrvt0zif"}),
        "AppendChatMessageUsingGET200Response",
    ),
    Case(
        "etherpad",
        "SessionApi",
        "delete_session_using_post",
        lambda m: ((), {"session_id": "s.s8oes9dhwrvt0zif"}),
        "AppendChatMessageUsingGET200Response",
    ),
    Case(
        "etherpad",
        "SessionApi",
        "get_session_info_using_get",
        lambda m: ((), {"session_id": "s.s8oes9dhwrvt0zif"}),
        "GetSessionInfoUsingGET200Response",
    ),
    Case(
        "etherpad",
        "SessionApi",
        "get_session_info_using_post",
        lambda m: ((), {"session_id": "s.s8oes9dhwrvt0zif"}),
        "GetSessionInfoUsingGET200Response",
    ),
    # ---- Vidispine: HTTP basic ----
    Case(
        "vidispine",
        "JobApi",
        "abort_job",
        lambda m: ((JOB,), {"reason": "superseded by VX-1240", "cleanup": False}),
        None,
    ),
    Case(
        "vidispine",
        "JobApi",
        "create_custom_job",
        lambda m: (
            (
                "THUMBNAIL",
                m.SimpleMetadataType(
                    field=[
                        m.StorageGroupTypeData(key="title", value="Evening news 2024-03-01"),
                        m.StorageGroupTypeData(key="requestedBy", value="alice"),
                    ]
                ),
            ),
            {
                "jobmetadata": ["itemId=VX-42", "thumbnailService=VX-3"],
                "notification_data": "ticket=NEWS-981",
                "priority": "HIGH",
                "notification": "VX-7",
            },
        ),
        "JobType",
    ),
    Case("vidispine", "JobApi", "create_duplicate_job", lambda m: ((JOB,), {"priority": "LOW"}), "JobType"),
    Case("vidispine", "JobApi", "delete_jobs", lambda m: ((["VX-1234", "VX-1235", "VX-1236"],), {}), None),
    Case("vidispine", "JobApi", "get_all_job_problems", lambda m: ((), {}), "JobProblemListType"),
    Case(
        "vidispine",
        "JobApi",
        "get_job",
        lambda m: ((JOB,), {"field": ["jobId", "status", "priority"], "metadata": True}),
        "JobType",
    ),
    Case("vidispine", "JobApi", "get_job_problems", lambda m: ((JOB,), {}), "JobProblemListType"),
    Case("vidispine", "JobApi", "get_job_types", lambda m: ((), {}), "URIListType"),
    Case(
        "vidispine",
        "JobApi",
        "get_jobs",
        lambda m: (
            (),
            {
                "jobmetadata": ["itemId=VX-42", "projectCode=NEWS"],
                "field": ["jobId", "status", "type"],
                "starttime_to": "2024-03-31T23:59:59.000Z",
                "user": False,
                "first": 11,
                "type": ["TRANSCODE", "THUMBNAIL"],
                "starttime_from": "2024-03-01T00:00:00.000Z",
                "step": True,
                "idonly": False,
                "number": 10,
                "state": ["RUNNING", "FAILED_RETRY"],
                "sort": "startTime desc",
                "metadata": True,
                "finishtime_from": "2024-03-02T00:00:00.000Z",
                "finishtime_to": "2024-03-30T00:00:00.000Z",
            },
        ),
        "JobListType",
    ),
    Case("vidispine", "JobApi", "update_job", lambda m: ((JOB,), {"priority": "HIGHEST"}), None),
]

_ICA_API = "ProjectWorkflowSessionApi"
for _creds in ("ica_v3-jwt", "ica_v3-apikey"):
    CASES += [
        Case(
            "ica_v3",
            _ICA_API,
            "get_workflow_session_configurations",
            lambda m: ((PROJECT, SESSION), {}),
            "WorkflowSessionConfigurationList",
            _creds,
        ),
        Case(
            "ica_v3",
            _ICA_API,
            "get_workflow_session_inputs",
            lambda m: ((PROJECT, SESSION), {}),
            "WorkflowSessionInputList",
            _creds,
        ),
        Case(
            "ica_v3",
            _ICA_API,
            "get_workflow_sessions",
            lambda m: (
                (PROJECT,),
                {
                    "reference": "umccr-240301-wgs",
                    "userreference": "nightly-240301",
                    "status": "SUCCEEDED",
                    "usertag": "batch-7",
                    "technicaltag": "run-2024-03",
                    "page_offset": "0",
                    "page_token": "eyJwYWdlIjoyfQ",
                    "page_size": "50",
                    "sort": "startDate desc",
                },
            ),
            "WorkflowSessionPagedListV3",
            _creds,
            deprecated=True,
        ),
        Case(
            "ica_v3",
            _ICA_API,
            "search_orchestrated_analyses",
            lambda m: (
                (PROJECT, SESSION),
                {
                    "page_offset": "0",
                    "page_token": "eyJwYWdlIjoyfQ",
                    "page_size": "50",
                    "sort": "startDate desc",
                    "analysis_query_parameters": _query(m),
                },
            ),
            "WorkflowSessionAnalysisPagedListV4",
            _creds,
        ),
        Case(
            "ica_v3",
            _ICA_API,
            "search_workflow_sessions",
            lambda m: (
                (PROJECT,),
                {
                    "page_offset": "0",
                    "page_token": "eyJwYWdlIjoyfQ",
                    "page_size": "50",
                    "sort": "startDate desc",
                    "analysis_query_parameters": _query(m),
                },
            ),
            "WorkflowSessionPagedListV4",
            _creds,
        ),
    ]

PACKAGES = {
    "cons3rt": "ClientApi",
    "libtes": "TaskVersionsApi",
    "etherpad": "SessionApi",
    "vidispine": "JobApi",
    "ica_v3": _ICA_API,
}


# --------------------------------------------------------------------------------------------
# Running a call and capturing the exchange
# --------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    result: Any = None
    error: BaseException | None = None
    exchanges: list[tuple[httpx.Request, httpx.Response]] = field(default_factory=list)


def run_case(case: Case, is_async: bool, base_url: str) -> Outcome:
    """Call the operation once through the generated client; record the HTTP exchange it made."""
    pkg = importlib.import_module(case.package)
    models = importlib.import_module(f"{case.package}.models")
    args, kwargs = case.build(models)
    outcome = Outcome()
    options = {"max_retries": 0, "timeout": 30.0}

    @contextlib.contextmanager
    def checking_deprecation() -> Iterator[None]:
        """A deprecated operation warns (ICA's get_workflow_sessions); the others do not."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        ours = [w for w in caught if issubclass(w.category, DeprecationWarning) and "is deprecated" in str(w.message)]
        if case.deprecated:
            assert [str(w.message) for w in ours] == [f"{case.method} is deprecated"]
        else:
            assert not ours, [str(w.message) for w in ours]

    if not is_async:

        def on_response(response: httpx.Response) -> None:
            outcome.exchanges.append((response.request, response))

        with httpx.Client(trust_env=False, event_hooks={"response": [on_response]}) as http:
            with pkg.ApiClient(base_url, **case.creds, http_client=http, **options) as client:
                method = getattr(getattr(pkg, case.api)(client), case.method)
                with checking_deprecation():
                    try:
                        outcome.result = method(*args, **kwargs)
                    except pkg.errors.ApiError as exc:
                        outcome.error = exc
        return outcome

    async def on_response_async(response: httpx.Response) -> None:
        outcome.exchanges.append((response.request, response))

    async def go() -> None:
        async with httpx.AsyncClient(trust_env=False, event_hooks={"response": [on_response_async]}) as http:
            async with pkg.AsyncApiClient(base_url, **case.creds, http_client=http, **options) as client:
                method = getattr(getattr(pkg, "Async" + case.api)(client), case.method)
                with checking_deprecation():
                    try:
                        outcome.result = await method(*args, **kwargs)
                    except pkg.errors.ApiError as exc:
                        outcome.error = exc

    asyncio.run(go())
    return outcome


def describe(request: httpx.Request) -> str:
    body = request.content.decode("utf-8", errors="replace")
    return f"{request.method} {request.url}" + (f"\n  body: {body}" if body else "")


# --------------------------------------------------------------------------------------------
# Decoding every field
# --------------------------------------------------------------------------------------------


def read_everything(
    value: Any, path: tuple[str, ...], failures: list[tuple[tuple[str, ...], str]], decode_error: type[Exception]
) -> None:
    """Read every field of every model reachable from ``value``; collect the reads that raise DecodeError."""
    if hasattr(value, "_fields") and hasattr(value, "to_dict"):  # a generated Model: fields decode when read
        for name, fld in type(value)._fields.items():
            where = (*path, fld.wire)
            try:
                item = getattr(value, name)
            except decode_error as exc:
                failures.append((where, str(exc)))
                continue
            read_everything(item, where, failures, decode_error)
        assert isinstance(value.additional_properties, dict)  # unknown fields stay readable
    elif isinstance(value, list):
        for index, item in enumerate(value):
            read_everything(item, (*path, str(index)), failures, decode_error)
    elif isinstance(value, dict):
        for key, item in value.items():
            read_everything(item, (*path, str(key)), failures, decode_error)
    else:
        assert (
            value is None
            or type(value).__name__ == "Unset"
            or isinstance(value, (str, int, float, bool, dt.datetime, dt.date, enum.Enum))
        ), f"{'.'.join(path)}: unexpected decoded value {value!r}"


def explained(failure: tuple[str, ...], response_violations: list[dict[str, Any]]) -> bool:
    """Whether Prism itself reported the JSON at ``failure`` (parent missing it, or the value) as invalid."""
    parent, wire = list(failure[:-1]), failure[-1]
    for v in response_violations:
        location = [str(p) for p in v.get("location", [])][2:]  # drop "response", "body"
        if location == list(failure):
            return True
        if location == parent and v.get("code") == "required" and f"'{wire}'" in v.get("message", ""):
            return True
    return False


def check_type(case: Case, result: Any) -> None:
    models = importlib.import_module(f"{case.package}.models")
    if case.returns is None:
        assert result is None
    elif case.returns == "list[int]":
        assert isinstance(result, list) and all(type(x) is int for x in result), result
    elif case.returns.startswith("list["):
        cls = getattr(models, case.returns[5:-1])
        assert isinstance(result, list), result
        assert all(isinstance(x, cls) for x in result), result
    else:
        assert isinstance(result, getattr(models, case.returns)), type(result)


def to_json(result: Any) -> Any:
    if isinstance(result, list):
        return [to_json(x) for x in result]
    if hasattr(result, "to_dict"):
        return result.to_dict()
    return result


# --------------------------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------------------------


def test_cases_cover_every_operation_with_every_parameter() -> None:
    """The table has each public operation of the five API classes, and passes every parameter."""
    covered: set[tuple[str, str]] = set()
    for case in CASES:
        pkg = importlib.import_module(case.package)
        models = importlib.import_module(f"{case.package}.models")
        for cls_name in (case.api, "Async" + case.api):
            signature = inspect.signature(getattr(getattr(pkg, cls_name), case.method))
            args, kwargs = case.build(models)
            bound = signature.bind(None, *args, **kwargs)
            wanted = [p for p in signature.parameters if p not in ("self", "request_options")]
            assert sorted(bound.arguments) == sorted(["self", *wanted]), (case.id, wanted, list(bound.arguments))
        covered.add((case.spec, case.method))
    expected: set[tuple[str, str]] = set()
    for spec, api in PACKAGES.items():
        cls = getattr(importlib.import_module(f"{spec}_client"), api)
        for name, _ in inspect.getmembers(cls, inspect.isfunction):
            if not name.startswith(("_", "iter_")):
                expected.add((spec, name))
    assert covered == expected
    assert len(expected) == 28


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_operation_against_prism_mock(
    case: Case, is_async: bool, mode: str, prism_mocks: dict[tuple[str, str], str], ledger: Ledger
) -> None:
    outcome = run_case(case, is_async, prism_mocks[case.spec, mode])
    ledger.count(f"Prism mock, {mode} mode ({'async' if is_async else 'sync'} client)")

    assert len(outcome.exchanges) == 1, [describe(r) for r, _ in outcome.exchanges]
    request, response = outcome.exchanges[0]
    headers, query = WIRE_AUTH[case.credentials or case.spec]
    sent = {k: v for k, v in request.headers.items() if k in AUTH_NAMES}
    assert sent == headers, sent
    assert {k: v for k, v in request.url.params.items() if k == "apikey"} == query
    on_request = request_violations(response)
    on_response = [v for v in violations_of(response) if v.get("location", [None])[0] != "request"]
    assert not on_request, f"Prism found the request breaks the spec:\n{describe(request)}\n{on_request}"
    assert response.status_code < 400, f"{response.status_code} {response.text}\n{describe(request)}"
    ledger.note_response_violations(f"{case.spec}.{case.method} ({mode})", on_response)

    result = outcome.result
    error = outcome.error
    if case.spec == "etherpad" and mode == "dynamic" and type(error).__name__ == "ApiResultError":
        # Etherpad's success bodies carry `code` (x-error-envelope): the spec types it as a plain integer,
        # so dynamic mode makes up a random one, and the client rightly reports any code but 0 as a failed
        # call. The decoded body is still there, on the exception.
        body = json.loads(response.content)
        assert body["code"] != 0 and error.code == body["code"], (error.code, body)
        assert error.result_message == body.get("message")
        result = error.model
        ledger.count(f"Prism mock, {mode} mode: Etherpad answers with a random non-zero code (ApiResultError)")
    else:
        assert error is None, repr(error)
    check_type(case, result)
    failures: list[tuple[tuple[str, ...], str]] = []
    read_everything(result, (), failures, importlib.import_module(f"{case.package}.errors").DecodeError)
    unexplained = [(".".join(p), msg) for p, msg in failures if not explained(p, on_response)]
    assert not unexplained, f"the client refused data Prism considers valid: {unexplained}\n{response.text}"
    if failures:
        ledger.count(
            f"fields the client refused to decode, all flagged by Prism as broken mock data ({mode})", len(failures)
        )
    missed = [
        v
        for v in on_response
        if v.get("code") == "required"
        and not any(
            [str(p) for p in v["location"][2:]] == list(p[:-1]) and f"'{p[-1]}'" in v["message"] for p, _ in failures
        )
    ]
    assert not missed, f"Prism reports required properties missing that the client did not notice: {missed}"
    if case.returns is not None:
        assert to_json(result) == json.loads(response.content), "decoded value does not give back the JSON"
    else:
        assert response.content == b""


# Control: the harness would see a request that breaks the spec (so "no violations" above means something).


@pytest.mark.parametrize(
    ("spec", "method", "path", "headers"),
    [
        ("libtes", "GET", f"/v1/tasks/{TASK}/versions?pageSize=lots", {"Authorization": f"Bearer {JWT}"}),
        ("vidispine", "POST", "/job", {"Authorization": "Basic YWRtaW46YWRtaW4=", "Content-Type": "application/json"}),
        ("ica_v3", "POST", f"/api/projects/{PROJECT}/workflowSessions/not-a-uuid/analyses:search", {"X-API-Key": "k"}),
    ],
    ids=["libtes-bad-int", "vidispine-missing-type-and-body", "ica-bad-uuid"],
)
def test_prism_reports_broken_requests(
    spec: str, method: str, path: str, headers: dict[str, str], prism_mocks: dict[tuple[str, str], str]
) -> None:
    with httpx.Client(trust_env=False, timeout=30.0) as http:
        response = http.request(method, prism_mocks[spec, "static"] + path, headers=headers)
    assert response.status_code in (400, 422), response.text
    assert request_violations(response), response.text


def test_prism_rejects_missing_credentials(prism_mocks: dict[tuple[str, str], str]) -> None:
    """Prism checks the security requirements too: a client without credentials gets 401."""
    import vidispine_client as vs

    with httpx.Client(trust_env=False) as http, vs.ApiClient(prism_mocks["vidispine", "static"], http_client=http) as c:
        with pytest.raises(vs.errors.UnauthorizedError):
            vs.JobApi(c).get_job_types()
