"""ICA v3 ProjectWorkflowSessionApi (5 operations) over real HTTP, sync and async."""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import json
import re
import warnings

import ica_v3_client as ica
import pytest
from ica_v3_client import errors, models

PKG = "ica_v3_client"
API = "ProjectWorkflowSessionApi"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJl"
API_KEY = "ica-api-key-0123456789abcdef"
PREFIX = "/ica/rest"
ACCEPT = "application/vnd.illumina.v3+json, application/problem+json"
V3 = "application/vnd.illumina.v3+json"
PROJECT = "a1b2c3d4-0000-4000-8000-000000000001"
SESSION = "f0e1d2c3-0000-4000-8000-0000000000aa"

TAGS = {"technicalTags": ["run-2024-03"], "userTags": ["batch-7"], "referenceTags": []}
STORAGE_V3 = {
    "id": "as-1",
    "timeCreated": "2023-01-01T00:00:00Z",
    "timeModified": "2023-01-02T00:00:00Z",
    "ownerId": "user-1",
    "tenantId": "tenant-1",
    "name": "Small",
    "description": "1.2 TB",
}
SESSION_V3 = {
    "id": SESSION,
    "timeCreated": "2024-03-01T10:00:00Z",
    "ownerId": "user-1",
    "tenantId": "tenant-1",
    "tenantName": "umccr",
    "userReference": "ws-2024-03-01",
    "workflow": {
        "id": "wf-1",
        "code": "dragen-wgs",
        "urn": "urn:ilmn:ica:workflow:wf-1#dragen-wgs",
        "description": "DRAGEN WGS",
        "analysisStorage": STORAGE_V3,
    },
    "status": "INPROGRESS",
    "startDate": "2024-03-01T10:05:00Z",
    "endDate": None,
    "tags": {"technicalTags": [], "userTags": ["batch-7"]},
}
SESSION_V4 = {
    "id": SESSION,
    "timeCreated": "2024-03-01T10:00:00Z",
    "owner": {"id": "user-1"},
    "tenant": {"id": "tenant-1", "name": "umccr"},
    "userReference": "ws-2024-03-01",
    "workflow": {
        "id": "wf-1",
        "code": "dragen-wgs",
        "urn": "urn:ilmn:ica:workflow:wf-1#dragen-wgs",
        "description": "DRAGEN WGS",
        "analysisStorage": {"id": "as-1", "name": "Small"},
    },
    "status": "SUCCEEDED",
    "startDate": "2024-03-01T10:05:00Z",
    "endDate": "2024-03-01T12:00:00Z",
    "summary": "done",
    "tags": {"technicalTags": [], "userTags": ["batch-7"]},
    "sequencingRun": {"id": "sr-1", "instrumentRunId": "240301_A01052_0180_BHXXXX", "externalRunId": None},
    "application": {"id": "app-1", "name": "ICA"},
}
ANALYSIS = {
    "analysis": {
        "id": "an-1",
        "timeCreated": "2024-03-01T10:06:00Z",
        "timeModified": "2024-03-01T11:00:00Z",
        "owner": {"id": "user-1"},
        "tenant": {"id": "tenant-1", "name": "umccr"},
        "reference": "ws-2024-03-01-dragen-wgs-an-1",
        "userReference": "sample-1",
        "pipeline": {"id": "pl-1", "code": "dragen-wgs", "description": "DRAGEN", "language": "CWL"},
        "status": "SUCCEEDED",
        "tags": TAGS,
    },
    "project": {"id": PROJECT, "name": "trial", "active": True},
    "workflowSessionId": SESSION,
}
PROBLEM = {
    "id": "9d5ad0a8-1b34-4c6e-9f41-8c3b2c1f0e99",
    "type": "https://ica.illumina.com/problems/not-found",
    "title": "Not Found",
    "status": 404,
    "detail": "Workflow session not found",
    "instance": f"/ica/rest/api/projects/{PROJECT}/workflowSessions/{SESSION}/inputs",
    "parameters": {"workflowSessionId": SESSION},
    "timestamp": "2024-03-01T10:00:00Z",
}


def client_kw(server, **extra):
    kw = {"base_url": server.url + PREFIX, "access_token": JWT}
    kw.update(extra)
    return kw


