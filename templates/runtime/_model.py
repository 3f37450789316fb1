"""Models as typed views over JSON data.

A model wraps the decoded JSON object it came from and converts a field only when it is read,
so decoding a large response costs little more than parsing its JSON. The wrapped object is
the single source of truth: fields the spec does not know stay in it and survive a round trip,
an absent field (``UNSET``) stays distinct from ``null`` (``None``), and an enum value the spec
does not list is returned as the plain string instead of failing.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from enum import Enum
from typing import (
    IO,
    TYPE_CHECKING,
    Any,
    ClassVar,
    Final,
    Generic,
    Literal,
    TypeAlias,
    TypeVar,
    cast,
    overload,
)

from .errors import DecodeError

__all__ = [
    "ANY",
    "BOOL",
    "DATE",
    "DATETIME",
    "FLOAT",
    "INT",
    "OBJECT",
    "REQUIRED",
    "STR",
    "UNSET",
    "Codec",
    "DictOf",
    "EnumOf",
    "Field",
    "File",
    "ListOf",
    "Model",
    "ModelOf",
    "UnionOf",
    "Unset",
    "field",
]

T = TypeVar("T")
M = TypeVar("M", bound="Model")

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform

    def _new(cls: type[T]) -> T: ...

else:

    def dataclass_transform(**kwargs: Any) -> Callable[[T], T]:
        """Only type checkers need this (PEP 681); at run time it changes nothing."""
        return lambda cls: cls

    # a model's views are made with ``_new(cls)`` and their two slots set directly: no __init__
    _new = object.__new__


class Unset(Enum):
    """The type of ``UNSET``: a field or argument that was not given at all.

    An enum of one member, so type checkers narrow on it: after ``if x is UNSET: return``,
    ``x: str | Unset`` is a ``str`` (as after ``if isinstance(x, Unset)``).
    """

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"

    __str__ = __repr__

    def __bool__(self) -> Literal[False]:
        return False


UNSET: Final = Unset.UNSET


def _kind(value: object) -> str:
    """The JSON name of a value's type, for error messages."""
    if value is None:
        return "null"
    return {
        dict: "object",
        list: "array",
        str: "string",
        bool: "boolean",
        int: "integer",
        float: "number",
    }.get(type(value), type(value).__name__)


class Codec(Generic[T]):
    """Converts one JSON value to its Python type and back. The base class passes values through."""

    __slots__ = ()
    passthrough: ClassVar[bool] = True
    mutable: ClassVar[bool] = False
    expected: ClassVar[str] = "any value"
    # A type whose values this codec returns as they are with no further check: a field read
    # returns such a value at once (the common case) and leaves everything else to ``decode``.
    exact: ClassVar[type | None] = None
    # Whether a model keeps what a read decoded, so the next read returns the same object.
    # Needed for values the caller can change in place; saves work for the others.
    cached: ClassVar[bool] = True

    def check(self, raw: Any) -> bool:
        """Whether ``raw`` has the JSON type this codec reads (cheap; used before decoding)."""
        return True

    def decode(self, raw: Any, where: str) -> T:
        if not self.check(raw):
            raise DecodeError(f"{where}: expected {self.expected}, got {_kind(raw)}")
        return cast(T, raw)

    def encode(self, value: T) -> Any:
        return value


class _Str(Codec[str]):
    __slots__ = ()
    exact = str
    expected = "string"

    def check(self, raw: Any) -> bool:
        return type(raw) is str


class _Int(Codec[int]):
    __slots__ = ()
    exact = int
    expected = "integer"

    def check(self, raw: Any) -> bool:
        return type(raw) is int or (type(raw) is float and raw.is_integer())


class _Float(Codec[float]):
    __slots__ = ()
    exact = float
    expected = "number"

    def check(self, raw: Any) -> bool:
        return type(raw) is float or type(raw) is int


