"""Vidispine JobApi (10 operations) over real HTTP, sync and async."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
import vidispine_client as vc
from vidispine_client import errors, models

PKG = "vidispine_client"
USER = "admin"
PASSWORD = "vid-P4ss:word!"  # a colon in the password must survive basic auth
BASIC = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
PREFIX = "/API"

JOB = {
    "jobId": "VX-12",
    "user": "admin",
    "started": "2024-05-02T08:15:30.123Z",
    "finished": "2024-05-02T08:20:00+02:00",
    "status": "FINISHED",
    "type": "TRANSCODE",
    "priority": "MEDIUM",
    "totalSteps": 3,
    "currentStep": {"number": 3, "status": "FINISHED", "description": "Transcoding"},
    "data": [{"key": "item", "value": "VX-77"}, {"key": "tag", "value": "__mp4"}],
    "waiting": {"resourceType": "storage", "resourceId": "VX-2", "requirement": "online"},
    "log": {
        "task": [
            {
                "id": 1,
                "step": 100,
                "attempts": 1,
                "status": "FINISHED",
                "timestamp": "2024-05-02T08:16:00Z",
                "description": "Transcode",
                "progress": {"value": 100.0, "total": 100, "unit": "percent"},
                "subStep": [{"timestamp": "2024-05-02T08:16:10Z", "description": "pass 1"}],
                "subTask": [{"step": 101, "attempts": 2, "status": "FINISHED", "timestamp": "2024-05-02T08:16:30Z"}],
            }
        ]
    },
}


def client_kw(server, **extra):
    return {"base_url": server.url + PREFIX, "username": USER, "password": PASSWORD, **extra}


def call(flavor, server, method, *args, client_extra=None, **kwargs):
    return flavor.call(PKG, "JobApi", method, *args, client=client_kw(server, **(client_extra or {})), **kwargs)


def assert_auth_and_accept(req, accept):
    assert req.header_count("authorization") == 1
    assert req.headers["authorization"] == BASIC
    assert req.headers["accept"] == accept


def assert_no_body(req):
    assert req.body == b""
    assert "content-type" not in req.headers


# ------------------------------------------------------------------------------------ get_jobs


def test_get_jobs_defaults_on_the_wire(server, flavor):
    server.reply(200, {"hits": 1, "job": [JOB]})
    page = call(flavor, server, "get_jobs")
    req = server.only_request()
    assert req.method == "GET"
    assert req.path == "/API/job"
    # Every parameter with a default is sent; those without one are left out.
    assert req.query == "user=true&first=1&type=all&step=false&state=all&metadata=false"
    assert_auth_and_accept(req, "application/json")
    assert_no_body(req)
    assert isinstance(page, models.JobListType)
    assert page.hits == 1
    assert [j.job_id for j in page.job] == ["VX-12"]
    assert isinstance(page.job[0], models.JobType)


def test_get_jobs_every_parameter_serialized_exactly(server, flavor):
    server.reply(200, {"hits": 0, "job": []})
    call(
        flavor,
        server,
        "get_jobs",
        jobmetadata=["priority=HIGH", "customer=ACME, Inc."],
        field=["jobId", "status"],
        starttime_to="2024-05-01T00:00:00Z",
        user=False,
        first=11,
        type=["TRANSCODE", "THUMBNAIL"],
        starttime_from="2024-04-01T00:00:00+02:00",
        step=True,
        idonly=False,
        number=5,
        state=["FINISHED", "FAILED_TOTAL"],
        sort="startTime desc",
        metadata=True,
        finishtime_from="2024-04-02T00:00:00Z",
        finishtime_to="2024-04-03T00:00:00Z",
    )
    req = server.only_request()
    assert req.query == (
        # explode: repeated key, "=" and "," inside a value percent-encoded
        "jobmetadata=priority%3DHIGH&jobmetadata=customer%3DACME%2C%20Inc."
        # csv: literal commas between items
        "&field=jobId,status"
        "&starttime-to=2024-05-01T00%3A00%3A00Z"
        "&user=false&first=11"
        "&type=TRANSCODE,THUMBNAIL"
        "&starttime-from=2024-04-01T00%3A00%3A00%2B02%3A00"
        "&step=true&idonly=false&number=5"
        "&state=FINISHED,FAILED_TOTAL"
        "&sort=startTime%20desc&metadata=true"
        "&finishtime-from=2024-04-02T00%3A00%3A00Z&finishtime-to=2024-04-03T00%3A00%3A00Z"
    )


def test_get_jobs_comma_inside_csv_item_is_encoded(server, flavor):
    server.reply(200, {"job": []})
    call(flavor, server, "get_jobs", field=["a,b", "c"], type=["X"], state=["RUNNING"])
    assert server.only_request().query == (
        "field=a%2Cb,c&user=true&first=1&type=X&step=false&state=RUNNING&metadata=false"
    )


# ------------------------------------------------------------------------------ create_custom_job


def test_create_custom_job(server, flavor):
    server.reply(200, {**JOB, "jobId": "VX-13", "status": "READY", "type": "TRANSCODE"})
    doc = models.SimpleMetadataType(
        field=[
            models.StorageGroupTypeData(key="title", value="Trailer"),
            models.StorageGroupTypeData(key="k", value=""),
        ]
    )
    job = call(
        flavor,
        server,
        "create_custom_job",
        "TRANSCODE",
        doc,
        jobmetadata=["tag=original", "item=VX-77"],
        notification_data="ctx-42",
        notification="VX-3",
    )
    req = server.only_request()
    assert req.method == "POST"
    assert req.path == "/API/job"
    assert req.query == (
        "type=TRANSCODE&jobmetadata=tag%3Doriginal&jobmetadata=item%3DVX-77"
        "&notificationData=ctx-42&priority=MEDIUM&notification=VX-3"
    )
    assert_auth_and_accept(req, "application/json")
    assert req.headers["content-type"] == "application/json"
    assert req.json() == {"field": [{"key": "title", "value": "Trailer"}, {"key": "k", "value": ""}]}
    assert b" " not in req.body  # compact JSON
    assert int(req.headers["content-length"]) == len(req.body)
    assert isinstance(job, models.JobType)
    assert (job.job_id, job.status, job.type) == ("VX-13", "READY", "TRANSCODE")


def test_create_custom_job_empty_document_and_priority(server, flavor):
    server.reply(200, JOB)
    call(flavor, server, "create_custom_job", "IMPORT", models.SimpleMetadataType(), priority="HIGHEST")
    req = server.only_request()
    assert req.query == "type=IMPORT&priority=HIGHEST"
    assert req.body == b"{}"
    assert req.headers["content-type"] == "application/json"


# --------------------------------------------------------------------------- create_duplicate_job


@pytest.mark.parametrize(("priority", "query"), [(None, ""), ("HIGH", "priority=HIGH")])
def test_create_duplicate_job(server, flavor, priority, query):
    server.reply(200, {**JOB, "jobId": "VX-14", "status": "READY"})
    job = call(flavor, server, "create_duplicate_job", "VX-12", priority=priority)
    req = server.only_request()
    assert req.method == "POST"
    assert req.path == "/API/job/VX-12/re-run"
    assert req.query == query
    assert_auth_and_accept(req, "application/json")
    assert_no_body(req)
    assert job.job_id == "VX-14"


# ------------------------------------------------------------------------------------ delete_jobs


def test_delete_jobs(server, flavor):
    server.reply(200)
    result = call(flavor, server, "delete_jobs", ["VX-1", "VX-2", "VX-3"])
    req = server.only_request()
    assert req.method == "DELETE"
    assert req.path == "/API/job"
    assert req.query == "id=VX-1,VX-2,VX-3"
    # no media type documented: httpx's default Accept
    assert_auth_and_accept(req, "*/*")
    assert_no_body(req)
    assert result is None


def test_delete_jobs_ignores_an_unexpected_body(server, flavor):
    server.reply(200, body="<html>ok</html>", content_type="text/html")
    assert call(flavor, server, "delete_jobs", ["VX-1"]) is None


# --------------------------------------------------------------------------- get_all_job_problems


def test_get_all_job_problems(server, flavor):
    server.reply(
        200,
        {
            "problem": [
                {
                    "id": 3,
                    "type": "storage-offline",
                    "job": ["VX-12", "VX-13"],
                    "data": [{"key": "storage", "value": "VX-2"}],
                }
            ]
        },
    )
    result = call(flavor, server, "get_all_job_problems")
    req = server.only_request()
    assert (req.method, req.path, req.query) == ("GET", "/API/job/problem", "")
    assert_auth_and_accept(req, "application/json")
    assert_no_body(req)
    assert isinstance(result, models.JobProblemListType)
    problem = result.problem[0]
    assert isinstance(problem, models.JobProblemType)
    assert (problem.id, problem.type, problem.job) == (3, "storage-offline", ["VX-12", "VX-13"])
    assert isinstance(problem.data[0], models.KeyValueType)
    assert (problem.data[0].key, problem.data[0].value) == ("storage", "VX-2")


# ---------------------------------------------------------------------------------------- get_job


def test_get_job_full_decode(server, flavor):
    server.reply(200, JOB)
    job = call(flavor, server, "get_job", "VX-12", field=["jobId", "status"], metadata=True)
    req = server.only_request()
    assert (req.method, req.path, req.query) == ("GET", "/API/job/VX-12", "field=jobId,status&metadata=true")
    assert_auth_and_accept(req, "application/json")
    assert_no_body(req)
    assert isinstance(job, models.JobType)
    assert job.job_id == "VX-12"  # wire name jobId
    assert job.user == "admin"
    assert job.started == dt.datetime(2024, 5, 2, 8, 15, 30, 123000, tzinfo=dt.timezone.utc)
    assert job.finished == dt.datetime(2024, 5, 2, 8, 20, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert job.total_steps == 3
    assert isinstance(job.current_step, models.JobTypeCurrentStep)
    assert (job.current_step.number, job.current_step.description) == (3, "Transcoding")
    assert [(d.key, d.value) for d in job.data] == [("item", "VX-77"), ("tag", "__mp4")]
    assert (job.waiting.resource_type, job.waiting.resource_id) == ("storage", "VX-2")
    task = job.log.task[0]
    assert isinstance(task, models.JobTaskType)
    assert task.progress.unit is models.JobTaskProgressTypeUnit.PERCENT
    assert task.progress.value == 100.0
    assert task.sub_step[0].timestamp == dt.datetime(2024, 5, 2, 8, 16, 10, tzinfo=dt.timezone.utc)
    assert isinstance(task.sub_task[0], models.JobTaskType)  # recursive JobTaskType
    assert task.sub_task[0].attempts == 2
    assert job.sub_job is vc.UNSET


def test_get_job_default_query_and_percent_encoded_job_id(server, flavor):
    server.reply(200, JOB)
    call(flavor, server, "get_job", "VX 12/ä:?#%")
    req = server.only_request()
    assert req.path == "/API/job/VX%2012%2F%C3%A4%3A%3F%23%25"
    assert req.query == "metadata=false"


def test_get_job_recursive_sub_jobs(server, flavor):
    leaf = {"jobId": "VX-3", "status": "FINISHED", "priority": "LOW", "type": "THUMBNAIL"}
    middle = {"jobId": "VX-2", "status": "RUNNING", "priority": "MEDIUM", "type": "TRANSCODE", "subJob": [leaf]}
    top = {"jobId": "VX-1", "status": "RUNNING", "priority": "HIGH", "type": "IMPORT", "subJob": [middle, leaf]}
    server.reply(200, top)
    job = call(flavor, server, "get_job", "VX-1")
    assert job.job_id == "VX-1"
    assert [type(j) for j in job.sub_job] == [models.JobType, models.JobType]
    assert [j.job_id for j in job.sub_job] == ["VX-2", "VX-3"]
    assert job.sub_job[0].sub_job[0].job_id == "VX-3"
    assert isinstance(job.sub_job[0].sub_job[0], models.JobType)
    assert job.sub_job[0].sub_job[0].sub_job is vc.UNSET
    assert job.sub_job[1].sub_job is vc.UNSET
    assert job.to_dict() == top


def test_get_job_text_plain_state_is_a_decode_error(server, flavor):
    """The spec documents text/plain (just the state) besides JSON; the client asks for JSON only
    (Accept: application/json) and decodes the spec's JSON kind, so a server that answers
    text/plain anyway gives a ResponseDecodeError carrying the raw text, not a str or a crash."""
    server.reply(200, body="FINISHED", content_type="text/plain;charset=UTF-8")
    with pytest.raises(errors.ResponseDecodeError) as info:
        call(flavor, server, "get_job", "VX-12")
    assert server.only_request().headers["accept"] == "application/json"
    err = info.value
    assert err.status == 200
    assert err.body == b"FINISHED"
    assert err.text == "FINISHED"
    assert "text/plain" in str(err)
    assert err.headers["content-type"] == "text/plain;charset=UTF-8"


def test_get_job_types_text_plain_numeric_body_is_a_decode_error(server, flavor):
    """A text/plain body that happens to parse as JSON (a number) is still rejected."""
    server.reply(200, body="42", content_type="text/plain")
    with pytest.raises(errors.ResponseDecodeError) as info:
        call(flavor, server, "get_job_types")
    assert "expected object, got integer" in str(info.value)


# ------------------------------------------------------------------------------ get_job_problems


def test_get_job_problems(server, flavor):
    server.reply(200, {"problem": [{"id": 7, "type": "missing-shape", "job": ["VX-12"]}]})
    result = call(flavor, server, "get_job_problems", "VX-12")
    req = server.only_request()
    assert (req.method, req.path, req.query) == ("GET", "/API/job/VX-12/problem", "")
    assert_auth_and_accept(req, "application/json")
    assert_no_body(req)
    assert [(p.id, p.type) for p in result.problem] == [(7, "missing-shape")]
    assert result.problem[0].data is vc.UNSET


# --------------------------------------------------------------------------------- get_job_types


def test_get_job_types(server, flavor):
    server.reply(200, {"hits": 3, "uri": ["TRANSCODE", "IMPORT", "THUMBNAIL"]})
    result = call(flavor, server, "get_job_types")
    req = server.only_request()
    assert (req.method, req.path, req.query) == ("GET", "/API/jobtype", "")
    assert_auth_and_accept(req, "application/json")
    assert isinstance(result, models.URIListType)
    assert (result.hits, result.uri) == (3, ["TRANSCODE", "IMPORT", "THUMBNAIL"])


# ------------------------------------------------------------------------------------ update_job


@pytest.mark.parametrize(("kwargs", "query"), [({}, "priority=MEDIUM"), ({"priority": "HIGH"}, "priority=HIGH")])
def test_update_job(server, flavor, kwargs, query):
    server.reply(200)
    assert call(flavor, server, "update_job", "VX-12", **kwargs) is None
    req = server.only_request()
    assert (req.method, req.path, req.query) == ("PUT", "/API/job/VX-12", query)
    assert_auth_and_accept(req, "*/*")
    assert_no_body(req)


# ------------------------------------------------------------------------------------- abort_job


@pytest.mark.parametrize(
    ("kwargs", "query"),
    [
        ({}, "cleanup=true"),
        (
            {"reason": "user cancelled: wrong item", "cleanup": False},
            "reason=user%20cancelled%3A%20wrong%20item&cleanup=false",
        ),
    ],
)
def test_abort_job(server, flavor, kwargs, query):
    server.reply(200)
    assert call(flavor, server, "abort_job", "VX-12", **kwargs) is None
    req = server.only_request()
    assert (req.method, req.path, req.query) == ("DELETE", "/API/job/VX-12", query)
    assert_auth_and_accept(req, "*/*")
    assert_no_body(req)


# ---------------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("status", "exc"),
    [
        (400, errors.BadRequestError),
        (401, errors.UnauthorizedError),
        (403, errors.ForbiddenError),
        (404, errors.NotFoundError),
        (409, errors.ConflictError),
        (418, errors.ClientError),
        (500, errors.InternalServerError),
        (501, errors.ServerError),
        (302, errors.ApiStatusError),  # redirects are not followed
    ],
)
def test_error_status_raises_the_right_class_without_model(server, flavor, status, exc):
    """No error body is documented for Vidispine: the model is None, the raw body is kept."""
    server.reply(status, body="No job with id VX-99", content_type="text/plain", headers={"X-Vidispine": "1"})
    with pytest.raises(exc) as info:
        call(flavor, server, "get_job", "VX-99", client_extra={"max_retries": 0})
    err = info.value
    assert type(err) is exc
    assert err.status == status
    assert err.body == b"No job with id VX-99"
    assert err.headers["x-vidispine"] == "1"
    assert err.model is None
    assert err.method == "GET"
    assert err.url == server.url + "/API/job/VX-99"
    assert PASSWORD not in str(err) and BASIC not in str(err)


def test_missing_credentials_send_no_authorization(server, flavor):
    server.reply(401, body="")
    with pytest.raises(errors.UnauthorizedError):
        flavor.call(PKG, "JobApi", "get_job_types", client={"base_url": server.url + PREFIX, "username": USER})
    assert "authorization" not in server.only_request().headers


# ------------------------------------------------------------------------------------ pagination


def _jobs(start, count):
    return [{**JOB, "jobId": f"VX-{n}"} for n in range(start, start + count)]


def test_iter_get_jobs_offset_paging_ends_on_short_page(server, flavor):
    server.reply(200, {"hits": 5, "job": _jobs(1, 2)})
    server.reply(200, {"hits": 5, "job": _jobs(3, 2)})
    server.reply(200, {"hits": 5, "job": _jobs(5, 1)})
    jobs = flavor.collect(PKG, "JobApi", "iter_get_jobs", number=2, state=["FINISHED"], client=client_kw(server))
    assert [j.job_id for j in jobs] == ["VX-1", "VX-2", "VX-3", "VX-4", "VX-5"]
    assert all(isinstance(j, models.JobType) for j in jobs)
    assert [r.query for r in server.requests] == [
        f"user=true&first={first}&type=all&step=false&number=2&state=FINISHED&metadata=false" for first in (1, 3, 5)
    ]
    assert all(r.headers["authorization"] == BASIC for r in server.requests)
    assert server.unscripted == 0


def test_iter_get_jobs_without_page_size_ends_on_empty_page(server, flavor):
    server.reply(200, {"hits": 6, "job": _jobs(11, 3)})
    server.reply(200, {"hits": 6, "job": _jobs(14, 3)})
    server.reply(200, {"hits": 6, "job": _jobs(17, 1)})
    server.reply(200, {"hits": 6, "job": []})
    jobs = flavor.collect(PKG, "JobApi", "iter_get_jobs", first=11, client=client_kw(server))
    assert [j.job_id for j in jobs] == [f"VX-{n}" for n in range(11, 18)]
    firsts = [r.query.split("&")[1] for r in server.requests]
    assert firsts == ["first=11", "first=14", "first=17", "first=18"]
    assert server.unscripted == 0


def test_iter_get_jobs_ends_on_missing_job_list(server, flavor):
    server.reply(200, {"hits": 0})
    assert flavor.collect(PKG, "JobApi", "iter_get_jobs", client=client_kw(server)) == []
    assert len(server.requests) == 1


def test_iter_get_jobs_is_lazy(server):
    server.reply(200, {"job": _jobs(1, 2)})
    server.reply(200, {"job": _jobs(3, 2)})
    with vc.ApiClient(**client_kw(server)) as client:
        it = vc.JobApi(client).iter_get_jobs(number=2)
        assert len(server.requests) == 0
        assert next(it).job_id == "VX-1"
        assert next(it).job_id == "VX-2"
        assert len(server.requests) == 1
        assert next(it).job_id == "VX-3"
        assert len(server.requests) == 2