def call(flavor, server, method, *args, client=None, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return flavor.call(PKG, API, method, *args, client=client or client_kw(server), **kwargs)


def assert_jwt_headers(req):
    assert req.header_count("authorization") == 1
    assert req.headers["authorization"] == f"Bearer {JWT}"
    assert "x-api-key" not in req.headers
    assert req.headers["accept"] == ACCEPT


def assert_no_body(req):
    assert req.body == b""
    assert "content-type" not in req.headers


# ---------------------------------------------------------------------------- get_workflow_sessions


def test_get_workflow_sessions(server, flavor):
    server.reply(200, {"items": [SESSION_V3], "nextPageToken": "", "totalItemCount": 1}, content_type=V3)
    page = call(
        flavor,
        server,
        "get_workflow_sessions",
        PROJECT,
        reference="ref/1",
        userreference="ws-2024",
        status="INPROGRESS",
        usertag="batch-7",
        technicaltag="run,2024",
        page_offset="0",
        page_size="25",
        sort="startDate desc, reference",
    )
    req = server.only_request()
    assert req.method == "GET"
    assert req.path == f"/ica/rest/api/projects/{PROJECT}/workflowSessions"
    assert req.query == (
        "reference=ref%2F1&userreference=ws-2024&status=INPROGRESS&usertag=batch-7"
        "&technicaltag=run%2C2024&pageOffset=0&pageSize=25&sort=startDate%20desc%2C%20reference"
    )
    assert_jwt_headers(req)
    assert_no_body(req)
    assert isinstance(page, models.WorkflowSessionPagedListV3)
    assert page.next_page_token == ""
    assert page.total_item_count == 1
    assert page.remaining_records is ica.UNSET
    ws = page.items[0]
    assert isinstance(ws, models.WorkflowSessionV3)
    assert ws.status is models.WorkflowSessionV3Status.INPROGRESS
    assert ws.user_reference == "ws-2024-03-01"
    assert ws.time_created == dt.datetime(2024, 3, 1, 10, tzinfo=dt.timezone.utc)
    assert ws.end_date is None  # null
    assert ws.summary is ica.UNSET  # absent
    assert isinstance(ws.workflow, models.WorkflowV3)
    assert isinstance(ws.workflow.analysis_storage, models.AnalysisStorageV3)
    assert ws.workflow.analysis_storage.name == "Small"
    assert ws.tags.user_tags == ["batch-7"]


def test_get_workflow_sessions_warns_deprecated(server):
    server.reply(200, {"items": []})
    with ica.ApiClient(**client_kw(server)) as client:
        with pytest.warns(DeprecationWarning, match="get_workflow_sessions is deprecated"):
            ica.ProjectWorkflowSessionApi(client).get_workflow_sessions(PROJECT)
    assert server.only_request().query == ""


def _caller_line(frame_offset: int) -> int:
    return inspect.currentframe().f_back.f_lineno + frame_offset  # type: ignore[union-attr]


@pytest.mark.parametrize("shape", ["sync", "raw", "iter", "async", "async raw", "async iter"])
def test_deprecation_warning_names_the_callers_line(server, shape):
    """The warning points at the user's call (or loop), whichever way the operation is called."""
    server.reply(200, {"items": [_v3(1)]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if shape.startswith("async"):

            async def go() -> int:
                async with ica.AsyncApiClient(**client_kw(server)) as client:
                    api = ica.AsyncProjectWorkflowSessionApi(client)
                    if shape == "async":
                        line = _caller_line(1)
                        await api.get_workflow_sessions(PROJECT)
                    elif shape == "async raw":
                        line = _caller_line(1)
                        await api.with_raw_response.get_workflow_sessions(PROJECT)
                    else:
                        line = _caller_line(1)
                        async for _ in api.iter_get_workflow_sessions(PROJECT):
                            pass
                    return line

            line = asyncio.run(go())
        else:
            with ica.ApiClient(**client_kw(server)) as client:
                api = ica.ProjectWorkflowSessionApi(client)
                if shape == "sync":
                    line = _caller_line(1)
                    api.get_workflow_sessions(PROJECT)
                elif shape == "raw":
                    line = _caller_line(1)
                    api.with_raw_response.get_workflow_sessions(PROJECT)
                else:
                    line = _caller_line(1)
                    for _ in api.iter_get_workflow_sessions(PROJECT):
                        pass
    ours = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert [str(w.message) for w in ours] == ["get_workflow_sessions is deprecated"]
    assert (ours[0].filename, ours[0].lineno) == (__file__, line)


def test_async_methods_are_the_sync_methods_twins():
    """Each async method is a coroutine function with its sync twin's parameters and docstring."""
    sync, aio = ica.ProjectWorkflowSessionApi, ica.AsyncProjectWorkflowSessionApi
    for name in ("get_workflow_sessions", "get_workflow_session_inputs", "search_workflow_sessions"):
        assert inspect.iscoroutinefunction(getattr(aio, name)), name
        assert getattr(aio, name).__doc__ == getattr(sync, name).__doc__
        assert inspect.signature(getattr(aio, name)) == inspect.signature(getattr(sync, name))
        assert getattr(aio, name).__name__ == name
    iterator = aio.iter_get_workflow_sessions
    assert iterator.__doc__ == sync.iter_get_workflow_sessions.__doc__
    assert "page_token" not in inspect.signature(iterator).parameters


def test_path_parameters_are_percent_encoded(server, flavor):
    server.reply(200, {"items": []})
    call(flavor, server, "get_workflow_session_inputs", "proj 1/ä", "ws:1?#")
    assert server.only_request().path == "/ica/rest/api/projects/proj%201%2F%C3%A4/workflowSessions/ws%3A1%3F%23/inputs"


# ---------------------------------------------------------------------- get_workflow_session_inputs


def test_get_workflow_session_inputs(server, flavor):
    server.reply(
        200,
        {
            "items": [
                {
                    "code": "fastqs",
                    "analysisData": [
                        {
                            "dataId": "fil.1",
                            "format": {
                                "id": "fmt-1",
                                "timeCreated": "2020-01-01T00:00:00Z",
                                "timeModified": "2020-01-01T00:00:00Z",
                                "ownerId": "o",
                                "tenantId": "t",
                                "code": "FASTQ",
                            },
                            "name": "S1_R1.fastq.gz",
                            "dataType": "FILE",
                        },
                        {"dataId": "fol.2", "format": None, "name": "run", "dataType": "SYMLINK"},
                    ],
                    "externalData": None,
                }
            ]
        },
        content_type=V3,
    )
    result = call(flavor, server, "get_workflow_session_inputs", PROJECT, SESSION)
    req = server.only_request()
    assert req.method == "GET"
    assert req.path == f"/ica/rest/api/projects/{PROJECT}/workflowSessions/{SESSION}/inputs"
    assert req.query == ""
    assert_jwt_headers(req)
    assert_no_body(req)
    assert isinstance(result, models.WorkflowSessionInputList)
    item = result.items[0]
    assert isinstance(item, models.WorkflowSessionInput)
    assert item.code == "fastqs"
    assert item.external_data is None
    first, second = item.analysis_data
    assert isinstance(first, models.WorkflowSessionData)
    assert first.data_type is models.WorkflowSessionDataDataType.FILE
    assert isinstance(first.format, models.DataFormat)
    assert first.format.code == "FASTQ"
    assert second.format is None
    assert second.data_type == "SYMLINK"  # not in the enum: the plain string
    assert not isinstance(second.data_type, models.WorkflowSessionDataDataType)


# ---------------------------------------------------------------- get_workflow_session_configurations


def test_get_workflow_session_configurations(server, flavor):
    server.reply(
        200,
        {
            "items": [
                {"name": "reference", "multiValue": False, "values": ["hg38"]},
                {"name": "tumor-samples", "multiValue": True, "values": ["S1", "S2"]},
            ]
        },
        content_type=V3,
    )
    result = call(flavor, server, "get_workflow_session_configurations", PROJECT, SESSION)
    req = server.only_request()
    assert req.method == "GET"
    assert req.path == f"/ica/rest/api/projects/{PROJECT}/workflowSessions/{SESSION}/configurations"
    assert_jwt_headers(req)
    assert_no_body(req)
    assert isinstance(result, models.WorkflowSessionConfigurationList)
    assert [(c.name, c.multi_value, c.values) for c in result.items] == [
        ("reference", False, ["hg38"]),
        ("tumor-samples", True, ["S1", "S2"]),
    ]
    assert all(isinstance(c, models.WorkflowSessionConfiguration) for c in result.items)


# --------------------------------------------------------------------- search_orchestrated_analyses


def test_search_orchestrated_analyses(server, flavor):
    server.reply(200, {"items": [ANALYSIS], "nextPageToken": "c2Vjb25k", "remainingRecords": 4}, content_type=V3)
    query = models.AnalysisQueryParameters(
        reference="ws-2024-03-01*", status=["SUCCEEDED", "FAILED"], user_tags=["batch-7"], technical_tags=None
    )
    page = call(
        flavor,
        server,
        "search_orchestrated_analyses",
        PROJECT,
        SESSION,
        page_size="50",
        sort="reference desc",
        analysis_query_parameters=query,
    )
    req = server.only_request()
    assert req.method == "POST"
    assert req.path == f"/ica/rest/api/projects/{PROJECT}/workflowSessions/{SESSION}/analyses:search"
    assert req.query == "pageSize=50&sort=reference%20desc"
    assert_jwt_headers(req)
    # The spec lists application/vnd.illumina.v3+json and application/json; the generator sends
    # plain JSON by design (normalize._choose_request_media: "plain JSON first").
    assert req.headers["content-type"] == "application/json"
    assert req.json() == {
        "reference": "ws-2024-03-01*",
        "status": ["SUCCEEDED", "FAILED"],
        "userTags": ["batch-7"],
        "technicalTags": None,  # explicit null is sent; absent fields are not
    }
    assert isinstance(page, models.WorkflowSessionAnalysisPagedListV4)
    assert page.next_page_token == "c2Vjb25k"
    assert page.remaining_records == 4
    item = page.items[0]
    assert isinstance(item, models.WorkflowSessionAnalysisV4)
    assert item.workflow_session_id == SESSION
    assert isinstance(item.analysis, models.AnalysisV4)
    assert item.analysis.user_reference == "sample-1"
    assert isinstance(item.analysis.pipeline, models.PipelineV4)
    assert item.analysis.pipeline.language is models.PipelineV4Language.CWL
    assert item.analysis.tags.technical_tags == ["run-2024-03"]
    assert isinstance(item.project, models.Project)
    assert item.project.active is True


def test_search_orchestrated_analyses_without_body(server, flavor):
    server.reply(200, {"items": []}, content_type=V3)
    call(flavor, server, "search_orchestrated_analyses", PROJECT, SESSION, page_offset="100", page_token="tok")
    req = server.only_request()
    assert req.query == "pageOffset=100&pageToken=tok"
    assert_no_body(req)


# ------------------------------------------------------------------------- search_workflow_sessions


def test_search_workflow_sessions(server, flavor):
    server.reply(200, {"items": [SESSION_V4], "nextPageToken": None, "totalItemCount": 1}, content_type=V3)
    query = models.AnalysisQueryParameters(user_reference="ws-2024-03-01", reference_tags=["hg38"])
    page = call(
        flavor,
        server,
        "search_workflow_sessions",
        PROJECT,
        page_token="abc+/=",
        page_size="2",
        analysis_query_parameters=query,
    )
    req = server.only_request()
    assert req.method == "POST"
    assert req.path == f"/ica/rest/api/projects/{PROJECT}/workflowSessions:search"
    assert req.query == "pageToken=abc%2B%2F%3D&pageSize=2"
    assert_jwt_headers(req)
    assert req.headers["content-type"] == "application/json"
    assert req.json() == {"userReference": "ws-2024-03-01", "referenceTags": ["hg38"]}
    assert isinstance(page, models.WorkflowSessionPagedListV4)
    assert page.next_page_token is None
    ws = page.items[0]
    assert isinstance(ws, models.WorkflowSessionV4)
    assert ws.status == "SUCCEEDED"
    assert isinstance(ws.owner, models.UserIdentifier) and ws.owner.id == "user-1"
    assert isinstance(ws.tenant, models.TenantIdentifier) and ws.tenant.name == "umccr"
    assert isinstance(ws.workflow.analysis_storage, models.AnalysisStorageV4)
    assert ws.sequencing_run.instrument_run_id == "240301_A01052_0180_BHXXXX"
    assert ws.sequencing_run.external_run_id is None
    assert ws.end_date == dt.datetime(2024, 3, 1, 12, tzinfo=dt.timezone.utc)
    assert isinstance(ws.application, models.ApplicationV4)


def test_request_body_unknown_fields_are_sent(server, flavor):
    server.reply(200, {"items": []})
    query = models.AnalysisQueryParameters.from_dict({"reference": "r", "pipelineCodes": ["dragen"], "x": {"y": 1}})
    call(flavor, server, "search_workflow_sessions", PROJECT, analysis_query_parameters=query)
    assert server.only_request().json() == {"reference": "r", "pipelineCodes": ["dragen"], "x": {"y": 1}}


# ------------------------------------------------------------------------------------------- auth


def test_api_key_auth(server, flavor):
    server.reply(200, {"items": []})
    call(
        flavor,
        server,
        "get_workflow_session_configurations",
        PROJECT,
        SESSION,
        client={"base_url": server.url + PREFIX, "api_key": API_KEY},
    )
    req = server.only_request()
    assert req.headers["x-api-key"] == API_KEY
    assert req.header_count("x-api-key") == 1
    assert "authorization" not in req.headers


def test_jwt_is_preferred_when_both_credentials_are_set(server, flavor):
    server.reply(200, {"items": []})
    call(
        flavor,
        server,
        "get_workflow_session_configurations",
        PROJECT,
        SESSION,
        client=client_kw(server, api_key=API_KEY),
    )
    req = server.only_request()
    assert req.headers["authorization"] == f"Bearer {JWT}"
    assert "x-api-key" not in req.headers


def test_no_credentials_no_auth_headers(server, flavor):
    server.reply(200, {"items": []})
    call(flavor, server, "get_workflow_session_inputs", PROJECT, SESSION, client={"base_url": server.url + PREFIX})
    req = server.only_request()
    assert "authorization" not in req.headers and "x-api-key" not in req.headers


# ----------------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("status", "exc"),
    [
        (400, errors.BadRequestError),
        (401, errors.UnauthorizedError),
        (403, errors.ForbiddenError),
        (404, errors.NotFoundError),
        (409, errors.ConflictError),
        (418, errors.ClientError),
        (422, errors.UnprocessableEntityError),
        (500, errors.InternalServerError),
        (502, errors.BadGatewayError),
    ],
)
def test_problem_json_is_decoded_for_every_error_status(server, flavor, status, exc):
    problem = {**PROBLEM, "status": status, "title": f"status {status}"}
    server.reply(status, problem, content_type="application/problem+json", headers={"X-Request-Id": "req-1"})
    with pytest.raises(exc) as info:
        call(flavor, server, "search_workflow_sessions", PROJECT)  # POST: never retried
    err = info.value
    assert type(err) is exc
    assert err.status == status
    assert err.headers["x-request-id"] == "req-1"
    assert err.headers["content-type"] == "application/problem+json"
    assert json.loads(err.body) == problem  # the raw bytes are kept
    assert isinstance(err.model, models.Problem)
    assert err.model.status == status
    assert err.model.title == f"status {status}"
    assert err.model.parameters == {"workflowSessionId": SESSION}
    assert err.model.timestamp == dt.datetime(2024, 3, 1, 10, tzinfo=dt.timezone.utc)
    assert err.method == "POST"
    assert err.url == f"{server.url}/ica/rest/api/projects/{PROJECT}/workflowSessions:search"
    assert JWT not in str(err) and JWT not in repr(err)


def test_not_found_problem_on_get(server, flavor):
    server.reply(404, PROBLEM, content_type="application/problem+json")
    with pytest.raises(errors.NotFoundError) as info:
        call(flavor, server, "get_workflow_session_inputs", PROJECT, SESSION)
    assert info.value.model.detail == "Workflow session not found"
    assert info.value.model.to_dict() == PROBLEM
    assert len(server.requests) == 1  # 404 is not retried


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("<html><body>502 Bad Gateway</body></html>", "text/html"),
        ("{not json", "application/problem+json"),
        ("[1, 2]", "application/problem+json"),
        ("", None),
    ],
)
def test_error_with_malformed_body_still_raises_with_model_none(server, flavor, body, content_type):
    server.reply(403, body=body, content_type=content_type)
    with pytest.raises(errors.ForbiddenError) as info:
        call(flavor, server, "search_workflow_sessions", PROJECT)
    assert info.value.model is None
    assert info.value.body == body.encode()
    assert info.value.status == 403


