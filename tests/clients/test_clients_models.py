"""Models-as-views over real responses: unknown fields, UNSET vs null, enums, lazy decode errors,
surprising success bodies. Sync and async."""

from __future__ import annotations

import copy
import datetime as dt
import importlib
import json
import re

# the generated packages load submodules lazily; make `<pkg>.models` available as an attribute
import ica_v3_client.models  # noqa: F401
import libtes_client.models  # noqa: F401
import pytest
import vidispine_client.models  # noqa: F401

# a JobType without date-time fields, with unknown fields at several levels
JOB_WITH_EXTRAS = {
    "jobId": "VX-12",
    "status": "FINISHED",
    "priority": "MEDIUM",
    "type": "TRANSCODE",
    "customerRef": {"po": "PO-1", "lines": [1, 2]},
    "data": [{"key": "item", "value": "VX-77", "origin": "ingest"}],
    "log": {
        "task": [
            {
                "step": 1,
                "attempts": 1,
                "status": "FINISHED",
                "timestamp": "2024-05-02T08:16:00Z",
                "progress": {"value": 12.5, "total": 100, "unit": "frames", "eta": 30},
                "worker": "transcoder-3",
            }
        ],
        "truncated": False,
    },
}


def vidispine_client_kw(server):
    return {"base_url": server.url + "/API", "username": "admin", "password": "models-PW-0001"}


# ----------------------------------------------------------------------------------- unknown fields


def test_unknown_fields_survive_decode_and_to_dict(server, flavor):
    vc = importlib.import_module("vidispine_client")
    wire = copy.deepcopy(JOB_WITH_EXTRAS)
    del wire["log"]  # no date-time fields anywhere: see test_bug_reading_a_date_time_field_rewrites_it
    server.reply(200, wire)
    job = flavor.call("vidispine_client", "JobApi", "get_job", "VX-12", client=vidispine_client_kw(server))
    assert job.additional_properties == {"customerRef": {"po": "PO-1", "lines": [1, 2]}}
    assert job["customerRef"]["po"] == "PO-1"
    assert "customerRef" in job
    assert job.data[0].additional_properties == {"origin": "ingest"}
    assert job.data[0].value == "VX-77"
    out = job.to_dict()
    assert out == wire
    out["customerRef"]["po"] = "changed"  # to_dict is a deep copy
    assert job["customerRef"]["po"] == "PO-1"
    assert isinstance(job, vc.models.JobType)


def test_unknown_fields_in_nested_models_survive(server, flavor):
    server.reply(200, JOB_WITH_EXTRAS)
    job = flavor.call("vidispine_client", "JobApi", "get_job", "VX-12", client=vidispine_client_kw(server))
    task = job.log.task[0]
    assert job.log.additional_properties == {"truncated": False}
    assert task.additional_properties == {"worker": "transcoder-3"}
    assert task.progress.additional_properties == {"eta": 30}
    assert task.progress.value == 12.5


def test_decoded_items_sent_back_keep_unknown_fields(server, flavor):
    vc = importlib.import_module("vidispine_client")
    server.reply(200, JOB_WITH_EXTRAS)
    server.reply(200, {"jobId": "VX-13", "status": "READY", "priority": "MEDIUM", "type": "TRANSCODE"})

    def body(api):
        if flavor.is_async:

            async def go():
                job = await api.get_job("VX-12")
                return await api.create_custom_job("TRANSCODE", vc.models.SimpleMetadataType(field=job.data))

            return go()
        job = api.get_job("VX-12")
        return api.create_custom_job("TRANSCODE", vc.models.SimpleMetadataType(field=job.data))

    created = flavor.run("vidispine_client", "JobApi", body, client=vidispine_client_kw(server))
    assert created.job_id == "VX-13"
    assert server.requests[1].json() == {"field": [{"key": "item", "value": "VX-77", "origin": "ingest"}]}


