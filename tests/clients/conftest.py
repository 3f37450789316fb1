"""Fixtures for the behaviour tests of the generated clients over real HTTP on 127.0.0.1.

``server`` is a stdlib ``ThreadingHTTPServer`` on a free port that records every request exactly as
it arrived (method, raw path, raw query string, headers, body bytes) and answers from a queue of
scripted replies. ``flavor`` runs an operation through the sync client (``ApiClient`` + ``<Api>``)
or the async one (``AsyncApiClient`` + ``Async<Api>``, driven with ``asyncio.run``), so one test
body covers both.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import socketserver
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

GENERATED = Path(__file__).resolve().parents[2] / "generated"
if str(GENERATED) not in sys.path:
    sys.path.insert(0, str(GENERATED))

PACKAGES = ("cons3rt_client", "libtes_client", "etherpad_client", "vidispine_client", "ica_v3_client")


# --------------------------------------------------------------------------------------------
# The scripted server
# --------------------------------------------------------------------------------------------


@dataclass
class Recorded:
    """One request as it arrived on the wire."""

    method: str
    target: str  # the request-target of the request line, byte for byte
    path: str  # the target before "?"
    query: str  # the raw query string after "?" ("" if none)
    header_items: list[tuple[str, str]]
    body: bytes

    @property
    def headers(self) -> dict[str, str]:
        """Headers by lower-cased name (a repeated header would show up in ``header_items``)."""
        return {k.lower(): v for k, v in self.header_items}

    def header_names(self) -> set[str]:
        return {k.lower() for k, _ in self.header_items}

    def header_count(self, name: str) -> int:
        return sum(1 for k, _ in self.header_items if k.lower() == name.lower())

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (for timeout tests)


class ScriptedServer:
    """What a test sees: the base URL, the recorded requests and the reply queue."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.replies: deque[Reply] = deque()
        self.unscripted = 0  # requests that arrived with no reply queued
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        handler = _make_handler(self)
        self.httpd = _QuickServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)

    def start(self) -> ScriptedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    # scripting ---------------------------------------------------------------------------

    def reply(
        self,
        status: int = 200,
        json_body: Any = None,
        *,
        body: bytes | str | None = None,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
    ) -> ScriptedServer:
        """Queue one reply: ``json_body`` (serialized, application/json unless told) or raw ``body``."""
        all_headers = dict(headers or {})
        if json_body is not None:
            raw = json.dumps(json_body).encode("utf-8")
            all_headers.setdefault("Content-Type", content_type or "application/json")
        elif body is not None:
            raw = body.encode("utf-8") if isinstance(body, str) else body
            if content_type is not None:
                all_headers.setdefault("Content-Type", content_type)
        else:
            raw = b""
            if content_type is not None:
                all_headers.setdefault("Content-Type", content_type)
        with self.lock:
            self.replies.append(Reply(status, raw, all_headers, delay))
        return self

    # inspecting --------------------------------------------------------------------------

    def only_request(self) -> Recorded:
        assert self.unscripted == 0, "a request arrived with no scripted reply"
        assert len(self.requests) == 1, [r.target for r in self.requests]
        return self.requests[0]

    def _next_reply(self) -> Reply | None:
        with self.lock:
            return self.replies.popleft() if self.replies else None


class _QuickServer(ThreadingHTTPServer):
    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse DNS lookup (socket.getfqdn), which can be slow.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)


