"""What users expect of a first-rate SDK: per-call options, ``with_options``, configuration from
the environment, the User-Agent, debug logging and Idempotency-Key, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import logging
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

import libtes_client
import pytest
from libtes_client import errors
from libtes_client.models import LaunchTaskRequest

TOKEN = "libtes-JWT-s3cr3t"
GENERATED = Path(__file__).resolve().parents[2] / "generated"


def _client(server: Any, **extra: Any) -> libtes_client.ApiClient:
    return libtes_client.ApiClient(server.url, **{"access_token": TOKEN, **extra})


def test_extra_headers_query_and_body_per_call(server: Any) -> None:
    server.reply(201, {"id": "trn.1"})
    with _client(server) as client:
        libtes_client.TaskVersionsApi(client).launch_task_run(
            "tsk.1",
            "tvn.1",
            body=LaunchTaskRequest(name="run"),
            request_options={
                "extra_headers": {"X-Trace": "t-1"},
                "extra_query": {"dry run": True, "n": 2},
                "extra_body": {"beta": {"on": 1}},
            },
        )
    request = server.only_request()
    assert request.headers["x-trace"] == "t-1"
    assert request.query == "dry%20run=true&n=2"
    assert request.json() == {"name": "run", "beta": {"on": 1}}


def test_extra_body_without_a_body_sends_just_the_extra(server: Any) -> None:
    server.reply(201, {"id": "trn.1"})
    with _client(server) as client:
        libtes_client.TaskVersionsApi(client).launch_task_run(
            "tsk.1", "tvn.1", request_options={"extra_body": {"name": "x"}}
        )
    assert server.only_request().json() == {"name": "x"}


def test_unknown_request_options_are_an_error_and_nothing_is_sent(server: Any) -> None:
    with _client(server) as client:
        with pytest.raises(errors.InvalidRequestError, match="unknown request_options retries"):
            libtes_client.TaskVersionsApi(client).get_task_version(
                "t", "v", request_options={"retries": 3}  # type: ignore[typeddict-unknown-key]
            )
    assert server.requests == []


def test_with_options_copies_the_client_and_shares_the_pool(server: Any, sleeps: list[float]) -> None:
    server.reply(503).reply(503).reply(200, {"id": "tvn.1"})
    with _client(server, headers={"X-App": "a"}) as client:
        patient = client.with_options(max_retries=5, headers={"X-Extra": "e"}, timeout=3.0)
        assert type(patient) is libtes_client.ApiClient
        assert (client.max_retries, patient.max_retries) == (2, 5)
        libtes_client.TaskVersionsApi(patient).get_task_version("t", "v")
        patient.close()  # the copy does not own the pool
        server.reply(200, {"id": "tvn.1"})
        libtes_client.TaskVersionsApi(client).get_task_version("t", "v")
    first, last = server.requests[0], server.requests[-1]
    assert (first.headers["x-app"], first.headers["x-extra"]) == ("a", "e")
    assert "x-extra" not in last.headers
    assert len(server.requests) == 4
    with pytest.raises(errors.InvalidRequestError):
        client.with_options(timeout=-1)


def test_base_url_and_credentials_from_the_environment(server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIBTES_CLIENT_BASE_URL", server.url + "/env")
    monkeypatch.setenv("LIBTES_CLIENT_ACCESS_TOKEN", TOKEN)
    server.reply(200, {"id": "tvn.1"}).reply(200, {"id": "tvn.1"})
    with libtes_client.ApiClient() as client:
        libtes_client.TaskVersionsApi(client).get_task_version("t", "v")
    with libtes_client.ApiClient(server.url + "/arg", access_token="explicit") as client:
        libtes_client.TaskVersionsApi(client).get_task_version("t", "v")
    from_env, explicit = server.requests
    assert from_env.path.startswith("/env/") and from_env.headers["authorization"] == f"Bearer {TOKEN}"
    assert explicit.path.startswith("/arg/") and explicit.headers["authorization"] == "Bearer explicit"


def test_user_agent_names_package_version_and_python(server: Any) -> None:
    server.reply(200, {"id": "tvn.1"})
    with _client(server) as client:
        libtes_client.TaskVersionsApi(client).get_task_version("t", "v")
    agent = server.only_request().headers["user-agent"]
    assert agent.startswith(f"libtes_client/{libtes_client.__version__} Python/{platform.python_version()} httpx/")


def test_debug_log_has_each_exchange_without_credentials(server: Any, caplog: pytest.LogCaptureFixture) -> None:
    server.reply(404, {"message": "gone"})
    with caplog.at_level(logging.DEBUG, logger="libtes_client"), _client(server) as client:
        with pytest.raises(libtes_client.NotFoundError):
            libtes_client.TaskVersionsApi(client).get_task_version("t", "v")
    lines = [r.getMessage() for r in caplog.records if r.name == "libtes_client"]
    assert any(line.startswith("GET ") and line.endswith("-> 404 Not Found (19 bytes)") for line in lines), lines
    assert not any(TOKEN in line for line in lines)


def test_log_environment_switch_prints_the_exchange_to_stderr(server: Any) -> None:
    server.reply(200, {"id": "tvn.1"})
    script = (
        "import libtes_client\n"
        f"with libtes_client.ApiClient({server.url!r}, access_token={TOKEN!r}) as c:\n"
        "    libtes_client.TaskVersionsApi(c).get_task_version('t', 'v')\n"
    )
    env = {**os.environ, "LIBTES_CLIENT_LOG": "debug", "PYTHONPATH": str(GENERATED)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert "libtes_client DEBUG GET " in result.stderr
    assert "-> 200 OK" in result.stderr
    assert TOKEN not in result.stderr


def test_idempotency_key_is_the_same_on_each_retry_of_a_post(server: Any) -> None:
    server.reply(503).reply(201, {"id": "trn.1"}).reply(201, {"id": "trn.2"}).reply(201, {"id": "trn.3"})
    with _client(server, idempotency_header="Idempotency-Key") as client:
        api = libtes_client.TaskVersionsApi(client)
        api.launch_task_run("tsk.1", "tvn.1", request_options={"retry_non_idempotent": True})
        api.launch_task_run("tsk.1", "tvn.1", request_options={"retry_non_idempotent": True, "idempotency_key": "k-1"})
        api.launch_task_run("tsk.1", "tvn.1")  # not retried: no key needed
    retried, again, chosen, plain = server.requests
    assert retried.headers["idempotency-key"] == again.headers["idempotency-key"]
    assert len(retried.headers["idempotency-key"]) == 36
    assert chosen.headers["idempotency-key"] == "k-1"
    assert "idempotency-key" not in plain.headers


def test_no_idempotency_key_unless_configured(server: Any) -> None:
    server.reply(201, {"id": "trn.1"})
    with _client(server) as client:
        libtes_client.TaskVersionsApi(client).launch_task_run(
            "tsk.1", "tvn.1", request_options={"retry_non_idempotent": True}
        )
    assert "idempotency-key" not in server.only_request().headers


def test_api_classes_have_a_useful_repr(server: Any) -> None:
    with _client(server) as client:
        text = repr(libtes_client.TaskVersionsApi(client))
    assert text == f"TaskVersionsApi(ApiClient(base_url={server.url!r}))"
    assert TOKEN not in text


# --------------------------------------------------------------------------- redirects


def test_same_host_redirect_is_followed_with_credentials(server: Any) -> None:
    server.reply(302, headers={"Location": "/moved/here?x=1"}).reply(200, {"id": "tvn.1"})
    with _client(server) as client:
        result = libtes_client.TaskVersionsApi(client).get_task_version("t", "v")
    assert result.id == "tvn.1"
    _, moved = server.requests
    assert moved.target == "/moved/here?x=1"
    assert moved.headers["authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize(("status", "method", "body"), [(303, "GET", b""), (307, "POST", b'{"name":"run"}')])
def test_post_redirects_follow_the_status_rules(server: Any, status: int, method: str, body: bytes) -> None:
    server.reply(status, headers={"Location": "/next"}).reply(201, {"id": "trn.1"})
    with _client(server) as client:
        libtes_client.TaskVersionsApi(client).launch_task_run("tsk.1", "tvn.1", body=LaunchTaskRequest(name="run"))
    redirected = server.requests[1]
    assert (redirected.method, redirected.path, redirected.body) == (method, "/next", body)


def test_a_redirect_loop_is_a_clear_error(server: Any) -> None:
    for _ in range(12):
        server.reply(301, headers={"Location": "/loop"})
    with _client(server) as client:
        with pytest.raises(errors.ApiConnectionError, match="redirected more than 10 times"):
            libtes_client.TaskVersionsApi(client).get_task_version("t", "v")
    assert len(server.requests) == 11


def test_a_redirect_to_another_host_is_not_followed(server: Any) -> None:
    other = server.url.replace("127.0.0.1", "localhost")
    server.reply(302, body=b"see elsewhere", headers={"Location": other + "/steal"})
    with _client(server) as client:
        with pytest.raises(errors.ApiStatusError) as info:
            libtes_client.TaskVersionsApi(client).get_task_version("t", "v")
    assert info.value.status == 302
    assert len(server.requests) == 1


def test_raw_response_has_request_elapsed_and_headers(server: Any) -> None:
    server.reply(200, {"id": "tvn.1"}, headers={"X-Request-Id": "r-9"})
    with _client(server) as client:
        raw = libtes_client.TaskVersionsApi(client).with_raw_response.get_task_version("t", "v")
    assert raw.data.id == "tvn.1"
    assert raw.headers["x-request-id"] == "r-9"
    assert raw.request.method == "GET" and raw.request.url.path == "/v1/tasks/t/versions/v"
    assert raw.elapsed.total_seconds() >= 0
    assert raw.http_version == "HTTP/1.1"
    assert TOKEN not in repr(raw)


# --------------------------------------------------------------------------- streaming


def test_streaming_response_iterates_the_body(server: Any) -> None:
    lines = b"".join(b'{"line": %d}\n' % n for n in range(1000))
    server.reply(200, body=lines, content_type="application/json")
    with _client(server) as client:
        api = libtes_client.TaskVersionsApi(client)
        with api.with_streaming_response.get_task_version("t", "v") as response:
            assert response.status_code == 200
            assert response.headers["content-type"] == "application/json"
            got = list(response.iter_lines())
    assert got[0] == '{"line": 0}' and got[-1] == '{"line": 999}' and len(got) == 1000


def test_streaming_response_raises_the_error_status(server: Any) -> None:
    server.reply(404, {"message": "no such version"})
    with _client(server) as client:
        api = libtes_client.TaskVersionsApi(client)
        with pytest.raises(libtes_client.NotFoundError, match="no such version"):
            api.with_streaming_response.get_task_version("t", "v")


def test_streaming_response_with_a_lying_content_encoding(server: Any) -> None:
    server.reply(200, body=b"plain", headers={"Content-Encoding": "gzip"})
    with _client(server) as client:
        api = libtes_client.TaskVersionsApi(client)
        with api.with_streaming_response.get_task_version("t", "v") as response:
            with pytest.raises(errors.ResponseDecodeError, match="gzip"):
                response.read()


def test_async_streaming_response(server: Any) -> None:
    import anyio

    server.reply(200, body=b"x" * 100_000, content_type="application/octet-stream")

    async def go() -> int:
        async with libtes_client.AsyncApiClient(server.url, access_token=TOKEN) as client:
            api = libtes_client.AsyncTaskVersionsApi(client)
            async with await api.with_streaming_response.get_task_version("t", "v") as response:
                return sum([len(chunk) async for chunk in response.aiter_bytes()])

    assert anyio.run(go) == 100_000
