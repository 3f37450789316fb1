"""An operation described as data: what the transport needs to send it and decode its answer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypedDict, TypeVar

from ._model import Codec
from ._settings import TimeoutTypes

__all__ = [
    "IDEMPOTENT_METHODS",
    "OPTION_KEYS",
    "Body",
    "Envelope",
    "Operation",
    "Pages",
    "Param",
    "RequestOptions",
    "Response",
    "SecurityScheme",
]

T = TypeVar("T")
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


OPTION_KEYS = frozenset(RequestOptions.__annotations__)


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
    argument moves to the next page (Python argument names; "" for none)."""

    items: str
    items_wire: str
    cursor: str = ""  # the argument that takes the next page's token (cursor paging)
    next_cursor: str = ""  # wire name of the page's token for the next page
    offset: str = ""  # the argument with the start index (offset paging)
    limit: str = ""  # the page-size argument: a shorter page is the last


@dataclass(frozen=True)
class Operation(Generic[T]):
    """Everything the transport needs to send one operation and decode its answer.

    ``params`` maps each Python argument name to its wire parameter; a call passes its
    arguments by the same names. ``idempotency_header`` names the header the API documents
    for an idempotency key (e.g. ``Idempotency-Key``): a retried POST or PATCH then carries one
    even when the client sets no ``idempotency_header`` of its own.
    """

    name: str
    method: str
    path: str
    params: Mapping[str, Param] = field(default_factory=dict)
    body: Body | None = None
    success: Mapping[str, Response] | None = None
    errors: Mapping[str, Response] | None = None
    security: tuple[tuple[str, ...], ...] = ()
    accept: str = ""
    deprecated: bool = False
    pages: Pages | None = None
    idempotency_header: str | None = None

    @property
    def idempotent(self) -> bool:
        return self.method in IDEMPOTENT_METHODS
