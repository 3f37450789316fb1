"""Format generated Python as black does: cached by content, mostly without running black.

Files rendered from templates that are already in black's style (the runtime modules; a test
keeps them so) are not formatted again. The rest come from the on-disk cache when they were
formatted before (keyed by the text below the header, which names the spec); else
``layout`` splits their long statements as black would and black itself runs only over the
statements ``layout`` does not know (one synthetic module per worker, in a pool when there is
enough work), or over a whole file where ``layout`` cannot read it.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from typing import Any

from .cache import Cache, digest, generator_fingerprint, installed_versions
from .errors import SpecError

PARALLEL_MIN_LINES = 3000  # below this a pool costs more than it saves


def _mode() -> Any:
    from black.mode import Mode, TargetVersion

    return Mode(target_versions={TargetVersion.PY310})


def _black_key(text: str) -> str:
    # black's version from its dist-info folder name and the mode as spelled above (the fingerprint
    # covers this file): importing black only to build the key cost 0.3-0.45 s on every run
    return digest("black", _black_version(), "py310", generator_fingerprint(), text)


@lru_cache(maxsize=1)
def _black_version() -> str:
    return installed_versions(("black",))[0]


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


def _black_all(sources: Sequence[str]) -> list[tuple[str, str]]:
    """Black over each source, in a worker pool when there is enough work to pay for one."""
    lines = sum(text.count("\n") for text in sources)
    workers = min(len(sources), os.cpu_count() or 1)
    if workers > 1 and lines >= PARALLEL_MIN_LINES:
        with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
            return list(pool.map(_format_one, sources, chunksize=1))
    return [_format_one(text) for text in sources]


def _layout(sources: Sequence[str]) -> list[str | None]:
    """Each source as black formats it, by ``layout`` (None where the whole file needs black)."""
    from . import layout  # only on a cache miss: its regexes take a while to compile

    plans: dict[int, list[tuple[layout.Statement, list[str] | None]]] = {}
    for index, text in enumerate(sources):
        try:
            plans[index] = layout.plan(text)
        except layout.LayoutError:
            pass
    # the statements only black can split, all files together, in one module per worker
    pending = [(index, n, st) for index, plan in plans.items() for n, (st, split) in enumerate(plan) if split is None]
    keyed = [(key, sources[index], st) for key, (index, _, st) in enumerate(pending)]
    workers = max(1, min(os.cpu_count() or 1, sum(st.end - st.first for *_, st in keyed) // 400))
    groups = [keyed[i::workers] for i in range(workers)] if keyed else []
    chunks: dict[int, list[str]] = {}
    outcomes = _black_all([layout.synthetic_module(group) for group in groups])
    for group, (status, value) in zip(groups, outcomes, strict=True):
        try:
            if status != "ok":
                raise layout.LayoutError(value)
            chunks.update(layout.read_back(group, value))
        except layout.LayoutError:  # those files go through black whole
            for key, *_ in group:
                plans.pop(pending[key][0], None)
    keys = {(i, n): key for key, (i, n, _) in enumerate(pending)}
    done: list[str | None] = []
    for index, text in enumerate(sources):
        plan = plans.get(index)
        if plan is None:
            done.append(None)
            continue
        replacements = [
            (st, split if split is not None else chunks[keys[index, n]]) for n, (st, split) in enumerate(plan)
        ]
        done.append(layout.rebuild(text, replacements))
    return done


def _header_length(text: str) -> int:
    """The length of the comment lines that open ``text`` and that black leaves as they are.

    They are the generated-file header, which names the spec: formatting and its cache key skip
    them, so the same code generated from a spec named elsewhere costs that file nothing.
    """
    end = 0
    while text.startswith("# ", end):
        newline = text.find("\n", end)
        if newline < 0 or text[newline - 1] in " \t":
            break
        end = newline + 1
    # black would also drop blank lines at the top of what follows, which it keeps after comments
    return 0 if text.startswith("\n", end) else end


def format_sources(items: Sequence[tuple[str, str]], cache: Cache) -> list[str]:
    """Black-format ``(label, source)`` pairs; a failure is a generator bug, named by its label."""
    headers = [text[: _header_length(text)] for _, text in items]
    indexes: dict[str, list[int]] = {}  # each distinct source below its header, with its items
    for index, (_, text) in enumerate(items):
        indexes.setdefault(text[len(headers[index]) :], []).append(index)
    results: dict[int, str] = {}
    keys = {text: _black_key(text) for text in indexes} if cache.folder is not None else {}
    sources: list[str] = []
    for text, where in indexes.items():
        hit = cache.get("black", keys[text]) if keys else None
        if isinstance(hit, str):
            results.update((i, hit) for i in where)
        else:
            sources.append(text)
    laid_out = _layout(sources)
    whole = [text for text, done in zip(sources, laid_out, strict=True) if done is None]
    outcomes = dict(zip(whole, _black_all(whole), strict=True))
    for text, done in zip(sources, laid_out, strict=True):
        where = indexes[text]
        status, value = ("ok", done) if done is not None else outcomes[text]
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
    return [headers[i] + results[i] for i in range(len(items))]


def format_files(files: dict[str, str], spec: str, cache: Cache | None = None) -> dict[str, str]:
    """Black-format every ``.py`` file of one package (see ``format_sources``)."""
    names = [name for name in files if name.endswith(".py")]
    formatted = format_sources([(f"{spec}::{name}", files[name]) for name in names], cache or Cache(None))
    out = dict(files)
    out.update(zip(names, formatted, strict=True))
    return out