def test_error_problem_with_wrong_field_type_is_lazy(server, flavor):
    server.reply(400, {**PROBLEM, "status": "four hundred"}, content_type="application/problem+json")
    with pytest.raises(errors.BadRequestError) as info:
        call(flavor, server, "search_workflow_sessions", PROJECT)
    model = info.value.model
    assert isinstance(model, models.Problem)
    assert model.title == "Not Found"
    with pytest.raises(errors.DecodeError, match=re.escape("Problem.status: expected integer, got string")):
        _ = model.status


# ------------------------------------------------------------------------------------- pagination


def _v3(n):
    return {**SESSION_V3, "id": f"ws-{n}", "userReference": f"ref-{n}"}


def _v4(n):
    return {**SESSION_V4, "id": f"ws-{n}"}


def _an(n):
    return {**ANALYSIS, "analysis": {**ANALYSIS["analysis"], "id": f"an-{n}"}}


@pytest.mark.parametrize("last_token", ["", None, "absent"], ids=["empty", "null", "missing"])
def test_iter_get_workflow_sessions(server, flavor, last_token):
    server.reply(200, {"items": [_v3(1), _v3(2)], "nextPageToken": "t2"})
    server.reply(200, {"items": [_v3(3), _v3(4)], "nextPageToken": "t/3="})
    last = {"items": [_v3(5)]}
    if last_token != "absent":
        last["nextPageToken"] = last_token
    server.reply(200, last)
    items = flavor.collect(
        PKG, API, "iter_get_workflow_sessions", PROJECT, status="SUCCEEDED", page_size="2", client=client_kw(server)
    )
    assert [ws.id for ws in items] == ["ws-1", "ws-2", "ws-3", "ws-4", "ws-5"]
    assert all(isinstance(ws, models.WorkflowSessionV3) for ws in items)
    assert [r.query for r in server.requests] == [
        "status=SUCCEEDED&pageSize=2",
        "status=SUCCEEDED&pageToken=t2&pageSize=2",
        "status=SUCCEEDED&pageToken=t%2F3%3D&pageSize=2",
    ]
    assert all(r.method == "GET" and r.headers["authorization"] == f"Bearer {JWT}" for r in server.requests)
    assert server.unscripted == 0