class _Bool(Codec[bool]):
    __slots__ = ()
    exact = bool
    expected = "boolean"

    def check(self, raw: Any) -> bool:
        return type(raw) is bool


class _Object(Codec[dict[str, Any]]):
    __slots__ = ()
    exact = dict
    expected = "object"

    def check(self, raw: Any) -> bool:
        return type(raw) is dict


ANY: Codec[Any] = Codec()
STR: Codec[str] = _Str()
INT: Codec[int] = _Int()
FLOAT: Codec[float] = _Float()
BOOL: Codec[bool] = _Bool()
OBJECT: Codec[dict[str, Any]] = _Object()


class _Converting(Codec[T]):
    """A codec whose Python value differs from the JSON value; decoded values are cached
    (unless ``cached`` is false)."""

    __slots__ = ()
    passthrough = False
    mutable: ClassVar[bool] = (
        False  # values the caller can change in place (lists, maps, models)
    )


_FRACTION = re.compile(r"^(.*T\d\d:\d\d:\d\d)\.(\d+)(.*)$")
# Python 3.11+ reads "Z" and any number of fractional digits itself, so the usual
# "2024-05-02T08:16:00.123Z" needs no rewriting first (where it reads the text at all, it gives
# the same value as for the rewritten text below)
_ISO_READS_Z = sys.version_info >= (3, 11)
_fromisoformat = _dt.datetime.fromisoformat


class _DateTime(_Converting[_dt.datetime]):
    __slots__ = ()
    expected = "date-time string"

    def check(self, raw: Any) -> bool:
        return type(raw) is str

    def decode(self, raw: Any, where: str) -> _dt.datetime:
        if type(raw) is str:
            if _ISO_READS_Z:
                try:
                    return _fromisoformat(raw)
                except ValueError:
                    pass  # e.g. a lowercase "z": the rewriting below
            text = raw[:-1] + "+00:00" if raw.endswith(("Z", "z")) else raw
            try:
                return _fromisoformat(text)
            except ValueError:
                pass
            # Python 3.10 reads only 0, 3 or 6 fractional digits: pad or cut to microseconds
            match = _FRACTION.match(text)
            if match is not None:
                head, fraction, tail = match.groups()
                try:
                    return _fromisoformat(f"{head}.{fraction[:6]:0<6}{tail}")
                except ValueError:
                    pass
        raise DecodeError(f"{where}: expected {self.expected}, got {raw!r}")

    def encode(self, value: _dt.datetime) -> Any:
        return value.isoformat()


class _Date(_Converting[_dt.date]):
    __slots__ = ()
    expected = "date string"

    def check(self, raw: Any) -> bool:
        return type(raw) is str

    def decode(self, raw: Any, where: str) -> _dt.date:
        if type(raw) is str:
            try:
                return _dt.date.fromisoformat(raw)
            except ValueError:
                pass
        raise DecodeError(f"{where}: expected {self.expected}, got {raw!r}")

    def encode(self, value: _dt.date) -> Any:
        return value.isoformat()


DATETIME: Codec[_dt.datetime] = _DateTime()
DATE: Codec[_dt.date] = _Date()

E = TypeVar("E", bound=Enum)


class EnumOf(_Converting["E | Any"]):
    """An enum; a value the spec does not list decodes to the raw value instead of failing."""

    __slots__ = ("_members", "enum")
    cached = False  # the lookup costs what the cache would, and members are singletons

    def __init__(self, enum: type[E]) -> None:
        self.enum = enum
        # value -> member, made on first use (not at import: most enums are never read)
        self._members: dict[Any, Any] | None = None

    def decode(self, raw: Any, where: str) -> Any:
        # what ``self.enum(raw)`` finds, for a fraction of its cost
        members = self._members
        if members is None:
            members = self._members = {member.value: member for member in self.enum}
        try:
            return members.get(raw, raw)
        except TypeError:  # an array or object: no member's value
            return raw

    def encode(self, value: Any) -> Any:
        return value.value if isinstance(value, Enum) else value


