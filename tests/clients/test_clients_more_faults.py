"""More ways a server misbehaves, each over real HTTP on 127.0.0.1: every one ends in a typed
error of the package's own tree (or a correct result), never a bare exception, and never hangs.

The raw socket server and the call come from test_clients_faults.py; here are the faults:
resets, lying lengths, broken chunking and encodings, huge and stalled headers, informational
storms, redirects, wrong content types, empty bodies, rate limits with Retry-After in both
forms, TLS and HTTP/0.9 replies. Together with that file's eleven, more than 44 kinds.
"""

from __future__ import annotations

import email.utils
import gzip
import socket
import struct
import threading
import time
from collections.abc import Iterator
from typing import Any

import libtes_client
import pytest
from libtes_client import errors
from test_clients_faults import JSON, TASK_VERSION, TOKEN, Fault, RawServer, _get, answer

_STOP = threading.Event()  # set when a test ends: a stalling fault then lets go of its socket


@pytest.fixture
def raw_server() -> Iterator[RawServer]:
    _STOP.clear()
    srv = RawServer()
    try:
        yield srv
    finally:
        _STOP.set()
        srv.stop()


def raw(data: bytes) -> Fault:
    def fault(conn: socket.socket) -> None:
        conn.sendall(data)

    return fault


def reset_after(data: bytes) -> Fault:
    """Send ``data``, then reset the connection (RST, not FIN)."""

    def fault(conn: socket.socket) -> None:
        if data:
            conn.sendall(data)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    return fault


def stall_after(data: bytes) -> Fault:
    """Send ``data``, then say nothing until the test ends."""

    def fault(conn: socket.socket) -> None:
        if data:
            conn.sendall(data)
        _STOP.wait(30)

    return fault


def chunked(*chunks: bytes, end: bytes = b"0\r\n\r\n") -> Fault:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    body = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks)
    return raw(head + body + end)


def redirect(status: str, location: str) -> Fault:
    return answer(status, b"", f"Location: {location}")


class Redirects:
    """Faults that need the server's own address."""

    @staticmethod
    def loop(srv: RawServer) -> list[Fault]:
        return [redirect("302 Found", srv.url + "/v1/again")]

    @staticmethod
    def once_then_ok(srv: RawServer) -> list[Fault]:
        return [redirect("307 Temporary Redirect", "/moved"), answer("200 OK", TASK_VERSION, JSON)]

    @staticmethod
    def other_host(srv: RawServer) -> list[Fault]:
        port = srv.url.rsplit(":", 1)[1]
        return [redirect("302 Found", f"http://localhost:{port}/elsewhere"), answer("200 OK", TASK_VERSION, JSON)]


HEAD_200 = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
GZIPPED = gzip.compress(TASK_VERSION)
DATE = email.utils.formatdate(time.time() + 3, usegmt=True)

