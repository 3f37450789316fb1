"""The per-call total deadline: every read of a response, headers included, ends by it.

httpx's read timeout is per read, so a server that trickles its headers or body a byte at a
time never trips it. The clients this package creates read through a network backend whose
streams bound each read by what is left of the deadline of the call in progress (held in a
context variable, so threads and async tasks each have their own). Streamed bodies set the
deadline again around each chunk they read; between chunks the time is checked for an httpx
client of the caller's own as well.
"""

from __future__ import annotations

import contextvars
import ssl
import time
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

__all__ = [
    "DEADLINE",
    "DEADLINE_EXTENSION",
    "PAST_DEADLINE",
    "async_http_transport",
    "check_deadline",
    "sync_http_transport",
]

PAST_DEADLINE = "the whole response took longer than the total timeout"
# the monotonic time by which the call in progress must have read its response (None: no limit)
DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "deadline", default=None
)
# where a streamed response keeps the deadline of its call, for reading its body later
DEADLINE_EXTENSION = "clientgen.deadline"
SocketOption = Any  # httpcore's socket option tuples


def _bounded(timeout: float | None) -> float | None:
    """A read's timeout, bounded by the deadline; past it, the read times out at once."""
    deadline = DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout(PAST_DEADLINE)
    return left if timeout is None else min(timeout, left)


def check_deadline(deadline: float | None, request: httpx.Request) -> None:
    """Raise httpx's ``ReadTimeout`` when the deadline has passed."""
    if deadline is not None and time.monotonic() > deadline:
        raise httpx.ReadTimeout(PAST_DEADLINE, request=request)


class _Stream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _bounded(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, timeout)

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_tcp(
            host, port, timeout, local_address, socket_options
        )
        return _Stream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _AsyncStream(httpcore.AsyncNetworkStream):
    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, _bounded(timeout))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._stream.start_tls(ssl_context, server_hostname, timeout)
        return _AsyncStream(stream)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _AsyncBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, backend: httpcore.AsyncNetworkBackend) -> None:
        self._backend = backend

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._backend.connect_tcp(
            host, port, timeout, local_address, socket_options
        )
        return _AsyncStream(stream)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._backend.connect_unix_socket(path, timeout, socket_options)
        return _AsyncStream(stream)

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def sync_http_transport() -> httpx.HTTPTransport:
    """httpx's default transport, reading through the deadline-bounded backend."""
    transport = httpx.HTTPTransport()
    # httpx offers no argument for the backend; its pool keeps it in this attribute
    pool = transport._pool
    pool._network_backend = _Backend(pool._network_backend)
    return transport


def async_http_transport() -> httpx.AsyncHTTPTransport:
    """``sync_http_transport`` for ``httpx.AsyncClient`` (asyncio and trio alike)."""
    transport = httpx.AsyncHTTPTransport()
    pool = transport._pool
    pool._network_backend = _AsyncBackend(pool._network_backend)
    return transport
