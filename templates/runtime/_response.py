"""Responses: decoding a body by the operation's description, raw and streamed responses, and the
errors a response turns into.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any, Generic, TypeVar

import httpx

from ._auth import redacted_url
from ._deadline import DEADLINE, DEADLINE_EXTENSION, check_deadline
from ._operation import Envelope, Operation, Response
from ._settings import logger
from .errors import (
    ApiConnectionError,
    ApiResultError,
    ApiTimeoutError,
    DecodeError,
    ResponseDecodeError,
)

__all__ = [
    "ApiResponse",
    "AsyncStreamedResponse",
    "StreamedResponse",
    "decode_body",
    "is_json",
    "log_exchange",
    "pick",
    "result_error",
    "set_content",
    "stream_error",
    "undecodable",
]

T = TypeVar("T")
S = TypeVar("S")


class ApiResponse(Generic[T]):
    """A response with its decoded value: ``status_code``, ``headers``, ``content`` and
    ``data``; ``elapsed`` (a ``timedelta``), ``http_version`` and ``request`` (the
    ``httpx.Request`` that was sent: its headers carry the credentials, so do not log them).
    """

    __slots__ = (
        "content",
        "data",
        "elapsed",
        "headers",
        "http_version",
        "method",
        "request",
        "status_code",
        "url",
    )

    def __init__(self, response: httpx.Response, data: T) -> None:
        self.status_code = response.status_code
        self.headers = response.headers
        self.content = response.content
        self.data = data
        self.request = response.request
        self.method = response.request.method
        self.url = redacted_url(response.request.url)
        self.elapsed = response.elapsed
        self.http_version = response.http_version

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def __repr__(self) -> str:
        return (
            f"ApiResponse(status_code={self.status_code}, method={self.method!r}, "
            f"url={self.url!r}, data={self.data!r})"
        )


class StreamedResponse:
    """A success response whose body is read as you iterate: ``iter_bytes()``,
    ``iter_lines()``, or ``read()``; use it in a ``with`` block (or ``close()`` it).

    The call's total timeout covers the body too: reading past it raises ``ApiTimeoutError``.
    """

    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self._deadline: float | None = response.extensions.get(DEADLINE_EXTENSION)
        self.status_code = response.status_code
        self.headers = response.headers
        self.request = response.request
        self.url = redacted_url(response.request.url)

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body in chunks, decoded by its ``Content-Encoding``."""
        return self._bounded(self._response.iter_bytes(chunk_size))

    def iter_lines(self) -> Iterator[str]:
        """The body as lines of text (without their line endings)."""
        return self._bounded(self._response.iter_lines())

    def _bounded(self, items: Iterator[S]) -> Iterator[S]:
        """The items, each read by the call's deadline, with httpx's errors as ours."""
        while True:
            token = DEADLINE.set(self._deadline)
            try:
                item = next(items)
                check_deadline(self._deadline, self.request)
            except StopIteration:
                return
            except httpx.DecodingError as exc:
                raise undecodable(self._response, exc) from None
            except httpx.TransportError as exc:
                raise stream_error(self.request, exc) from exc
            finally:
                DEADLINE.reset(token)
            yield item

    def read(self) -> bytes:
        return b"".join(self.iter_bytes())

    def close(self) -> None:
        self._response.close()

    def __enter__(self) -> StreamedResponse:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"StreamedResponse(status_code={self.status_code}, url={self.url!r})"


