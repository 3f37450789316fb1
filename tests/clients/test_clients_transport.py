"""Transport behaviour shared by all generated clients: timeouts, retries, raw responses, secrets,
closing, caller-supplied httpx clients. Over real HTTP on 127.0.0.1, sync and async."""

from __future__ import annotations

import asyncio
import base64
import email.utils
import importlib
import logging
import socket
import time

import httpx

# the generated packages load submodules lazily; make `<pkg>.models` available as an attribute
import ica_v3_client.models  # noqa: F401
import libtes_client.models  # noqa: F401
import pytest
import vidispine_client.models  # noqa: F401

# --------------------------------------------------------------------------------------------
# One cheap GET and one POST per package, with the credentials each API uses
# --------------------------------------------------------------------------------------------

SECRETS = {
    "cons3rt_client": {"token": "cons3rt-TOKEN-s3cr3t", "username": "jdoe"},
    "libtes_client": {"access_token": "libtes-JWT-s3cr3t"},
    "etherpad_client": {"api_key": "etherpad-KEY-s3cr3t"},
    "vidispine_client": {"username": "admin", "password": "vidi-PW-s3cr3t"},
    "ica_v3_client": {"access_token": "ica-JWT-s3cr3t", "api_key": "ica-KEY-s3cr3t"},
}
SECRET_VALUES = {
    "cons3rt_client": ["cons3rt-TOKEN-s3cr3t"],
    "libtes_client": ["libtes-JWT-s3cr3t"],
    "etherpad_client": ["etherpad-KEY-s3cr3t"],
    "vidispine_client": ["vidi-PW-s3cr3t", base64.b64encode(b"admin:vidi-PW-s3cr3t").decode()],
    "ica_v3_client": ["ica-JWT-s3cr3t", "ica-KEY-s3cr3t"],
}
API = {
    "cons3rt_client": "ClientApi",
    "libtes_client": "TaskVersionsApi",
    "etherpad_client": "SessionApi",
    "vidispine_client": "JobApi",
    "ica_v3_client": "ProjectWorkflowSessionApi",
}
# (method, args, kwargs, a JSON success body) for an idempotent GET of each package
GET = {
    "cons3rt_client": ("list_composition_status", (), {}, []),
    "libtes_client": ("get_task_version", ("tsk.1", "tvn.1"), {}, {"id": "tvn.1"}),
    "etherpad_client": ("get_session_info_using_get", (), {"session_id": "s.1"}, {"code": 0, "data": None}),
    "vidispine_client": ("get_job_types", (), {}, {"uri": ["TRANSCODE"]}),
    "ica_v3_client": ("get_workflow_session_inputs", ("p1", "ws1"), {}, {"items": []}),
}
# the same for a POST (not idempotent)
POST = {
    "cons3rt_client": ("launch_composition", ("42",), {}, [1]),
    "libtes_client": ("launch_task_run", ("tsk.1", "tvn.1"), {}, {"id": "trn.1"}),
    "etherpad_client": ("delete_session_using_post", (), {"session_id": "s.1"}, {"code": 0, "data": None}),
    "vidispine_client": ("create_duplicate_job", ("VX-1",), {}, {"jobId": "VX-2"}),
    "ica_v3_client": ("search_workflow_sessions", ("p1",), {}, {"items": []}),
}
PACKAGES = list(API)


def client_kw(server, package, **extra):
    return {"base_url": server.url + "/base", **SECRETS[package], **extra}


def run_get(flavor, server, package, client_extra=None, **call_extra):
    method, args, kwargs, _ = GET[package]
    return flavor.call(
        package,
        API[package],
        method,
        *args,
        client=client_kw(server, package, **(client_extra or {})),
        **kwargs,
        **call_extra,
    )


def run_post(flavor, server, package, client_extra=None, **call_extra):
    method, args, kwargs, _ = POST[package]
    return flavor.call(
        package,
        API[package],
        method,
        *args,
        client=client_kw(server, package, **(client_extra or {})),
        **kwargs,
        **call_extra,
    )


def errors_of(package):
    return importlib.import_module(f"{package}.errors")


def assert_no_secret(package, *texts):
    for text in texts:
        for secret in SECRET_VALUES[package]:
            assert secret not in text, (secret, text)