def test_edited_model_from_dict_resends_unknown_fields(server, flavor):
    ica = importlib.import_module("ica_v3_client")
    wire = {"reference": "old", "userTags": ["a"], "technicalTags": ["t"], "pipelineCodes": ["dragen"]}
    query = ica.models.AnalysisQueryParameters.from_dict(json.loads(json.dumps(wire)))
    query.reference = "new"
    query.user_tags = ica.UNSET  # removes the field
    query.technical_tags = None  # explicit null
    server.reply(200, {"items": []})
    flavor.call(
        "ica_v3_client",
        "ProjectWorkflowSessionApi",
        "search_workflow_sessions",
        "p1",
        analysis_query_parameters=query,
        client={"base_url": server.url, "access_token": "models-JWT-0002"},
    )
    assert server.only_request().json() == {"reference": "new", "technicalTags": None, "pipelineCodes": ["dragen"]}


# ------------------------------------------------------------------------------------ UNSET vs null


def test_absent_and_null_are_distinct_on_read(server, flavor):
    ica = importlib.import_module("ica_v3_client")
    session = {
        "id": "ws-1",
        "timeCreated": "2024-03-01T10:00:00Z",
        "ownerId": "u",
        "tenantId": "t",
        "userReference": "r",
        "workflow": {"id": "w", "code": "c", "urn": "u", "description": "d", "analysisStorage": {}},
        "status": "REQUESTED",
        "endDate": None,
        "tenantName": None,
        "tags": {"technicalTags": None},
    }
    server.reply(200, {"items": [session], "nextPageToken": None})
    with pytest.warns(DeprecationWarning):
        page = flavor.call(
            "ica_v3_client",
            "ProjectWorkflowSessionApi",
            "get_workflow_sessions",
            "p1",
            client={"base_url": server.url, "access_token": "models-JWT-0002"},
        )
    assert page.next_page_token is None and "nextPageToken" in page
    assert page.total_item_count is ica.UNSET and "totalItemCount" not in page
    (ws,) = page.items
    assert isinstance(ws, ica.models.WorkflowSessionV3)
    assert ws.end_date is None and "endDate" in ws
    assert ws.start_date is ica.UNSET and "startDate" not in ws
    assert ws.tenant_name is None
    assert ws.summary is ica.UNSET
    assert ws.tags.technical_tags is None
    assert ws.tags.user_tags is ica.UNSET
    assert not ica.UNSET and repr(ica.UNSET) == "UNSET"
    out = ws.to_dict()
    assert out["endDate"] is None and "startDate" not in out and "summary" not in out


def test_absent_and_null_are_distinct_on_encode(server, flavor):
    ica = importlib.import_module("ica_v3_client")
    server.reply(200, {"items": []})
    query = ica.models.AnalysisQueryParameters(reference=None, status=["FAILED"], user_tags=[])
    flavor.call(
        "ica_v3_client",
        "ProjectWorkflowSessionApi",
        "search_workflow_sessions",
        "p1",
        analysis_query_parameters=query,
        client={"base_url": server.url, "access_token": "models-JWT-0002"},
    )
    sent = server.only_request().json()
    assert sent == {"reference": None, "status": ["FAILED"], "userTags": []}
    assert "userReference" not in sent and "technicalTags" not in sent


def test_null_in_a_non_nullable_field_is_a_lazy_decode_error(server, flavor):
    vc = importlib.import_module("vidispine_client")
    server.reply(200, {"jobId": "VX-1", "status": "RUNNING", "priority": "LOW", "type": "IMPORT", "user": None})
    job = flavor.call("vidispine_client", "JobApi", "get_job", "VX-1", client=vidispine_client_kw(server))
    assert job.status == "RUNNING"
    with pytest.raises(vc.DecodeError, match=re.escape("JobType.user: expected string, got null")):
        _ = job.user


# --------------------------------------------------------------------------------------- enums


def test_unknown_enum_value_decodes_to_the_plain_string(server, flavor):
    vc = importlib.import_module("vidispine_client")
    server.reply(200, JOB_WITH_EXTRAS)
    job = flavor.call("vidispine_client", "JobApi", "get_job", "VX-12", client=vidispine_client_kw(server))
    unit = job.log.task[0].progress.unit
    assert unit == "frames"
    assert type(unit) is str
    assert not isinstance(unit, vc.models.JobTaskProgressTypeUnit)
    assert job.log.task[0].progress.to_dict()["unit"] == "frames"
    known = vc.models.JobTaskProgressType(unit=vc.models.JobTaskProgressTypeUnit.BYTES, value=1)
    assert known.to_dict() == {"unit": "bytes", "value": 1}


# -------------------------------------------------------------------------------- lazy decode errors


