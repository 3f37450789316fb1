"""HTTP transport shared by every API class: request building, auth, retries, decoding.

An operation is described once as data (``Operation``); the sync and async clients differ only
in how they send and sleep. Secrets are held in ``Secret`` objects that never print.
"""

from __future__ import annotations

import base64
import copy
import datetime
import email.utils
import functools
import json
import logging
import os
import platform
import random
import re
import sys
import time
import uuid
import warnings
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Coroutine,
    Iterator,
    Mapping,
)
from dataclasses import dataclass
from enum import Enum
from typing import Any, Concatenate, Generic, ParamSpec, TypedDict, TypeVar, cast
from urllib.parse import quote

import httpx

from . import __version__
from ._model import UNSET, Codec, Unset
from .errors import (
    ApiConnectionError,
    ApiResultError,
    ApiStatusError,
    ApiTimeoutError,
    ClientClosedError,
    DecodeError,
    InvalidRequestError,
    ResponseDecodeError,
    error_class,
)

T = TypeVar("T")
P = ParamSpec("P")
A = TypeVar("A", bound="SyncApi")
AA = TypeVar("AA", bound="AsyncApi")
TR = TypeVar("TR", bound="BaseTransport")
TimeoutTypes = float | httpx.Timeout | None

logger = logging.getLogger(__package__)
# settings read from the environment are named ``<PACKAGE>_<SETTING>``, e.g. ``<PACKAGE>_BASE_URL``
ENV_PREFIX = (__package__ or "client").upper() + "_"
USER_AGENT = (
    f"{__package__}/{__version__} Python/{platform.python_version()} "
    f"httpx/{httpx.__version__}"
)

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
# the most one attempt may take in all (a body that trickles in never ends otherwise): a
# number given as ``timeout`` is the total too; the default and an ``httpx.Timeout`` use this
DEFAULT_TOTAL_TIMEOUT = 600.0
MAX_REDIRECTS = 10  # same-origin redirects followed per call
ERROR_EXCERPT_CHARS = 500  # how much of an error body an error message quotes
DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


class RequestOptions(TypedDict, total=False):
    """Per-call settings; every key is optional and overrides the client's setting."""

    timeout: TimeoutTypes
    max_retries: int
    retry_non_idempotent: (
        bool  # also retry POST and PATCH (only safe if the server dedupes)
    )
    headers: Mapping[str, str]  # the same as extra_headers
    extra_headers: Mapping[
        str, str
    ]  # sent besides (or instead of) the client's headers
    extra_query: Mapping[str, Any]  # query parameters the spec does not list
    extra_body: Mapping[str, Any]  # properties merged into a JSON or form object body
    idempotency_key: str  # the Idempotency-Key of this call (default: a random one)


_OPTION_KEYS = frozenset(RequestOptions.__annotations__)


def env(name: str) -> str | None:
    """The setting ``<PACKAGE>_<name>`` from the environment; unset or empty is None."""
    return os.environ.get(ENV_PREFIX + name) or None


def _configure_logging_from_env() -> None:
    """``<PACKAGE>_LOG=debug`` (or ``info``) logs each request and response line to stderr."""
    level = env("LOG")
    if level is None or level.upper() not in ("DEBUG", "INFO"):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s")
    )
    logger.addHandler(handler)
    logger.setLevel(level.upper())


_configure_logging_from_env()


class _RedactQueryCredentials(logging.Filter):
    """Masks API keys sent in the query string: httpx logs every request URL at INFO level.

    Only the values of the query parameters that carry credentials are masked
    (``apikey=...`` becomes ``apikey=***``), so no other text in a log line changes.
    """

    def __init__(self) -> None:
        super().__init__()
        self._names: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def add(self, name: str) -> None:
        if name not in self._names:
            self._names.add(name)
            names = "|".join(re.escape(quote(n, safe="")) for n in sorted(self._names))
            self._pattern = re.compile(rf"([?&](?:{names})=)[^&#\s\"']*")

    def filter(self, record: logging.LogRecord) -> bool:
        if self._pattern is not None:
            message = record.getMessage()
            redacted = self._pattern.sub(r"\1***", message)
            if redacted != message:
                record.msg = redacted
                record.args = ()
        return True


_REDACT = _RedactQueryCredentials()
logging.getLogger("httpx").addFilter(_REDACT)


