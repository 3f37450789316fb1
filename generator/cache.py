"""An on-disk cache keyed by content hashes, so unchanged work costs nothing on the next run.

Two kinds of entries: formatted Python sources (keyed by black's version, mode and the source)
and whole generated packages (keyed by everything that decides the output: the spec's bytes and
the files it references, the generator's own code and templates, and the versions of black and
Jinja2). A cache entry can never change the output, only skip the work that would produce it;
a missing, unreadable or corrupt entry is simply recomputed. Writes are atomic (rename).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

_HERE = Path(__file__).resolve().parent


def default_dir() -> Path:
    """``$CLIENTGEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/clientgen``, else ``~/.cache/clientgen``."""
    explicit = os.environ.get("CLIENTGEN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "clientgen"


def digest(*parts: bytes | str) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def installed_versions(names: tuple[str, ...]) -> list[str]:
    """``name=version`` for each distribution, from the names of the ``*.dist-info`` folders on
    ``sys.path`` (what ``importlib.metadata`` reads too, without its 40 ms of imports and scans)."""
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            listing = os.listdir(entry or ".")
        except OSError:
            continue
        for folder in listing:
            if folder.endswith(".dist-info"):
                name, _, version = folder[: -len(".dist-info")].partition("-")
                found.setdefault(name.lower().replace("-", "_").replace(".", "_"), version)
    return [f"{name}={found.get(name, '?')}" for name in names]


@lru_cache(maxsize=1)
def generator_fingerprint() -> str:
    """A hash of the generator's code, its templates and the versions of what formats output."""
    from .resources import TEMPLATES

    parts: list[bytes | str] = [sys.version.split()[0], *installed_versions(("black", "jinja2", "pyyaml"))]
    for folder in (_HERE, TEMPLATES):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".j2"):
                parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(*parts)


class Cache:
    """Get and put JSON-able entries under one folder; every failure just means a miss."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def _path(self, kind: str, key: str) -> Path | None:
        if self.folder is None:
            return None
        return self.folder / kind / key[:2] / f"{key}.json"

    def get(self, kind: str, key: str) -> Any:
        path = self._path(kind, key)
        if path is None:
            return None
        try:
            return json.loads(path.read_bytes())
        except (OSError, ValueError):
            return None

    def put(self, kind: str, key: str, value: Any) -> None:
        def write(stream: TextIO) -> None:
            # streamed: a whole entry as one string, then as bytes, would cost twice its size again
            json.dump(value, stream, separators=(",", ":"))

        self._write(kind, key, write)

    def put_mapping(
        self, kind: str, key: str, head: dict[str, Any], field: str, items: Iterable[tuple[str, str]]
    ) -> None:
        """Put ``head`` with one more ``field``: a mapping whose items are produced (and can be
        freed) one at a time, so a large entry is never held whole. The bytes are those of ``put``
        with the whole mapping."""

        def write(stream: TextIO) -> None:
            start = json.dumps(head, separators=(",", ":"))
            stream.write(start[:-1] + ("," if head else "") + json.dumps(field) + ":{")
            for number, (name, text) in enumerate(items):
                stream.write(("," if number else "") + json.dumps(name) + ":")
                stream.write(json.dumps(text))
            stream.write("}}")

        self._write(kind, key, write)

    def _write(self, kind: str, key: str, write: Callable[[TextIO], None]) -> None:
        """Write an entry atomically: into a temporary file beside it, then renamed."""
        path = self._path(kind, key)
        if path is None:
            return
        temporary: str | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                write(stream)
            os.replace(temporary, path)
        except (OSError, UnicodeEncodeError):  # a read-only or full disk only costs speed
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
