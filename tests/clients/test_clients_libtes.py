"""libtes TaskVersionsApi (5 operations) over real HTTP, sync and async."""

from __future__ import annotations

import datetime as dt

import libtes_client as tes
import pytest
from libtes_client import errors, models

PKG = "libtes_client"
API = "TaskVersionsApi"
TOKEN = "tes-jwt.eyJzdWIiOiJ1c2VyIn0.sig"
TASK = "tsk.0123456789abcdef"
VERSION = "tvn.fedcba9876543210"

EXECUTION = {
    "image": {"name": "docker.io/library/ubuntu", "tag": "22.04", "credentials": {"username": "bot"}},
    "command": "bash",
    "args": ["-c", "echo {{message}} > /mnt/out/hello.txt"],
    "inputs": [
        {"path": "/mnt/in/ref.fa", "url": "gds://vol/ref.fa", "type": "File", "mode": "download"},
    ],
    "outputs": [{"path": "/mnt/out", "url": "gds://vol/out/"}],
    "environment": {
        "variables": {"LANG": "C.UTF-8"},
        "resources": {"type": "standard", "size": "small", "cpuCores": 1.5, "memoryGb": 4, "hardware": []},
        "inputStreamSettings": {"accessPattern": "sequential", "cacheSizeGB": 50, "blockSizeMB": 32},
    },
    "workingDirectory": "/mnt/out",
    "retryLimit": 3,
    "retryCount": 0,
}
TASK_VERSION = {
    "id": VERSION,
    "href": f"https://aps2.platform.illumina.com/v1/tasks/{TASK}/versions/{VERSION}",
    "urn": f"urn:ilmn:iap:aps2:tenant-1:taskversion:{VERSION}#1.0.0",
    "version": "1.0.0",
    "description": "hello world",
    "execution": EXECUTION,
    "acl": ["wid:tenant-1"],
    "tenantId": "tenant-1",
    "createdBy": "user-1",
    "timeCreated": "2021-06-01T12:00:00.5Z",
    "modifiedBy": "user-1",
    "timeModified": "2021-06-02T12:00:00Z",
}
TASK_RUN = {
    "id": "trn.1",
    "name": "run-1",
    "status": "Pending",
    "execution": EXECUTION,
    "taskVersionSummary": {"id": VERSION, "version": "1.0.0"},
    "logs": [{"startTime": "2021-06-03T00:00:00Z", "stdout": "gds://vol/logs/stdout"}],
    "executionRawJson": "{}",
    "timeCreated": "2021-06-03T00:00:00Z",
}
ERROR = {"code": "NotFound", "message": f"Task {TASK} not found", "details": [{"field": "taskId"}, "extra"]}


def client_kw(server, **extra):
    return {"base_url": server.url, "access_token": TOKEN, **extra}


def call(flavor, server, method, *args, client_extra=None, **kwargs):
    return flavor.call(PKG, API, method, *args, client=client_kw(server, **(client_extra or {})), **kwargs)


def assert_headers(req, *, body: bool):
    assert req.header_count("authorization") == 1
    assert req.headers["authorization"] == f"Bearer {TOKEN}"
    assert req.headers["accept"] == "application/json"
    if body:
        assert req.headers["content-type"] == "application/json"
    else:
        assert "content-type" not in req.headers
        assert req.body == b""


# ------------------------------------------------------------------------------ create_task_version


