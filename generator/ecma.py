"""Whether a schema ``pattern`` is a valid ECMA-262 regular expression, the dialect OpenAPI uses.

Python's ``re`` reads most of ECMA-262 but not its Unicode property classes (``\\p{L}``, ``\\P{N}``,
used by a dozen AWS specs) nor ``(?<name>...)`` / ``\\k<name>`` groups. The generator never runs a
pattern, it only checks that the spec's are well formed; so each ECMA-only construct is rewritten
to a Python one with the same syntax role (a property class becomes ``\\w``, valid inside and
outside brackets) and the result is compiled.
"""

from __future__ import annotations

import re
from typing import Any

_PROPERTY = re.compile(r"(?<!\\)((?:\\\\)*)\\[pP]\{[A-Za-z_]+(?:=[A-Za-z_]+)?\}")
_NAMED_GROUP = re.compile(r"(?<!\\)((?:\\\\)*)\(\?<([A-Za-z_][A-Za-z0-9_]*)>")
_BACKREF = re.compile(r"(?<!\\)((?:\\\\)*)\\k<([A-Za-z_][A-Za-z0-9_]*)>")


def python_syntax(pattern: str) -> str:
    """``pattern`` with its ECMA-only constructs replaced by Python ones of the same shape."""
    if "\\p" not in pattern and "\\P" not in pattern and "(?<" not in pattern and "\\k<" not in pattern:
        return pattern
    pattern = _PROPERTY.sub(r"\1\\w", pattern)
    pattern = _NAMED_GROUP.sub(r"\1(?P<\2>", pattern)
    return _BACKREF.sub(r"\1(?P=\2)", pattern)


def is_valid(pattern: str) -> bool:
    try:
        re.compile(python_syntax(pattern))
    except (re.error, RecursionError, OverflowError):
        return False
    return True


def with_python_patterns(value: Any) -> Any:
    """``value`` (a schema), or a copy whose ECMA-only ``pattern`` strings are in Python syntax,
    for validators that check patterns with ``re``."""
    if isinstance(value, dict):
        copy = {k: with_python_patterns(v) for k, v in value.items()}
        if isinstance(value.get("pattern"), str):
            copy["pattern"] = python_syntax(value["pattern"])
        return value if all(copy[k] is value[k] for k in value) else copy
    if isinstance(value, list):
        items = [with_python_patterns(v) for v in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    return value
