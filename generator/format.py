"""Format generated Python with black: cached by content, in parallel, in-process.

Files rendered from templates that are already in black's style (the runtime modules; a test
keeps them so) are not formatted again. The rest go through black once per distinct content:
from the on-disk cache when black has seen them before, else in a pool of worker processes when
there is enough work to pay for the pool.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from .cache import Cache, digest
from .errors import SpecError

PARALLEL_MIN_LINES = 3000  # below this a pool costs more than it saves


def _mode() -> Any:
    from black.mode import Mode, TargetVersion

    return Mode(target_versions={TargetVersion.PY310})


def _black_key(text: str) -> str:
    from importlib import metadata

    return digest("black", metadata.version("black"), repr(_mode()), text)


def _format_one(text: str) -> tuple[str, str]:
    """Format one source; returns ("ok", result) or ("error", message) (picklable for the pool)."""
    import black
    from black.report import NothingChanged

    try:
        return "ok", black.format_str(text, mode=_mode())
    except NothingChanged:
        return "ok", text
    except Exception as exc:  # black raises several types for invalid code
        return "error", f"{type(exc).__name__}: {str(exc)[:300]}"


def _pool_context() -> Any:
    # fork shares the already imported modules; elsewhere spawn is the safe default
    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")


def format_sources(items: Sequence[tuple[str, str]], cache: Cache) -> list[str]:
    """Black-format ``(label, source)`` pairs; a failure is a generator bug, named by its label."""
    indexes: dict[str, list[int]] = {}  # each distinct source, with the items that have it
    for index, (_, text) in enumerate(items):
        indexes.setdefault(text, []).append(index)
    results: dict[int, str] = {}
    keys = {text: _black_key(text) for text in indexes} if cache.folder is not None else {}
    sources: list[str] = []
    for text, where in indexes.items():
        hit = cache.get("black", keys[text]) if keys else None
        if isinstance(hit, str):
            results.update((i, hit) for i in where)
        else:
            sources.append(text)
    lines = sum(text.count("\n") for text in sources)
    workers = min(len(sources), os.cpu_count() or 1)
    if workers > 1 and lines >= PARALLEL_MIN_LINES:
        with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
            outcomes = list(pool.map(_format_one, sources, chunksize=1))
    else:
        outcomes = [_format_one(text) for text in sources]
    for text, (status, value) in zip(sources, outcomes, strict=True):
        where = indexes[text]
        if status != "ok":
            spec, _, name = items[where[0]][0].partition("::")
            raise SpecError(
                spec,
                "",
                f"internal error: generated {name} is not valid Python ({value})",
                "this is a generator bug; please report it with the spec",
            )
        if keys:
            cache.put("black", keys[text], value)
        results.update((i, value) for i in where)
    return [results[i] for i in range(len(items))]


def format_files(files: dict[str, str], spec: str, cache: Cache | None = None) -> dict[str, str]:
    """Black-format every ``.py`` file of one package (see ``format_sources``)."""
    names = [name for name in files if name.endswith(".py")]
    formatted = format_sources([(f"{spec}::{name}", files[name]) for name in names], cache or Cache(None))
    out = dict(files)
    out.update(zip(names, formatted, strict=True))
    return out
