"""The generated ``testing`` module: a fake server with typed answers, decoded calls, and a
failure on any request the spec does not describe."""

from __future__ import annotations

import anyio
import pytest
from etherpad_client import ApiResultError, SessionApi
from etherpad_client.models import GetSessionInfoUsingGET200Response
from etherpad_client.testing import FakeServer as EtherpadFake
from libtes_client import AsyncTaskVersionsApi, NotFoundError, TaskVersionsApi
from libtes_client.models import LaunchTaskRequest, TaskRun, TaskVersion
from libtes_client.testing import FakeServer, UnexpectedRequest


def test_answers_in_turn_and_the_last_repeats() -> None:
    fake = FakeServer()
    fake.get_task_version.returns(TaskVersion(id="tvn.1"), TaskVersion(id="tvn.2"))
    with fake.client() as client:
        api = TaskVersionsApi(client)
        ids = [api.get_task_version("t", "v").id for _ in range(3)]
    assert ids == ["tvn.1", "tvn.2", "tvn.2"]
    assert len(fake.get_task_version.calls) == 3


def test_calls_are_decoded_into_parameters_and_body_models() -> None:
    fake = FakeServer()
    fake.launch_task_run.returns(TaskRun(id="trn.1"))
    with fake.client() as client:
        run = TaskVersionsApi(client).launch_task_run("tsk 1", "tvn/2", body=LaunchTaskRequest(name="nightly"))
    assert run.id == "trn.1"
    (call,) = fake.calls
    assert (call.operation, call.method) == ("launch_task_run", "POST")
    assert call.params == {"task_id": "tsk 1", "version_id": "tvn/2"}  # by argument name
    assert call.wire_params == {"taskId": "tsk 1", "versionId": "tvn/2"}  # by wire name, as sent
    assert isinstance(call.body, LaunchTaskRequest) and call.body.name == "nightly"


def test_query_parameters_and_an_envelope_error() -> None:
    fake = EtherpadFake()
    fake.get_session_info_using_get.returns(
        GetSessionInfoUsingGET200Response.from_dict({"code": 1, "message": "sessionID does not exist"})
    )
    with fake.client(api_key="k") as client:
        with pytest.raises(ApiResultError, match="sessionID does not exist"):
            SessionApi(client).get_session_info_using_get(session_id="s.1")
    assert fake.calls[0].params == {"session_id": "s.1"}
    assert fake.calls[0].wire_params == {"sessionID": "s.1"}


def test_errors_are_the_clients_typed_errors() -> None:
    fake = FakeServer()
    fake.get_task_version.fails(404, {"message": "no such version"})
    with fake.client() as client:
        with pytest.raises(NotFoundError, match="no such version"):
            TaskVersionsApi(client).get_task_version("t", "v")


def test_a_request_the_spec_does_not_describe_fails_the_test() -> None:
    fake = FakeServer()
    with fake.client() as client:
        with pytest.raises(UnexpectedRequest, match="describes no such operation"):
            client._http.get("http://fake.invalid/v1/nowhere")
        with pytest.raises(UnexpectedRequest, match="no answer"):
            TaskVersionsApi(client).get_task_version("t", "v")
    with pytest.raises(AttributeError, match="no operation 'get_nothing'"):
        _ = fake.get_nothing


def test_an_answer_of_the_wrong_type_is_refused() -> None:
    fake = FakeServer()
    with pytest.raises(TypeError, match="get_task_version returns TaskVersion, got TaskRun"):
        fake.get_task_version.returns(TaskRun(id="trn.1"))


def test_the_async_client() -> None:
    fake = FakeServer()
    fake.get_task_version.returns(TaskVersion(id="tvn.1"))

    async def go() -> str | None:
        async with fake.async_client() as client:
            result = await AsyncTaskVersionsApi(client).get_task_version("t", "v")
            return result.id or None

    assert anyio.run(go) == "tvn.1"