class Secret:
    """A credential: usable by the transport, shown as ``'***'`` everywhere else."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


@dataclass(frozen=True)
class SecurityScheme:
    """How one security scheme puts its credential on a request."""

    kind: str  # "api_key", "basic" or "bearer"
    location: str = "header"  # header, query or cookie (api_key)
    name: str = "Authorization"
    prefix: str = ""


@dataclass(frozen=True)
class Param:
    """One parameter of an operation, as it goes on the wire."""

    name: str
    location: str  # path, query, header, cookie
    codec: Codec[Any] | None = None  # converts enums, dates, models to JSON values
    style: str = ""
    explode: bool = True


@dataclass(frozen=True)
class Body:
    media_type: str
    codec: Codec[Any] | None = None
    encoding: str = "json"  # json, text, binary, form, multipart


@dataclass(frozen=True)
class Envelope:
    """An error code inside a success body: ``code`` not in ``success`` means the call failed."""

    code: str
    success: tuple[Any, ...]
    message: str = ""


@dataclass(frozen=True)
class Response:
    codec: Codec[Any] | None  # None: no body to decode
    kind: str = "json"  # json, text, binary, empty
    envelope: Envelope | None = None


@dataclass(frozen=True)
class Pages:
    """How an operation pages: which attribute of a page holds its items, and which
    argument moves to the next page (positions in the argument tuple; -1 for none)."""

    items: str
    items_wire: str
    cursor: int = -1  # the argument that takes the next page's token (cursor paging)
    next_cursor: str = ""  # wire name of the page's token for the next page
    offset: int = -1  # the argument with the start index (offset paging)
    limit: int = -1  # the page-size argument: a shorter page is the last


@dataclass(frozen=True)
class Operation(Generic[T]):
    """Everything the transport needs to send one operation and decode its answer."""

    name: str
    method: str
    path: str
    params: tuple[Param, ...] = ()
    body: Body | None = None
    success: Mapping[str, Response] | None = None
    errors: Mapping[str, Response] | None = None
    security: tuple[tuple[str, ...], ...] = ()
    accept: str = ""
    deprecated: bool = False
    pages: Pages | None = None

    @property
    def idempotent(self) -> bool:
        return self.method in IDEMPOTENT_METHODS


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
        self.url = _redacted_url(response.request.url)
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
    ``iter_lines()``, or ``read()``; use it in a ``with`` block (or ``close()`` it)."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.request = response.request
        self.url = _redacted_url(response.request.url)

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body in chunks, decoded by its ``Content-Encoding``."""
        try:
            yield from self._response.iter_bytes(chunk_size)
        except httpx.DecodingError as exc:
            raise _undecodable(self._response, exc) from None
        except httpx.TransportError as exc:
            raise BaseTransport._stream_error(self.request, exc) from exc

    def iter_lines(self) -> Iterator[str]:
        """The body as lines of text (without their line endings)."""
        try:
            yield from self._response.iter_lines()
        except httpx.DecodingError as exc:
            raise _undecodable(self._response, exc) from None
        except httpx.TransportError as exc:
            raise BaseTransport._stream_error(self.request, exc) from exc

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
        self.status_code = response.status_code
        self.headers = response.headers
        self.request = response.request
        self.url = _redacted_url(response.request.url)

    async def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.aiter_bytes(chunk_size):
                yield chunk
        except httpx.DecodingError as exc:
            raise _undecodable(self._response, exc) from None
        except httpx.TransportError as exc:
            raise BaseTransport._stream_error(self.request, exc) from exc

    async def aiter_lines(self) -> AsyncIterator[str]:
        try:
            async for line in self._response.aiter_lines():
                yield line
        except httpx.DecodingError as exc:
            raise _undecodable(self._response, exc) from None
        except httpx.TransportError as exc:
            raise BaseTransport._stream_error(self.request, exc) from exc

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


def _plain(value: Any) -> str:
    """A scalar as text for a URL or header: ``True`` -> ``true``, enums by value."""
    if isinstance(value, Enum):
        value = value.value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    return str(value)


def _q(text: str) -> str:
    """Percent-encode one query name or value (a delimiter inside a value is encoded too)."""
    return quote(text, safe="")


def _query_pairs(param: Param, value: Any) -> list[str]:
    """Serialize a query (or cookie) parameter by its ``style`` and ``explode``, encoded.

    Encoding happens here, item by item, so the ``,``/``|``/space joining exploded=false
    arrays stays a literal delimiter while a comma inside an item is sent as ``%2C``.
    """
    name = _q(param.name)
    if param.style == "json":
        return [f"{name}={_q(_json_text(value))}"]
    if isinstance(value, dict):
        if param.style == "deepObject":
            return [
                f"{name}%5B{_q(str(k))}%5D={_q(_plain(v))}" for k, v in value.items()
            ]
        if param.explode:
            return [f"{_q(str(k))}={_q(_plain(v))}" for k, v in value.items()]
        return [
            f"{name}="
            + ",".join(f"{_q(str(k))},{_q(_plain(v))}" for k, v in value.items())
        ]
    if isinstance(value, (list, tuple)):
        if param.explode and param.style in ("", "form"):
            return [f"{name}={_q(_plain(v))}" for v in value]
        separator = {"spaceDelimited": "%20", "pipeDelimited": "|"}.get(
            param.style, ","
        )
        return [f"{name}=" + separator.join(_q(_plain(v)) for v in value)]
    return [f"{name}={_q(_plain(value))}"]