def test_wrong_typed_and_missing_required_fields_raise_decode_error_when_read(server, flavor):
    vc = importlib.import_module("vidispine_client")
    server.reply(200, {"jobId": 12, "priority": "LOW", "type": "IMPORT", "totalSteps": "three"})
    job = flavor.call("vidispine_client", "JobApi", "get_job", "VX-12", client=vidispine_client_kw(server))
    assert job.priority == "LOW"  # the call itself succeeds; fields are converted when read
    with pytest.raises(vc.DecodeError, match=re.escape("JobType.job_id: expected string, got integer")) as info:
        _ = job.job_id
    assert type(info.value) is vc.DecodeError
    assert isinstance(info.value, ValueError)
    with pytest.raises(vc.DecodeError, match="required field 'status' is missing"):
        _ = job.status
    with pytest.raises(vc.DecodeError, match=re.escape("JobType.total_steps: expected integer, got string")):
        _ = job.total_steps
    assert "job_id=<invalid 12>" in repr(job)  # repr never raises


def test_wrong_typed_nested_field_is_a_decode_error(server, flavor):
    tes = importlib.import_module("libtes_client")
    server.reply(200, {"id": "tvn.1", "execution": {"args": "not-a-list", "retryLimit": 2.5, "image": []}})
    tv = flavor.call(
        "libtes_client",
        "TaskVersionsApi",
        "get_task_version",
        "t",
        "v",
        client={"base_url": server.url, "access_token": "models-TOKEN-0003"},
    )
    assert tv.id == "tvn.1"
    with pytest.raises(tes.DecodeError, match=re.escape("Execution.args: expected array, got string")):
        _ = tv.execution.args
    with pytest.raises(tes.DecodeError, match=re.escape("Execution.retry_limit: expected integer, got number")):
        _ = tv.execution.retry_limit
    with pytest.raises(tes.DecodeError, match=re.escape("Execution.image: expected object, got array")):
        _ = tv.execution.image


def test_wrong_typed_items_of_a_plain_list_or_map_field_are_not_detected(server, flavor):
    """Regression (_model.py ``Field.__get__`` with ``ListOf``/``DictOf`` of plain values): the field
    only checks that the value is an array/object (``ListOf.check``), never its items, so
    ``TaskVersion.acl`` (list[str]) returns ``["wid:1", 2]`` and ``Environment.variables``
    (dict[str, str]) returns ``{"A": 1}`` without a DecodeError, although the same codec
    rejects such items when it decodes a whole response (``ListOf.decode``)."""
    tes = importlib.import_module("libtes_client")
    server.reply(200, {"id": "tvn.1", "acl": ["wid:1", 2], "execution": {"environment": {"variables": {"A": 1}}}})
    tv = flavor.call(
        "libtes_client",
        "TaskVersionsApi",
        "get_task_version",
        "t",
        "v",
        client={"base_url": server.url, "access_token": "models-TOKEN-0003"},
    )
    with pytest.raises(tes.DecodeError, match=r"TaskVersion.acl\[1\]: expected string, got integer"):
        _ = tv.acl
    with pytest.raises(tes.DecodeError, match="expected string, got integer"):
        _ = tv.execution.environment.variables


# ------------------------------------------------------------------------- surprising success bodies

# (package, api, method, args, kwargs, client kwargs)
OBJECT_OPERATIONS = [
    ("libtes_client", "TaskVersionsApi", "get_task_version", ("t", "v"), {}, {"access_token": "models-TOKEN-0003"}),
    (
        "etherpad_client",
        "SessionApi",
        "get_session_info_using_get",
        (),
        {"session_id": "s"},
        {"api_key": "models-KEY-0004"},
    ),
    ("vidispine_client", "JobApi", "get_job", ("VX-1",), {}, {"username": "models-user", "password": "models-PW-0005"}),
    (
        "ica_v3_client",
        "ProjectWorkflowSessionApi",
        "get_workflow_session_inputs",
        ("p", "w"),
        {},
        {"api_key": "models-KEY-0004"},
    ),
]  # CONS3RT (array responses) has its own cases in test_clients_cons3rt.py
BAD_BODIES = [
    ("[]", "application/json", "expected object, got array"),
    ("null", "application/json", "expected object, got null"),
    ('"FINISHED"', "application/json", "expected object, got string"),
    ('{"id": ', "application/json", "not valid JSON"),
    ("<!DOCTYPE html><html><body>Maintenance</body></html>", "text/html; charset=utf-8", "not valid JSON (text/html"),
    ("", None, "not valid JSON"),
    ("\xff\xfe", "application/json", "not valid JSON"),
]


