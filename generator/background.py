"""openapi-spec-validator in a forked process while the main process normalizes and renders.

The validator is the slowest check and the later stages need nothing from it, so with two cores
its time mostly disappears behind theirs. The outcome is the same as running it first: the
pipeline asks for each spec's findings before it uses that spec's output, and a violation wins
over anything the later stages raised on the invalid document.
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

from .errors import SpecError
from .loader import Document

_FAILED = -1  # the message index that carries the child's traceback
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _fields(error: SpecError) -> tuple[str, str, str, str, int | None, int | None]:
    return error.file, error.pointer, error.message, error.hint, error.line, error.column


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
                conn.send((index, "findings", [_fields(e) for e in schema_findings(doc, check_document(doc))]))
            except SpecError as error:
                conn.send((index, "error", _fields(error)))
    except BaseException:  # reported to the parent, which raises it as a generator bug
        conn.send((_FAILED, "crash", traceback.format_exc()))
    finally:
        conn.close()


class SchemaChecks:
    """openapi-spec-validator's findings for several documents, computed in one child process."""

    def __init__(self, sources: Sequence[tuple[Path, str]]) -> None:
        """Start checking the specs at ``sources`` (path, name as shown); the child reads them
        itself, so it can start before the parent has."""
        self._sources = list(sources)
        self._done: dict[int, list[SpecError] | SpecError] = {}
        self._conn: Connection | None = None
        self._process: Any = None
        if self._sources and sys.platform.startswith("linux"):  # fork: no re-import of the generator
            context = multiprocessing.get_context("fork")
            receiving, sending = context.Pipe(duplex=False)
            self._process = context.Process(target=_child, args=(self._sources, sending, os.getpid()))
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
            self._done[number] = SpecError(*payload) if kind == "error" else [SpecError(*f) for f in payload]
        if index not in self._done:
            from .validate import schema_findings

            try:
                self._done[index] = schema_findings(doc, version)
            except SpecError as error:
                self._done[index] = error
        result = self._done[index]
        if isinstance(result, SpecError):
            raise result
        return result

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
