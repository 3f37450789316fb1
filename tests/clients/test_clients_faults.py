"""A misbehaving server and a careless caller: every fault ends in a typed error of the package's
own tree (or a correct result), never a bare exception, and never hangs.

The server is a raw TCP socket on 127.0.0.1 that answers each connection with scripted bytes,
so it can do what no well-behaved HTTP server does (trickle, lie about encodings, hang up).
"""

from __future__ import annotations

import importlib
import pickle
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import anyio
import libtes_client
import pytest
from libtes_client import errors

Fault = Callable[[socket.socket], None]

TOKEN = "libtes-JWT-s3cr3t"
TASK_VERSION = b'{"id": "tvn.1", "name": "v1"}'


class RawServer:
    """Accepts connections and runs the next scripted fault on each (the last one repeats)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.faults: list[Fault] = []
        self.connections = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            fault = self.faults[min(self.connections, len(self.faults)) - 1]
            threading.Thread(target=self._run, args=(fault, conn), daemon=True).start()

    def _run(self, fault: Fault, conn: socket.socket) -> None:
        try:
            _read_request(conn)
            fault(conn)
        except OSError:
            pass
        finally:
            conn.close()

    def stop(self) -> None:
        self.stopping.set()
        self.sock.close()


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    conn.settimeout(5)
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def answer(status: str, body: bytes, *headers: str) -> Fault:
    def fault(conn: socket.socket) -> None:
        head = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", *headers, "", ""]
        conn.sendall("\r\n".join(head).encode("latin-1") + body)

    return fault


def trickle(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n")
    for _ in range(100):
        if conn.send(b" ") != 1:
            return
        time.sleep(0.5)


def hang_up(conn: socket.socket) -> None:
    pass


def truncated(conn: socket.socket) -> None:
    conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"id"')


def garbage(conn: socket.socket) -> None:
    conn.sendall(b"SMTP READY\r\n\r\n")


DEEP = b"[" * 200_000 + b"]" * 200_000
JSON = "Content-Type: application/json"

# fault -> the error class it must end in (None: a correct result)
SERVER_FAULTS: dict[str, tuple[list[Fault], type[Exception] | None]] = {
    "gzip-header-on-plain-body": (
        [answer("200 OK", TASK_VERSION, JSON, "Content-Encoding: gzip")],
        errors.ResponseDecodeError,
    ),
    "json-nested-200000-levels": ([answer("200 OK", DEEP, JSON)], errors.ResponseDecodeError),
    "invalid-json": ([answer("200 OK", b"{not json", JSON)], errors.ResponseDecodeError),
    "not-utf8": ([answer("200 OK", b'{"id": "\xff\xfe"}', JSON)], errors.ResponseDecodeError),
    "wrong-json-type": ([answer("200 OK", b'{"id": 5}', JSON)], None),  # read lazily: checked below
    "html-error-page": (
        [answer("502 Bad Gateway", b"<html>down</html>", "Content-Type: text/html")],
        errors.BadGatewayError,
    ),
    "trickling-body": ([trickle], errors.ApiTimeoutError),
    "hang-up-without-answer": ([hang_up], errors.ApiConnectionError),
    "truncated-body": ([truncated], errors.ApiConnectionError),
    "not-http": ([garbage], errors.ApiConnectionError),
    "503-then-ok": ([answer("503 Service Unavailable", b""), answer("200 OK", TASK_VERSION, JSON)], None),
}


@pytest.fixture
def raw_server() -> Iterator[RawServer]:
    srv = RawServer()
    try:
        yield srv
    finally:
        srv.stop()


def _get(base_url: str, *, is_async: bool, **client: Any) -> Any:
    client = {"access_token": TOKEN, "timeout": 2.0, **client}
    if not is_async:
        with libtes_client.ApiClient(base_url, **client) as c:
            return libtes_client.TaskVersionsApi(c).get_task_version("tsk.1", "tvn.1")

    async def go() -> Any:
        async with libtes_client.AsyncApiClient(base_url, **client) as c:
            return await libtes_client.AsyncTaskVersionsApi(c).get_task_version("tsk.1", "tvn.1")

    return anyio.run(go)


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("name", list(SERVER_FAULTS))
def test_server_fault_ends_in_a_typed_error_or_a_result(raw_server: RawServer, name: str, is_async: bool) -> None:
    faults, expected = SERVER_FAULTS[name]
    raw_server.faults = faults
    if expected is None:
        result = _get(raw_server.url, is_async=is_async)
        assert isinstance(result, libtes_client.TaskVersion)
        if name == "wrong-json-type":
            with pytest.raises(errors.DecodeError, match="id"):
                _ = result.id
        else:
            assert result.id == "tvn.1"
        return
    with pytest.raises(errors.ApiError) as info:
        _get(raw_server.url, is_async=is_async, max_retries=0)
    assert type(info.value) is expected or isinstance(info.value, expected), repr(info.value)
    assert TOKEN not in str(info.value)


def test_connection_refused_keeps_its_cause() -> None:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    with pytest.raises(errors.ApiConnectionError) as info:
        _get(url, is_async=False, max_retries=0)
    assert "ConnectError" in str(info.value)
    assert "refused" in str(info.value).lower()
    assert info.value.__cause__ is not None


def test_status_error_quotes_the_body_sanitised_and_masked(raw_server: RawServer) -> None:
    said = b'{"message": "no task tsk.1\\r\\nX-Forged: 1", "echo": "' + TOKEN.encode() + b'"}' + b"x" * 5000
    raw_server.faults = [answer("404 Not Found", said.replace(b"\\r\\n", b"\r\n"), JSON)]
    with pytest.raises(libtes_client.NotFoundError) as info:
        _get(raw_server.url, is_async=False)
    message = str(info.value)
    assert message.startswith("GET ") and "answered 404 Not Found: " in message
    assert "no task tsk.1 X-Forged: 1" in message
    assert "\r" not in message and "\n" not in message
    assert TOKEN not in message and "***" in message
    assert len(message) < 700 and message.endswith("…")
    assert info.value.body == said.replace(b"\\r\\n", b"\r\n")  # the raw body is all there


def test_status_errors_pickle_with_their_response(raw_server: RawServer) -> None:
    raw_server.faults = [answer("409 Conflict", b'{"code": "taken"}', JSON)]
    with pytest.raises(libtes_client.ConflictError) as info:
        _get(raw_server.url, is_async=False)
    back = pickle.loads(pickle.dumps(info.value))
    assert type(back) is libtes_client.ConflictError
    assert (back.status, back.body, back.url, str(back)) == (409, b'{"code": "taken"}', info.value.url, str(info.value))
    assert back.headers["content-type"] == "application/json"
    for error in (errors.ApiConnectionError("x", method="GET", url="u"), errors.ClientClosedError("closed")):
        again = pickle.loads(pickle.dumps(error))
        assert type(again) is type(error) and str(again) == str(error)


# --------------------------------------------------------------------------- caller mistakes


def _sent_nothing(raw_server: RawServer) -> None:
    assert raw_server.connections == 0


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
def test_a_100000_character_parameter_is_an_invalid_request(raw_server: RawServer, is_async: bool) -> None:
    raw_server.faults = [answer("200 OK", TASK_VERSION, JSON)]
    with pytest.raises(errors.InvalidRequestError, match="get_task_version"):
        with libtes_client.ApiClient(raw_server.url, access_token=TOKEN) as c:
            libtes_client.TaskVersionsApi(c).get_task_version("t" * 100_000, "v")
    _sent_nothing(raw_server)


@pytest.mark.parametrize("value", ["Zürich ж", "a\r\nX-Injected: 1", "nul\x00"])
def test_a_header_value_that_http_cannot_carry_is_an_invalid_request(raw_server: RawServer, value: str) -> None:
    raw_server.faults = [answer("200 OK", TASK_VERSION, JSON)]
    with libtes_client.ApiClient(raw_server.url, access_token=TOKEN, headers={"X-Note": value}) as c:
        with pytest.raises(errors.InvalidRequestError, match="X-Note"):
            libtes_client.TaskVersionsApi(c).get_task_version("t", "v")
        with pytest.raises(ValueError):  # also a ValueError, as the stdlib would raise
            libtes_client.TaskVersionsApi(c).get_task_version("t", "v")
    _sent_nothing(raw_server)


def test_crlf_in_a_credential_is_the_callers_error_and_never_sent(raw_server: RawServer) -> None:
    with pytest.raises(errors.InvalidRequestError, match="credential") as info:
        libtes_client.ApiClient(raw_server.url, access_token=TOKEN + "\r\n")
    assert TOKEN not in str(info.value)
    _sent_nothing(raw_server)


@pytest.mark.parametrize("timeout", [-1, -0.5, float("nan")])
def test_a_negative_timeout_is_an_invalid_request(raw_server: RawServer, timeout: float) -> None:
    with pytest.raises(errors.InvalidRequestError, match="timeout"):
        libtes_client.ApiClient(raw_server.url, timeout=timeout)
    with libtes_client.ApiClient(raw_server.url) as c:
        with pytest.raises(errors.InvalidRequestError, match="timeout"):
            libtes_client.TaskVersionsApi(c).get_task_version("t", "v", request_options={"timeout": timeout})
    _sent_nothing(raw_server)


def test_a_call_after_close_is_a_client_closed_error(raw_server: RawServer) -> None:
    client = libtes_client.ApiClient(raw_server.url, access_token=TOKEN)
    api = libtes_client.TaskVersionsApi(client)
    client.close()
    with pytest.raises(errors.ClientClosedError, match="closed"):
        api.get_task_version("t", "v")

    async def go() -> None:
        async with libtes_client.AsyncApiClient(raw_server.url) as async_client:
            async_api = libtes_client.AsyncTaskVersionsApi(async_client)
        await async_api.get_task_version("t", "v")

    with pytest.raises(errors.ClientClosedError):
        anyio.run(go)
    _sent_nothing(raw_server)


# --------------------------------------------------------------------------- trio and asyncio

_TRANSPORT = importlib.import_module("libtes_client._transport")
_REAL_ASYNC_SLEEP = _TRANSPORT.async_sleep  # taken before the autouse fixture replaces it


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_async_retries_under_each_anyio_backend(
    raw_server: RawServer, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip(backend)
    monkeypatch.setattr(_TRANSPORT, "async_sleep", _REAL_ASYNC_SLEEP)
    monkeypatch.setattr(_TRANSPORT, "retry_delay", lambda retry, headers: 0.01)
    raw_server.faults = [answer("503 Service Unavailable", b""), hang_up, answer("200 OK", TASK_VERSION, JSON)]

    async def go() -> Any:
        async with libtes_client.AsyncApiClient(raw_server.url, access_token=TOKEN) as c:
            return await libtes_client.AsyncTaskVersionsApi(c).get_task_version("t", "v")

    result = anyio.run(go, backend=backend)
    assert result.id == "tvn.1"
    assert raw_server.connections == 3
