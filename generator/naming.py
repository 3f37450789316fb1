"""Python names from spec names: snake_case, PascalCase, escapes. Pure functions, no state.

Builtins such as ``id`` and ``type`` are kept as parameter and attribute names: the seeds use
them, and shadowing a builtin inside a method is harmless. Keywords are escaped with a trailing
underscore (PEP 8), names that start with a digit get a prefix, non-ASCII letters become
``u<hex>`` so every name is a stable ASCII identifier.
"""

from __future__ import annotations

import hashlib
import keyword
import re
import unicodedata

_WORD_BOUNDARY = (
    re.compile(r"([a-z0-9])([A-Z])"),  # aB -> a_B
    re.compile(r"([A-Z]+)([A-Z][a-z])"),  # GETRequest -> GET_Request
)
_NOT_IDENT = re.compile(r"[^0-9A-Za-z]+")


def ascii_fold(text: str) -> str:
    """Replace accents by their base letters and any other non-ASCII char by ``u<hex>``."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    out = []
    for char in decomposed:
        if char.isascii():
            out.append(char)
        elif unicodedata.combining(char):
            continue
        else:
            out.append(f"_u{ord(char):04x}_")
    return "".join(out)


def snake_case(name: str) -> str:
    """``createSessionUsingGET`` -> ``create_session_using_get``; ``job-id`` -> ``job_id``."""
    text = ascii_fold(name)
    for pattern in _WORD_BOUNDARY:
        text = pattern.sub(r"\1_\2", text)
    text = _NOT_IDENT.sub("_", text).strip("_").lower()
    return re.sub(r"_+", "_", text)


def pascal_case(name: str) -> str:
    """``Project Workflow Session`` -> ``ProjectWorkflowSession``; keeps ``TaskVersionsApi`` as is."""
    text = ascii_fold(name)
    parts = [p for p in _NOT_IDENT.split(text) if p]
    return "".join(p[0].upper() + p[1:] for p in parts)


MAX_LENGTH = 80  # longer names are cut and get a hash of the whole name (file names stay short)


def _cap(name: str, separator: str) -> str:
    if len(name) <= MAX_LENGTH:
        return name
    tail = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return name[: MAX_LENGTH - len(tail) - len(separator)] + separator + tail


def identifier(name: str, prefix: str, reserved: frozenset[str] = frozenset()) -> str:
    """Make ``name`` a safe identifier: keywords and ``reserved`` get ``_``, digits a prefix."""
    if not name:
        name = prefix.rstrip("_") or "value"
    if name[0].isdigit():
        name = prefix + name
    name = _cap(name, "_")
    if keyword.iskeyword(name) or name in reserved:
        name += "_"
    return name


def class_name(name: str, prefix: str = "Model") -> str:
    """A class name for a schema or tag; valid names like ``CreateSessionUsingGET200Response`` stay."""
    if name.isidentifier() and name.isascii() and name[0].isupper() and "_" not in name and not keyword.iskeyword(name):
        return _cap(name, "")
    return _cap(identifier(pascal_case(name), prefix), "")


def enum_member_name(value: object) -> str:
    """``SUCCEEDED`` -> ``SUCCEEDED``; ``full-path`` -> ``FULL_PATH``; ``-1`` -> ``VALUE_MINUS_1``."""
    if isinstance(value, bool) or value is None:
        return str(value).upper()
    if isinstance(value, (int, float)):
        text = re.sub(r"[^0-9A-Za-z]+", "_", str(value).replace("-", "minus_")).strip("_")
        return "VALUE_" + text.upper()
    text = snake_case(str(value)).upper()
    if not text:
        return "EMPTY"
    return identifier(text, "VALUE_", frozenset({"I", "O"}))  # not E741's ambiguous names


def dedupe(names: list[str]) -> list[str]:
    """Make names unique by numbering repeats in order: ``a, a, a`` -> ``a, a_2, a_3``."""
    seen: dict[str, int] = {}
    out = []
    taken = set(names)
    for name in names:
        if name not in seen:
            seen[name] = 1
            out.append(name)
            continue
        n = seen[name]
        while True:
            n += 1
            candidate = f"{name}_{n}"
            if candidate not in taken:
                break
        seen[name] = n
        taken.add(candidate)
        out.append(candidate)
    return out