# --------------------------------------------------------------------------------------------
# Timeouts
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("package", PACKAGES)
def test_default_timeout_is_60s_read_10s_connect(package):
    mod = importlib.import_module(package)
    with mod.ApiClient(**SECRETS[package]) as client:
        assert client._http.timeout == httpx.Timeout(60.0, connect=10.0)
    async_client = mod.AsyncApiClient(**SECRETS[package])
    assert async_client._http.timeout == httpx.Timeout(60.0, connect=10.0)
    asyncio.run(async_client.aclose())
    with mod.ApiClient(timeout=5.0) as client:
        assert client._http.timeout == httpx.Timeout(5.0)


@pytest.mark.parametrize("package", ["vidispine_client", "ica_v3_client"])
def test_client_timeout_raises_api_timeout_error(server, flavor, package):
    errs = errors_of(package)
    _, _, _, body = GET[package]
    server.reply(200, body, delay=1.0)
    start = time.monotonic()
    with pytest.raises(errs.ApiTimeoutError) as info:
        run_get(flavor, server, package, client_extra={"timeout": 0.2, "max_retries": 0})
    assert time.monotonic() - start < 0.9
    err = info.value
    assert isinstance(err, errs.ApiConnectionError)
    assert "timed out" in str(err)
    assert err.method == "GET"
    assert err.url.startswith(server.url + "/base/")
    assert_no_secret(package, str(err), repr(err))


def test_per_call_timeout_overrides_the_default(server, flavor):
    errs = errors_of("libtes_client")
    server.reply(200, {"id": "tvn.1"}, delay=1.0)
    start = time.monotonic()
    with pytest.raises(errs.ApiTimeoutError):
        run_get(flavor, server, "libtes_client", request_options={"timeout": 0.2, "max_retries": 0})
    assert time.monotonic() - start < 0.9


def test_per_call_timeout_can_be_longer_than_the_client_timeout(server, flavor):
    server.reply(200, {"id": "tvn.1"}, delay=0.15)
    result = run_get(
        flavor,
        server,
        "libtes_client",
        client_extra={"timeout": 0.05, "max_retries": 0},
        request_options={"timeout": 5.0},
    )
    assert result.id == "tvn.1"


def test_timeout_of_a_get_is_retried(server, flavor, sleeps):
    server.reply(200, {"uri": ["SLOW"]}, delay=1.0)
    server.reply(200, {"uri": ["FAST"]})
    result = run_get(flavor, server, "vidispine_client", client_extra={"timeout": 0.2})
    assert result.uri == ["FAST"]
    assert len(server.requests) == 2
    assert len(sleeps) == 1


def test_timeout_of_a_post_is_not_retried(server, flavor, sleeps):
    errs = errors_of("vidispine_client")
    server.reply(200, {"jobId": "VX-2"}, delay=1.0)
    with pytest.raises(errs.ApiTimeoutError):
        run_post(flavor, server, "vidispine_client", client_extra={"timeout": 0.2})
    assert len(server.requests) == 1
    assert sleeps == []


def test_connection_refused_is_api_connection_error_after_retries(flavor, sleeps):
    errs = errors_of("vidispine_client")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(errs.ApiConnectionError) as info:
        flavor.call(
            "vidispine_client",
            "JobApi",
            "get_job_types",
            client={"base_url": f"http://127.0.0.1:{port}/API", **SECRETS["vidispine_client"]},
        )
    assert not isinstance(info.value, errs.ApiTimeoutError)
    assert "ConnectError" in str(info.value)
    assert len(sleeps) == 2  # two retries, with backoff
    assert_no_secret("vidispine_client", str(info.value))


# --------------------------------------------------------------------------------------------
# Retries
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("package", PACKAGES)
def test_get_is_retried_on_503_honouring_retry_after(server, flavor, sleeps, package):
    _, _, _, body = GET[package]
    server.reply(503, body="busy", headers={"Retry-After": "3"})
    server.reply(503, body="busy", headers={"Retry-After": "0.25"})
    server.reply(200, body)
    run_get(flavor, server, package)
    assert sleeps == [3.0, 0.25]
    assert len(server.requests) == 3
    first = server.requests[0]
    for again in server.requests[1:]:
        assert (again.method, again.target, again.body) == (first.method, first.target, first.body)
        assert again.headers.get("authorization") == first.headers.get("authorization")
    assert server.unscripted == 0