class ListOf(Codec[list[T]]):
    """A JSON array. Arrays of plain values are returned as they are; others are converted."""

    __slots__ = ("item", "passthrough")
    expected = "array"
    mutable = True

    def __init__(self, item: Codec[T]) -> None:
        self.item = item
        self.passthrough = item.passthrough  # type: ignore[misc]

    def check(self, raw: Any) -> bool:
        return type(raw) is list

    def decode(self, raw: Any, where: str) -> list[T]:
        if type(raw) is not list:
            raise DecodeError(f"{where}: expected array, got {_kind(raw)}")
        item = self.item
        if self.passthrough:
            exact = item.exact
            for index, value in enumerate(raw):
                if (
                    type(value) is not exact
                    and value is not None
                    and not item.check(value)
                ):
                    raise DecodeError(
                        f"{where}[{index}]: expected {item.expected}, got {_kind(value)}"
                    )
            return cast("list[T]", raw)
        if type(item) is ModelOf:
            return cast("list[T]", item.decode_list(raw, where))
        return [
            item.decode(value, f"{where}[{index}]") for index, value in enumerate(raw)
        ]

    def encode(self, value: list[T]) -> Any:
        if self.passthrough:
            return value
        encode = self.item.encode
        return [encode(v) for v in value]


class DictOf(Codec[dict[str, T]]):
    """A JSON object used as a map (``additionalProperties``) with values of one type."""

    __slots__ = ("item", "passthrough")
    expected = "object"
    mutable = True

    def __init__(self, item: Codec[T]) -> None:
        self.item = item
        self.passthrough = item.passthrough  # type: ignore[misc]

    def check(self, raw: Any) -> bool:
        return type(raw) is dict

    def decode(self, raw: Any, where: str) -> dict[str, T]:
        if type(raw) is not dict:
            raise DecodeError(f"{where}: expected object, got {_kind(raw)}")
        item = self.item
        if self.passthrough:
            exact = item.exact
            for key, value in raw.items():
                if (
                    type(value) is not exact
                    and value is not None
                    and not item.check(value)
                ):
                    raise DecodeError(
                        f"{where}[{key!r}]: expected {item.expected}, got {_kind(value)}"
                    )
            return cast("dict[str, T]", raw)
        return {
            key: item.decode(value, f"{where}[{key!r}]") for key, value in raw.items()
        }

    def encode(self, value: dict[str, T]) -> Any:
        if self.passthrough:
            return value
        encode = self.item.encode
        return {k: encode(v) for k, v in value.items()}


class ModelOf(_Converting[M]):
    """A model class; takes the class itself or a function returning it (forward references)."""

    __slots__ = ("_model", "_target")
    expected = "object"
    mutable = True

    def __init__(self, target: type[M] | Callable[[], type[M]]) -> None:
        self._target = target
        self._model: type[M] | None = target if isinstance(target, type) else None

    @property
    def model(self) -> type[M]:
        model = self._model
        if model is None:
            model = self._model = cast("Callable[[], type[M]]", self._target)()
        return model

    def check(self, raw: Any) -> bool:
        return type(raw) is dict

    def decode(self, raw: Any, where: str) -> M:
        if type(raw) is not dict:
            raise DecodeError(f"{where}: expected object, got {_kind(raw)}")
        model = self._model or self.model
        if model._discriminator is not None:
            return model._wrap(raw, where)
        # Model._wrap without the call: this runs for every nested object read
        obj = _new(model)
        obj._data = raw
        obj._cache = None
        return obj

    def decode_list(self, raw: list[Any], where: str) -> list[M]:
        """``decode`` for each item of a JSON array, in one loop without a call per item: a page
        of thousands of objects is the common large response, and the calls would cost more
        than the wrapping."""
        model = self._model or self.model
        if model._discriminator is not None:
            return [
                (
                    model._wrap(value, where)
                    if type(value) is dict
                    else self.decode(value, f"{where}[{index}]")
                )
                for index, value in enumerate(raw)
            ]
        models: list[M] = []
        append = models.append
        for value in raw:
            if type(value) is not dict:
                index = len(models)
                raise DecodeError(
                    f"{where}[{index}]: expected object, got {_kind(value)}"
                )
            obj = _new(model)
            obj._data = value
            obj._cache = None
            append(obj)
        return models

    def encode(self, value: M | dict[str, Any]) -> Any:
        # a plain dict where a model goes is taken as the model's JSON object
        if type(value) is dict:
            return _encode_any(value)
        if not isinstance(value, Model):
            raise TypeError(f"expected {self.model.__name__} or dict")
        return value._encode()