def _simple(value: Any, param: Param | None = None) -> str:
    """``simple`` style (path and header parameters), or JSON for a ``content`` parameter."""
    if param is not None and param.style == "json":
        return _json_text(value)
    if isinstance(value, dict):
        return ",".join(f"{k},{_plain(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ",".join(_plain(v) for v in value)
    return _plain(value)


def _path_value(param: Param, value: Any) -> str:
    """A path parameter by its ``style``: ``simple`` (``a,b``), ``label`` (``.a.b``) or
    ``matrix`` (``;name=a,b``), every value percent-encoded."""
    if param.style not in ("label", "matrix"):
        return quote(_simple(value, param), safe="")
    name = quote(param.name, safe="")
    separator = "." if param.style == "label" else ";"
    if isinstance(value, dict):
        pairs = [
            (quote(str(k), safe=""), quote(_plain(v), safe=""))
            for k, v in value.items()
        ]
        if param.explode:
            return "".join(f"{separator}{k}={v}" for k, v in pairs)
        flat = ",".join(f"{k},{v}" for k, v in pairs)
        return "." + flat if param.style == "label" else f";{name}={flat}"
    items = value if isinstance(value, (list, tuple)) else [value]
    texts = [quote(_plain(v), safe="") for v in items]
    if param.style == "label":
        return "." + ("." if param.explode else ",").join(texts)
    if param.explode:
        return "".join(f";{name}={text}" for text in texts)
    return f";{name}=" + ",".join(texts)


def _json_text(value: Any) -> str:
    """A parameter whose spec gives a JSON ``content`` instead of a ``schema``."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _redacted_url(url: httpx.URL) -> str:
    """The URL without its query string, which may carry an API key."""
    return str(url.copy_with(query=None))


def _retry_after(headers: httpx.Headers) -> float | None:
    """Seconds from ``Retry-After`` (seconds or HTTP date) or ``retry-after-ms``, if sensible."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return float(millis) / 1000.0
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None  # not a date either: fall back to backoff
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed.timestamp() - time.time()


def retry_delay(retry: int, headers: httpx.Headers | None) -> float:
    """How long to wait before retry number ``retry`` (0-based): ``Retry-After`` or backoff."""
    if headers is not None:
        after = _retry_after(headers)
        if after is not None and 0 <= after <= MAX_RETRY_AFTER:
            return after
    delay = min(INITIAL_RETRY_DELAY * (2.0**retry), MAX_RETRY_DELAY)
    return delay * (1.0 - 0.25 * random.random())  # noqa: S311 - jitter, not a secret


_NOT_HEADER_TEXT = re.compile(r"[^\t\x20-\x7e]")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def _check_timeout(timeout: TimeoutTypes | Unset) -> None:
    """A negative or NaN timeout is the caller's error, found before anything is sent."""
    if isinstance(timeout, httpx.Timeout):
        values = [timeout.connect, timeout.read, timeout.write, timeout.pool]
    elif isinstance(timeout, (int, float)) and not isinstance(timeout, bool):
        values = [timeout]
    elif timeout is None or isinstance(timeout, Unset):
        return
    else:
        raise InvalidRequestError(
            f"timeout must be seconds, an httpx.Timeout or None, got {type(timeout).__name__}"
        )
    for value in values:
        if value is not None and not value >= 0:  # NaN too
            raise InvalidRequestError(
                f"timeout must be 0 or more seconds, got {value!r}"
            )


def _total_timeout(timeout: TimeoutTypes | Unset) -> float | None:
    if isinstance(timeout, (int, float)):
        return float(timeout)
    if timeout is None:
        return None
    return DEFAULT_TOTAL_TIMEOUT


def _excerpt(body: bytes, secrets: tuple[str, ...]) -> str:
    """What the server said, for an error message: bounded, one line, no control characters
    (so a body cannot forge log lines) and no credential of this client."""
    text = body[: ERROR_EXCERPT_CHARS * 4].decode("utf-8", errors="replace")
    text = " ".join(_UNPRINTABLE.sub(" ", text).split())
    for secret in secrets:
        text = text.replace(secret, "***")
    if len(text) > ERROR_EXCERPT_CHARS:
        text = text[:ERROR_EXCERPT_CHARS] + "…"
    return text


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return (
        media == "application/json" or media.endswith("+json") or media == "text/json"
    )


class BaseTransport:
    """What the sync and async clients share: configuration, request building and decoding."""

    _security: Mapping[str, SecurityScheme] = {}
    _owns_http: bool = False

    def __init__(
        self,
        base_url: str,
        *,
        credentials: Mapping[str, str | tuple[str | None, str | None] | None],
        timeout: TimeoutTypes | Unset,
        max_retries: int,
        headers: Mapping[str, str] | None,
        idempotency_header: str | None = None,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(
                f"base_url must be an absolute http(s) URL, got {base_url!r}"
            )
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        _check_timeout(timeout)
        self.base_url = base_url.rstrip("/")
        self.max_retries = max_retries
        self._timeout = timeout
        self._headers = dict(headers or {})
        self.idempotency_header = idempotency_header
        self._credentials: dict[str, Secret | tuple[str, Secret]] = {}
        for scheme in self._security.values():
            if scheme.kind == "api_key" and scheme.location == "query":
                _REDACT.add(scheme.name)
        for key, value in credentials.items():
            if isinstance(value, tuple):  # user name and password: both, or none
                user, password = value
                if user is not None and password is not None:
                    self._credentials[key] = (user, Secret(password))
            elif value is not None:
                if _NOT_HEADER_TEXT.search(value):
                    raise InvalidRequestError(
                        f"the credential for {key} has a line break, a control character "
                        "or non-ASCII text; check where it was read from"
                    )
                self._credentials[key] = Secret(value)

    def _secret_texts(self) -> tuple[str, ...]:
        """Every credential as it may appear in text, for masking."""
        texts: list[str] = []
        for credential in self._credentials.values():
            secret = credential[1] if isinstance(credential, tuple) else credential
            if secret.reveal():
                texts.append(secret.reveal())
        return tuple(texts)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def with_options(
        self: TR,
        *,
        timeout: TimeoutTypes | Unset = UNSET,
        max_retries: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> TR:
        """A copy of this client with other settings, sharing its connection pool.

        ``headers`` are added to the client's. Closing the copy leaves the pool open; close the
        original when done.
        """
        _check_timeout(timeout)
        if max_retries is not None and max_retries < 0:
            raise InvalidRequestError("max_retries must be 0 or more")
        clone = copy.copy(self)
        clone._owns_http = False
        clone._headers = {**self._headers, **(headers or {})}
        if not isinstance(timeout, Unset):
            clone._timeout = timeout
        if max_retries is not None:
            clone.max_retries = max_retries
        return clone

    def _apply_auth(
        self,
        op: Operation[Any],
        headers: dict[str, str],
        query: list[str],
        cookies: list[str],
    ) -> None:
        """Use the first of the operation's security alternatives whose credentials are all set."""
        for alternative in op.security:
            if all(key in self._credentials for key in alternative):
                for key in alternative:
                    scheme = self._security[key]
                    credential = self._credentials[key]
                    if isinstance(credential, tuple):
                        pair = f"{credential[0]}:{credential[1].reveal()}".encode()
                        headers["Authorization"] = "Basic " + base64.b64encode(
                            pair
                        ).decode("ascii")
                        continue
                    value = scheme.prefix + credential.reveal()
                    if scheme.kind == "bearer":
                        headers["Authorization"] = "Bearer " + credential.reveal()
                    elif scheme.location == "query":
                        query.append(f"{_q(scheme.name)}={_q(value)}")
                    elif scheme.location == "cookie":
                        cookies.append(f"{scheme.name}={value}")
                    else:
                        headers[scheme.name] = value
                return

    def _build_request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        op: Operation[Any],
        args: tuple[Any, ...],
        body: Any,
        options: RequestOptions,
    ) -> httpx.Request:
        if options and not _OPTION_KEYS.issuperset(options):
            unknown = ", ".join(sorted(set(options) - _OPTION_KEYS))
            raise InvalidRequestError(
                f"{op.name}: unknown request_options {unknown}; "
                f"known are {', '.join(sorted(_OPTION_KEYS))}"
            )
        path = op.path
        query: list[str] = []
        headers: dict[str, str] = dict(self._headers)
        cookies: list[str] = []
        for param, value in zip(op.params, args, strict=True):
            if value is None or value is UNSET:
                if param.location == "path":
                    raise ValueError(
                        f"{op.name}: path parameter {param.name!r} must not be None"
                    )
                continue
            if param.codec is not None:
                value = param.codec.encode(value)
            if param.location == "path":
                path = path.replace("{" + param.name + "}", _path_value(param, value))
            elif param.location == "query":
                query.extend(_query_pairs(param, value))
            elif param.location == "header":
                headers[param.name] = _simple(value, param)
            else:
                cookies.extend(_query_pairs(param, value))
        self._apply_auth(op, headers, query, cookies)
        if op.accept:
            headers.setdefault("Accept", op.accept)
        if cookies:
            headers["Cookie"] = "; ".join(cookies)
        content: bytes | None = None
        data: dict[str, Any] | None = None
        files: Any = None
        extra_body = options.get("extra_body")
        if op.body is not None and extra_body and (body is None or body is UNSET):
            body = {}
        if op.body is not None and body is not None and body is not UNSET:
            spec = op.body
            value = spec.codec.encode(body) if spec.codec is not None else body
            if extra_body:
                if not isinstance(value, dict) or spec.encoding not in (
                    "json",
                    "form",
                    "multipart",
                ):
                    raise InvalidRequestError(
                        f"{op.name}: extra_body needs an object body"
                    )
                value = {**value, **extra_body}
            if spec.encoding == "json":
                content = json.dumps(
                    value, separators=(",", ":"), ensure_ascii=False
                ).encode("utf-8")
                headers["Content-Type"] = spec.media_type
            elif spec.encoding == "form":
                data = _form(value)
            elif spec.encoding == "multipart":
                data, files = _multipart(value)
            elif spec.encoding == "text":
                content = str(value).encode("utf-8")
                headers["Content-Type"] = spec.media_type
            else:
                content = value if isinstance(value, bytes) else bytes(value)
                headers["Content-Type"] = spec.media_type
        for key in ("headers", "extra_headers"):
            extra = options.get(key)
            if extra:
                headers.update(cast("Mapping[str, str]", extra))
        extra_query = options.get("extra_query")
        if extra_query:
            query.extend(
                f"{_q(str(k))}={_q(_plain(v))}" for k, v in extra_query.items()
            )
        if self.idempotency_header and not op.idempotent and self._retries(op, options):
            headers.setdefault(
                self.idempotency_header,
                options.get("idempotency_key") or str(uuid.uuid4()),
            )
        for name, text in headers.items():
            if _NOT_HEADER_TEXT.search(text) or _NOT_HEADER_TEXT.search(name):
                raise InvalidRequestError(
                    f"{op.name}: header {name!r} has a line break, a control character "
                    "or non-ASCII text; encode the value first"
                )
        timeout = options.get("timeout", self._timeout)
        _check_timeout(timeout)
        joiner = "&" if "?" in path else "?"  # a path key's fixed query comes first
        url = self.base_url + path + (joiner + "&".join(query) if query else "")
        try:
            return http.build_request(
                op.method,
                url,
                headers=headers,
                content=content,
                data=data,
                files=files,
                timeout=(
                    httpx.USE_CLIENT_DEFAULT if isinstance(timeout, Unset) else timeout
                ),
            )
        except (httpx.InvalidURL, UnicodeEncodeError) as exc:
            raise InvalidRequestError(
                f"{op.name}: cannot build the request: {exc}"
            ) from None

    def _deadline(self, options: RequestOptions) -> float | None:
        """When the attempt starting now must have read its whole response."""
        total = _total_timeout(options.get("timeout", self._timeout))
        return None if total is None else time.monotonic() + total

    @staticmethod
    def _stream_error(
        request: httpx.Request, exc: httpx.TransportError
    ) -> ApiConnectionError:
        """A failure while a streamed body is read (no credential is in ``exc``'s text)."""
        url = _redacted_url(request.url)
        timeout = isinstance(exc, httpx.TimeoutException)
        cls = ApiTimeoutError if timeout else ApiConnectionError
        message = (
            f"{request.method} {url}: reading the body failed: {type(exc).__name__}"
        )
        return cls(message, method=request.method, url=url)

    @staticmethod
    def _redirect(
        request: httpx.Request, response: httpx.Response, redirects: int
    ) -> httpx.Request | None:
        """The request a same-origin redirect asks for; None for another origin (the
        response is then an error status: credentials never follow to another host)."""
        location = response.headers.get("location")
        if location is None:
            return None
        try:
            url = request.url.join(location)
        except httpx.InvalidURL:
            return None
        if (url.scheme, url.host, url.port) != (
            request.url.scheme,
            request.url.host,
            request.url.port,
        ):
            return None
        if redirects >= MAX_REDIRECTS:
            where = _redacted_url(request.url)
            raise ApiConnectionError(
                f"{request.method} {where} redirected more than {MAX_REDIRECTS} times "
                "(a redirect loop?)",
                method=request.method,
                url=where,
            )
        method = request.method
        status = response.status_code
        if (status == 303 and method != "HEAD") or (
            status in (301, 302) and method == "POST"
        ):
            method = "GET"  # as browsers and httpx do: the body is dropped
        headers = httpx.Headers(request.headers)
        content: bytes | None = None
        if method == request.method:
            content = request.read()
        else:
            for name in ("content-length", "content-type", "transfer-encoding"):
                headers.pop(name, None)
        return httpx.Request(
            method, url, headers=headers, content=content, extensions=request.extensions
        )

    def _retries(self, op: Operation[Any], options: RequestOptions) -> int:
        if not (op.idempotent or options.get("retry_non_idempotent", False)):
            return 0
        return options.get("max_retries", self.max_retries)

    @staticmethod
    def _log_retry(
        request: httpx.Request, retry: int, retries: int, delay: float, reason: str
    ) -> None:
        logger.debug(
            "retrying %s %s in %.2f s (retry %d of %d): %s",
            request.method,
            _redacted_url(request.url),
            delay,
            retry + 1,
            retries,
            reason,
        )

    def _transport_error(
        self, request: httpx.Request, exc: httpx.TransportError
    ) -> ApiConnectionError:
        url = _redacted_url(request.url)
        cls = (
            ApiTimeoutError
            if isinstance(exc, httpx.TimeoutException)
            else ApiConnectionError
        )
        cause = str(exc) or type(exc).__name__
        for secret in self._secret_texts():
            cause = cause.replace(secret, "***")
        kind = "timed out" if cls is ApiTimeoutError else "failed"
        message = f"{request.method} {url} {kind}: {type(exc).__name__}: {cause}"
        return cls(message, method=request.method, url=url)

    def _decode(self, op: Operation[T], response: httpx.Response) -> T:
        """The decoded success body, or the right ``ApiStatusError`` for an error status."""
        status = response.status_code
        if 200 <= status < 300:
            spec = _pick(op.success, status)
            if spec is None and op.success:
                spec = next(iter(op.success.values()))
            return _decode_body(op, response, spec)  # type: ignore[no-any-return]
        raise self._status_error(op, response)

    def _status_error(
        self, op: Operation[Any], response: httpx.Response
    ) -> ApiStatusError:
        status = response.status_code
        spec = _pick(op.errors, status)
        model = None
        if spec is not None and spec.codec is not None and response.content:
            try:
                model = _decode_body(op, response, spec)
            except ResponseDecodeError:
                model = None
        request = response.request
        url = _redacted_url(request.url)
        reason = response.reason_phrase or "error"
        said = _excerpt(response.content, self._secret_texts())
        return error_class(status)(
            f"{request.method} {url} answered {status} {reason}"
            + (f": {said}" if said else ""),
            status=status,
            headers=response.headers,
            body=response.content,
            method=request.method,
            url=url,
            model=model,
        )


def _pick(responses: Mapping[str, Response] | None, status: int) -> Response | None:
    if not responses:
        return None
    return (
        responses.get(str(status))
        or responses.get(f"{status // 100}XX")
        or responses.get("default")
    )


def _decode_body(
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
            url=_redacted_url(request.url),
        ) from None
    envelope = spec.envelope
    if (
        envelope is not None
        and isinstance(data, dict)
        and data.get(envelope.code) not in envelope.success
    ):
        raise _result_error(envelope, data, value, response)
    return value


def _result_error(
    envelope: Envelope, data: dict[str, Any], model: Any, response: httpx.Response
) -> ApiResultError:
    code = data.get(envelope.code)
    message = data.get(envelope.message) if envelope.message else None
    request = response.request
    url = _redacted_url(request.url)
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


def _is_file(value: Any) -> bool:
    return isinstance(value, (bytes, bytearray, tuple)) or hasattr(value, "read")


def _form_value(value: Any) -> str:
    """One form field: scalars as text (``true``/``false``), objects and arrays as JSON."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return _plain(value)


def _form(value: Any) -> dict[str, Any]:
    """A form body: an array of scalars repeats its key, anything else is one field."""
    data: dict[str, Any] = {}
    for key, item in (value or {}).items():
        if item is None:
            continue
        flat = isinstance(item, list) and all(
            not isinstance(v, (dict, list)) for v in item
        )
        if flat:
            data[key] = [_plain(v) for v in item]
        else:
            data[key] = _form_value(item)
    return data


def _multipart(value: Any) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """Split a multipart body into form fields and files (bytes or (name, bytes[, type]))."""
    files: list[tuple[str, Any]] = []
    fields: dict[str, Any] = {}
    for key, item in (value or {}).items():
        if _is_file(item):
            files.append((key, item))
        elif isinstance(item, list) and item and all(_is_file(v) for v in item):
            files.extend((key, v) for v in item)
        else:
            fields[key] = item
    form = _form(fields)
    if not files:
        # httpx sends fields alone urlencoded; parts without a file name stay multipart
        parts = [
            (k, (None, v))
            for k, vs in form.items()
            for v in (vs if isinstance(vs, list) else [vs])
        ]
        return {}, parts
    return form, files


class SyncTransport(BaseTransport):
    """Sends operations with ``httpx.Client``."""

    def __init__(
        self,
        base_url: str,
        *,
        credentials: Mapping[str, str | tuple[str | None, str | None] | None],
        timeout: TimeoutTypes | Unset,
        max_retries: int,
        headers: Mapping[str, str] | None,
        http_client: httpx.Client | None,
        idempotency_header: str | None = None,
    ) -> None:
        super().__init__(
            base_url,
            credentials=credentials,
            timeout=timeout,
            max_retries=max_retries,
            headers=headers,
            idempotency_header=idempotency_header,
        )
        self._owns_http = http_client is None
        if http_client is None:
            http_client = httpx.Client(
                timeout=DEFAULT_TIMEOUT if isinstance(timeout, Unset) else timeout,
                headers={"User-Agent": USER_AGENT},
            )
        self._http = http_client

    def close(self) -> None:
        """Close the connections, unless the httpx client was passed in by the caller."""
        if self._owns_http:
            self._http.close()

    def __enter__(self: Any) -> Any:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def send(
        self,
        op: Operation[T],
        args: tuple[Any, ...],
        body: Any,
        options: RequestOptions | None,
        stream: bool = False,
    ) -> httpx.Response:
        """The response, read (unless ``stream``: then a success is returned unread, and
        the caller closes it)."""
        options = options or {}
        if self._http.is_closed:
            raise ClientClosedError(f"{op.name}: the client is closed")
        request = self._build_request(self._http, op, args, body, options)
        retries = self._retries(op, options)
        retry = redirects = 0
        while True:
            try:
                deadline = self._deadline(options)
                response = self._http.send(request, stream=True)
                if stream and 200 <= response.status_code < 300:
                    return response
                try:
                    chunks = []
                    for chunk in response.iter_bytes():
                        chunks.append(chunk)
                        if deadline is not None and time.monotonic() > deadline:
                            raise httpx.ReadTimeout(_PAST_DEADLINE, request=request)
                finally:
                    response.close()
                _set_content(response, chunks)
                if logger.isEnabledFor(logging.DEBUG):
                    _log_exchange(request, response)
            except httpx.DecodingError as exc:
                raise _undecodable(response, exc) from None
            except httpx.TransportError as exc:
                if retry >= retries:
                    raise self._transport_error(request, exc) from exc
                delay = retry_delay(retry, None)
                self._log_retry(request, retry, retries, delay, type(exc).__name__)
            else:
                if response.is_redirect:
                    follow = self._redirect(request, response, redirects)
                    if follow is not None:
                        request, redirects = follow, redirects + 1
                        continue
                if retry >= retries or response.status_code not in RETRY_STATUSES:
                    return response
                delay = retry_delay(retry, response.headers)
                self._log_retry(
                    request, retry, retries, delay, f"status {response.status_code}"
                )
                response.close()
            sleep(delay)
            retry += 1

    def call(
        self,
        op: Operation[T],
        args: tuple[Any, ...],
        body: Any,
        options: RequestOptions | None,
    ) -> T:
        """Send an operation and return its decoded result."""
        return self._decode(op, self.send(op, args, body, options))

    def call_stream(
        self,
        op: Operation[T],
        args: tuple[Any, ...],
        body: Any,
        options: RequestOptions | None,
    ) -> StreamedResponse:
        """Send an operation; a success comes back unread, an error status raises."""
        response = self.send(op, args, body, options, stream=True)
        if not 200 <= response.status_code < 300:
            raise self._status_error(op, response)
        return StreamedResponse(response)

    def call_raw(
        self,
        op: Operation[T],
        args: tuple[Any, ...],
        body: Any,
        options: RequestOptions | None,
    ) -> ApiResponse[T]:
        """Send an operation and return the response with its decoded result."""
        response = self.send(op, args, body, options)
        return ApiResponse(response, self._decode(op, response))


class AsyncTransport(BaseTransport):
    """Sends operations with ``httpx.AsyncClient``."""

    def __init__(
        self,
        base_url: str,
        *,
        credentials: Mapping[str, str | tuple[str | None, str | None] | None],
        timeout: TimeoutTypes | Unset,
        max_retries: int,
        headers: Mapping[str, str] | None,
        http_client: httpx.AsyncClient | None,
        idempotency_header: str | None = None,
    ) -> None:
        super().__init__(
            base_url,
            credentials=credentials,
            timeout=timeout,
            max_retries=max_retries,
            headers=headers,
            idempotency_header=idempotency_header,
        )
        self._owns_http = http_client is None
        if http_client is None:
            http_client = httpx.AsyncClient(
                timeout=DEFAULT_TIMEOUT if isinstance(timeout, Unset) else timeout,
                headers={"User-Agent": USER_AGENT},
            )
        self._http = http_client

    async def aclose(self) -> None:
        """Close the connections, unless the httpx client was passed in by the caller."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self: Any) -> Any:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def send(
        self,
        op: Operation[T],
        args: tuple[Any, ...],
        body: Any,
        options: RequestOptions | None,
        stream: bool = False,
    ) -> httpx.Response:
        """The response, read (unless ``stream``: then a success is returned unread, and
        the caller closes it)."""
        options = options or {}
        if self._http.is_closed:
            raise ClientClosedError(f"{op.name}: the client is closed")
        request = self._build_request(self._http, op, args, body, options)
        retries = self._retries(op, options)
        retry = redirects = 0
        while True:
            try:
                deadline = self._deadline(options)
                response = await self._http.send(request, stream=True)
                if stream and 200 <= response.status_code < 300:
                    return response
                try:
                    chunks = []
                    async for chunk in response.aiter_bytes():
                        chunks.append(chunk)
                        if deadline is not None and time.monotonic() > deadline:
                            raise httpx.ReadTimeout(_PAST_DEADLINE, request=request)
                finally:
                    await response.aclose()
                _set_content(response, chunks)
                if logger.isEnabledFor(logging.DEBUG):
                    _log_exchange(request, response)
            except httpx.DecodingError as exc:
                raise _undecodable(response, exc) from None
            except httpx.TransportError as exc:
                if retry >= retries:
                    raise self._transport_error(request, exc) from exc
                delay = retry_delay(retry, None)
                self._log_retry(request, retry, retries, delay, type(exc).__name__)
            else:
                if response.is_redirect:
                    follow = self._redirect(request, response, redirects)
                    if follow is not None:
                        request, redirects = follow, redirects + 1
                        continue
                if retry >= retries or response.status_code not in RETRY_STATUSES:
                    return response
                delay = retry_delay(retry, response.headers)
                self._log_retry(
                    request, retry, retries, delay, f"status {response.status_code}"
                )
                await response.aclose()
            await async_sleep(delay)
            retry += 1

    async def call(
        self,
        op: Operation[T],
        args: tuple[Any, ...],
        body: Any,
        options: RequestOptions | None,
    ) -> T:
        """Send an operation and return its decoded result."""
        return self._decode(op, await self.send(op, args, body, options))

    async def call_stream(
        self,
        op: Operation[T],
        args: tuple[Any, ...],
        body: Any,
        options: RequestOptions | None,
    ) -> AsyncStreamedResponse:
        """Send an operation; a success comes back unread, an error status raises."""
        response = await self.send(op, args, body, options, stream=True)
        if not 200 <= response.status_code < 300:
            raise self._status_error(op, response)
        return AsyncStreamedResponse(response)

    async def call_raw(
        self,
        op: Operation[T],
        args: tuple[Any, ...],
        body: Any,
        options: RequestOptions | None,
    ) -> ApiResponse[T]:
        """Send an operation and return the response with its decoded result."""
        response = await self.send(op, args, body, options)
        return ApiResponse(response, self._decode(op, response))


_PAST_DEADLINE = "the whole response took longer than the total timeout"


def _log_exchange(request: httpx.Request, response: httpx.Response) -> None:
    """One debug line per response: no query string, no header, so no credential."""
    logger.debug(
        "%s %s -> %d %s (%d bytes)",
        request.method,
        _redacted_url(request.url),
        response.status_code,
        response.reason_phrase,
        len(response.content),
    )


def _set_content(response: httpx.Response, chunks: list[bytes]) -> None:
    """Give a streamed response the body read in chunks, as ``read()`` would."""
    # httpx's own ``read()`` stores the body here; reading it ourselves lets the loop check
    # the total deadline between chunks
    response._content = b"".join(chunks)


def _undecodable(
    response: httpx.Response, exc: httpx.DecodingError
) -> ResponseDecodeError:
    """A body that does not decode by its ``Content-Encoding`` (gzip on a plain body)."""
    request = response.request
    encoding = response.headers.get("content-encoding", "")
    return ResponseDecodeError(
        f"{request.method} {_redacted_url(request.url)}: the body does not decode as "
        f"Content-Encoding {encoding!r}: {exc}",
        status=response.status_code,
        headers=response.headers,
        body=b"",
        method=request.method,
        url=_redacted_url(request.url),
    )


def sleep(seconds: float) -> None:
    """Wait between retries (a module function so tests can replace it)."""
    time.sleep(seconds)


async def async_sleep(seconds: float) -> None:
    """Wait between retries in async code (a module function so tests can replace it).

    anyio (an httpx dependency) sleeps in whichever event loop runs: asyncio or trio.
    """
    import anyio

    await anyio.sleep(seconds)


class SyncApi:
    """Base of the generated sync API classes.

    A generated method only builds its argument tuple and returns ``self._call(...)``, so the
    async class reuses it unchanged (``async_method``): there ``_call`` is a coroutine.
    """

    def __init__(self, client: SyncTransport) -> None:
        self._client = client
        self._raw = False
        self._capture = False  # _call returns what it would send (for first_page)
        self._stream = False  # _call returns the response unread

    def _call(
        self,
        op: Operation[T],
        args: tuple[Any, ...],
        body: Any,
        options: RequestOptions | None,
    ) -> T:
        if self._capture:
            return cast(T, _Captured(op, args, body, options))
        if op.deprecated:
            _warn_deprecated(op)
        if self._stream:
            return cast(T, self._client.call_stream(op, args, body, options))
        if self._raw:
            return cast(T, self._client.call_raw(op, args, body, options))
        return self._client.call(op, args, body, options)

    def _pages(
        self,
        op: Operation[Any],
        args: tuple[Any, ...],
        body: Any,
        options: RequestOptions | None,
    ) -> Iterator[Any]:
        """Every item of every page, fetched lazily."""
        pages = cast(Pages, op.pages)
        moving = list(args)
        while True:
            page = self._call(op, tuple(moving), body, options)
            items = _page_items(pages, page)
            if items is None:
                return
            yield from items
            if not _next_page(pages, moving, page, len(items)):
                return

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._client!r})"

    def _raw_view(self: A) -> A:
        view = copy.copy(self)
        view._raw = True
        return view

    def _stream_view(self: A) -> A:
        view = copy.copy(self)
        view._stream = True
        return view