def test_retry_after_ms_and_http_date(server, flavor, sleeps):
    soon = email.utils.formatdate(time.time() + 5, usegmt=True)
    server.reply(429, headers={"retry-after-ms": "1500"})
    server.reply(502, headers={"Retry-After": soon})
    server.reply(200, {"uri": []})
    run_get(flavor, server, "vidispine_client", client_extra={"max_retries": 3})
    assert sleeps[0] == 1.5
    assert 3.0 < sleeps[1] <= 5.0


def test_backoff_without_or_with_too_long_retry_after(server, flavor, sleeps):
    server.reply(500)
    server.reply(504, headers={"Retry-After": "3600"})  # more than a minute: ignored
    server.reply(408)
    server.reply(200, {"uri": []})
    run_get(flavor, server, "vidispine_client", client_extra={"max_retries": 3})
    assert len(sleeps) == 3
    assert 0.375 <= sleeps[0] <= 0.5
    assert 0.75 <= sleeps[1] <= 1.0
    assert 1.5 <= sleeps[2] <= 2.0


@pytest.mark.parametrize("value", ["soon", "Mon, 99 Foo 2024 25:61:61 GMT"])
def test_unparseable_retry_after_falls_back_to_backoff(server, flavor, sleeps, value):
    """Regression (_transport.py ``_retry_after``): ``email.utils.parsedate_to_datetime`` raises
    ValueError for a value that is neither seconds nor an HTTP date (Python >= 3.10), and nothing
    catches it, so a 503 with a garbage ``Retry-After`` escapes as a bare ValueError instead of
    being retried after the normal backoff."""
    server.reply(503, headers={"Retry-After": value})
    server.reply(200, {"uri": ["OK"]})
    result = run_get(flavor, server, "vidispine_client")
    assert result.uri == ["OK"]
    assert len(sleeps) == 1 and 0.375 <= sleeps[0] <= 0.5


def test_retries_exhausted_raise_the_last_error(server, flavor, sleeps):
    errs = errors_of("libtes_client")
    for _ in range(3):
        server.reply(503, {"code": "Unavailable", "message": "try later"}, headers={"Retry-After": "1"})
    with pytest.raises(errs.ServiceUnavailableError) as info:
        run_get(flavor, server, "libtes_client")
    assert info.value.status == 503
    assert info.value.model.message == "try later"
    assert len(server.requests) == 3  # 1 + DEFAULT_MAX_RETRIES (2)
    assert sleeps == [1.0, 1.0]


def test_max_retries_zero_on_the_client(server, flavor, sleeps):
    errs = errors_of("ica_v3_client")
    server.reply(503)
    with pytest.raises(errs.ServiceUnavailableError):
        run_get(flavor, server, "ica_v3_client", client_extra={"max_retries": 0})
    assert len(server.requests) == 1
    assert sleeps == []


def test_max_retries_per_call(server, flavor, sleeps):
    errs = errors_of("ica_v3_client")
    server.reply(503)
    server.reply(503)
    with pytest.raises(errs.ServiceUnavailableError):
        run_get(flavor, server, "ica_v3_client", client_extra={"max_retries": 0}, request_options={"max_retries": 1})
    assert len(server.requests) == 2
    assert len(sleeps) == 1


@pytest.mark.parametrize("package", PACKAGES)
def test_post_is_not_retried_by_default(server, flavor, sleeps, package):
    errs = errors_of(package)
    server.reply(503, headers={"Retry-After": "0"})
    with pytest.raises(errs.ServiceUnavailableError):
        run_post(flavor, server, package)
    assert len(server.requests) == 1
    assert sleeps == []


def test_patch_is_not_retried_by_default(server, flavor, sleeps):
    errs = errors_of("libtes_client")
    server.reply(502)
    with pytest.raises(errs.BadGatewayError):
        flavor.call(
            "libtes_client",
            "TaskVersionsApi",
            "update_task_version",
            "tsk.1",
            "tvn.1",
            client=client_kw(server, "libtes_client"),
        )
    assert len(server.requests) == 1