def _holds_plain_dict(value: Any) -> bool:
    """Whether a value written to a model field has plain dicts in place of models."""
    if type(value) is dict:
        return True
    if type(value) is list:
        return any(type(item) is dict for item in value)
    return False


def _encode_any(value: Any) -> Any:
    """The JSON value of any model, enum, date, list or map (used by ``UnionOf``)."""
    if isinstance(value, Model):
        return value._encode()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, _dt.date):  # datetimes too
        return value.isoformat()
    if type(value) is list or type(value) is tuple:
        return [_encode_any(v) for v in value]
    if type(value) is dict:
        return {k: _encode_any(v) for k, v in value.items()}
    return value


class UnionOf(Codec[Any]):
    """``oneOf``/``anyOf``: one of several codecs, picked by a discriminator or by the data.

    With a discriminator the property's value picks the codec. Without one, an object goes to
    the member it fits best (a model whose required properties it has and whose properties it
    uses most), anything else to the first member that accepts it. An object that fits no
    member, or names a discriminator value the spec does not map, is returned as it is.
    """

    __slots__ = ("discriminator", "mapping", "members", "mutable", "passthrough")
    expected = "one of several types"

    def __init__(
        self,
        *members: Codec[Any],
        discriminator: str | None = None,
        mapping: Mapping[str, Codec[Any]] | None = None,
    ) -> None:
        self.members = members
        self.discriminator = discriminator
        self.mapping = dict(mapping or {})
        everything = (*members, *self.mapping.values())
        self.passthrough = all(m.passthrough for m in everything)  # type: ignore[misc]
        self.mutable = any(m.mutable for m in everything)  # type: ignore[misc]

    def check(self, raw: Any) -> bool:
        if any(m.check(raw) for m in self.members):
            return True
        return type(raw) is dict and self.discriminator is not None

    def fit(self, raw: dict[str, Any]) -> float:
        """How well an object fits (see ``_fit``); a mapped discriminator value wins."""
        if self.discriminator is not None:
            value = raw.get(self.discriminator)
            return 1e6 if type(value) is str and value in self.mapping else -1.0
        return max((_fit(m, raw) for m in self.members), default=-1.0)

    def decode(self, raw: Any, where: str) -> Any:
        if type(raw) is dict:
            if self.discriminator is not None:
                value = raw.get(self.discriminator)
                codec = self.mapping.get(value) if type(value) is str else None
                return raw if codec is None else codec.decode(raw, where)
            best: Codec[Any] | None = None
            best_fit = -1.0
            for member in self.members:
                score = _fit(member, raw)
                if score > best_fit:
                    best, best_fit = member, score
            return raw if best is None else best.decode(raw, where)
        for member in self.members:
            if member.check(raw):
                try:
                    return member.decode(raw, where)
                except DecodeError:
                    continue
        expected = " or ".join(dict.fromkeys(m.expected for m in self.members))
        raise DecodeError(f"{where}: expected {expected}, got {_kind(raw)}")

    def encode(self, value: Any) -> Any:
        return _encode_any(value)


