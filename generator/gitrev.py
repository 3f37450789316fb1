"""Read files as a git revision has them (``REV:path`` arguments), without touching the work tree."""

from __future__ import annotations

import subprocess  # git runs with fixed arguments, never through a shell
from pathlib import Path

from .errors import UsageError


def split_rev(argument: str) -> tuple[str, str] | None:
    """``"HEAD~1:specs/x.yaml"`` -> ``("HEAD~1", "specs/x.yaml")``; None for a plain path."""
    if ":" not in argument or Path(argument).exists():
        return None
    rev, _, path = argument.partition(":")
    if not rev or len(rev) == 1:  # "C:..." on Windows is a drive, not a revision
        return None
    return rev, path


def _git(args: list[str], cwd: Path) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)  # noqa: S603,S607
    except OSError as error:
        raise UsageError(f"cannot run git: {error}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"git {' '.join(args)}: {message[-1] if message else 'failed'}")
    return done.stdout


def read_file(rev: str, path: str, cwd: Path | None = None) -> bytes:
    """The bytes of ``path`` (relative to the repository root, or ``./x`` relative to ``cwd``) at ``rev``."""
    return _git(["show", f"{rev}:{path}"], cwd or Path.cwd())


def read_tree(rev: str, path: str, cwd: Path | None = None) -> dict[str, bytes]:
    """Every file below the folder ``path`` at ``rev``, by its path relative to that folder."""
    where = cwd or Path.cwd()
    folder = path.rstrip("/")
    listing = _git(["ls-tree", "-r", "-z", "--full-name", rev, "--", folder], where)
    root = _git(["rev-parse", "--show-prefix"], where).decode().strip()
    prefix = (root + folder + "/") if folder not in ("", ".") else root
    files: dict[str, bytes] = {}
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        if meta.split()[1] != b"blob":
            continue
        full = name.decode("utf-8", "surrogateescape")
        if full.startswith(prefix):
            files[full[len(prefix) :]] = _git(["cat-file", "blob", meta.split()[2].decode()], where)
    return files
