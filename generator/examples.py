"""Example arguments for docs and READMEs, built from the IR (part of normalization).

Values come from the spec's ``example`` where it fits the type, else from the type: enough to
make a call that type-checks, not data that means anything.
"""

from __future__ import annotations

from .escape import py_literal, py_str
from .ir import Body, Model, Parameter, TypeExpr

_SCALARS = {
    "int": "1",
    "float": "1.5",
    "bool": "True",
    "Any": '"value"',
    "dict[str, Any]": "{}",
    "bytes": 'b"..."',
    "File": '("example.txt", b"...")',
}
_EXAMPLE_TYPES: dict[str, tuple[type, ...]] = {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,)}


class _Builder:
    def __init__(self, models: dict[str, Model]) -> None:
        self.models = models
        self.used: set[str] = set()
        self.datetime = False

    def value(self, expr: TypeExpr, name: str, example: object = None, depth: int = 0) -> str:
        annotation = expr.annotation
        kinds = _EXAMPLE_TYPES.get(annotation.split(" | ")[-1] if annotation.endswith(" | str") else annotation)
        if kinds and isinstance(example, kinds) and (isinstance(example, bool) == (kinds == (bool,))):
            return py_literal(example)
        if annotation == "str" or annotation.endswith(" | str"):
            return py_str(f"{name}_example")
        if annotation in _SCALARS:
            return _SCALARS[annotation]
        if annotation.startswith("datetime."):
            self.datetime = True
            if annotation == "datetime.date":
                return "datetime.date(2024, 1, 1)"
            return "datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)"
        if annotation.startswith("list["):
            inner = TypeExpr(annotation[5:-1], "ANY", annotation[5:-1], expr.models)
            return f"[{self.value(inner, name, None, depth + 1)}]"
        if annotation.startswith("dict[str, "):
            inner = TypeExpr(annotation[10:-1], "ANY", annotation[10:-1], expr.models)
            return '{"key": ' + self.value(inner, name, None, depth + 1) + "}"
        model = self.models.get(annotation)
        if model is not None:
            return self.model_call(model, depth + 1)
        members = _members(annotation)
        if len(members) > 1:  # a union: an example of its first member
            first = TypeExpr(members[0], "ANY", members[0], expr.models)
            return self.value(first, name, example, depth)
        return "None"

    def model_call(self, model: Model, depth: int) -> str:
        self.used.add(model.name)
        if depth > 3:
            return f"{model.name}.from_dict({{}})"
        args = [
            f"{f.python_name}={self.value(f.type, f.python_name, None, depth)}"
            for f in model.init_fields
            if f.default is None
        ]
        return f"{model.name}({', '.join(args)})"


def call_arguments(
    params: tuple[Parameter, ...], body: Body | None, models: dict[str, Model]
) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """Keyword arguments for an example call (required parameters and the body), the model
    classes they construct, and whether they need ``import datetime``."""
    builder = _Builder(models)
    args = [f"{p.python_name}={builder.value(p.type, p.python_name, p.example)}" for p in params if p.required]
    if body is not None:
        args.append(f"{body.python_name}={builder.value(body.type, body.python_name)}")
    return tuple(args), tuple(sorted(builder.used)), builder.datetime


def _members(annotation: str) -> list[str]:
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