def _fit(codec: Codec[Any], raw: dict[str, Any]) -> float:
    """How well a JSON object fits a codec: -1 not at all, else the more the better.

    A model fits when the object has its required properties, by the number of properties it
    declares that the object uses; a map or untyped value accepts any object, below any model.
    """
    if isinstance(codec, UnionOf):
        return codec.fit(raw)
    if isinstance(codec, ModelOf):
        known = codec.model._by_wire
        for field in known.values():
            if field.default is REQUIRED and field.wire not in raw:
                return -1.0
        return float(sum(1 for key in raw if key in known))
    return -0.5 if codec.check(raw) else -1.0


# a file for a form or multipart body: the content, an open binary file, or a tuple
# (filename, content) or (filename, content, content type)
File: TypeAlias = (
    bytes
    | IO[bytes]
    | tuple[str, bytes | IO[bytes]]
    | tuple[str, bytes | IO[bytes], str]
)


class _Required:
    """The default of a field that must be given."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()


class Field:
    """One property of a model: its wire name, its codec, its default and whether null is allowed.

    Declared with ``field()``; type checkers read the annotation (``dataclass_transform``).
    ``Model.__init_subclass__`` puts a ``property`` from ``accessor()`` in its place, which reads
    and writes the wrapped JSON object: Python calls a property's getter faster than a descriptor
    class's ``__get__``, and a field is read far more often than anything else in this module.
    """

    __slots__ = (
        "_wire_is_name",
        "codec",
        "default",
        "name",
        "nullable",
        "where",
        "wire",
    )

    def __init__(
        self, codec: Codec[Any], wire: str | None, default: Any, nullable: bool
    ) -> None:
        self.codec = codec
        self.default = default
        self.nullable = nullable
        self.wire = self.name = self.where = wire or ""
        self._wire_is_name = wire is None  # "" is a wire name a spec may use

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.where = f"{owner.__name__}.{name}"
        if self._wire_is_name:
            self.wire = name

    def accessor(self) -> property:
        """The property that reads and writes this field on a model."""
        name, wire, where, codec = self.name, self.wire, self.where, self.codec
        decode, absent = codec.decode, self._absent
        get: Callable[[Model], Any]
        if codec.passthrough:
            # The value read is the JSON value itself, so nothing is cached: the common case
            # (a value of the codec's ``exact`` type) is one dict lookup and one type check.
            exact = codec.exact

            def get(obj: Model) -> Any:
                raw = obj._data.get(wire, UNSET)
                if type(raw) is exact:
                    return raw
                if raw is None or raw is UNSET:
                    return absent(raw)
                return decode(raw, where)  # checks the type; returns raw

        else:
            # The cache first: it holds what ``write`` was given, and what an earlier read
            # decoded when ``codec.cached``.
            cached = codec.cached

            def get(obj: Model) -> Any:
                cache = obj._cache
                if cache is not None and name in cache:
                    return cache[name]
                raw = obj._data.get(wire, UNSET)
                if raw is None or raw is UNSET:
                    return absent(raw)
                value = decode(raw, where)
                if cached:
                    if cache is None:
                        obj._cache = {name: value}
                    else:
                        cache[name] = value
                return value

        return property(get, self.write)

    def _absent(self, raw: Unset | None) -> Any:
        """The value of a field that is null or missing, or the error for it."""
        if raw is None:
            if self.nullable:
                return None
            raise DecodeError(f"{self.where}: expected {self.codec.expected}, got null")
        if self.default is REQUIRED:
            raise DecodeError(f"{self.where}: required field {self.wire!r} is missing")
        return UNSET

    def write(self, obj: Model, value: Any) -> None:
        """Set this field on a model: the JSON value goes into its object, the value into its
        cache (``UNSET`` removes the field)."""
        cache = obj._cache
        if cache is not None:
            cache.pop(self.name, None)
        if value is UNSET:
            obj._data.pop(self.wire, None)
            return
        if value is None or self.codec.passthrough:
            obj._data[self.wire] = value
            return
        try:
            obj._data[self.wire] = self.codec.encode(value)
        except (AttributeError, TypeError, ValueError) as exc:
            raise TypeError(
                f"{self.where}: expected {self.codec.expected}, got "
                f"{type(value).__name__} ({exc})"
            ) from None
        if _holds_plain_dict(value):
            return  # read back as models: the next read decodes the JSON just stored
        if cache is None:
            obj._cache = cache = {}
        cache[self.name] = value


@overload
def field(
    codec: Codec[Any] = ..., wire: str = ..., *, default: T, nullable: bool = ...
) -> T: ...


@overload
def field(codec: Codec[Any] = ..., wire: str = ..., *, nullable: bool = ...) -> Any: ...


def field(
    codec: Codec[Any] = ANY,
    wire: str | None = None,
    *,
    default: Any = REQUIRED,
    nullable: bool = False,
) -> Any:
    """Declare a model property: ``name: type = field(CODEC, "wireName", default=UNSET)``;
    the wire name is left out where it is the attribute's own name."""
    return Field(codec, wire, default, nullable)