def test_retry_non_idempotent_opt_in_resends_the_same_body(server, flavor, sleeps):
    ica = importlib.import_module("ica_v3_client")
    server.reply(503, headers={"Retry-After": "0.5"})
    server.reply(200, {"items": [], "nextPageToken": ""})
    page = flavor.call(
        "ica_v3_client",
        "ProjectWorkflowSessionApi",
        "search_workflow_sessions",
        "p1",
        analysis_query_parameters=ica.models.AnalysisQueryParameters(reference="r-1"),
        client=client_kw(server, "ica_v3_client"),
        request_options={"retry_non_idempotent": True},
    )
    assert page.items == []
    assert sleeps == [0.5]
    assert [r.method for r in server.requests] == ["POST", "POST"]
    assert server.requests[0].body == server.requests[1].body == b'{"reference":"r-1"}'
    assert server.requests[1].headers["content-type"] == "application/json"


def test_put_and_delete_are_retried(server, flavor, sleeps):
    server.reply(502)
    server.reply(200)
    server.reply(500)
    server.reply(200)

    def body(api):
        if flavor.is_async:

            async def go():
                await api.update_job("VX-1", priority="HIGH")
                await api.abort_job("VX-1")

            return go()
        api.update_job("VX-1", priority="HIGH")
        api.abort_job("VX-1")

    flavor.run("vidispine_client", "JobApi", body, client=client_kw(server, "vidispine_client"))
    assert [r.method for r in server.requests] == ["PUT", "PUT", "DELETE", "DELETE"]
    assert len(sleeps) == 2


@pytest.mark.parametrize("status", [400, 401, 404, 409, 501])
def test_other_statuses_are_not_retried(server, flavor, sleeps, status):
    errs = errors_of("vidispine_client")
    server.reply(status, headers={"Retry-After": "0"})
    with pytest.raises(errs.ApiStatusError) as info:
        run_get(flavor, server, "vidispine_client")
    assert info.value.status == status
    assert len(server.requests) == 1
    assert sleeps == []


# --------------------------------------------------------------------------------------------
# Raw responses
# --------------------------------------------------------------------------------------------


def test_with_raw_response_gives_status_headers_content_and_data(server, flavor):
    tes = importlib.import_module("libtes_client")
    payload = b'{"id": "tvn.9", "version": "2.0.0", "futureField": true}'
    server.reply(201, body=payload, content_type="application/json", headers={"X-Request-Id": "r-77"})
    raw = flavor.call(
        "libtes_client",
        "TaskVersionsApi",
        "create_task_version",
        "tsk.1",
        body=tes.models.CreateTaskVersionRequest(version="2.0.0"),
        client=client_kw(server, "libtes_client"),
        raw=True,
    )
    assert isinstance(raw, tes.ApiResponse)
    assert raw.status_code == 201
    assert raw.headers["x-request-id"] == "r-77"
    assert raw.headers["content-type"] == "application/json"
    assert raw.content == payload
    assert raw.text == payload.decode()
    assert isinstance(raw.data, tes.models.TaskVersion)
    assert raw.data.version == "2.0.0"
    assert raw.data["futureField"] is True
    assert raw.method == "POST"
    assert raw.url == server.url + "/base/v1/tasks/tsk.1/versions"
    assert_no_secret("libtes_client", repr(raw))
    assert "ApiResponse(status_code=201" in repr(raw)


def test_with_raw_response_of_an_empty_operation(server, flavor):
    server.reply(200, headers={"X-Count": "2"})
    raw = flavor.call(
        "vidispine_client",
        "JobApi",
        "delete_jobs",
        ["VX-1", "VX-2"],
        client=client_kw(server, "vidispine_client"),
        raw=True,
    )
    assert (raw.status_code, raw.content, raw.data) == (200, b"", None)
    assert raw.headers["x-count"] == "2"
    assert raw.method == "DELETE"
    assert_no_secret("vidispine_client", repr(raw))


def test_with_raw_response_hides_the_query_api_key(server, flavor):
    server.reply(200, {"code": 0, "message": "ok", "data": {"sessionID": "s.1"}})
    raw = flavor.call(
        "etherpad_client",
        "SessionApi",
        "create_session_using_get",
        group_id="g.1",
        client=client_kw(server, "etherpad_client"),
        raw=True,
    )
    assert server.only_request().query == "groupID=g.1&apikey=etherpad-KEY-s3cr3t"
    assert raw.url == server.url + "/base/createSession"
    assert raw.data.data.session_id == "s.1"
    assert_no_secret("etherpad_client", repr(raw), raw.url)