@pytest.mark.parametrize(
    ("package", "api", "method", "args", "kwargs", "creds"), OBJECT_OPERATIONS, ids=[op[0] for op in OBJECT_OPERATIONS]
)
@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    BAD_BODIES,
    ids=["array", "null", "string", "truncated", "html", "empty", "bytes"],
)
def test_surprising_success_body_raises_response_decode_error(
    server, flavor, package, api, method, args, kwargs, creds, body, content_type, message
):
    errs = importlib.import_module(f"{package}.errors")
    raw = body.encode("latin-1") if body == "\xff\xfe" else body.encode()
    server.reply(200, body=raw, content_type=content_type, headers={"X-Trace": "t-9"})
    with pytest.raises(errs.ResponseDecodeError) as info:
        flavor.call(package, api, method, *args, client={"base_url": server.url, **creds}, **kwargs)
    err = info.value
    assert message in str(err)
    assert isinstance(err, errs.DecodeError) and isinstance(err, ValueError)
    assert not isinstance(err, errs.ApiStatusError)
    assert err.status == 200
    assert err.body == raw
    assert err.headers["x-trace"] == "t-9"
    assert err.method == server.only_request().method
    assert err.url == server.url + server.only_request().path


# ------------------------------------------------------------------------- reading without a server
# The model layer's shortcuts (a property per field, a plain value returned at once, enum lookups,
# date-times read directly on Python 3.11+, arrays of objects wrapped in one loop) must give what
# the general path gives.


def _session(**changes):
    session = {
        "id": "ws-1",
        "timeCreated": "2024-03-01T10:00:00Z",
        "ownerId": "u",
        "tenantId": "t",
        "userReference": "r",
        "workflow": {"id": "w", "code": "c", "urn": "u", "description": "d", "analysisStorage": {"id": "s"}},
        "status": "REQUESTED",
        "tags": {"technicalTags": ["a"]},
    }
    session.update(changes)
    return session


def test_enum_reads_give_the_member_or_the_raw_value():
    ica = importlib.import_module("ica_v3_client")
    models = ica.models
    ws = models.WorkflowSessionV3.from_dict(_session(status="SUCCEEDED"))
    assert ws.status is models.WorkflowSessionV3Status.SUCCEEDED
    for raw in ("succeeded", 7, ["SUCCEEDED"], {"status": "SUCCEEDED"}):
        ws = models.WorkflowSessionV3.from_dict(_session(status=raw))
        assert ws.status == raw and type(ws.status) is type(raw)
    ws.status = "SUCCEEDED"  # a plain string given is read back as given
    assert type(ws.status) is str and ws["status"] == "SUCCEEDED"
    ws.status = models.WorkflowSessionV3Status.FAILED
    assert ws.status is models.WorkflowSessionV3Status.FAILED and ws.to_dict()["status"] == "FAILED"


UTC = dt.timezone.utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-01T10:00:00Z", dt.datetime(2024, 3, 1, 10, tzinfo=UTC)),
        ("2024-03-01T10:00:00.123Z", dt.datetime(2024, 3, 1, 10, 0, 0, 123000, tzinfo=UTC)),
        ("2024-03-01T10:00:00.1234567Z", dt.datetime(2024, 3, 1, 10, 0, 0, 123456, tzinfo=UTC)),
        ("2024-03-01T10:00:00.5z", dt.datetime(2024, 3, 1, 10, 0, 0, 500000, tzinfo=UTC)),
        ("2024-03-01T10:00:00+01:00", dt.datetime(2024, 3, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=1)))),
        ("2024-03-01T10:00:00", dt.datetime(2024, 3, 1, 10)),
    ],
)
def test_date_time_forms(text, expected):
    ica = importlib.import_module("ica_v3_client")
    ws = ica.models.WorkflowSessionV3.from_dict(_session(timeCreated=text))
    assert ws.time_created == expected
    assert ws.time_created.utcoffset() == expected.utcoffset()
    assert ws.to_dict()["timeCreated"] == text  # reading does not rewrite the JSON