def _copy_json(value: Any) -> Any:
    """A deep copy of JSON data (dicts, lists, scalars); much faster than ``copy.deepcopy``."""
    if type(value) is dict:
        return {k: _copy_json(v) for k, v in value.items()}
    if type(value) is list:
        return [_copy_json(v) for v in value]
    return value


class _ModelType(type):
    """Gives every model class that declares no ``__slots__`` empty ones: its instances
    keep everything in ``Model``'s two slots and never grow a ``__dict__``."""

    def __new__(
        mcs,
        name: str,
        bases: tuple[type, ...],
        namespace: dict[str, Any],
        **kwargs: Any,
    ) -> Any:
        namespace.setdefault("__slots__", ())
        return super().__new__(mcs, name, bases, namespace, **kwargs)


@dataclass_transform(kw_only_default=True, field_specifiers=(field,))
class Model(metaclass=_ModelType):
    """Base of every generated model. Subclasses declare their properties with ``field()``.

    Type checkers derive each model's keyword-only ``__init__`` from those declarations.
    """

    __slots__ = ("_cache", "_data")
    _fields: ClassVar[dict[str, Field]] = {}
    _by_wire: ClassVar[dict[str, Field]] = {}
    _secret: ClassVar[frozenset[str]] = frozenset()
    _discriminator: ClassVar[str | None] = None
    _subtypes: ClassVar[dict[str, type[Model]]] = {}

    _data: dict[str, Any]
    _cache: dict[str, Any] | None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # the bases' fields, then this class's own (an override keeps its base's place)
        fields: dict[str, Field] = {}
        for klass in reversed(cls.__mro__[1:]):
            fields.update(vars(klass).get("_fields", {}))
        for name, value in list(vars(cls).items()):
            if isinstance(value, Field):
                fields[name] = value
                setattr(cls, name, value.accessor())
        cls._fields = fields
        cls._by_wire = {f.wire: f for f in fields.values()}
        if "_subtypes" not in vars(cls):
            cls._subtypes = {}

    def __init__(self, **values: Any) -> None:
        self._data = {}
        self._cache = None
        fields = self._fields
        for name, value in values.items():
            found = fields.get(name)
            if found is None:
                raise TypeError(
                    f"{type(self).__name__}() got an unexpected keyword argument {name!r}"
                )
            if value is not UNSET:
                found.write(self, value)
        for name, declared in fields.items():
            if name not in values:
                if declared.default is REQUIRED:
                    raise TypeError(
                        f"{type(self).__name__}() missing required keyword argument {name!r}"
                    )
                if declared.default is not UNSET:
                    declared.write(self, declared.default)

    @classmethod
    def from_dict(cls: type[M], data: Mapping[str, Any]) -> M:
        """Wrap a decoded JSON object (not copied: the model reads and writes ``data`` itself)."""
        return cls._wrap(data if type(data) is dict else dict(data), cls.__name__)

    @classmethod
    def _wrap(cls: type[M], data: dict[str, Any], where: str) -> M:
        target: type[M] = cls
        if cls._discriminator is not None:
            value = data.get(cls._discriminator)
            subtype = cls._subtypes.get(value) if type(value) is str else None
            if subtype is not None and issubclass(subtype, cls):
                target = subtype
        obj = _new(target)
        obj._data = data
        obj._cache = None
        return obj

    def _encode(self) -> dict[str, Any]:
        """The JSON object for this model; shares unconverted values with the model.

        Only cached values the caller may have changed in place (lists, maps, models) are
        encoded again; a date or enum that was merely read keeps its exact JSON text.
        """
        cache = self._cache
        if not cache:
            return self._data
        data: dict[str, Any] | None = None
        fields = self._fields
        for name, value in cache.items():
            field = fields[name]
            if field.codec.mutable:
                if data is None:
                    data = dict(self._data)
                data[field.wire] = field.codec.encode(value)
        return self._data if data is None else data

    def to_dict(self) -> dict[str, Any]:
        """A deep copy of the JSON object, unknown fields included."""
        return cast("dict[str, Any]", _copy_json(self._encode()))

    def to_json(self, *, indent: int | None = None) -> str:
        """The model as JSON text, unknown fields included (``indent`` pretty-prints)."""
        separators = (",", ":") if indent is None else (",", ": ")
        return json.dumps(
            self._encode(), ensure_ascii=False, indent=indent, separators=separators
        )

    def model_copy(self: M, **changes: Any) -> M:
        """An independent (deep) copy, with the given fields set to new values."""
        fields = self._fields
        for name in changes:
            if name not in fields:
                raise TypeError(
                    f"{type(self).__name__}.model_copy() got an unexpected field {name!r}"
                )
        copied = type(self)._wrap(self.to_dict(), type(self).__name__)
        for name, value in changes.items():
            setattr(copied, name, value)
        return copied

    def __copy__(self: M) -> M:
        # a new top-level object (a field set on the copy stays on the copy), nested values
        # shared as ``copy.copy`` does for a dict
        obj = _new(type(self))
        obj._data = dict(self._encode())
        obj._cache = None
        return obj

    def __deepcopy__(self: M, memo: dict[int, Any]) -> M:
        obj = _new(type(self))
        obj._data = self.to_dict()
        obj._cache = None
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.to_dict()))

    @property
    def additional_properties(self) -> dict[str, Any]:
        """The fields the spec does not declare, by wire name (a copy)."""
        known = self._by_wire
        return {k: v for k, v in self._data.items() if k not in known}

    def __getitem__(self, wire_name: str) -> Any:
        """The raw JSON value of a field by its wire name, known or not."""
        return self._encode()[wire_name]

    def __setitem__(self, wire_name: str, value: Any) -> None:
        field = self._by_wire.get(wire_name)
        if field is not None:
            setattr(self, field.name, value)
        else:
            self._data[wire_name] = value

    def get(self, wire_name: str, default: Any = None) -> Any:
        """The raw JSON value of a field by its wire name, or ``default`` when absent."""
        return self._encode().get(wire_name, default)

    def __contains__(self, wire_name: object) -> bool:
        return wire_name in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._encode() == other._encode()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        parts = []
        fields = self._by_wire
        for wire in self._data:
            field = fields.get(wire)
            if field is None:
                parts.append(f"{wire!r}: {self._data[wire]!r}")
            elif field.name in self._secret:
                parts.append(f"{field.name}='***'")
            else:
                try:
                    parts.append(f"{field.name}={getattr(self, field.name)!r}")
                except DecodeError:
                    parts.append(f"{field.name}=<invalid {self._data[wire]!r}>")
        return f"{type(self).__name__}({', '.join(parts)})"


def _rebuild(cls: type[M], data: dict[str, Any]) -> M:
    """Unpickle a model: wrap its JSON object again."""
    return cls._wrap(data, cls.__name__)
