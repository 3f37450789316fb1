"""Put a curated document into its upstream's order wherever only the order differs.

Overlay actions can only append, so a curated spec that lists upstream keys or parameters in another
order can be reproduced only by replacing whole mappings or lists, which would hide upstream changes
to them. Migration therefore takes the upstream order: keys upstream has come first, in its order,
then the curated additions; a parameter list takes upstream's parameter order, then the added ones.
Other lists keep the curated order (their order can mean something, such as the first ``allOf``
member being the base class). Where the order matters to the generated code it is recorded in a
generator extension instead: a schema whose properties the curated spec lists in another order gets
``x-python-property-order`` (the model's field order), an operation whose responses it lists in another
order ``x-python-response-order`` (the order of the documented statuses). Parameters need none: the generated signature
puts required parameters first, then optional ones, each in list order, and the curated specs differ
from upstream only by listing path parameters first.
"""

from __future__ import annotations

from typing import Any

PROPERTY_ORDER = "x-python-property-order"
RESPONSE_ORDER = "x-python-response-order"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def upstream_order(base: Any, edited: Any, path: tuple[str | int, ...] = ()) -> Any:
    """``edited`` with the key order (and parameter order) of ``base`` where both have the same nodes."""
    if isinstance(base, dict) and isinstance(edited, dict):
        shared = [key for key in base if key in edited]
        added = [key for key in edited if key not in base]
        out = {key: upstream_order(base[key], edited[key], (*path, key)) for key in shared}
        out.update((key, edited[key]) for key in added)
        is_operation = len(path) == 3 and path[0] == "paths" and path[2] in METHODS
        is_schema_map = bool(path) and path[-1] in ("properties", "paths", "responses", "schemas")
        for key, extension, applies in (
            ("properties", PROPERTY_ORDER, not is_schema_map),
            ("responses", RESPONSE_ORDER, is_operation),
        ):
            kept, curated = out.get(key), edited.get(key)
            if applies and isinstance(kept, dict) and isinstance(curated, dict) and list(kept) != list(curated):
                out.setdefault(extension, list(curated))  # the generated code follows the curated order
        return out
    if isinstance(base, list) and isinstance(edited, list):
        if base and edited and all(_parameter(v) for v in base) and all(_parameter(v) for v in edited):
            by_identity = {_parameter(v): v for v in edited}
            upstream_ids = [_parameter(v) for v in base]
            ordered = [
                upstream_order(v, by_identity[_parameter(v)], (*path, i))
                for i, v in enumerate(base)
                if _parameter(v) in by_identity
            ]
            ordered += [v for v in edited if _parameter(v) not in set(upstream_ids)]
            return ordered
        if len(base) == len(edited):
            return [upstream_order(b, e, (*path, i)) for i, (b, e) in enumerate(zip(base, edited, strict=True))]
    return edited


def _parameter(value: Any) -> tuple[str, str] | None:
    """A parameter's identity (name, in); a ``$ref``ed parameter is identified by its ref."""
    if isinstance(value, dict):
        if isinstance(value.get("name"), str) and isinstance(value.get("in"), str):
            return (value["name"], value["in"])
        if isinstance(value.get("$ref"), str) and "/parameters/" in value["$ref"]:
            return ("$ref", value["$ref"])
    return None
