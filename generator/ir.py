"""The intermediate model: everything the templates need, decided, named and typed.

Only the normalizer builds these; the templates only read them. Every name here is final
(already a valid, escaped identifier) and every string from the spec is still raw text: the
render stage escapes it for the place it lands.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TypeExpr:
    """A Python type and the runtime codec that converts between it and JSON."""

    annotation: str  # e.g. "list[WorkflowSessionV3]"
    codec: str  # runtime codec expression, e.g. "ListOf(ModelCodec(lambda: WorkflowSessionV3))"
    doc: str  # how the docs show it, e.g. "list[WorkflowSessionV3]"
    models: tuple[str, ...] = ()  # model and enum classes the annotation mentions
    runtime: tuple[str, ...] = ()  # runtime helpers the codec expression uses
    converts: bool = False  # Python values differ from JSON values (enums, models, dates)
    union: tuple[TypeExpr, ...] = ()  # the members of a oneOf/anyOf without a discriminator


@dataclass(frozen=True)
class Field:
    python_name: str
    wire_name: str
    type: TypeExpr
    required: bool
    nullable: bool
    description: str
    annotation: str  # what reading the attribute gives, e.g. "str | None | Unset"
    default: str | None  # the __init__ default ("UNSET"), None when the field is required
    read_only: bool = False
    write_only: bool = False
    secret: bool = False  # format: password; never shown by repr
    overrides: bool = False  # restates a parent's field with another type (allOf narrowing)

    @property
    def wire_argument(self) -> str | None:
        """The wire name to write in ``field()``: none where it is the attribute's own name."""
        return None if self.wire_name == self.python_name else self.wire_name


@dataclass(frozen=True)
class DiscriminatorCase:
    value: str
    model: str


@dataclass(frozen=True)
class Discriminator:
    wire_name: str
    cases: tuple[DiscriminatorCase, ...]


@dataclass(frozen=True)
class Model:
    name: str
    description: str
    base: str | None  # parent model class (allOf with a $ref)
    fields: tuple[Field, ...]  # declared on this class
    init_fields: tuple[Field, ...]  # every field, inherited ones included, in __init__ order
    discriminator: Discriminator | None
    source: str  # JSON pointer of the schema, for docs
    subtypes: tuple[DiscriminatorCase, ...] = ()  # discriminator values -> subclasses


@dataclass(frozen=True)
class EnumMember:
    name: str
    value: str | int | float  # the raw value; rendered through repr
    noqa: str = ""  # a ruff rule the line trips (S105: a member named like a password)


@dataclass(frozen=True)
class Enum:
    name: str
    description: str
    value_type: str  # "str", "int" or "float"
    members: tuple[EnumMember, ...]


@dataclass(frozen=True)
class Alias:
    """A named schema that is not an object, e.g. an array of models or a free-form map."""

    name: str
    description: str
    type: TypeExpr


@dataclass(frozen=True)
class Parameter:
    python_name: str
    wire_name: str
    location: str  # path, query, header, cookie
    type: TypeExpr
    required: bool
    default: str | None  # a Python literal (repr), or None for "no default"
    annotation: str  # the signature's annotation, e.g. "Sequence[str] | None"
    style: str
    explode: bool
    description: str
    deprecated: bool
    example: object = None  # the spec's example value, if any


@dataclass(frozen=True)
class Body:
    python_name: str
    type: TypeExpr
    annotation: str  # the signature's annotation
    required: bool
    media_type: str  # what the client sends
    media_types: tuple[str, ...]  # every media type the spec accepts
    encoding: str  # "json", "form", "multipart", "binary", "text"
    description: str


@dataclass(frozen=True)
class Envelope:
    code: str  # wire name of the code property
    success: tuple[str, ...]  # Python literals of the codes that mean success
    message: str  # wire name of the message property ("" when there is none)


@dataclass(frozen=True)
class Response:
    status: str  # "200", "2XX", "default"
    description: str
    type: TypeExpr | None  # None: no body, or a body we return as raw bytes/text below
    media_types: tuple[str, ...]
    kind: str  # "json", "text", "binary", "empty"
    envelope: Envelope | None = None  # an error code inside a success body (x-error-envelope)


