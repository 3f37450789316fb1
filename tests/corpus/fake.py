"""JSON values that satisfy an OpenAPI 3 schema: the arguments and bodies the corpus harness sends.

Deterministic for a given seed (``random.Random`` only). Formats, patterns (a string built from the
regular expression itself), enums, min/max, lengths, ``allOf``/``oneOf``/``anyOf`` and discriminators
are followed; recursion stops at a fixed depth with only the required properties.
"""

from __future__ import annotations

import random
import re
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

MAX_DEPTH = 5
FORMATS = {
    "date-time": "2024-01-02T03:04:05Z",
    "date": "2024-01-02",
    "time": "03:04:05Z",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "email": "user@example.com",
    "uri": "https://example.com/a",
    "url": "https://example.com/a",
    "uri-reference": "https://example.com/a",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "YWJj",
    "password": "secret-1",
    "duration": "P1D",
}


TYPING_KEYS = {"$ref", "type", "properties", "items", "allOf", "oneOf", "anyOf", "enum", "const", "required"}


class Unbuildable(Exception):
    """No value can be built (an unresolvable reference, a pattern this builder cannot follow)."""


class Faker:
    def __init__(self, doc: dict[str, Any], seed: int, optional_share: float = 0.5) -> None:
        self.doc = doc
        self.rng = random.Random(seed)
        self.optional_share = optional_share

    def resolve(self, schema: Any) -> Any:
        seen = 0
        while isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            ref = schema["$ref"]
            if not ref.startswith("#/") or seen > 20:
                raise Unbuildable(f"reference {ref} is not local")
            target: Any = self.doc
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                if not isinstance(target, dict) or part not in target:
                    raise Unbuildable(f"reference {ref} does not resolve")
                target = target[part]
            schema, seen = target, seen + 1
        return schema

    def value(self, schema: Any, depth: int = 0) -> Any:
        schema = self.resolve(schema)
        if not isinstance(schema, dict) or schema is True:
            return "value"
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            choices = [v for v in schema["enum"] if v is not None] or schema["enum"]
            return choices[0]
        if isinstance(schema.get("allOf"), list):
            return self._all_of(schema, depth)
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list) and schema[key]:
                return self._one_of(schema, key, depth)
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if kind is None:
            kind = "object" if "properties" in schema else "array" if "items" in schema else "string"
        if kind == "string":
            return self._string(schema)
        if kind == "integer":
            return int(self._number(schema, integer=True))
        if kind == "number":
            return self._number(schema, integer=False)
        if kind == "boolean":
            return True
        if kind == "array":
            count = max(1, int(schema.get("minItems", 1)))
            if depth >= MAX_DEPTH:
                count = int(schema.get("minItems", 0))
            items = [self.value(schema.get("items", {}), depth + 1) for _ in range(count)]
            if schema.get("uniqueItems") and len(items) > 1:
                raise Unbuildable("uniqueItems with minItems > 1")
            return items
        if kind == "null":
            return None
        return self._object(schema, depth)

    def _object(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        properties = schema.get("properties") or {}
        required = [r for r in schema.get("required") or [] if isinstance(r, str)]
        result: dict[str, Any] = {}
        for name in sorted(properties):
            prop = self.resolve(properties[name])
            if isinstance(prop, dict) and prop.get("readOnly"):
                continue
            if name in required or (depth < MAX_DEPTH - 2 and self.rng.random() < self.optional_share):
                result[name] = self.value(prop, depth + 1)
        for name in required:  # required but not declared
            result.setdefault(name, "value")
        discriminator = schema.get("discriminator")
        if isinstance(discriminator, dict) and isinstance(discriminator.get("propertyName"), str):
            mapping = discriminator.get("mapping") or {}
            prop = discriminator["propertyName"]
            if mapping and result.get(prop) not in mapping:
                result[prop] = sorted(mapping)[0]
        return result

    def _all_of(self, schema: dict[str, Any], depth: int) -> Any:
        merged: dict[str, Any] = {}
        typed = [p for p in schema["allOf"] if not isinstance(p, dict) or TYPING_KEYS & set(p)]
        for part in typed:  # a part with only a description or constraints adds no value of its own
            value = self.value(part, depth + 1)
            if not isinstance(value, dict):
                return value
            merged.update(value)
        rest = {k: v for k, v in schema.items() if k != "allOf"}
        if "properties" in rest or "required" in rest:
            merged.update(self._object(rest, depth))
        return merged

    def _one_of(self, schema: dict[str, Any], key: str, depth: int) -> Any:
        options = schema[key]
        discriminator = schema.get("discriminator")
        mapping = discriminator.get("mapping") if isinstance(discriminator, dict) else None
        if isinstance(discriminator, dict) and isinstance(mapping, dict) and mapping:
            value, target = sorted(mapping.items())[0]
            built = self.value({"$ref": target} if str(target).startswith("#/") else options[0], depth + 1)
            if isinstance(built, dict):
                built[discriminator["propertyName"]] = value
            return built
        non_null = [o for o in options if self.resolve(o) != {"type": "null"}]
        return self.value((non_null or options)[0], depth + 1)

    def _number(self, schema: dict[str, Any], integer: bool) -> float:
        low = schema.get("minimum")
        high = schema.get("maximum")
        if isinstance(schema.get("exclusiveMinimum"), (int, float)) and not isinstance(
            schema.get("exclusiveMinimum"), bool
        ):
            low = schema["exclusiveMinimum"] + (1 if integer else 0.5)
        elif schema.get("exclusiveMinimum") is True and low is not None:
            low = low + (1 if integer else 0.5)
        if isinstance(schema.get("exclusiveMaximum"), (int, float)) and not isinstance(
            schema.get("exclusiveMaximum"), bool
        ):
            high = schema["exclusiveMaximum"] - (1 if integer else 0.5)
        elif schema.get("exclusiveMaximum") is True and high is not None:
            high = high - (1 if integer else 0.5)
        value: float = 1
        if low is not None:
            value = max(value, low)
        if high is not None:
            value = min(value, high)
        multiple = schema.get("multipleOf")
        if isinstance(multiple, (int, float)) and multiple > 0:
            value = multiple * max(1, round(value / multiple))
        if integer:
            return int(value) if float(value).is_integer() else int(value) + 1
        return float(value)

    def _string(self, schema: dict[str, Any]) -> str:
        pattern = schema.get("pattern")
        low = int(schema.get("minLength", 0) or 0)
        high = schema.get("maxLength")
        if isinstance(pattern, str):
            text = from_pattern(pattern)
        else:
            text = FORMATS.get(str(schema.get("format")), "string")
        if len(text) < low:
            text = text + "a" * (low - len(text))
        if isinstance(high, int) and len(text) > high:
            text = text[:high]
        return text


def _piece(items: list[tuple[Any, Any]]) -> str:
    out = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            out.append("a" if chr(arg) != "a" else "b")
        elif name == "ANY":
            out.append("a")
        elif name == "IN":
            out.append(_in(arg))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            count = max(low, 1) if high != 0 else 0
            if high is not sre_constants.MAXREPEAT:
                count = min(count, high)
            out.append(_piece(list(sub)) * count)
        elif name in ("SUBPATTERN", "ATOMIC_GROUP"):
            out.append(_piece(list(arg[-1] if name == "SUBPATTERN" else arg)))
        elif name == "BRANCH":
            out.append(_piece(list(arg[1][0])))
        elif name == "CATEGORY":
            out.append(_category(str(arg)))
        elif name in ("AT", "ASSERT", "ASSERT_NOT", "GROUPREF"):
            continue
        else:
            raise Unbuildable(f"pattern element {name}")
    return "".join(out)


def _category(name: str) -> str:
    return {"CATEGORY_DIGIT": "1", "CATEGORY_SPACE": " ", "CATEGORY_WORD": "a"}.get(name, "a")


def _in(items: list[tuple[Any, Any]]) -> str:
    negate = any(str(op) == "NEGATE" for op, _ in items)
    if negate:
        excluded = {chr(a) for op, a in items if str(op) == "LITERAL"}
        return next(c for c in "abcxyz019" if c not in excluded)
    for op, arg in items:
        if str(op) == "LITERAL":
            return chr(arg)
        if str(op) == "RANGE":
            return chr(arg[0])
        if str(op) == "CATEGORY":
            return _category(str(arg))
    raise Unbuildable("empty character class")


# one member of each Unicode class: valid inside and outside a character class
ECMA_CLASSES = {r"\p{L}": "a", r"\p{N}": "1", r"\p{Z}": " ", r"\p{P}": ".", r"\p{S}": "+"}


def from_pattern(pattern: str) -> str:
    """A string the ECMA-262 pattern matches (searched, as JSON Schema does: unanchored)."""
    python = pattern
    for ecma, plain in ECMA_CLASSES.items():
        python = python.replace(ecma, plain)
    python = re.sub(r"\\p\{[A-Za-z_]+\}", "a", python)
    try:
        return _piece(list(sre_parse.parse(python)))
    except (re.error, Unbuildable, StopIteration, RecursionError) as error:
        raise Unbuildable(f"pattern {pattern!r}: {error}") from None
