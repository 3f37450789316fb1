"""``python -m <this package> --verify``: check this copy against its ``clientgen.json``.

Reports files that were edited, are missing or were added since generation. Uses the
standard library alone and imports nothing else of the package, so a repository that
vendored it can run the check without clientgen. Exit code 0 clean, 1 findings.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

MANIFEST = "clientgen.json"


class ManifestError(Exception):
    """clientgen.json is unreadable or not what clientgen writes."""


def _safe_path(name: object) -> str:
    """A manifest entry as a relative POSIX path that stays inside the package."""
    if not isinstance(name, str) or not name.isprintable() or "\\" in name:
        raise ManifestError(f"not a file path: {name!r}")
    parts = name.split("/")
    if (
        name.startswith("/")
        or ":" in parts[0]
        or any(p in ("", ".", "..") for p in parts)
    ):
        raise ManifestError(f"path leaves the package: {name!r}")
    return name


def _hashes(manifest: Any) -> dict[str, str]:
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict):
        raise ManifestError("no 'files' mapping")
    hashes: dict[str, str] = {}
    for name, digest in files.items():
        if not isinstance(digest, str) or not digest.startswith("sha256:"):
            raise ManifestError(f"{name!r}: not a 'sha256:<hex>' hash")
        hashes[_safe_path(name)] = digest
    return hashes


def _tree(hashes: dict[str, str]) -> str:
    lines = "".join(f"{hashes[name]} {name}\n" for name in sorted(hashes))
    return "sha256:" + hashlib.sha256(lines.encode("utf-8")).hexdigest()


def _on_disk(root: Path) -> list[str]:
    """Every file below ``root`` (caches and bytecode skipped); symlinks are listed, not followed."""
    found: list[str] = []
    for folder, folders, names in os.walk(root):
        folders[:] = [name for name in folders if name != "__pycache__"]
        here = Path(folder).relative_to(root)
        found += [
            (here / name).as_posix() for name in names if not name.endswith(".pyc")
        ]
        found += [
            (here / name).as_posix()
            for name in folders
            if (Path(folder) / name).is_symlink()
        ]
    return sorted(found)


def _readable(root: Path, name: str) -> bool:
    """Whether ``name`` is a regular file that really lies inside ``root`` (no symlink out)."""
    path = root / name
    return (
        path.is_file() and not path.is_symlink() and path.resolve().is_relative_to(root)
    )


def verify(root: Path) -> dict[str, Any]:
    """The findings for the package folder ``root``; raises ManifestError."""
    root = root.resolve()
    if not _readable(root, MANIFEST):
        raise ManifestError(f"no {MANIFEST} in {root}")
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as error:
        raise ManifestError(f"cannot read {MANIFEST}: {error}") from None
    hashes = _hashes(manifest)
    edited: list[str] = []
    missing: list[str] = []
    for name in sorted(hashes):
        path = root / name
        if not _readable(root, name):
            (missing if not os.path.lexists(path) else edited).append(name)
        elif "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest() != hashes[name]:
            edited.append(name)
    if manifest.get("tree") != _tree(hashes):
        edited.insert(0, MANIFEST)
    listed = set(hashes) | {MANIFEST}
    extra = [name for name in _on_disk(root) if name not in listed]
    return {
        "package": str(manifest.get("package", "")),
        "version": str(manifest.get("version", "")),
        "clean": not (edited or missing or extra),
        "edited": edited,
        "missing": missing,
        "extra": extra,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=f"python -m {__package__}",
        description="Check this package against its clientgen.json.",
    )
    parser.add_argument("--verify", action="store_true", required=True)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parent
    try:
        result = verify(root)
    except ManifestError as error:
        print(f"{root / MANIFEST}: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(result, indent=2, sort_keys=True))
    else:
        for kind in ("edited", "missing", "extra"):
            for name in result[kind]:
                print(f"{kind:<8} {json.dumps(name)[1:-1]}")
        state = "clean" if result["clean"] else "differs from its clientgen.json"
        print(f"{result['package']} {result['version']}: {state}")
    return 0 if result["clean"] else 1


if __name__ == "__main__":
    sys.exit(main())