@pytest.mark.parametrize("raw", ["yesterday", 1709287200, None])
def test_a_bad_date_time_is_a_decode_error_when_read(raw):
    ica = importlib.import_module("ica_v3_client")
    ws = ica.models.WorkflowSessionV3.from_dict(_session(timeCreated=raw))
    kind = "null" if raw is None else repr(raw)
    with pytest.raises(
        ica.DecodeError,
        match=re.escape(f"WorkflowSessionV3.time_created: expected date-time string, got {kind}"),
    ):
        _ = ws.time_created


def test_plain_fields_are_type_checked_on_every_read():
    ica = importlib.import_module("ica_v3_client")
    page = ica.models.WorkflowSessionPagedListV3.from_dict({"items": [], "remainingRecords": 3.0})
    assert page.remaining_records == 3.0  # an integral number is an integer
    page["remainingRecords"] = True
    with pytest.raises(ica.DecodeError, match="remaining_records: expected integer, got boolean"):
        _ = page.remaining_records
    page.remaining_records = None
    assert page.remaining_records is None and page.to_dict() == {"items": [], "remainingRecords": None}


def test_a_field_without_a_wire_name_uses_its_attribute_name_and_an_empty_one_is_kept():
    runtime = importlib.import_module("ica_v3_client._model")

    class Thing(runtime.Model):
        __slots__ = ()
        name: str = runtime.field(runtime.STR)
        blank: str = runtime.field(runtime.STR, "", default=runtime.UNSET)
        time_created: str = runtime.field(runtime.STR, "timeCreated", default=runtime.UNSET)

    thing = Thing(name="n", blank="b", time_created="t")
    assert thing.to_dict() == {"name": "n", "": "b", "timeCreated": "t"}
    read = Thing.from_dict({"name": "x", "": "y", "timeCreated": "z", "blank": "not this"})
    assert (read.name, read.blank, read.time_created) == ("x", "y", "z")
    with pytest.raises(runtime.DecodeError, match="required field 'name' is missing"):
        _ = Thing.from_dict({}).name


def test_nested_models_are_read_once_and_changes_in_place_are_kept():
    ica = importlib.import_module("ica_v3_client")
    models = ica.models
    page = models.WorkflowSessionPagedListV3.from_dict({"items": [_session(), _session(id="ws-2")]})
    assert page.items is page.items
    first = page.items[0]
    assert isinstance(first, models.WorkflowSessionV3)
    assert first.workflow is first.workflow
    first.workflow.code = "changed"
    page.items.append(models.WorkflowSessionV3.from_dict(_session(id="ws-3")))
    out = page.to_dict()
    assert [s["id"] for s in out["items"]] == ["ws-1", "ws-2", "ws-3"]
    assert out["items"][0]["workflow"]["code"] == "changed"


def test_a_list_item_that_is_not_an_object_is_a_decode_error_naming_its_index():
    ica = importlib.import_module("ica_v3_client")
    page = ica.models.WorkflowSessionPagedListV3.from_dict({"items": [_session(), 5]})
    with pytest.raises(
        ica.DecodeError,
        match=re.escape("WorkflowSessionPagedListV3.items[1]: expected object, got integer"),
    ):
        _ = page.items


# ------------------------------------------------------------------------------------------ bugs


def test_reading_a_date_time_field_rewrites_it_in_to_dict(server, flavor):
    """Regression (_model.py ``Model._encode``): every value cached by a *read* is re-encoded, so merely
    reading a date-time field (or ``repr()``, which asyncio itself calls on a task's result) changes
    what ``to_dict()`` and a resend produce: "…Z" becomes "+00:00" and digits beyond microseconds
    are dropped (.NET servers send 7). Reading should not change the JSON the model wraps."""
    wire = {"id": "tvn.1", "timeCreated": "2021-06-01T12:00:00.1234567Z", "timeModified": "2021-06-02T08:00:00Z"}
    server.reply(200, wire)
    tv = flavor.call(
        "libtes_client",
        "TaskVersionsApi",
        "get_task_version",
        "t",
        "v",
        client={"base_url": server.url, "access_token": "models-TOKEN-0003"},
    )
    assert tv.time_created.microsecond == 123456
    assert tv.time_modified.hour == 8
    assert tv.to_dict() == wire