def test_with_raw_response_still_raises_on_error_status(server, flavor):
    errs = errors_of("ica_v3_client")
    server.reply(409, body=b"")
    with pytest.raises(errs.ConflictError):
        run_post(flavor, server, "ica_v3_client", raw=True)


# --------------------------------------------------------------------------------------------
# Secrets
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("package", PACKAGES)
def test_secrets_never_in_client_repr(package):
    mod = importlib.import_module(package)
    client = mod.ApiClient("http://127.0.0.1:9/x", **SECRETS[package])
    async_client = mod.AsyncApiClient("http://127.0.0.1:9/x", **SECRETS[package])
    try:
        texts = [
            repr(client),
            str(client),
            repr(async_client),
            repr(client._credentials),
            str(vars(client).get("_credentials")),
        ]
        assert_no_secret(package, *texts)
        assert "http://127.0.0.1:9/x" in repr(client)
    finally:
        client.close()
        asyncio.run(async_client.aclose())


@pytest.mark.parametrize("package", PACKAGES)
def test_secrets_never_in_error_messages(server, flavor, package):
    errs = errors_of(package)
    server.reply(401, body=b'{"message": "bad credentials"}', content_type="application/json")
    with pytest.raises(errs.UnauthorizedError) as info:
        run_post(flavor, server, package)
    err = info.value
    assert_no_secret(package, str(err), repr(err), err.url, repr(err.args), repr(dict(err.headers)))
    # while the request did carry them
    wire = " ".join(f"{k}: {v}" for k, v in server.requests[0].header_items) + server.requests[0].target
    assert any(secret in wire for secret in SECRET_VALUES[package])


@pytest.mark.parametrize("package", PACKAGES)
def test_package_debug_log_never_contains_secrets(server, flavor, caplog, package):
    """The package's own logger (retry messages) shows the URL without its query string."""
    _, _, _, body = GET[package]
    server.reply(503, headers={"Retry-After": "0"})
    server.reply(200, body)
    with caplog.at_level(logging.DEBUG):
        run_get(flavor, server, package)
    own = [r for r in caplog.records if r.name == package]
    assert own, "the package logs its retries"
    assert any("retrying GET" in r.getMessage() for r in own)
    assert_no_secret(package, *(r.getMessage() for r in own))


@pytest.mark.parametrize("package", ["cons3rt_client", "libtes_client", "vidispine_client", "ica_v3_client"])
def test_debug_logs_of_all_loggers_never_contain_header_secrets(server, flavor, caplog, package):
    _, _, _, body = GET[package]
    server.reply(503, headers={"Retry-After": "0"})
    server.reply(200, body)
    server.reply(404)
    errs = errors_of(package)
    with caplog.at_level(logging.DEBUG):
        run_get(flavor, server, package)
        with pytest.raises(errs.NotFoundError):
            run_get(flavor, server, package)
    assert caplog.records  # httpx/httpcore log at DEBUG/INFO
    assert_no_secret(package, caplog.text, *(r.getMessage() for r in caplog.records))


def test_etherpad_api_key_is_masked_in_the_httpx_request_log(server, flavor, caplog):
    """httpx logs every request URL in full at INFO; the Etherpad key travels in the query string,
    so the client must mask it there too."""
    server.reply(200, GET["etherpad_client"][3])
    with caplog.at_level(logging.DEBUG):
        run_get(flavor, server, "etherpad_client")
    assert server.only_request().query == "sessionID=s.1&apikey=etherpad-KEY-s3cr3t"
    request_lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert len(request_lines) == 1
    assert "getSessionInfo" in request_lines[0] and request_lines[0].endswith('=*** "HTTP/1.1 200 OK"')
    assert_no_secret("etherpad_client", caplog.text)


def test_log_masking_touches_only_query_credentials(server, caplog):
    """httpx logs every request URL; only the value of the query parameter that carries the API
    key is masked, so an account name like "api" (a CONS3RT header credential) never rewrites
    unrelated text such as the "/api/1.2.15/" path of another client's log line."""
    c3 = importlib.import_module("cons3rt_client")
    c3.ApiClient(token="cons3rt-TOKEN-s3cr3t", username="api").close()
    server.reply(200, {"code": 0, "data": None})
    ep = importlib.import_module("etherpad_client")
    with caplog.at_level(logging.INFO):
        with ep.ApiClient(server.url + "/api/1.2.15", api_key="etherpad-KEY-s3cr3t") as client:
            ep.SessionApi(client).delete_session_using_get(session_id="s.1")
    line = next(r.getMessage() for r in caplog.records if r.name == "httpx")
    assert "/api/1.2.15/deleteSession?sessionID=s.1&apikey=***" in line, line
    assert "etherpad-KEY-s3cr3t" not in line