class AsyncStreamedResponse:
    """``StreamedResponse`` for the async clients: ``aiter_bytes()``, ``aiter_lines()``,
    ``await aread()``, in an ``async with`` block."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self._deadline: float | None = response.extensions.get(DEADLINE_EXTENSION)
        self.status_code = response.status_code
        self.headers = response.headers
        self.request = response.request
        self.url = redacted_url(response.request.url)

    def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        return self._bounded(self._response.aiter_bytes(chunk_size))

    def aiter_lines(self) -> AsyncIterator[str]:
        return self._bounded(self._response.aiter_lines())

    async def _bounded(self, items: AsyncIterator[S]) -> AsyncIterator[S]:
        """The items, each read by the call's deadline, with httpx's errors as ours."""
        while True:
            token = DEADLINE.set(self._deadline)
            try:
                item = await items.__anext__()
                check_deadline(self._deadline, self.request)
            except StopAsyncIteration:
                return
            except httpx.DecodingError as exc:
                raise undecodable(self._response, exc) from None
            except httpx.TransportError as exc:
                raise stream_error(self.request, exc) from exc
            finally:
                DEADLINE.reset(token)
            yield item

    async def aread(self) -> bytes:
        return b"".join([chunk async for chunk in self.aiter_bytes()])

    async def aclose(self) -> None:
        await self._response.aclose()

    async def __aenter__(self) -> AsyncStreamedResponse:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return (
            f"AsyncStreamedResponse(status_code={self.status_code}, url={self.url!r})"
        )


def is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return (
        media == "application/json" or media.endswith("+json") or media == "text/json"
    )


def pick(responses: Mapping[str, Response] | None, status: int) -> Response | None:
    if not responses:
        return None
    return (
        responses.get(str(status))
        or responses.get(f"{status // 100}XX")
        or responses.get("default")
    )


def decode_body(
    op: Operation[Any], response: httpx.Response, spec: Response | None
) -> Any:
    if spec is None or spec.kind == "empty":
        return None
    if spec.kind == "binary":
        return response.content
    if spec.kind == "text":
        return response.text
    where = f"{op.name} response"
    try:
        data = json.loads(response.content)
        value = spec.codec.decode(data, where) if spec.codec is not None else data
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        request = response.request
        if isinstance(exc, DecodeError):
            message = str(exc)
        else:
            content_type = response.headers.get("content-type", "no content type")
            message = f"{where}: not valid JSON ({content_type}): {exc}"
        raise ResponseDecodeError(
            message,
            status=response.status_code,
            headers=response.headers,
            body=response.content,
            method=request.method,
            url=redacted_url(request.url),
        ) from None
    envelope = spec.envelope
    if (
        envelope is not None
        and isinstance(data, dict)
        and data.get(envelope.code) not in envelope.success
    ):
        raise result_error(envelope, data, value, response)
    return value


def result_error(
    envelope: Envelope, data: dict[str, Any], model: Any, response: httpx.Response
) -> ApiResultError:
    code = data.get(envelope.code)
    message = data.get(envelope.message) if envelope.message else None
    request = response.request
    url = redacted_url(request.url)
    text = f"{request.method} {url} answered {response.status_code} with {envelope.code} {code!r}"
    if isinstance(message, str) and message:
        text += f": {message}"
    return ApiResultError(
        text,
        code=code,
        result_message=message if isinstance(message, str) else None,
        status=response.status_code,
        headers=response.headers,
        body=response.content,
        method=request.method,
        url=url,
        model=model,
    )


def log_exchange(request: httpx.Request, response: httpx.Response) -> None:
    """One debug line per response: no query string, no header, so no credential."""
    logger.debug(
        "%s %s -> %d %s (%d bytes)",
        request.method,
        redacted_url(request.url),
        response.status_code,
        response.reason_phrase,
        len(response.content),
    )


def set_content(response: httpx.Response, chunks: list[bytes]) -> None:
    """Give a streamed response the body read in chunks, as ``read()`` would."""
    # httpx's own ``read()`` stores the body here; reading it ourselves lets the loop check
    # the total deadline between chunks
    response._content = b"".join(chunks)


def undecodable(
    response: httpx.Response, exc: httpx.DecodingError
) -> ResponseDecodeError:
    """A body that does not decode by its ``Content-Encoding`` (gzip on a plain body)."""
    request = response.request
    encoding = response.headers.get("content-encoding", "")
    return ResponseDecodeError(
        f"{request.method} {redacted_url(request.url)}: the body does not decode as "
        f"Content-Encoding {encoding!r}: {exc}",
        status=response.status_code,
        headers=response.headers,
        body=b"",
        method=request.method,
        url=redacted_url(request.url),
    )


def stream_error(
    request: httpx.Request, exc: httpx.TransportError
) -> ApiConnectionError:
    """A failure while a streamed body is read (no credential is in ``exc``'s text)."""
    url = redacted_url(request.url)
    timeout = isinstance(exc, httpx.TimeoutException)
    cls = ApiTimeoutError if timeout else ApiConnectionError
    message = f"{request.method} {url}: reading the body failed: {type(exc).__name__}"
    return cls(message, method=request.method, url=url)