class AsyncApi:
    """Base of the generated async API classes."""

    def __init__(self, client: AsyncTransport) -> None:
        self._client = client
        self._raw = False
        self._capture = False  # _call returns what it would send (for first_page)
        self._stream = False  # _call returns the response unread

    async def _call(
        self,
        op: Operation[T],
        args: tuple[Any, ...],
        body: Any,
        options: RequestOptions | None,
    ) -> T:
        if self._capture:
            return cast(T, _Captured(op, args, body, options))
        if op.deprecated:
            _warn_deprecated(op)
        if self._stream:
            return cast(T, await self._client.call_stream(op, args, body, options))
        if self._raw:
            return cast(T, await self._client.call_raw(op, args, body, options))
        return await self._client.call(op, args, body, options)

    async def _pages(
        self,
        op: Operation[Any],
        args: tuple[Any, ...],
        body: Any,
        options: RequestOptions | None,
    ) -> AsyncIterator[Any]:
        """Every item of every page, fetched lazily."""
        pages = cast(Pages, op.pages)
        moving = list(args)
        while True:
            page = await self._call(op, tuple(moving), body, options)
            items = _page_items(pages, page)
            if items is None:
                return
            for item in items:
                yield item
            if not _next_page(pages, moving, page, len(items)):
                return

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._client!r})"

    def _raw_view(self: AA) -> AA:
        view = copy.copy(self)
        view._raw = True
        return view

    def _stream_view(self: AA) -> AA:
        view = copy.copy(self)
        view._stream = True
        return view