# fault -> the error class it must end in (None: a correct result)
FAULTS: dict[str, tuple[Any, type[Exception] | None]] = {
    "reset-before-answer": ([reset_after(b"")], errors.ApiConnectionError),
    "reset-after-headers": ([reset_after(HEAD_200 + b"Content-Length: 40\r\n\r\n")], errors.ApiConnectionError),
    "reset-mid-body": (
        [reset_after(HEAD_200 + b"Content-Length: 40\r\n\r\n" + TASK_VERSION[:10])],
        errors.ApiConnectionError,
    ),
    "content-length-shorter-than-body": (
        [raw(HEAD_200 + b"Content-Length: 5\r\n\r\n" + TASK_VERSION)],
        errors.ResponseDecodeError,
    ),
    "two-content-lengths": (
        [raw(HEAD_200 + b"Content-Length: 5\r\nContent-Length: 30\r\n\r\n" + TASK_VERSION)],
        errors.ApiConnectionError,
    ),
    "content-length-not-a-number": (
        [raw(HEAD_200 + b"Content-Length: lots\r\n\r\n" + TASK_VERSION)],
        errors.ApiConnectionError,
    ),
    "negative-content-length": (
        [raw(HEAD_200 + b"Content-Length: -5\r\n\r\n" + TASK_VERSION)],
        errors.ApiConnectionError,
    ),
    "chunked-correct": ([chunked(TASK_VERSION[:7], TASK_VERSION[7:])], None),
    "chunked-bad-size": ([chunked(end=b"zz\r\n" + TASK_VERSION)], errors.ApiConnectionError),
    "chunked-closes-mid-chunk": ([chunked(end=b"64\r\n" + TASK_VERSION[:10])], errors.ApiConnectionError),
    "chunked-no-last-chunk": ([chunked(TASK_VERSION, end=b"")], errors.ApiConnectionError),
    "chunked-and-content-length": (
        [
            raw(
                HEAD_200
                + b"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                + b"%x\r\n%s\r\n0\r\n\r\n" % (len(TASK_VERSION), TASK_VERSION)
            )
        ],
        None,  # RFC 9112: chunked wins over Content-Length
    ),
    "gzip-correct": ([answer("200 OK", GZIPPED, JSON, "Content-Encoding: gzip")], None),
    "gzip-truncated": (
        [answer("200 OK", GZIPPED[: len(GZIPPED) // 2], JSON, "Content-Encoding: gzip")],
        errors.ResponseDecodeError,
    ),
    "deflate-header-on-plain-body": (
        [answer("200 OK", TASK_VERSION, JSON, "Content-Encoding: deflate")],
        errors.ResponseDecodeError,
    ),
    "brotli-header-on-plain-body": (
        [answer("200 OK", TASK_VERSION, JSON, "Content-Encoding: br")],
        None,  # without the brotli package httpx does not decode br: the plain body is read as it is
    ),
    "unknown-content-encoding": ([answer("200 OK", TASK_VERSION, JSON, "Content-Encoding: x-magic")], None),
    "invalid-utf8-header-value": ([answer("200 OK", TASK_VERSION, JSON, "X-Note: caf\xe9 \xff")], None),
    "huge-header": ([answer("200 OK", TASK_VERSION, JSON, "X-Big: " + "b" * 200_000)], errors.ApiConnectionError),
    "ten-thousand-headers": (
        [answer("200 OK", TASK_VERSION, JSON, *(f"X-H{i}: v" for i in range(10_000)))],
        None,  # under h11's 100 KB limit for a head
    ),
    "stall-before-status-line": ([stall_after(b"")], errors.ApiTimeoutError),
    "stall-mid-headers": ([stall_after(b"HTTP/1.1 200 OK\r\nContent-")], errors.ApiTimeoutError),
    "stall-mid-body": ([stall_after(HEAD_200 + b"Content-Length: 40\r\n\r\n{")], errors.ApiTimeoutError),
    "1xx-storm-then-ok": (
        [
            raw(
                b"HTTP/1.1 100 Continue\r\n\r\n" * 2000
                + b"HTTP/1.1 102 Processing\r\n\r\n" * 100
                + HEAD_200
                + b"Content-Length: %d\r\n\r\n" % len(TASK_VERSION)
                + TASK_VERSION
            )
        ],
        None,
    ),
    "redirect-loop": (Redirects.loop, errors.ApiConnectionError),
    "same-host-redirect": (Redirects.once_then_ok, None),
    "cross-host-redirect": (Redirects.other_host, errors.ApiStatusError),
    "redirect-without-location": ([answer("302 Found", b"")], errors.ApiStatusError),
    "redirect-to-invalid-url": ([redirect("302 Found", "http://[::1")], errors.ApiConnectionError),
    "text-plain-content-type": ([answer("200 OK", TASK_VERSION, "Content-Type: text/plain")], None),
    "xml-instead-of-json": (
        [answer("200 OK", b"<task><id>1</id></task>", "Content-Type: application/xml")],
        errors.ResponseDecodeError,
    ),
    "html-page-on-200": (
        [answer("200 OK", b"<html>login</html>", "Content-Type: text/html")],
        errors.ResponseDecodeError,
    ),
    "html-error-page-404": (
        [answer("404 Not Found", b"<html>nope</html>", "Content-Type: text/html")],
        errors.NotFoundError,
    ),
    "empty-body-on-200": ([answer("200 OK", b"", JSON)], errors.ResponseDecodeError),
    "204-where-a-body-is-due": ([raw(b"HTTP/1.1 204 No Content\r\n\r\n")], errors.ResponseDecodeError),
    "json-array-for-an-object": ([answer("200 OK", b"[1, 2]", JSON)], errors.ResponseDecodeError),
    "nul-bytes-in-body": ([answer("200 OK", b'{"id": "\x00\x00"}\x00', JSON)], errors.ResponseDecodeError),
    "utf16-body": ([answer("200 OK", TASK_VERSION.decode().encode("utf-16"), JSON)], None),  # RFC 8259 detection
    "429-retry-after-seconds-then-ok": (
        [answer("429 Too Many Requests", b"", "Retry-After: 2"), answer("200 OK", TASK_VERSION, JSON)],
        None,
    ),
    "503-retry-after-http-date-then-ok": (
        [answer("503 Service Unavailable", b"", f"Retry-After: {DATE}"), answer("200 OK", TASK_VERSION, JSON)],
        None,
    ),
    "429-with-no-retries-left": ([answer("429 Too Many Requests", b"", "Retry-After: 1")], errors.RateLimitError),
    "503-retry-after-garbage": (
        [answer("503 Service Unavailable", b"", "Retry-After: soon")],
        errors.ServiceUnavailableError,
    ),
    "500-internal-error": (
        [answer("500 Internal Server Error", b'{"error": "boom"}', JSON)],
        errors.InternalServerError,
    ),
    "504-gateway-timeout": ([answer("504 Gateway Timeout", b"")], errors.GatewayTimeoutError),
    "418-unlisted-client-status": ([answer("418 I'm a teapot", b"short and stout")], errors.ClientError),
    "599-unlisted-server-status": ([answer("599 Network Timeout", b"")], errors.ServerError),
    "status-code-not-a-number": ([raw(b"HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n")], errors.ApiConnectionError),
    "tls-handshake-on-plain-http": (
        [raw(b"\x16\x03\x01\x00\x2a\x02\x00\x00\x26\x03\x03" + b"\x00" * 32)],
        errors.ApiConnectionError,
    ),
    "http-0.9-reply": ([raw(TASK_VERSION)], errors.ApiConnectionError),
    "http-1.0-close-delimited": (
        [raw(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + TASK_VERSION)],
        None,
    ),
    "bare-lf-line-endings": (
        [
            raw(
                b"HTTP/1.1 200 OK\nContent-Type: application/json\nContent-Length: %d\n\n" % len(TASK_VERSION)
                + TASK_VERSION
            )
        ],
        None,
    ),
}


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("name", list(FAULTS))
def test_fault_ends_in_a_typed_error_or_a_result(
    raw_server: RawServer, name: str, is_async: bool, sleeps: list[float]
) -> None:
    faults, expected = FAULTS[name]
    raw_server.faults = faults(raw_server) if callable(faults) else faults
    retries = 2 if expected is None else 0
    if expected is None:
        result = _get(raw_server.url, is_async=is_async, max_retries=retries, timeout=5.0)
        assert isinstance(result, libtes_client.TaskVersion)
        assert result.id == "tvn.1"
        if name == "429-retry-after-seconds-then-ok":
            assert sleeps[0] == 2.0  # the server's Retry-After, not the backoff
        if name == "503-retry-after-http-date-then-ok":
            assert 0 < sleeps[0] <= 3.0
        return
    with pytest.raises(errors.ApiError) as info:
        _get(raw_server.url, is_async=is_async, max_retries=retries, timeout=1.0)
    assert isinstance(info.value, expected), repr(info.value)
    assert TOKEN not in str(info.value)
    if name == "cross-host-redirect":
        assert raw_server.connections == 1  # the credential never went to the other host


def test_more_than_44_kinds_of_fault_are_covered() -> None:
    from test_clients_faults import SERVER_FAULTS

    assert len(FAULTS) + len(SERVER_FAULTS) >= 44