def test_create_task_version(server, flavor):
    server.reply(201, TASK_VERSION)
    body = models.CreateTaskVersionRequest(
        version="1.0.0",
        description="hello world",
        execution=models.Execution(
            image=models.Image(name="docker.io/library/ubuntu", tag="22.04"),
            command="bash",
            args=["-c", "echo hi"],
            environment=models.Environment(
                variables={"LANG": "C.UTF-8"}, resources=models.Resources(type="standard", size="small", cpu_cores=1.5)
            ),
            retry_limit=3,
        ),
        acl=["wid:tenant-1"],
    )
    tv = call(flavor, server, "create_task_version", TASK, body=body)
    req = server.only_request()
    assert req.method == "POST"
    assert req.path == f"/v1/tasks/{TASK}/versions"
    assert req.query == ""
    assert_headers(req, body=True)
    assert req.json() == {
        "version": "1.0.0",
        "description": "hello world",
        "execution": {
            "image": {"name": "docker.io/library/ubuntu", "tag": "22.04"},
            "command": "bash",
            "args": ["-c", "echo hi"],
            "environment": {
                "variables": {"LANG": "C.UTF-8"},
                "resources": {"type": "standard", "size": "small", "cpuCores": 1.5},
            },
            "retryLimit": 3,
        },
        "acl": ["wid:tenant-1"],
    }
    assert isinstance(tv, models.TaskVersion)
    assert tv.id == VERSION
    assert tv.time_created == dt.datetime(2021, 6, 1, 12, 0, 0, 500000, tzinfo=dt.timezone.utc)
    assert isinstance(tv.execution, models.Execution)
    assert isinstance(tv.execution.image, models.Image)
    assert tv.execution.image.credentials.username == "bot"
    assert tv.execution.image.credentials.password is tes.UNSET
    assert isinstance(tv.execution.inputs[0], models.InputMountMappingWithCreds)
    assert tv.execution.inputs[0].url == "gds://vol/ref.fa"
    assert tv.execution.environment.resources.memory_gb == 4
    assert tv.execution.environment.input_stream_settings.cache_size_gb == 50
    assert tv.sub_tenant_id is tes.UNSET


def test_create_task_version_without_body(server, flavor):
    server.reply(201, TASK_VERSION)
    call(flavor, server, "create_task_version", TASK)
    req = server.only_request()
    assert_headers(req, body=False)


# --------------------------------------------------------------------------------- get_task_version


def test_get_task_version(server, flavor):
    server.reply(200, TASK_VERSION)
    tv = call(flavor, server, "get_task_version", TASK, VERSION)
    req = server.only_request()
    assert (req.method, req.path, req.query) == ("GET", f"/v1/tasks/{TASK}/versions/{VERSION}", "")
    assert_headers(req, body=False)
    assert isinstance(tv, models.TaskVersion)
    assert tv.urn.endswith("#1.0.0")
    assert tv.acl == ["wid:tenant-1"]


def test_path_parameters_are_percent_encoded(server, flavor):
    server.reply(200, TASK_VERSION)
    call(flavor, server, "get_task_version", "tsk/1 2", "v:1")
    assert server.only_request().path == "/v1/tasks/tsk%2F1%202/versions/v%3A1"


# ---------------------------------------------------------------------------------- launch_task_run


def test_launch_task_run_colon_template(server, flavor):
    server.reply(201, TASK_RUN)
    body = models.LaunchTaskRequest(
        name="run-1", arguments={"message": "hello", "input": "gds://vol/ref.fa"}, acl=["wid:tenant-1"]
    )
    run = call(flavor, server, "launch_task_run", TASK, VERSION, body=body)
    req = server.only_request()
    assert req.method == "POST"
    assert req.path == f"/v1/tasks/{TASK}/versions/{VERSION}:launch"
    assert req.query == ""
    assert_headers(req, body=True)
    assert req.json() == {
        "name": "run-1",
        "arguments": {"message": "hello", "input": "gds://vol/ref.fa"},
        "acl": ["wid:tenant-1"],
    }
    assert isinstance(run, models.TaskRun)
    assert (run.id, run.status) == ("trn.1", "Pending")
    assert isinstance(run.task_version_summary, models.TaskVersionSummary)
    assert run.task_version_summary.version == "1.0.0"
    assert isinstance(run.logs[0], models.TaskRunLogs)
    assert run.logs[0].start_time == dt.datetime(2021, 6, 3, tzinfo=dt.timezone.utc)
    assert run.logs[0].end_time is tes.UNSET


def test_launch_task_run_encodes_version_with_colon(server, flavor):
    server.reply(201, TASK_RUN)
    call(flavor, server, "launch_task_run", TASK, "v:2")
    req = server.only_request()
    assert req.path == f"/v1/tasks/{TASK}/versions/v%3A2:launch"
    assert_headers(req, body=False)


# ------------------------------------------------------------------------------- list_task_versions


