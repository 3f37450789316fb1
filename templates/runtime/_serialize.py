"""Parameters and bodies as they go on the wire: OpenAPI's styles, forms and multipart."""

from __future__ import annotations

import json
from enum import Enum
from typing import Any
from urllib.parse import quote

from ._operation import Param

__all__ = [
    "form_fields",
    "form_value",
    "is_file",
    "json_text",
    "multipart_parts",
    "path_value",
    "plain",
    "query_pairs",
    "quote_part",
    "simple_value",
]


def plain(value: Any) -> str:
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


def quote_part(text: str) -> str:
    """Percent-encode one query name or value (a delimiter inside a value is encoded too)."""
    return quote(text, safe="")


def query_pairs(param: Param, value: Any) -> list[str]:
    """Serialize a query (or cookie) parameter by its ``style`` and ``explode``, encoded.

    Encoding happens here, item by item, so the ``,``/``|``/space joining exploded=false
    arrays stays a literal delimiter while a comma inside an item is sent as ``%2C``.
    """
    name = quote_part(param.name)
    if param.style == "json":
        return [f"{name}={quote_part(json_text(value))}"]
    if isinstance(value, dict):
        if param.style == "deepObject":
            return [
                f"{name}%5B{quote_part(str(k))}%5D={quote_part(plain(v))}"
                for k, v in value.items()
            ]
        if param.explode:
            return [
                f"{quote_part(str(k))}={quote_part(plain(v))}" for k, v in value.items()
            ]
        return [
            f"{name}="
            + ",".join(
                f"{quote_part(str(k))},{quote_part(plain(v))}" for k, v in value.items()
            )
        ]
    if isinstance(value, (list, tuple)):
        if param.explode and param.style in ("", "form"):
            return [f"{name}={quote_part(plain(v))}" for v in value]
        separator = {"spaceDelimited": "%20", "pipeDelimited": "|"}.get(
            param.style, ","
        )
        return [f"{name}=" + separator.join(quote_part(plain(v)) for v in value)]
    return [f"{name}={quote_part(plain(value))}"]


def simple_value(value: Any, param: Param | None = None) -> str:
    """``simple`` style (path and header parameters), or JSON for a ``content`` parameter."""
    if param is not None and param.style == "json":
        return json_text(value)
    if isinstance(value, dict):
        return ",".join(f"{k},{plain(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ",".join(plain(v) for v in value)
    return plain(value)


def path_value(param: Param, value: Any) -> str:
    """A path parameter by its ``style``: ``simple`` (``a,b``), ``label`` (``.a.b``) or
    ``matrix`` (``;name=a,b``), every value percent-encoded."""
    if param.style not in ("label", "matrix"):
        return quote(simple_value(value, param), safe="")
    name = quote(param.name, safe="")
    separator = "." if param.style == "label" else ";"
    if isinstance(value, dict):
        pairs = [
            (quote(str(k), safe=""), quote(plain(v), safe="")) for k, v in value.items()
        ]
        if param.explode:
            return "".join(f"{separator}{k}={v}" for k, v in pairs)
        flat = ",".join(f"{k},{v}" for k, v in pairs)
        return "." + flat if param.style == "label" else f";{name}={flat}"
    items = value if isinstance(value, (list, tuple)) else [value]
    texts = [quote(plain(v), safe="") for v in items]
    if param.style == "label":
        return "." + ("." if param.explode else ",").join(texts)
    if param.explode:
        return "".join(f";{name}={text}" for text in texts)
    return f";{name}=" + ",".join(texts)


def json_text(value: Any) -> str:
    """A parameter whose spec gives a JSON ``content`` instead of a ``schema``."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def is_file(value: Any) -> bool:
    return isinstance(value, (bytes, bytearray, tuple)) or hasattr(value, "read")


def form_value(value: Any) -> str:
    """One form field: scalars as text (``true``/``false``), objects and arrays as JSON."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return plain(value)


def form_fields(value: Any) -> dict[str, Any]:
    """A form body: an array of scalars repeats its key, anything else is one field."""
    data: dict[str, Any] = {}
    for key, item in (value or {}).items():
        if item is None:
            continue
        flat = isinstance(item, list) and all(
            not isinstance(v, (dict, list)) for v in item
        )
        if flat:
            data[key] = [plain(v) for v in item]
        else:
            data[key] = form_value(item)
    return data


def multipart_parts(value: Any) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """Split a multipart body into form fields and files (bytes or (name, bytes[, type]))."""
    files: list[tuple[str, Any]] = []
    fields: dict[str, Any] = {}
    for key, item in (value or {}).items():
        if is_file(item):
            files.append((key, item))
        elif isinstance(item, list) and item and all(is_file(v) for v in item):
            files.extend((key, v) for v in item)
        else:
            fields[key] = item
    form = form_fields(fields)
    if not files:
        # httpx sends fields alone urlencoded; parts without a file name stay multipart
        parts = [
            (k, (None, v))
            for k, vs in form.items()
            for v in (vs if isinstance(vs, list) else [vs])
        ]
        return {}, parts
    return form, files
