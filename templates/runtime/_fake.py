"""The runtime of ``testing``: a fake server answering the client in-process.

``testing.FakeServer`` subclasses ``BaseFakeServer`` with one typed attribute per operation
(``operation(...)``); see ``testing`` for how a test uses it.
"""

from __future__ import annotations

import collections.abc
import importlib
import json
import re
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from types import ModuleType, UnionType
from typing import Any, Generic, TypeVar, cast, overload
from urllib.parse import parse_qs, unquote

import httpx

from ._base import SyncApi
from ._model import Model, ModelOf, Unset
from ._operation import Operation, Param, Response
from ._transport import AsyncTransport, SyncTransport
from .errors import DecodeError

__all__ = [
    "BASE_URL",
    "BaseFakeServer",
    "Call",
    "OperationFake",
    "UnexpectedRequest",
    "operation",
]

BASE_URL = "http://fake.invalid"
T = TypeVar("T")
C = TypeVar("C", bound=SyncTransport)
AC = TypeVar("AC", bound=AsyncTransport)


class UnexpectedRequest(AssertionError):
    """A request the spec does not describe, or one with no answer registered."""


@dataclass(frozen=True)
class Call:
    """One request the code under test made, decoded.

    ``params`` has the parameters that were sent by their Python argument names, as the typed
    values the method takes (``int``, enum members, ``datetime``, lists); ``body`` is the
    decoded body (a model where the spec gives one), or None. ``wire_params`` has the same
    parameters by wire name as sent (text, or a list of texts for a repeated query parameter).
    """

    operation: str
    method: str
    path: str
    params: Mapping[str, Any]
    body: Any
    wire_params: Mapping[str, Any]


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
    def __get__(
        self, obj: BaseFakeServer[Any, Any], owner: type
    ) -> OperationFake[T]: ...

    def __get__(
        self, obj: BaseFakeServer[Any, Any] | None, owner: type
    ) -> operation[T] | OperationFake[T]:
        if obj is None:
            return self
        fake: OperationFake[T] = obj.operation(self.op.name)
        return fake


class BaseFakeServer(Generic[C, AC]):
    """Every operation of this package, answered from what the test registered.

    A subclass names the package's client classes in ``_clients``; the operations are those of
    the package's API modules (or of ``modules``, for the runtime's own tests).
    """

    _clients: tuple[type[C], type[AC]]

    def __init__(self, modules: Iterable[ModuleType] | None = None) -> None:
        self._fakes: dict[str, OperationFake[Any]] = {}
        self._routes: list[tuple[str, re.Pattern[str], Operation[Any]]] = []
        self._hints: dict[str, Mapping[str, Any]] = {}
        for op, hints in _operations(_api_modules() if modules is None else modules):
            self._fakes[op.name] = OperationFake(op)
            self._routes.append((op.method, _route(op.path), op))
            self._hints[op.name] = hints
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

    def client(self, **options: Any) -> C:
        """A sync client that sends to this fake (no retries unless ``max_retries`` is given)."""
        options.setdefault("max_retries", 0)
        http = httpx.Client(transport=httpx.MockTransport(self._handle))
        make = cast("Callable[..., C]", self._clients[0])
        return make(BASE_URL, http_client=http, **options)

    def async_client(self, **options: Any) -> AC:
        """An async client that sends to this fake."""
        options.setdefault("max_retries", 0)
        http = httpx.AsyncClient(transport=httpx.MockTransport(self._handle))
        make = cast("Callable[..., AC]", self._clients[1])
        return make(BASE_URL, http_client=http, **options)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        # the path as sent (still percent-encoded): a "/" inside a parameter stays "%2F"
        path = request.url.raw_path.split(b"?", 1)[0].decode("ascii")
        for method, pattern, op in self._routes:
            match = pattern.fullmatch(path)
            if method == request.method and match is not None:
                call = _decode_call(op, request, match, self._hints[op.name])
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