def test_list_task_versions_defaults(server, flavor):
    server.reply(200, {"items": [], "itemCount": 0})
    page = call(flavor, server, "list_task_versions", TASK)
    req = server.only_request()
    assert (req.method, req.path, req.query) == ("GET", f"/v1/tasks/{TASK}/versions", "pageSize=10")
    assert_headers(req, body=False)
    assert isinstance(page, models.TaskVersionSummaryPagedItems)
    assert page.items == []
    assert page.next_page_token is tes.UNSET


def test_list_task_versions_every_parameter(server, flavor):
    summary = {k: v for k, v in TASK_VERSION.items() if k != "execution"}
    server.reply(
        200,
        {
            "items": [summary],
            "itemCount": 1,
            "firstPageToken": "f",
            "nextPageToken": "n",
            "totalItemCount": 21,
            "totalPageCount": 21,
        },
    )
    page = call(
        flavor,
        server,
        "list_task_versions",
        TASK,
        sort="timeCreated desc",
        versions="1.0.0",
        ids="tvn.1,tvn.2",
        acls="wid:tenant-1",
        page_size=1,
        page_token="n/0+",
    )
    req = server.only_request()
    assert req.query == (
        "sort=timeCreated%20desc&versions=1.0.0&ids=tvn.1%2Ctvn.2&acls=wid%3Atenant-1&pageSize=1&pageToken=n%2F0%2B"
    )
    assert isinstance(page.items[0], models.TaskVersionSummary)
    assert page.items[0].id == VERSION
    assert (page.item_count, page.total_item_count, page.next_page_token) == (1, 21, "n")


# ------------------------------------------------------------------------------ update_task_version


def test_update_task_version(server, flavor):
    server.reply(200, {**TASK_VERSION, "description": "updated"})
    tv = call(
        flavor,
        server,
        "update_task_version",
        TASK,
        VERSION,
        body=models.UpdateTaskVersionRequest(description="updated", acl=[]),
    )
    req = server.only_request()
    assert (req.method, req.path, req.query) == ("PATCH", f"/v1/tasks/{TASK}/versions/{VERSION}", "")
    assert_headers(req, body=True)
    assert req.json() == {"description": "updated", "acl": []}
    assert tv.description == "updated"


def test_decoded_model_sent_back_keeps_unknown_fields(server, flavor):
    """A TaskVersion read from the server, turned into an update request, resends unknown fields."""
    execution = {
        **EXECUTION,
        "gpuProfile": {"type": "A100", "count": 1},
        "image": {**EXECUTION["image"], "arch": "arm64"},
    }
    server.reply(200, {**TASK_VERSION, "execution": execution, "labels": {"team": "bio"}})
    server.reply(200, TASK_VERSION)

    def body(api):
        if flavor.is_async:

            async def go():
                tv = await api.get_task_version(TASK, VERSION)
                update = models.UpdateTaskVersionRequest(description="v2", execution=tv.execution)
                return await api.update_task_version(TASK, VERSION, body=update)

            return go()
        tv = api.get_task_version(TASK, VERSION)
        update = models.UpdateTaskVersionRequest(description="v2", execution=tv.execution)
        return api.update_task_version(TASK, VERSION, body=update)

    flavor.run(PKG, API, body, client=client_kw(server))
    sent = server.requests[1].json()
    assert sent == {"description": "v2", "execution": execution}
    assert sent["execution"]["gpuProfile"] == {"type": "A100", "count": 1}
    assert sent["execution"]["image"]["arch"] == "arm64"


# ------------------------------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("status", "exc"),
    [
        (400, errors.BadRequestError),
        (401, errors.UnauthorizedError),
        (403, errors.ForbiddenError),
        (404, errors.NotFoundError),
        (409, errors.ConflictError),
        (500, errors.InternalServerError),
        (418, errors.ClientError),
        (503, errors.ServiceUnavailableError),
    ],
)
def test_error_response_model_for_every_status(server, flavor, status, exc):
    server.reply(status, {**ERROR, "code": str(status)}, headers={"X-Correlation-Id": "c-1"})
    with pytest.raises(exc) as info:
        call(flavor, server, "create_task_version", TASK, body=models.CreateTaskVersionRequest(version="1"))
    err = info.value
    assert type(err) is exc
    assert err.status == status
    assert err.headers["x-correlation-id"] == "c-1"
    assert isinstance(err.model, models.ErrorResponse)
    assert err.model.code == str(status)
    assert err.model.message == f"Task {TASK} not found"
    assert err.model.details == [{"field": "taskId"}, "extra"]
    assert TOKEN not in str(err) and TOKEN not in repr(err)
    assert len(server.requests) == 1  # POST is not retried


