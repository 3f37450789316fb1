"""The runtime of ``testing``: a fake server answering the client in-process.

``testing.FakeServer`` subclasses ``BaseFakeServer`` with one typed attribute per operation
(``operation(...)``); see ``testing`` for how a test uses it.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload
from urllib.parse import parse_qs, unquote

import httpx

from ._model import Model, ModelOf
from ._transport import Operation, Response
from .client import ApiClient, AsyncApiClient

BASE_URL = "http://fake.invalid"
T = TypeVar("T")


class UnexpectedRequest(AssertionError):
    """A request the spec does not describe, or one with no answer registered."""


@dataclass(frozen=True)
class Call:
    """One request the code under test made, decoded.

    ``params`` has the operation's parameters by wire name (path and header parameters as
    text, query parameters as text or, when repeated, a list of texts); ``body`` is the
    decoded body (a model where the spec gives one), or None.
    """

    operation: str
    method: str
    path: str
    params: Mapping[str, Any]
    body: Any


@dataclass(frozen=True)
class _Answer:
    status: int
    content: bytes
    headers: Mapping[str, str]


class OperationFake(Generic[T]):
    """The answers and calls of one operation (``T``: what it returns)."""

    def __init__(self, op: Operation[Any]) -> None:
        self.operation = op
        self.calls: list[Call] = []
        self._answers: list[_Answer] = []

    def __repr__(self) -> str:
        return f"OperationFake({self.operation.name!r}, calls={len(self.calls)})"

    def returns(self, *values: T) -> OperationFake[T]:
        """Answer with these values in turn (the last one repeats), as the spec's success."""
        status, spec = _success(self.operation)
        for value in values:
            self._answers.append(_encode(self.operation, status, spec, value))
        return self

    def fails(
        self,
        status: int,
        body: Any = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> OperationFake[T]:
        """Answer with an error status and a JSON body (a model, a dict or None)."""
        if status < 400:
            raise ValueError(f"fails() takes an error status, got {status}")
        data = body._encode() if isinstance(body, Model) else body
        content = b"" if data is None else json.dumps(data).encode("utf-8")
        kind = {"Content-Type": "application/json"} if data is not None else {}
        self._answers.append(_Answer(status, content, {**kind, **(headers or {})}))
        return self

    def _next(self) -> _Answer:
        if not self._answers:
            raise UnexpectedRequest(
                f"{self.operation.name} was called, but the test registered no answer for it"
            )
        return self._answers.pop(0) if len(self._answers) > 1 else self._answers[0]


class operation(Generic[T]):  # lower case: used like a function in class bodies
    """A typed attribute of ``FakeServer``: reading it gives the operation's ``OperationFake``."""

    def __init__(self, op: Operation[T]) -> None:
        self.op = op

    @overload
    def __get__(self, obj: None, owner: type) -> operation[T]: ...

    @overload
    def __get__(self, obj: BaseFakeServer, owner: type) -> OperationFake[T]: ...

    def __get__(
        self, obj: BaseFakeServer | None, owner: type
    ) -> operation[T] | OperationFake[T]:
        if obj is None:
            return self
        fake: OperationFake[T] = obj.operation(self.op.name)
        return fake


class BaseFakeServer:
    """Every operation of this package, answered from what the test registered."""

    def __init__(self) -> None:
        self._fakes: dict[str, OperationFake[Any]] = {}
        self._routes: list[tuple[str, re.Pattern[str], Operation[Any]]] = []
        for op in _operations():
            self._fakes[op.name] = OperationFake(op)
            self._routes.append((op.method, _route(op.path), op))
        self.calls: list[Call] = []

    def operation(self, name: str) -> OperationFake[Any]:
        """The fake of an operation by its method name."""
        fake = self._fakes.get(name)
        if fake is None:
            raise AttributeError(f"this API has no operation {name!r}")
        return fake

    def __getattr__(self, name: str) -> OperationFake[Any]:
        if name.startswith("_"):
            raise AttributeError(name)
        return self.operation(name)

    def client(self, **options: Any) -> ApiClient:
        """A sync client that sends to this fake (no retries unless ``max_retries`` is given)."""
        options.setdefault("max_retries", 0)
        http = httpx.Client(transport=httpx.MockTransport(self._handle))
        return ApiClient(BASE_URL, http_client=http, **options)

    def async_client(self, **options: Any) -> AsyncApiClient:
        """An async client that sends to this fake."""
        options.setdefault("max_retries", 0)
        http = httpx.AsyncClient(transport=httpx.MockTransport(self._handle))
        return AsyncApiClient(BASE_URL, http_client=http, **options)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        # the path as sent (still percent-encoded): a "/" inside a parameter stays "%2F"
        path = request.url.raw_path.split(b"?", 1)[0].decode("ascii")
        for method, pattern, op in self._routes:
            match = pattern.fullmatch(path)
            if method == request.method and match is not None:
                call = _decode_call(op, request, match)
                self.calls.append(call)
                fake = self._fakes[op.name]
                fake.calls.append(call)
                answer = fake._next()
                return httpx.Response(
                    answer.status, content=answer.content, headers=dict(answer.headers)
                )
        raise UnexpectedRequest(
            f"{request.method} {path}: the spec describes no such operation"
        )


def _operations() -> list[Operation[Any]]:
    """Every operation of the package, from its API modules."""
    package = importlib.import_module(__package__ or "")
    modules = sorted(
        {m for m in getattr(package, "_EXPORTS", {}).values() if m.endswith("_api")}
    )
    found: dict[str, Operation[Any]] = {}
    for module in modules:
        for value in vars(importlib.import_module(module, __package__)).values():
            if isinstance(value, Operation):
                found.setdefault(value.name, value)
    return list(found.values())


def _route(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", path)
    regex = "".join(
        f"(?P<p{index}>[^/]+)" if part.startswith("{") else re.escape(part)
        for index, part in enumerate(parts)
    )
    return re.compile(regex)


def _success(op: Operation[Any]) -> tuple[int, Response | None]:
    for status, spec in (op.success or {}).items():
        return (int(status) if status.isdigit() else 200), spec
    return 200, None


def _encode(
    op: Operation[Any], status: int, spec: Response | None, value: Any
) -> _Answer:
    if spec is None or spec.kind == "empty":
        return _Answer(204 if status == 200 else status, b"", {})
    if spec.kind == "binary":
        return _Answer(
            status, bytes(value), {"Content-Type": "application/octet-stream"}
        )
    if spec.kind == "text":
        return _Answer(
            status, str(value).encode("utf-8"), {"Content-Type": "text/plain"}
        )
    codec = spec.codec
    if isinstance(codec, ModelOf) and not isinstance(value, (codec.model, dict)):
        raise TypeError(
            f"{op.name} returns {codec.model.__name__}, got {type(value).__name__}"
        )
    data = codec.encode(value) if codec is not None else value
    content = json.dumps(data).encode("utf-8")
    return _Answer(status, content, {"Content-Type": "application/json"})


def _decode_call(
    op: Operation[Any], request: httpx.Request, match: re.Match[str]
) -> Call:
    params: dict[str, Any] = {}
    names = iter(re.findall(r"\{([^}]+)\}", op.path))
    for text in match.groups():
        params[next(names)] = unquote(text)
    query = parse_qs(request.url.query.decode("ascii"), keep_blank_values=True)
    for param in op.params:
        if param.location == "query" and param.name in query:
            values = query[param.name]
            params[param.name] = values[0] if len(values) == 1 else values
        elif param.location == "header" and param.name in request.headers:
            params[param.name] = request.headers[param.name]
    body: Any = None
    content = request.read()
    if op.body is not None and content:
        if op.body.encoding == "json":
            data = json.loads(content)
            codec = op.body.codec
            body = codec.decode(data, f"{op.name} body") if codec is not None else data
        else:
            body = content
    return Call(op.name, request.method, match.string, params, body)