def _api_modules() -> list[ModuleType]:
    """The package's API modules, as its ``__init__`` lists them."""
    package = importlib.import_module(__package__ or "")
    names = {m for m in getattr(package, "_EXPORTS", {}).values() if m.endswith("_api")}
    return [importlib.import_module(m, __package__) for m in sorted(names)]


def _operations(
    modules: Iterable[ModuleType],
) -> list[tuple[Operation[Any], Mapping[str, Any]]]:
    """Every operation of these modules, with the types of its method's parameters."""
    found: dict[str, tuple[Operation[Any], Mapping[str, Any]]] = {}
    for module in modules:
        methods: dict[str, Any] = {}
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, SyncApi):
                methods.update(vars(value))
        for value in vars(module).values():
            if isinstance(value, Operation) and value.name not in found:
                method = methods.get(value.name)
                hints = typing.get_type_hints(method) if callable(method) else {}
                found[value.name] = (value, hints)
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
    op: Operation[Any],
    request: httpx.Request,
    match: re.Match[str],
    hints: Mapping[str, Any],
) -> Call:
    wire: dict[str, Any] = {}
    names = iter(re.findall(r"\{([^}]+)\}", op.path))
    for segment in match.groups():
        wire[next(names)] = unquote(segment)
    query = parse_qs(request.url.query.decode("ascii"), keep_blank_values=True)
    params: dict[str, Any] = {}
    for arg, param in op.params.items():
        text: str | list[str] | None
        if param.location == "path":
            text = wire.get(param.name)
        elif param.location == "query" and param.name in query:
            values = query[param.name]
            text = wire[param.name] = values[0] if len(values) == 1 else values
        elif param.location == "header" and param.name in request.headers:
            text = wire[param.name] = request.headers[param.name]
        else:
            continue
        if text is not None:
            params[arg] = _typed(text, hints.get(arg, Any), param, op.name)
    body: Any = None
    content = request.read()
    if op.body is not None and content:
        if op.body.encoding == "json":
            data = json.loads(content)
            codec = op.body.codec
            body = codec.decode(data, f"{op.name} body") if codec is not None else data
        else:
            body = content
    return Call(op.name, request.method, match.string, params, body, wire)


_SEQUENCES = (list, tuple, collections.abc.Sequence)


def _typed(text: str | list[str], hint: Any, param: Param, where: str) -> Any:
    """A parameter's text as the type its method takes; the text itself when it does not fit
    (the test then sees what was sent)."""
    members = [hint]
    if typing.get_origin(hint) in (typing.Union, UnionType):
        members = [m for m in typing.get_args(hint) if m not in (type(None), Unset)]
    for member in members:
        try:
            return _as(text, member, param, where)
        except (ValueError, TypeError, KeyError, DecodeError):
            continue
    return text


def _as(text: str | list[str], target: Any, param: Param, where: str) -> Any:
    if typing.get_origin(target) in _SEQUENCES:
        (item,) = typing.get_args(target) or (Any,)
        items = text if isinstance(text, list) else _split(text, param)
        return [_as(one, item, param, where) for one in items]
    if isinstance(text, list):
        raise TypeError("a repeated parameter for a single value")
    if target is Any or target is str:
        return text
    if target is bool:
        return {"true": True, "false": False}[text]
    if target is int or target is float:
        return target(text)
    if param.codec is not None:  # enums, dates: the codec reads the JSON value
        raw: Any = text
        if isinstance(target, type) and issubclass(target, Enum):
            kinds = {type(member.value) for member in target}
            raw = int(text) if kinds == {int} else text
        return param.codec.decode(raw, f"{where} parameter {param.name}")
    raise TypeError(f"no conversion to {target!r}")


def _split(text: str, param: Param) -> list[str]:
    """The items of a non-exploded array (``a,b``; ``a|b`` or ``a b`` by its style)."""
    separator = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(param.style, ",")
    return text.split(separator) if text else []