@dataclass(frozen=True)
class Pagination:
    method_name: str  # the iterator method, e.g. "iter_list_task_versions"
    items: str  # python attribute of the response holding the items
    items_wire: str
    item_type: TypeExpr
    next_token_wire: str | None  # wire name of the response property with the next token
    token_param: str | None  # python parameter that takes the token
    offset_param: str | None  # python parameter with the start index (offset paging)
    limit_param: str | None  # the runtime's pager moves these parameters by name


@dataclass(frozen=True)
class Operation:
    method_name: str
    operation_id: str
    http_method: str  # upper case
    path: str
    summary: str
    description: str
    deprecated: bool
    params: tuple[Parameter, ...]  # in signature order, body excluded
    body: Body | None
    body_position: int  # index in the signature where the body parameter goes
    return_type: TypeExpr  # of the success response ("None" when empty)
    success: tuple[Response, ...]
    errors: tuple[Response, ...]  # documented non-2xx responses, "default" included
    security: tuple[tuple[str, ...], ...]  # alternatives; each a tuple of scheme keys
    accept: str  # Accept header the client sends
    pagination: Pagination | None
    constant_name: str  # module constant holding the operation's wire description
    wire_path: str = ""  # the path as sent: characters a URL path cannot hold percent-encoded
    example_args: tuple[str, ...] = ()  # keyword arguments of an example call, as source
    example_models: tuple[str, ...] = ()  # model classes the example constructs
    example_datetime: bool = False  # the example needs ``import datetime``
    idempotency_header: str = ""  # the header the spec documents for an idempotency key, "" for none


@dataclass(frozen=True)
class Imports:
    """What one generated module imports (computed once, so templates only list it)."""

    runtime: tuple[str, ...]  # names from _model
    transport: tuple[str, ...]  # names from _transport
    models: tuple[str, ...]  # names from models
    typing: tuple[str, ...]  # names from typing
    datetime: bool
    abc: tuple[str, ...] = ()  # names from collections.abc


@dataclass(frozen=True)
class Api:
    class_name: str
    async_class_name: str
    module: str
    description: str
    operations: tuple[Operation, ...]
    imports: Imports
    exports: tuple[str, ...] = ()  # __all__ of the module, in ruff's (isort-style) order


@dataclass(frozen=True)
class SecurityScheme:
    key: str  # the name in components/securitySchemes
    credentials: tuple[str, ...]  # ApiClient keyword arguments: ("token",) or ("username", "password")
    kind: str  # "api_key", "basic", "bearer"
    location: str  # header, query, cookie (api_key); header for http
    wire_name: str  # header/query/cookie name; "Authorization" for http
    prefix: str  # value prefix, e.g. "Bearer "
    description: str
    token_source: str = ""  # "OAuth 2" or "OpenID Connect" when the bearer token comes from there


@dataclass(frozen=True)
class Server:
    url: str
    description: str


@dataclass(frozen=True)
class Package:
    package: str
    project: str
    version: str
    title: str
    description: str
    api_version: str
    spec_file: str  # as the package names it, e.g. "specs/cons3rt.yaml" (manifest.source_name)
    spec_sha256: str
    generator_version: str
    servers: tuple[Server, ...]
    default_base_url: str
    security_schemes: tuple[SecurityScheme, ...]
    models: tuple[Model, ...]
    enums: tuple[Enum, ...]
    aliases: tuple[Alias, ...]
    apis: tuple[Api, ...]
    models_imports: Imports
    exports: tuple[str, ...]  # model and enum classes, sorted, for models.__all__
    public: tuple[tuple[str, str], ...]  # (name, module) the package's __init__ exports, sorted
    init_imports: tuple[tuple[str, tuple[str, ...]], ...]  # (module, names) by module
    base_url_required: bool  # the spec's server is relative: callers must pass base_url
    example_credentials: tuple[tuple[str, str], ...] = ()  # (ApiClient argument, placeholder literal)
    showcase: tuple[int, int] = (0, 0)  # (api, operation) indexes of the README's example call
    has_pagination: bool = False
    mutual_tls: bool = False  # an operation accepts mutual TLS (configured on the httpx client)

    @property
    def idempotency_methods(self) -> tuple[str, ...]:
        """``Class.method`` of the operations whose spec documents an idempotency-key header."""
        return tuple(
            f"{api.class_name}.{op.method_name}" for api in self.apis for op in api.operations if op.idempotency_header
        )
