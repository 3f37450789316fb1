"""Every exception this client raises; catch ``ApiError`` to catch them all.

ApiError
├── InvalidRequestError         the arguments make no valid request (also a ValueError)
├── ClientClosedError           a call on a closed client (also a RuntimeError)
├── ApiConnectionError          the request did not get a response
│   └── ApiTimeoutError         ... because a timeout ran out
├── DecodeError                 data does not match the spec (also a ValueError)
│   └── ResponseDecodeError     ... in a response body; carries the response
├── ApiResultError              a success status whose body carries an error code
└── ApiStatusError              the server answered with an error status
    ├── ClientError             4xx: BadRequestError, UnauthorizedError, ForbiddenError,
    │                           NotFoundError, ConflictError, UnprocessableEntityError,
    │                           RateLimitError
    └── ServerError             5xx: InternalServerError, BadGatewayError,
                                ServiceUnavailableError, GatewayTimeoutError
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "ApiConnectionError",
    "ApiError",
    "ApiResultError",
    "ApiStatusError",
    "ApiTimeoutError",
    "BadGatewayError",
    "BadRequestError",
    "ClientClosedError",
    "ClientError",
    "ConflictError",
    "DecodeError",
    "ForbiddenError",
    "GatewayTimeoutError",
    "InternalServerError",
    "InvalidRequestError",
    "NotFoundError",
    "RateLimitError",
    "ResponseDecodeError",
    "ServerError",
    "ServiceUnavailableError",
    "UnauthorizedError",
    "UnprocessableEntityError",
]


class ApiError(Exception):
    """Base of every error raised by this client."""

    def __reduce__(self) -> tuple[Any, ...]:
        # the subclasses take keyword-only arguments, which Exception's pickling cannot pass:
        # rebuilt from the attributes instead (headers as a plain dict)
        state = dict(self.__dict__)
        if "headers" in state:
            state["headers"] = dict(state["headers"])
        return (_rebuild, (type(self), self.args, state))


class InvalidRequestError(ApiError, ValueError):
    """The arguments cannot make a valid request: a header value with a line break or
    non-ASCII text, a URL too long, a negative timeout. Never retried: the caller must fix it.
    """


class ClientClosedError(ApiError, RuntimeError):
    """A call on a client after ``close()``/``aclose()`` (or after its ``with`` block)."""


class ApiConnectionError(ApiError):
    """The request could not be sent or no response arrived (after any retries)."""

    def __init__(self, message: str, *, method: str = "", url: str = "") -> None:
        super().__init__(message)
        self.method = method
        self.url = url


class ApiTimeoutError(ApiConnectionError):
    """A connect, read, write or pool timeout ran out (after any retries)."""


class DecodeError(ApiError, ValueError):
    """JSON data that does not have the shape the spec gives it."""


class _ResponseInfo:
    """What every error built from a response carries. Secrets are never part of it."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    method: str
    url: str

    def _set_response(
        self,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        method: str,
        url: str,
    ) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        self.method = method
        self.url = url

    @property
    def text(self) -> str:
        """The body as text (UTF-8, undecodable bytes replaced)."""
        return self.body.decode("utf-8", errors="replace")


class ResponseDecodeError(DecodeError, _ResponseInfo):
    """A response body that cannot be decoded into the type the spec documents."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        method: str,
        url: str,
    ) -> None:
        super().__init__(message)
        self._set_response(status, headers, body, method, url)


class ApiResultError(ApiError, _ResponseInfo):
    """The server answered with a success status, but the body reports a failure by its code.

    ``code`` and ``result_message`` come from the body; ``model`` is the decoded body.
    """

    def __init__(
        self,
        message: str,
        *,
        code: Any,
        result_message: str | None,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        method: str,
        url: str,
        model: Any = None,
    ) -> None:
        super().__init__(message)
        self._set_response(status, headers, body, method, url)
        self.code = code
        self.result_message = result_message
        self.model = model


class ApiStatusError(ApiError, _ResponseInfo):
    """The server answered with a status that is not a success.

    ``model`` is the decoded error body where the spec documents one for this status (or a
    ``default`` response), else ``None``; ``body`` always has the raw bytes.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        method: str,
        url: str,
        model: Any = None,
    ) -> None:
        super().__init__(message)
        self._set_response(status, headers, body, method, url)
        self.model = model


class ClientError(ApiStatusError):
    """A 4xx status: the request was not acceptable."""


class ServerError(ApiStatusError):
    """A 5xx status: the server failed."""


class BadRequestError(ClientError):
    """400 Bad Request."""


class UnauthorizedError(ClientError):
    """401 Unauthorized: credentials missing or wrong."""


class ForbiddenError(ClientError):
    """403 Forbidden."""


class NotFoundError(ClientError):
    """404 Not Found."""


class ConflictError(ClientError):
    """409 Conflict."""


class UnprocessableEntityError(ClientError):
    """422 Unprocessable Entity."""


class RateLimitError(ClientError):
    """429 Too Many Requests."""


class InternalServerError(ServerError):
    """500 Internal Server Error."""


class BadGatewayError(ServerError):
    """502 Bad Gateway."""


class ServiceUnavailableError(ServerError):
    """503 Service Unavailable."""


class GatewayTimeoutError(ServerError):
    """504 Gateway Timeout."""


STATUS_ERRORS: dict[int, type[ApiStatusError]] = {
    400: BadRequestError,
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    500: InternalServerError,
    502: BadGatewayError,
    503: ServiceUnavailableError,
    504: GatewayTimeoutError,
}


def error_class(status: int) -> type[ApiStatusError]:
    """The most specific exception class for an HTTP status."""
    exact = STATUS_ERRORS.get(status)
    if exact is not None:
        return exact
    if 400 <= status < 500:
        return ClientError
    if 500 <= status < 600:
        return ServerError
    return ApiStatusError


def _rebuild(
    cls: type[BaseException], args: tuple[Any, ...], state: dict[str, Any]
) -> BaseException:
    """Unpickle an error without calling its keyword-only ``__init__``."""
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error