def test_error_with_html_body_has_no_model(server, flavor):
    server.reply(404, body="<html><h1>Not Found</h1></html>", content_type="text/html")
    with pytest.raises(errors.NotFoundError) as info:
        call(flavor, server, "get_task_version", TASK, VERSION)
    assert info.value.model is None
    assert info.value.text == "<html><h1>Not Found</h1></html>"


def test_error_responses_are_keyed_by_status_code():
    """Regression (generator/normalize.py ``_response``): an error response given as ``$ref`` to
    ``components/responses`` is keyed by the component's name ("BadRequest", "NotFound", ...)
    instead of its status code ("400", "404", ...). For libtes the ``default`` response hides this
    on the wire (every error also decodes as ErrorResponse), but the status table is wrong."""
    from libtes_client import task_versions_api as module

    for op in (
        module._LIST_TASK_VERSIONS,
        module._CREATE_TASK_VERSION,
        module._GET_TASK_VERSION,
        module._UPDATE_TASK_VERSION,
        module._LAUNCH_TASK_RUN,
    ):
        assert {"400", "401", "403", "404", "500"} <= set(op.errors), (op.name, sorted(op.errors))
    assert "409" in module._CREATE_TASK_VERSION.errors


# -------------------------------------------------------------------------------------- pagination


def _summaries(*ids):
    return [{"id": i, "version": i.split(".")[-1]} for i in ids]


def _script_three_pages(server, final_token):
    server.reply(200, {"items": _summaries("tvn.1", "tvn.2"), "nextPageToken": "p2", "itemCount": 2})
    server.reply(200, {"items": _summaries("tvn.3", "tvn.4"), "nextPageToken": "p 3", "itemCount": 2})
    final = {"items": _summaries("tvn.5"), "itemCount": 1}
    if final_token != "absent":
        final["nextPageToken"] = final_token
    server.reply(200, final)


def _assert_three_pages(server, items):
    assert [s.id for s in items] == ["tvn.1", "tvn.2", "tvn.3", "tvn.4", "tvn.5"]
    assert all(isinstance(s, models.TaskVersionSummary) for s in items)
    assert [r.query for r in server.requests] == [
        "sort=version&pageSize=2",
        "sort=version&pageSize=2&pageToken=p2",
        "sort=version&pageSize=2&pageToken=p%203",
    ]
    assert all(r.path == f"/v1/tasks/{TASK}/versions" for r in server.requests)
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in server.requests)
    assert server.unscripted == 0


@pytest.mark.parametrize("final_token", ["", "absent"], ids=["empty-token", "missing-token"])
def test_iter_list_task_versions(server, flavor, final_token):
    _script_three_pages(server, final_token)
    items = flavor.collect(
        PKG, API, "iter_list_task_versions", TASK, sort="version", page_size=2, client=client_kw(server)
    )
    _assert_three_pages(server, items)


def test_iter_list_task_versions_null_next_token_ends_iteration(server, flavor):
    """Regression: specs/README.md says iteration stops on a page whose next token is "missing, null or
    empty". TaskVersionSummaryPagedItems.nextPageToken is not nullable in the spec, so the
    iterator's ``page.next_page_token`` raises DecodeError on ``"nextPageToken": null`` after
    yielding the last page, instead of ending the iteration."""
    _script_three_pages(server, None)
    items = flavor.collect(
        PKG, API, "iter_list_task_versions", TASK, sort="version", page_size=2, client=client_kw(server)
    )
    _assert_three_pages(server, items)


def test_iter_list_task_versions_stops_on_empty_page_despite_token(server, flavor):
    server.reply(200, {"items": _summaries("tvn.1"), "nextPageToken": "p2"})
    server.reply(200, {"items": [], "nextPageToken": "p3"})
    items = flavor.collect(PKG, API, "iter_list_task_versions", TASK, client=client_kw(server))
    assert [s.id for s in items] == ["tvn.1"]
    assert [r.query for r in server.requests] == ["pageSize=10", "pageSize=10&pageToken=p2"]