@dataclass(frozen=True)
class _Captured:
    """An operation call, as ``_call`` would send it."""

    op: Operation[Any]
    args: tuple[Any, ...]
    body: Any
    options: RequestOptions | None


def _capture(method: Callable[..., Any]) -> tuple[Any, Callable[..., Any]]:
    """The API object of a bound paged method, and the method bound to a capturing view."""
    api = getattr(method, "__self__", None)
    function = getattr(method, "__func__", None)
    if not isinstance(api, (SyncApi, AsyncApi)) or function is None:
        raise TypeError(
            "first_page takes a method of an API object, e.g. api.list_things"
        )
    view = copy.copy(api)
    view._capture = True
    return api, functools.partial(function, view)


def _paged(captured: Any) -> _Captured:
    if not isinstance(captured, _Captured) or captured.op.pages is None:
        raise TypeError(
            "first_page takes an operation that pages (one with an iter_ method)"
        )
    return captured


class _PageBase(Generic[T]):
    """What sync and async pages share: the page's data and where the next one starts."""

    def __init__(self, call: _Captured, data: T) -> None:
        self._call, self.data = call, data

    @property
    def items(self) -> list[Any]:
        """The page's items (empty when it has none)."""
        return _page_items(cast(Pages, self._call.op.pages), self.data) or []

    def _next_call(self) -> _Captured | None:
        pages = cast(Pages, self._call.op.pages)
        items = _page_items(pages, self.data)
        moving = list(self._call.args)
        if items is None or not _next_page(pages, moving, self.data, len(items)):
            return None
        return _Captured(
            self._call.op, tuple(moving), self._call.body, self._call.options
        )

    def has_next_page(self) -> bool:
        return self._next_call() is not None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._call.op.name}, items={len(self.items)})"