def _make_handler(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in separate writes

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            target = self.path
            path, _, query = target.partition("?")
            with server.lock:
                server.requests.append(Recorded(self.command, target, path, query, list(self.headers.items()), body))
            reply = server._next_reply()
            if reply is None:
                with server.lock:
                    server.unscripted += 1
                reply = Reply(599, b"no scripted reply", {"Content-Type": "text/plain"})
            if reply.delay:
                server.stopping.wait(reply.delay)
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(reply.body)
                self.wfile.flush()
            except OSError:
                self.close_connection = True

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

    return Handler


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    srv = ScriptedServer().start()
    try:
        yield srv
    finally:
        srv.stop()


# --------------------------------------------------------------------------------------------
# Running an operation through the sync or the async client
# --------------------------------------------------------------------------------------------


class Flavor:
    """Runs a call through ``ApiClient`` + ``<Api>`` (sync) or ``AsyncApiClient`` + ``Async<Api>``."""

    def __init__(self, is_async: bool) -> None:
        self.is_async = is_async

    def __repr__(self) -> str:
        return "async" if self.is_async else "sync"

    def _classes(self, package: str, api: str) -> tuple[Any, Any]:
        mod = importlib.import_module(package)
        if self.is_async:
            return mod.AsyncApiClient, getattr(mod, "Async" + api)
        return mod.ApiClient, getattr(mod, api)

    def call(
        self,
        package: str,
        api: str,
        method: str,
        *args: Any,
        client: dict[str, Any],
        raw: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Create a client, call ``method`` once (optionally on ``with_raw_response``), close it."""
        client_cls, api_cls = self._classes(package, api)
        if not self.is_async:
            with client_cls(**client) as c:
                target = api_cls(c)
                if raw:
                    target = target.with_raw_response
                return getattr(target, method)(*args, **kwargs)

        async def go() -> Any:
            async with client_cls(**client) as c:
                target = api_cls(c)
                if raw:
                    target = target.with_raw_response
                return await getattr(target, method)(*args, **kwargs)

        return asyncio.run(go())

    def collect(self, package: str, api: str, method: str, *args: Any, client: dict[str, Any], **kwargs: Any) -> list:
        """All items of an ``iter_<method>`` iterator (sync generator or async generator)."""
        client_cls, api_cls = self._classes(package, api)
        if not self.is_async:
            with client_cls(**client) as c:
                return list(getattr(api_cls(c), method)(*args, **kwargs))

        async def go() -> list:
            async with client_cls(**client) as c:
                return [item async for item in getattr(api_cls(c), method)(*args, **kwargs)]

        return asyncio.run(go())

    def run(self, package: str, api: str, body: Callable[[Any], Any], *, client: dict[str, Any]) -> Any:
        """Run ``body(api)`` with a fresh API object; for async, ``body`` returns an awaitable."""
        client_cls, api_cls = self._classes(package, api)
        if not self.is_async:
            with client_cls(**client) as c:
                return body(api_cls(c))

        async def go() -> Any:
            async with client_cls(**client) as c:
                return await body(api_cls(c))

        return asyncio.run(go())


@pytest.fixture(params=[False, True], ids=["sync", "async"])
def flavor(request: pytest.FixtureRequest) -> Flavor:
    return Flavor(request.param)


# --------------------------------------------------------------------------------------------
# Speed: share one default SSL context
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _shared_ssl_context() -> Iterator[None]:
    """Every generated client builds an ``httpx`` client, which loads the CA bundle (~50 ms).

    The tests only speak plain HTTP to 127.0.0.1, so the default SSL context is built once and
    shared; nothing the tests observe depends on it.
    """
    import httpx._transports.default as default_transport

    original = default_transport.create_ssl_context
    cache: dict[tuple[Any, ...], Any] = {}

    def shared(verify: Any = True, cert: Any = None, trust_env: bool = True) -> Any:
        if verify is True and cert is None:
            key = (trust_env,)
            if key not in cache:
                cache[key] = original(verify=verify, cert=cert, trust_env=trust_env)
            return cache[key]
        return original(verify=verify, cert=cert, trust_env=trust_env)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(default_transport, "create_ssl_context", shared)
        yield


# --------------------------------------------------------------------------------------------
# Retries without sleeping
# --------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Replace ``sleep``/``async_sleep`` of every package's ``_transport`` with recorders.

    Autouse, so that no test ever really sleeps between retries; tests that check the retry delays
    ask for the fixture by name to read them.
    """
    delays: list[float] = []

    def fake_sleep(seconds: float) -> None:
        delays.append(seconds)

    async def fake_async_sleep(seconds: float) -> None:
        delays.append(seconds)

    for package in PACKAGES:
        transport = importlib.import_module(f"{package}._transport")
        monkeypatch.setattr(transport, "sleep", fake_sleep)
        monkeypatch.setattr(transport, "async_sleep", fake_async_sleep)
    return delays
