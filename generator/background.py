"""openapi-spec-validator in a forked process while the main process normalizes and renders.

The validator is the slowest check and the later stages need nothing from it, so with two cores
its time mostly disappears behind theirs. The outcome is the same as running it first: the
pipeline asks for each spec's findings before it uses that spec's output, and a violation wins
over anything the later stages raised on the invalid document.

With one core nothing hides it, so its verdict is also kept in the cache, keyed by the spec's
bytes, its path, the generator and the validator's versions: a spec checked before is not checked
again (and when no spec needs checking, no process starts). Only the verdicts of specs without
``$ref``s to other files are kept (those files are not in the key).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import traceback
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .cache import Cache, digest, generator_fingerprint, installed_versions
from .errors import SpecError
from .loader import Document

_FAILED = -1  # the message index that carries the child's traceback
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


_VALIDATOR = ("openapi_spec_validator", "openapi_schema_validator", "jsonschema", "jsonschema_rs", "jsonschema_path")
Fields = tuple[str, str, str, str, int | None, int | None]


def _fields(error: SpecError) -> Fields:
    return error.file, error.pointer, error.message, error.hint, error.line, error.column


def _verdict_key(path: Path, shown: str) -> str | None:
    """The cache key of a spec's findings (None when the file cannot be read: the loader reports it)."""
    try:
        data = path.read_bytes()
        where = str(path.resolve())
    except (OSError, ValueError):
        return None
    return digest("findings", generator_fingerprint(), *installed_versions(_VALIDATOR), where, shown, data)


def _cached_findings(value: Any) -> list[SpecError] | None:
    """Findings from a cache entry (untrusted input: a wrong shape is a miss)."""

    def line(item: Any) -> bool:
        return item is None or (isinstance(item, int) and not isinstance(item, bool))

    if not isinstance(value, list):
        return None
    found: list[SpecError] = []
    for item in value:
        if not (isinstance(item, list) and len(item) == 6 and all(isinstance(x, str) for x in item[:4])):
            return None
        if not (line(item[4]) and line(item[5])):
            return None
        found.append(SpecError(*item))
    return found


def _local_refs_only(data: Any) -> bool:
    """Whether every ``$ref`` in ``data`` points into the same document (each node visited once:
    a YAML alias is not walked again)."""
    seen: set[int] = set()
    stack = [data]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                return False
            stack.extend(value for value in node.values() if isinstance(value, (dict, list)))
        elif isinstance(node, list):
            stack.extend(value for value in node if isinstance(value, (dict, list)))
    return True


def _die_with(parent: int) -> None:
    """Ask Linux to SIGKILL this process when its parent dies (a killed ``clientgen`` must not
    leave the validator running, holding the caller's pipes); if the parent is already gone, go."""
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl: the parent's close() still ends the child
        pass
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _child(sources: Sequence[tuple[Path, str]], conn: Connection, parent: int) -> None:
    _die_with(parent)
    _check_all(sources, conn)


def _check_all(sources: Sequence[tuple[Path, str]], conn: Connection) -> None:
    """The child: imports the validator, reads each spec and sends its findings as they come
    (or the error that stops its check; a spec it cannot read is the parent's to report)."""
    from .loader import load_document
    from .validate import check_document, schema_findings

    try:
        import openapi_spec_validator  # noqa: F401 - the slow import, while the parent reads the specs

        for index, (path, shown) in enumerate(sources):
            try:
                doc = load_document(path, shown)
                found = [_fields(e) for e in schema_findings(doc, check_document(doc))]
                conn.send((index, "findings" if _local_refs_only(doc.data) else "uncacheable", found))
            except SpecError as error:
                conn.send((index, "error", _fields(error)))
    except BaseException:  # reported to the parent, which raises it as a generator bug
        conn.send((_FAILED, "crash", traceback.format_exc()))
    finally:
        conn.close()


class SchemaChecks:
    """openapi-spec-validator's findings for several documents, computed in one child process."""

    def __init__(self, sources: Sequence[tuple[Path, str]], cache: Cache | None = None) -> None:
        """Start checking the specs at ``sources`` (path, name as shown) that ``cache`` holds no
        verdict for; the child reads them itself, so it can start before the parent has."""
        self._sources = list(sources)
        self._done: dict[int, list[SpecError] | SpecError] = {}
        self._conn: Connection | None = None
        self._process: Any = None
        self._cache = cache if cache is not None and cache.folder is not None else None
        self._keys: dict[int, str] = {}
        self._todo: list[int] = []  # the child's n-th source is ``sources[todo[n]]``
        for index, (path, shown) in enumerate(self._sources):
            key = _verdict_key(path, shown) if self._cache is not None else None
            hit = _cached_findings(self._cache.get("findings", key)) if self._cache is not None and key else None
            if hit is not None:
                self._done[index] = hit
                continue
            if key is not None:
                self._keys[index] = key
            self._todo.append(index)
        if self._todo and sys.platform.startswith("linux"):  # fork: no re-import of the generator
            context = multiprocessing.get_context("fork")
            receiving, sending = context.Pipe(duplex=False)
            child_sources = [self._sources[index] for index in self._todo]
            self._process = context.Process(target=_child, args=(child_sources, sending, os.getpid()))
            self._process.daemon = True
            self._process.start()
            sending.close()
            self._conn = receiving

    def findings(self, index: int, doc: Document, version: str) -> list[SpecError]:
        """The findings for spec ``index`` (read by the parent as ``doc``, of ``version``);
        raises what stops its check (a SpecError)."""
        while index not in self._done and self._conn is not None:
            try:
                number, kind, payload = self._conn.recv()
            except (EOFError, OSError):  # the child is gone: check what is left here
                self.close()
                break
            if number == _FAILED:
                self.close()
                raise RuntimeError(f"openapi-spec-validator failed:\n{payload}")
            number = self._todo[number]
            self._done[number] = SpecError(*payload) if kind == "error" else [SpecError(*f) for f in payload]
            if kind == "findings":
                self._keep(number, payload)
        if index not in self._done:
            from .validate import schema_findings

            try:
                found = schema_findings(doc, version)
            except SpecError as error:
                self._done[index] = error
            else:
                self._done[index] = found
                if _local_refs_only(doc.data):
                    self._keep(index, [_fields(e) for e in found])
        result = self._done[index]
        if isinstance(result, SpecError):
            raise result
        return result

    def _keep(self, index: int, found: Sequence[Fields]) -> None:
        key = self._keys.get(index)
        if self._cache is not None and key is not None:
            self._cache.put("findings", key, [list(f) for f in found])

    def close(self) -> None:
        """Stop the child (it may still be checking documents nobody asks about any more)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._process = None

    def __enter__(self) -> SchemaChecks:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
