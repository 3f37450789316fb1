"""The per-call total deadline (``_deadline``) against a 127.0.0.1 server that trickles its
answer a byte at a time: each read is quick, so only the total deadline can end the call."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import anyio
import pytest
from runtime._operation import Operation, Response
from runtime._transport import AsyncTransport, SyncTransport
from runtime.errors import ApiTimeoutError
from slow_server import Script, trickle

GET_BLOB: Operation[bytes] = Operation("get_blob", "GET", "/blob", success={"200": Response(None, "binary")})


def headers_trickled(conn: socket.socket) -> None:
    trickle(conn, b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 2000 + b"\r\n\r\n")


def body_trickled(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 2000\r\n\r\n")
    trickle(conn, b"b" * 2000)


def sync_client(base: str) -> SyncTransport:
    # 1 s in all; every single read of the trickling server takes far less
    return SyncTransport(base, credentials={}, timeout=1.0, max_retries=0, headers=None, http_client=None)


def async_client(base: str) -> AsyncTransport:
    return AsyncTransport(base, credentials={}, timeout=1.0, max_retries=0, headers=None, http_client=None)


@pytest.mark.parametrize("script", [headers_trickled, body_trickled], ids=["headers", "body"])
def test_a_trickled_answer_ends_in_the_timeout_error(slow_server: Callable[[Script], str], script: Script) -> None:
    with sync_client(slow_server(script)) as client, pytest.raises(ApiTimeoutError):
        client.call(GET_BLOB, {}, None, None)


def test_a_trickled_streamed_body_ends_in_the_timeout_error(slow_server: Callable[[Script], str]) -> None:
    with sync_client(slow_server(body_trickled)) as client:
        with client.call_stream(GET_BLOB, {}, None, None) as streamed:
            assert streamed.status_code == 200  # the headers came at once
            with pytest.raises(ApiTimeoutError, match="reading the body failed"):
                for _ in streamed.iter_bytes():
                    pass


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@pytest.mark.parametrize("script", [headers_trickled, body_trickled], ids=["headers", "body"])
def test_async_trickled_answers_end_in_the_timeout_error(
    slow_server: Callable[[Script], str], script: Script, backend: str
) -> None:
    base = slow_server(script)

    async def go() -> Any:
        async with async_client(base) as client:
            return await client.call(GET_BLOB, {}, None, None)

    with pytest.raises(ApiTimeoutError):
        anyio.run(go, backend=backend)


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_async_trickled_streamed_body_ends_in_the_timeout_error(
    slow_server: Callable[[Script], str], backend: str
) -> None:
    base = slow_server(body_trickled)

    async def go() -> None:
        async with async_client(base) as client:
            async with await client.call_stream(GET_BLOB, {}, None, None) as streamed:
                async for _ in streamed.aiter_bytes():
                    pass

    with pytest.raises(ApiTimeoutError, match="reading the body failed"):
        anyio.run(go, backend=backend)


def test_a_quick_answer_is_read_whole(slow_server: Callable[[Script], str]) -> None:
    def quick(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc")

    with sync_client(slow_server(quick)) as client:
        assert client.call(GET_BLOB, {}, None, None) == b"abc"
