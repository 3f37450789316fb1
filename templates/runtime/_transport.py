"""The transport: builds an operation's request, sends it (sync or async), retries and decodes.

An operation is described once as data (``Operation``, in ``_operation``); the sync and async
clients differ only in how they send and sleep. The generated modules import the runtime's
names from here (``__all__``), so the module each one lives in can change without them.
"""

from __future__ import annotations

import base64
import copy
import json
import logging
import time
import uuid
from collections.abc import Mapping
from typing import Any, TypeVar, cast

import httpx

from ._auth import NOT_HEADER_TEXT, REDACT, Secret, excerpt, redacted_url
from ._base import (
    AsyncApi,
    AsyncPage,
    Page,
    SyncApi,
    afirst_page,
    async_iterator,
    async_method,
    async_raw_method,
    async_stream_method,
    first_page,
    raw_method,
    stream_method,
)
from ._deadline import (
    DEADLINE,
    DEADLINE_EXTENSION,
    async_http_transport,
    check_deadline,
    sync_http_transport,
)
from ._model import UNSET, Unset
from ._operation import (
    OPTION_KEYS,
    Body,
    Envelope,
    Operation,
    Pages,
    Param,
    RequestOptions,
    Response,
    SecurityScheme,
)
from ._response import (
    ApiResponse,
    AsyncStreamedResponse,
    StreamedResponse,
    decode_body,
    log_exchange,
    pick,
    set_content,
    undecodable,
)
from ._retry import DEFAULT_MAX_RETRIES, RETRY_STATUSES, async_sleep, retry_delay, sleep
from ._serialize import (
    form_fields,
    multipart_parts,
    path_value,
    plain,
    query_pairs,
    quote_part,
    simple_value,
)
from ._settings import (
    DEFAULT_TIMEOUT,
    ENV_PREFIX,
    MAX_REDIRECTS,
    USER_AGENT,
    TimeoutTypes,
    check_timeout,
    env,
    logger,
    total_timeout,
)
from .errors import (
    ApiConnectionError,
    ApiStatusError,
    ApiTimeoutError,
    ClientClosedError,
    InvalidRequestError,
    ResponseDecodeError,
    error_class,
)

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "ENV_PREFIX",
    "ApiResponse",
    "AsyncApi",
    "AsyncPage",
    "AsyncStreamedResponse",
    "AsyncTransport",
    "BaseTransport",
    "Body",
    "Envelope",
    "Operation",
    "Page",
    "Pages",
    "Param",
    "RequestOptions",
    "Response",
    "SecurityScheme",
    "StreamedResponse",
    "SyncApi",
    "SyncTransport",
    "TimeoutTypes",
    "afirst_page",
    "async_iterator",
    "async_method",
    "async_raw_method",
    "async_sleep",
    "async_stream_method",
    "env",
    "first_page",
    "raw_method",
    "retry_delay",
    "sleep",
    "stream_method",
]