def test_iter_search_workflow_sessions_resends_body_on_every_page(server, flavor):
    server.reply(200, {"items": [_v4(1)], "nextPageToken": "p2"})
    server.reply(200, {"items": [_v4(2)], "nextPageToken": "p3"})
    server.reply(200, {"items": [_v4(3)], "nextPageToken": "p4"})
    server.reply(200, {"items": [], "nextPageToken": "p5"})  # empty page ends iteration
    query = models.AnalysisQueryParameters(user_tags=["batch-7"])
    items = flavor.collect(
        PKG,
        API,
        "iter_search_workflow_sessions",
        PROJECT,
        page_size="1",
        analysis_query_parameters=query,
        client=client_kw(server),
    )
    assert [ws.id for ws in items] == ["ws-1", "ws-2", "ws-3"]
    assert all(isinstance(ws, models.WorkflowSessionV4) for ws in items)
    assert [r.query for r in server.requests] == [
        "pageSize=1",
        "pageToken=p2&pageSize=1",
        "pageToken=p3&pageSize=1",
        "pageToken=p4&pageSize=1",
    ]
    assert all(r.method == "POST" for r in server.requests)
    assert all(r.path == f"/ica/rest/api/projects/{PROJECT}/workflowSessions:search" for r in server.requests)
    assert all(r.json() == {"userTags": ["batch-7"]} for r in server.requests)
    assert all(r.headers["content-type"] == "application/json" for r in server.requests)


