"""Type expressions: the Python annotation and the runtime codec for a JSON schema shape."""

from __future__ import annotations

from .ir import TypeExpr


def _scalar(annotation: str, codec: str, doc: str, converts: bool = False) -> TypeExpr:
    return TypeExpr(annotation, codec, doc, (), (codec,), converts)


ANY = _scalar("Any", "ANY", "Any")
STR = _scalar("str", "STR", "str")
INT = _scalar("int", "INT", "int")
FLOAT = _scalar("float", "FLOAT", "float")
BOOL = _scalar("bool", "BOOL", "bool")
OBJECT = _scalar("dict[str, Any]", "OBJECT", "dict[str, Any]")
DATETIME = _scalar("datetime.datetime", "DATETIME", "datetime", converts=True)
DATE = _scalar("datetime.date", "DATE", "date", converts=True)
BYTES = _scalar("bytes", "ANY", "bytes")
NONE = TypeExpr("None", "ANY", "None", (), ("ANY",))


def _runtime(*names: str, inner: TypeExpr | None = None) -> tuple[str, ...]:
    found = set(names) | set(inner.runtime if inner else ())
    return tuple(sorted(found))


def list_of(item: TypeExpr) -> TypeExpr:
    return TypeExpr(
        f"list[{item.annotation}]",
        f"ListOf({item.codec})",
        f"list[{item.doc}]",
        item.models,
        _runtime("ListOf", inner=item),
        item.converts,
    )


def dict_of(item: TypeExpr) -> TypeExpr:
    return TypeExpr(
        f"dict[str, {item.annotation}]",
        f"DictOf({item.codec})",
        f"dict[str, {item.doc}]",
        item.models,
        _runtime("DictOf", inner=item),
        item.converts,
    )


def model(name: str) -> TypeExpr:
    return TypeExpr(name, f"ModelOf(lambda: {name})", name, (name,), ("ModelOf",), True)


def enum(name: str, value_type: str) -> TypeExpr:
    # a value the spec does not list decodes to the raw value, so the type says so
    return TypeExpr(f"{name} | {value_type}", f"EnumOf({name})", name, (name,), ("EnumOf",), True)


def union(members: list[TypeExpr]) -> TypeExpr:
    """A union for typing and docs; decoding keeps the JSON value as it is."""
    unique: list[TypeExpr] = []
    for member in members:
        if all(member.annotation != u.annotation for u in unique):
            unique.append(member)
    if len(unique) == 1:
        return unique[0]
    return TypeExpr(
        " | ".join(m.annotation for m in unique),
        "ANY",
        " | ".join(m.doc for m in unique),
        tuple(name for m in unique for name in m.models),
        ("ANY",),
        False,
    )
