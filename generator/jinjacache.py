"""The compiled Jinja2 templates kept on disk, treated as untrusted input like the rest of the cache.

A template's compiled code is loaded only from a folder that belongs to the current user and that
nobody else can write (code from anywhere else could run as the user), only when Jinja2's own
checks pass (its format, this Python, the template source's checksum) and only when it is a code
object; the folder is named by the generator's fingerprint, which covers the Jinja2 version, the
environment's settings (render.py) and the templates. Anything else is a miss: the template is
compiled as without a cache. A write that fails (read-only or full disk) only costs speed.
"""

from __future__ import annotations

import os
import stat
import types
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket


def _private(folder: Path) -> bool:
    """Whether ``folder`` is a real folder of this user that no one else may write."""
    try:
        info = folder.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode) or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    return not hasattr(os, "getuid") or info.st_uid == os.getuid()


class TemplateCodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja2's file cache of compiled templates, with the checks above."""

    @classmethod
    def under(cls, cache_folder: Path) -> TemplateCodeCache:
        """The cache for this generator's templates inside ``cache_folder`` (the package cache's)."""
        from .cache import generator_fingerprint

        folder = cache_folder / "jinja" / generator_fingerprint()[:32]
        return cls(folder)

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder), "%s.bytecode")
        self.folder = folder

    def _usable(self) -> bool:
        return _private(self.folder) and _private(self.folder.parent)

    def load_bytecode(self, bucket: Bucket) -> None:
        if not self._usable():
            return
        try:
            super().load_bytecode(bucket)
        except Exception:
            bucket.reset()
        if bucket.code is not None and not isinstance(bucket.code, types.CodeType):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            if self._usable():
                super().dump_bytecode(bucket)
        except OSError:  # a read-only or full disk only costs speed (Jinja2 removes its temporary file)
            pass
