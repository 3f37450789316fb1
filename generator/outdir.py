"""The output folder's guard: one run at a time, the record of its packages, recovery of swaps.

Every run that writes into an output folder holds an exclusive ``flock`` on ``.clientgen.lock``
in it, so two runs never interleave; while it is held, any staging or backup folder left
beside a package belongs to a run that is gone (killed), and is cleaned up or restored. The
generator removes only folders it recorded in ``.clientgen-packages`` as packages it wrote.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError

LOCK_NAME = ".clientgen.lock"
RECORD_NAME = ".clientgen-packages"
_RECORD_HEADER = "# Packages clientgen generated into this folder (it removes no other folder).\n"
# a package folder is a Python identifier; staging and backup folders start with a dot
_PACKAGE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_LEFTOVER = re.compile(r"^\.(?P<package>[A-Za-z][A-Za-z0-9_]*)\.(?P<kind>new|old|gone)-[A-Za-z0-9_]+$")


def _environment_error(path: Path, action: str, error: OSError) -> OutputError:
    reason = error.strerror or str(error)
    hints = {
        errno.ENOSPC: "free some space on that disk, or pass -o with a folder on another disk",
        errno.EDQUOT: "free some space within your quota, or pass -o with another folder",
        errno.EACCES: "make the folder writable, or pass -o with a folder you can write",
        errno.EPERM: "make the folder writable, or pass -o with a folder you can write",
        errno.EROFS: "pass -o with a folder on a writable file system",
        errno.ENOTDIR: "a part of the output path is a file: remove it or pass -o with another folder",
        errno.EEXIST: "a file is in the way: remove it or pass -o with another folder",
        errno.ENAMETOOLONG: "use a shorter package name or output path",
        errno.ELOOP: "remove the symbolic link loop from the output path",
    }
    hint = hints.get(error.errno or 0, "check the output folder and its permissions, or pass -o with another folder")
    return OutputError(str(path), f"cannot {action}: {reason}", hint, error.errno or 0)


@contextmanager
def environment_errors(path: Path, action: str) -> Iterator[None]:
    """Turn an OSError of the file system into an OutputError naming ``path`` and what failed."""
    try:
        yield
    except OutputError:
        raise
    except OSError as error:
        raise _environment_error(path, action, error) from None


def prepare_folder(output: Path) -> None:
    """Create the output folder; a file or a broken link in its place is a clear error."""
    if output.is_symlink() and not output.exists():
        raise OutputError(
            str(output), "the output folder is a symbolic link to nothing", "remove the link or pass -o another folder"
        )
    if output.exists() and not output.is_dir():
        raise OutputError(str(output), "the output path is a file, not a folder", "remove it or pass -o another folder")
    with environment_errors(output, "create the output folder"):
        output.mkdir(parents=True, exist_ok=True)


@contextmanager
def locked(output: Path, say: Callable[[str], None]) -> Iterator[None]:
    """Hold the output folder's lock for the block; waits (and says so) while another run has it."""
    import fcntl

    prepare_folder(output)
    lock = output / LOCK_NAME
    with environment_errors(lock, "open the lock file"):
        handle = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"waiting for another clientgen run to finish writing into {output}/ (it holds {lock})")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


@contextmanager
def reading(output: Path, say: Callable[[str], None]) -> Iterator[None]:
    """Hold the lock shared for the block (readers wait for a writer), without creating anything:
    where there is no lock file, no run ever wrote into ``output``."""
    import fcntl

    try:
        handle = os.open(output / LOCK_NAME, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        yield
        return
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"waiting for another clientgen run to finish writing into {output}/")
            fcntl.flock(handle, fcntl.LOCK_SH)
        yield
    finally:
        os.close(handle)


def read_record(output: Path) -> set[str]:
    """The package names the generator recorded in ``output``; anything else in the file is ignored."""
    try:
        text = (output / RECORD_NAME).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    return {line.strip() for line in text.splitlines() if _PACKAGE_NAME.match(line.strip())}


def write_record(output: Path, packages: Iterable[str]) -> None:
    """Record ``packages`` (sorted, so the file is deterministic), written atomically."""
    text = _RECORD_HEADER + "".join(f"{name}\n" for name in sorted(set(packages)))
    path = output / RECORD_NAME
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except (OSError, UnicodeDecodeError):
        pass
    with environment_errors(path, "record the generated packages"):
        handle, temporary = tempfile.mkstemp(dir=output, prefix=f"{RECORD_NAME}.tmp-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def is_package_name(name: str) -> bool:
    """Whether a folder name could be a package the generator writes (never a dot folder)."""
    return bool(_PACKAGE_NAME.match(name))


def recover(output: Path) -> list[str]:
    """Finish what killed runs left behind (call with the lock held); returns what was done.

    A backup ``.X.old-*`` whose package ``X`` is missing was taken out by a swap that never
    completed: it is put back. Every other staging (``.new-``), backup or removed package
    (``.gone-``) folder, and temporary record files, are removed.
    """
    done: list[str] = []
    try:
        entries = sorted(output.iterdir())
    except OSError:
        return done
    for entry in entries:
        if entry.name.startswith(f"{RECORD_NAME}.tmp-"):
            entry.unlink(missing_ok=True)
            continue
        match = _LEFTOVER.match(entry.name)
        if match is None or entry.is_symlink() or not entry.is_dir():
            continue
        package = output / match["package"]
        with environment_errors(entry, "recover an interrupted run's folder"):
            if match["kind"] == "old" and not package.exists() and not package.is_symlink():
                entry.rename(package)
                done.append(f"restored {package}/ from {entry.name} (a run was interrupted while replacing it)")
            else:
                shutil.rmtree(entry)
                done.append(f"removed {entry.name} (left by an interrupted run)")
    return done


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
