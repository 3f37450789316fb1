"""``x-python-name`` on a component schema: read and check the class name a curator asks for.

Upstream may rename a schema (``WorkflowSession`` -> ``WorkflowSessionV3``) without changing
its structure; the extension keeps the Python name, so callers' imports keep working. The
wire never changes: ``$ref``s and discriminator values still use the schema's key.
"""

from __future__ import annotations

import keyword
from typing import Any

from .loader import Document
from .naming import MAX_LENGTH

KEY = "x-python-name"
EXAMPLE = "x-python-name: WorkflowSession"


def requested_class_name(schema: Any, pointer: str, doc: Document, reserved: frozenset[str]) -> str | None:
    """The class name ``schema`` (at ``pointer``) asks for, or None when it asks for none.

    A bad value is an error, never ignored: a rename that silently does not happen would change
    the callers' imports. ``reserved`` holds the names the generated modules use themselves.
    """
    if not isinstance(schema, dict) or KEY not in schema:
        return None
    value = schema[KEY]
    at = f"{pointer}/{KEY}"
    if not isinstance(value, str):
        raise doc.error(at, f"{KEY} must be a string, not {_kind(value)}", f"write the class name, e.g. {EXAMPLE}")
    if "$ref" in schema:
        raise doc.error(
            at,
            f"{KEY} beside $ref names nothing: the schema is the one the $ref points to",
            f"put {KEY} on the schema the $ref points to, or remove it",
        )
    if not (value.isascii() and value.isidentifier()):
        raise doc.error(
            at,
            f"{KEY} {value!r} is not a Python identifier",
            f"use ASCII letters, digits and underscores, starting with a capital letter, e.g. {EXAMPLE}",
        )
    if keyword.iskeyword(value):
        raise doc.error(at, f"{KEY} {value!r} is a Python keyword", f"choose another class name, e.g. {value}Model")
    if not value[0].isupper():
        raise doc.error(
            at,
            f"{KEY} {value!r} does not start with a capital letter, as class names do",
            f"capitalize it: {KEY}: {value[0].upper() + value[1:]}",
        )
    if value in reserved:
        raise doc.error(
            at,
            f"{KEY} {value!r} is a name the generated modules already use",
            f"choose another class name, e.g. {value}Model",
        )
    if len(value) > MAX_LENGTH:
        raise doc.error(
            at, f"{KEY} is {len(value)} characters long, more than {MAX_LENGTH}", "choose a shorter class name"
        )
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"
