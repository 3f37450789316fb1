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
# a file part of a form or multipart body: bytes, an open binary file, or (filename, content[, type])
FILE = TypeExpr("File", "ANY", "File", (), ("ANY", "File"))
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
    """A union for typing and docs only (an operation's return type over several responses)."""
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


def one_of(
    members: list[TypeExpr], discriminator: str | None = None, mapping: list[tuple[str, TypeExpr]] | None = None
) -> TypeExpr:
    """``oneOf``/``anyOf``: decoding picks a member (by the discriminator's value when there is one).

    An object that matches no member (or names a discriminator value the spec does not map) is
    kept as the decoded JSON object, so the type says ``dict[str, Any]`` too when any member is
    an object. Members that are unions without a discriminator are flattened into this one.
    """
    flat: list[TypeExpr] = []
    for member in members:
        flat.extend(member.union or (member,))
    mapping = mapping or []
    flat.extend(target for _, target in mapping)
    unique: list[TypeExpr] = []
    for member in flat:
        if all(member.codec != u.codec for u in unique):
            unique.append(member)
    if len(unique) == 1 and not discriminator:
        return unique[0]
    objects = any(_decodes_objects(m) for m in unique)
    annotations: list[str] = []
    docs: list[str] = []
    for member in unique:
        for part in _split(member.annotation):
            if part not in annotations:
                annotations.append(part)
        for part in _split(member.doc):
            if part not in docs:
                docs.append(part)
    if objects and "dict[str, Any]" not in annotations:
        annotations.append("dict[str, Any]")
        docs.append("dict[str, Any]")
    codec = "UnionOf(" + ", ".join(m.codec for m in unique)
    if discriminator:
        codec += f", discriminator={_quote(discriminator)}, mapping={{"
        codec += ", ".join(f"{_quote(value)}: {target.codec}" for value, target in mapping) + "}"
    codec += ")"
    runtime = {"UnionOf"}
    for member in unique:
        runtime.update(member.runtime)
    return TypeExpr(
        " | ".join(annotations),
        codec,
        " | ".join(docs),
        tuple(dict.fromkeys(name for m in unique for name in m.models)),
        tuple(sorted(runtime)),
        any(m.converts for m in unique),
        () if discriminator else tuple(unique),
    )


def _decodes_objects(expr: TypeExpr) -> bool:
    """Whether a union member turns JSON objects into models (so unknown objects stay dicts)."""
    return expr.codec.startswith(("ModelOf(", "UnionOf(")) and bool(expr.models)


def _split(annotation: str) -> list[str]:
    """The top-level members of a union annotation."""
    parts: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(annotation):
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(annotation[start:index].strip())
            start = index + 1
    parts.append(annotation[start:].strip())
    return [p for p in parts if p]


def _quote(text: str) -> str:
    from .escape import py_str

    return py_str(text)


def union_members(annotation: str) -> list[str]:
    """An annotation's top-level union members: ``list[int | str] | None`` -> ``["list[int | str]", "None"]``
    (a ``|`` inside brackets belongs to a member)."""
    members: list[str] = []
    depth = 0
    start = 0
    index = 0
    while index < len(annotation):
        char = annotation[index]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif depth == 0 and annotation.startswith(" | ", index):
            members.append(annotation[start:index])
            index += 3
            start = index
            continue
        index += 1
    members.append(annotation[start:])
    return members