@pytest.mark.parametrize("last_token", ["", "absent"], ids=["empty", "missing"])
def test_iter_search_orchestrated_analyses(server, flavor, last_token):
    server.reply(200, {"items": [_an(1), _an(2)], "nextPageToken": "n2", "remainingRecords": 3})
    server.reply(200, {"items": [_an(3), _an(4)], "nextPageToken": "n3", "remainingRecords": 1})
    last = {"items": [_an(5)], "remainingRecords": 0}
    if last_token != "absent":
        last["nextPageToken"] = last_token
    server.reply(200, last)
    items = flavor.collect(
        PKG, API, "iter_search_orchestrated_analyses", PROJECT, SESSION, page_size="2", client=client_kw(server)
    )
    assert [a.analysis.id for a in items] == ["an-1", "an-2", "an-3", "an-4", "an-5"]
    assert all(isinstance(a, models.WorkflowSessionAnalysisV4) for a in items)
    assert [r.query for r in server.requests] == ["pageSize=2", "pageToken=n2&pageSize=2", "pageToken=n3&pageSize=2"]
    assert all(
        r.path == f"/ica/rest/api/projects/{PROJECT}/workflowSessions/{SESSION}/analyses:search"
        for r in server.requests
    )
    assert all(r.body == b"" for r in server.requests)


def test_iter_stops_and_raises_on_error_page(server, flavor):
    server.reply(200, {"items": [_v4(1)], "nextPageToken": "p2"})
    server.reply(404, PROBLEM, content_type="application/problem+json")
    with pytest.raises(errors.NotFoundError) as info:
        flavor.collect(PKG, API, "iter_search_workflow_sessions", PROJECT, client=client_kw(server))
    assert isinstance(info.value.model, models.Problem)
    assert len(server.requests) == 2
