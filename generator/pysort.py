"""The orders ruff gives Python names: inside one import (its isort rules) and in ``__all__``
(RUF022). The renderer emits names already in these orders, so the output needs no fixing."""

from __future__ import annotations

import re


def isort_key(name: str) -> tuple[int, list[str | int]]:
    """The order isort/ruff use inside one import and in ``__all__``: CONSTANTS, Classes, functions,
    each in natural order (``Model2`` before ``Model10``)."""
    chunks: list[str | int] = [int(c) if c.isdigit() else c for c in re.split(r"(\d+)", name)]
    if len(name) > 1 and name.isupper():
        return (0, chunks)
    return (1, chunks) if name[0].isupper() else (2, chunks)


def import_key(name: str) -> tuple[int, list[str | int], list[str | int]]:
    """The order of the names in one ``from x import ...``: by type as ``isort_key``, then
    case-insensitively (``ComicsBase`` before ``ComicSeries``)."""
    kind, chunks = isort_key(name)
    return kind, isort_key(name.lower())[1], chunks