class Page(_PageBase[T]):
    """One page of a paged operation: ``data`` (the page as the operation returns it) and
    ``items``; ``has_next_page()`` and ``next_page()`` page by hand."""

    def __init__(self, api: SyncApi, call: _Captured, data: T) -> None:
        super().__init__(call, data)
        self._api = api

    def next_page(self) -> Page[T]:
        """The following page; ``StopIteration`` after the last."""
        call = self._next_call()
        if call is None:
            raise StopIteration("this is the last page")
        data = self._api._call(call.op, call.args, call.body, call.options)
        return Page(self._api, call, data)


class AsyncPage(_PageBase[T]):
    """``Page`` for the async clients: ``await page.next_page()``."""

    def __init__(self, api: AsyncApi, call: _Captured, data: T) -> None:
        super().__init__(call, data)
        self._api = api

    async def next_page(self) -> AsyncPage[T]:
        """The following page; ``StopAsyncIteration`` after the last."""
        call = self._next_call()
        if call is None:
            raise StopAsyncIteration("this is the last page")
        data = await self._api._call(call.op, call.args, call.body, call.options)
        return AsyncPage(self._api, call, data)


def first_page(method: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Page[T]:
    """The first page of a paged operation: ``first_page(api.list_things, arg, ...)`` takes
    the method and its arguments; then ``page.has_next_page()`` / ``page.next_page()``.
    """
    api, bound = _capture(method)
    call = _paged(bound(*args, **kwargs))
    return Page(api, call, api._call(call.op, call.args, call.body, call.options))


async def afirst_page(
    method: Callable[P, Awaitable[T]], /, *args: P.args, **kwargs: P.kwargs
) -> AsyncPage[T]:
    """``first_page`` for an async API: ``await afirst_page(api.list_things, ...)``."""
    api, bound = _capture(method)
    call = _paged(await bound(*args, **kwargs))
    data = await api._call(call.op, call.args, call.body, call.options)
    return AsyncPage(api, call, data)


def _warn_deprecated(op: Operation[Any]) -> None:
    # stacklevel 4 names the caller: it sits above the method and ``_call`` (or ``_pages``),
    # and above the coroutine ``async_method`` made for an async call
    warnings.warn(f"{op.name} is deprecated", DeprecationWarning, stacklevel=4)


def _page_items(pages: Pages, page: Any) -> list[Any] | None:
    """A page's items; None when it has none, which ends the paging."""
    if page.get(pages.items_wire) is None:
        return None
    items = getattr(page, pages.items)
    return items if isinstance(items, list) and items else None


def _next_page(pages: Pages, args: list[Any], page: Any, count: int) -> bool:
    """Move ``args`` past a page that held ``count`` items; False after the last page."""
    if pages.cursor >= 0:
        token = page.get(pages.next_cursor)
        if not isinstance(token, str) or not token:
            return False
        args[pages.cursor] = token
        return True
    args[pages.offset] = (args[pages.offset] or 0) + count
    limit = args[pages.limit] if pages.limit >= 0 else None
    return not (isinstance(limit, int) and count < limit)


def raw_method(method: Callable[P, T]) -> Callable[P, ApiResponse[T]]:
    """Type a method of a raw view: same parameters, returns ``ApiResponse``."""
    return cast("Callable[P, ApiResponse[T]]", method)


def stream_method(method: Callable[P, Any]) -> Callable[P, StreamedResponse]:
    """Type a method of a streaming view: same parameters, returns ``StreamedResponse``."""
    return cast("Callable[P, StreamedResponse]", method)


def async_stream_method(
    method: Callable[P, Awaitable[Any]],
) -> Callable[P, Awaitable[AsyncStreamedResponse]]:
    """Type an async method of a streaming view: ``await`` gives ``AsyncStreamedResponse``."""
    return cast("Callable[P, Awaitable[AsyncStreamedResponse]]", method)


def async_raw_method(
    method: Callable[P, Awaitable[T]],
) -> Callable[P, Awaitable[ApiResponse[T]]]:
    """Type an async method of a raw view: same parameters, returns ``ApiResponse``."""
    return cast("Callable[P, Awaitable[ApiResponse[T]]]", method)


def async_method(
    method: Callable[Concatenate[Any, P], T],
) -> Callable[Concatenate[Any, P], Coroutine[Any, Any, T]]:
    """The async twin of a sync API method: same parameters and docstring, awaitable.

    The sync method only returns ``self._call(...)``; on an async API that is a coroutine.
    """

    async def twin(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return await cast("Awaitable[T]", method(self, *args, **kwargs))

    functools.update_wrapper(twin, method)
    return twin


def async_iterator(
    method: Callable[Concatenate[Any, P], Iterator[T]],
) -> Callable[Concatenate[Any, P], AsyncIterator[T]]:
    """The async twin of a sync ``iter_`` method: same parameters and docstring, ``async for``.

    The sync method only returns ``self._pages(...)``; on an async API that is an async generator.
    """

    def twin(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> AsyncIterator[T]:
        return cast("AsyncIterator[T]", method(self, *args, **kwargs))

    functools.update_wrapper(twin, method)
    return twin