T = TypeVar("T")
TR = TypeVar("TR", bound="BaseTransport")
# ``with ApiClient(...) as client`` gives the generated subclass, not the base
ST = TypeVar("ST", bound="SyncTransport")
AT = TypeVar("AT", bound="AsyncTransport")


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
        check_timeout(timeout)
        self.base_url = base_url.rstrip("/")
        self.max_retries = max_retries
        self._timeout = timeout
        self._headers = dict(headers or {})
        self.idempotency_header = idempotency_header
        self._credentials: dict[str, Secret | tuple[str, Secret]] = {}
        for scheme in self._security.values():
            if scheme.kind == "api_key" and scheme.location == "query":
                REDACT.add(scheme.name)
        for key, value in credentials.items():
            if isinstance(value, tuple):  # user name and password: both, or none
                user, password = value
                if user is not None and password is not None:
                    self._credentials[key] = (user, Secret(password))
            elif value is not None:
                if NOT_HEADER_TEXT.search(value):
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
        check_timeout(timeout)
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
                        query.append(f"{quote_part(scheme.name)}={quote_part(value)}")
                    elif scheme.location == "cookie":
                        cookies.append(f"{scheme.name}={value}")
                    else:
                        headers[scheme.name] = value
                return

    def _build_request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        op: Operation[Any],
        args: Mapping[str, Any],
        body: Any,
        options: RequestOptions,
    ) -> httpx.Request:
        if options and not OPTION_KEYS.issuperset(options):
            unknown = ", ".join(sorted(set(options) - OPTION_KEYS))
            raise InvalidRequestError(
                f"{op.name}: unknown request_options {unknown}; "
                f"known are {', '.join(sorted(OPTION_KEYS))}"
            )
        path = op.path
        query: list[str] = []
        headers: dict[str, str] = dict(self._headers)
        cookies: list[str] = []
        for key, param in op.params.items():
            value = args.get(key)
            if value is None or value is UNSET:
                if param.location == "path":
                    raise ValueError(
                        f"{op.name}: path parameter {param.name!r} must not be None"
                    )
                continue
            if param.codec is not None:
                value = param.codec.encode(value)
            if param.location == "path":
                path = path.replace("{" + param.name + "}", path_value(param, value))
            elif param.location == "query":
                query.extend(query_pairs(param, value))
            elif param.location == "header":
                headers[param.name] = simple_value(value, param)
            else:
                cookies.extend(query_pairs(param, value))
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
                data = form_fields(value)
            elif spec.encoding == "multipart":
                data, files = multipart_parts(value)
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
                f"{quote_part(str(k))}={quote_part(plain(v))}"
                for k, v in extra_query.items()
            )
        idempotency = self.idempotency_header or op.idempotency_header
        if idempotency and not op.idempotent and self._retries(op, options):
            headers.setdefault(
                idempotency,
                options.get("idempotency_key") or str(uuid.uuid4()),
            )
        for name, text in headers.items():
            if NOT_HEADER_TEXT.search(text) or NOT_HEADER_TEXT.search(name):
                raise InvalidRequestError(
                    f"{op.name}: header {name!r} has a line break, a control character "
                    "or non-ASCII text; encode the value first"
                )
        timeout = options.get("timeout", self._timeout)
        check_timeout(timeout)
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
        total = total_timeout(options.get("timeout", self._timeout))
        return None if total is None else time.monotonic() + total

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
            where = redacted_url(request.url)
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
            redacted_url(request.url),
            delay,
            retry + 1,
            retries,
            reason,
        )

    def _transport_error(
        self, request: httpx.Request, exc: httpx.TransportError
    ) -> ApiConnectionError:
        url = redacted_url(request.url)
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
            spec = pick(op.success, status)
            if spec is None and op.success:
                spec = next(iter(op.success.values()))
            return decode_body(op, response, spec)  # type: ignore[no-any-return]
        raise self._status_error(op, response)

    def _status_error(
        self, op: Operation[Any], response: httpx.Response
    ) -> ApiStatusError:
        status = response.status_code
        spec = pick(op.errors, status)
        model = None
        if spec is not None and spec.codec is not None and response.content:
            try:
                model = decode_body(op, response, spec)
            except ResponseDecodeError:
                model = None
        request = response.request
        url = redacted_url(request.url)
        reason = response.reason_phrase or "error"
        said = excerpt(response.content, self._secret_texts())
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
                transport=sync_http_transport(),
            )
        self._http = http_client

    def close(self) -> None:
        """Close the connections, unless the httpx client was passed in by the caller."""
        if self._owns_http:
            self._http.close()

    def __enter__(self: ST) -> ST:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def send(
        self,
        op: Operation[T],
        args: Mapping[str, Any],
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
            deadline = self._deadline(options)
            token = DEADLINE.set(deadline)
            try:
                response = self._http.send(request, stream=True)
                if stream and 200 <= response.status_code < 300:
                    response.extensions[DEADLINE_EXTENSION] = deadline
                    return response
                try:
                    chunks = []
                    for chunk in response.iter_bytes():
                        chunks.append(chunk)
                        check_deadline(deadline, request)
                finally:
                    response.close()
                set_content(response, chunks)
                if logger.isEnabledFor(logging.DEBUG):
                    log_exchange(request, response)
            except httpx.DecodingError as exc:
                raise undecodable(response, exc) from None
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
            finally:
                DEADLINE.reset(token)
            sleep(delay)
            retry += 1

    def call(
        self,
        op: Operation[T],
        args: Mapping[str, Any],
        body: Any,
        options: RequestOptions | None,
    ) -> T:
        """Send an operation and return its decoded result."""
        return self._decode(op, self.send(op, args, body, options))

    def call_stream(
        self,
        op: Operation[T],
        args: Mapping[str, Any],
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
        args: Mapping[str, Any],
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
                transport=async_http_transport(),
            )
        self._http = http_client

    async def aclose(self) -> None:
        """Close the connections, unless the httpx client was passed in by the caller."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self: AT) -> AT:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def send(
        self,
        op: Operation[T],
        args: Mapping[str, Any],
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
            deadline = self._deadline(options)
            token = DEADLINE.set(deadline)
            try:
                response = await self._http.send(request, stream=True)
                if stream and 200 <= response.status_code < 300:
                    response.extensions[DEADLINE_EXTENSION] = deadline
                    return response
                try:
                    chunks = []
                    async for chunk in response.aiter_bytes():
                        chunks.append(chunk)
                        check_deadline(deadline, request)
                finally:
                    await response.aclose()
                set_content(response, chunks)
                if logger.isEnabledFor(logging.DEBUG):
                    log_exchange(request, response)
            except httpx.DecodingError as exc:
                raise undecodable(response, exc) from None
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
            finally:
                DEADLINE.reset(token)
            await async_sleep(delay)
            retry += 1

    async def call(
        self,
        op: Operation[T],
        args: Mapping[str, Any],
        body: Any,
        options: RequestOptions | None,
    ) -> T:
        """Send an operation and return its decoded result."""
        return self._decode(op, await self.send(op, args, body, options))

    async def call_stream(
        self,
        op: Operation[T],
        args: Mapping[str, Any],
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
        args: Mapping[str, Any],
        body: Any,
        options: RequestOptions | None,
    ) -> ApiResponse[T]:
        """Send an operation and return the response with its decoded result."""
        response = await self.send(op, args, body, options)
        return ApiResponse(response, self._decode(op, response))