# --------------------------------------------------------------------------------------------
# Headers
# --------------------------------------------------------------------------------------------


def test_client_headers_and_per_call_headers(server, flavor):
    server.reply(200, {"uri": []})
    run_get(
        flavor,
        server,
        "vidispine_client",
        client_extra={"headers": {"X-Client": "a", "X-Both": "client"}},
        request_options={"headers": {"X-Call": "b", "X-Both": "call"}},
    )
    req = server.only_request()
    assert (req.headers["x-client"], req.headers["x-call"], req.headers["x-both"]) == ("a", "b", "call")
    assert req.header_count("x-both") == 1


def test_base_url_trailing_slash_and_validation(server, flavor):
    vc = importlib.import_module("vidispine_client")
    server.reply(200, {"uri": []})
    flavor.call("vidispine_client", "JobApi", "get_job_types", client={"base_url": server.url + "/API/"})
    assert server.only_request().path == "/API/jobtype"
    with pytest.raises(ValueError, match="absolute http"):
        vc.ApiClient("localhost:8080/API")
    with pytest.raises(ValueError, match="max_retries"):
        vc.ApiClient(server.url, max_retries=-1)


# --------------------------------------------------------------------------------------------
# Closing, and a caller-supplied httpx client
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("package", PACKAGES)
def test_context_managers_close_their_own_http_client(package):
    mod = importlib.import_module(package)
    with mod.ApiClient(**SECRETS[package]) as client:
        assert not client._http.is_closed
    assert client._http.is_closed

    async def go():
        async with mod.AsyncApiClient(**SECRETS[package]) as aclient:
            assert not aclient._http.is_closed
        return aclient

    assert asyncio.run(go())._http.is_closed
    plain = mod.ApiClient()
    plain.close()
    assert plain._http.is_closed


def test_caller_supplied_sync_http_client_is_used_and_not_closed(server):
    vc = importlib.import_module("vidispine_client")
    server.reply(200, {"uri": ["A"]})
    server.reply(200, {"uri": ["B"]})
    server.reply(200, body=b"raw")
    http = httpx.Client(headers={"User-Agent": "my-app/1.0", "X-Tenant": "t-1"}, timeout=5.0)
    try:
        with vc.ApiClient(server.url + "/API", http_client=http, **SECRETS["vidispine_client"]) as client:
            assert vc.JobApi(client).get_job_types().uri == ["A"]
        assert not http.is_closed
        client.close()
        assert not http.is_closed
        with vc.ApiClient(server.url + "/API", http_client=http) as client:
            assert vc.JobApi(client).get_job_types().uri == ["B"]
        assert http.get(server.url + "/other").content == b"raw"  # still usable by its owner
    finally:
        http.close()
    first = server.requests[0]
    assert first.headers["user-agent"] == "my-app/1.0"
    assert first.headers["x-tenant"] == "t-1"
    assert first.headers["authorization"] == "Basic " + SECRET_VALUES["vidispine_client"][1]


def test_caller_supplied_async_http_client_is_used_and_not_closed(server):
    vc = importlib.import_module("vidispine_client")
    server.reply(200, {"uri": ["A"]})

    async def go():
        async with httpx.AsyncClient(headers={"User-Agent": "my-async-app/2.0"}) as http:
            async with vc.AsyncApiClient(server.url + "/API", http_client=http) as client:
                result = await vc.AsyncJobApi(client).get_job_types()
            assert not http.is_closed
            return result

    assert asyncio.run(go()).uri == ["A"]
    assert server.only_request().headers["user-agent"] == "my-async-app/2.0"


def test_caller_supplied_http_client_timeout_applies(server):
    vc = importlib.import_module("vidispine_client")
    server.reply(200, {"uri": []}, delay=1.0)
    with httpx.Client(timeout=0.2) as http:
        client = vc.ApiClient(server.url + "/API", http_client=http, max_retries=0)
        start = time.monotonic()
        with pytest.raises(vc.ApiTimeoutError):
            vc.JobApi(client).get_job_types()
        assert time.monotonic() - start < 0.9
