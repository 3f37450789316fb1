"""``clientgen verify PATH… [--against DIR|REV]``: check copies of generated packages against the
``clientgen.json`` they carry (edited, missing and extra files), and against a reference (a folder
such as ``generated/``, or a git revision) for copies that are stale.

A manifest is untrusted input: every path in it must stay inside its package, nothing is read
through a symlink, and a broken manifest is a located error, never a traceback.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import SpecError, UsageError
from .loader import escape_pointer_part
from .manifest import MANIFEST_NAME, tree_digest

SEARCH_DEPTH = 8  # how deep a folder is searched for clientgen.json
_SKIPPED_FOLDERS = ("__pycache__", "node_modules")  # and every hidden folder (.git, .venv, ...)
_HASH = re.compile(r"^sha256:[0-9a-f]{64}$")


@dataclass(frozen=True)
class Manifest:
    """The parts of a ``clientgen.json`` that verification reads, checked."""

    package: str
    version: str
    clientgen: str
    spec_path: str
    spec_file: str  # the shipped spec's name inside the package
    spec_sha256: str
    files: Mapping[str, str]  # relative POSIX path -> "sha256:<hex>"
    tree: str


@dataclass(frozen=True)
class Verification:
    """One package copy compared with its own manifest."""

    path: Path
    manifest: Manifest
    edited: tuple[str, ...]
    missing: tuple[str, ...]
    extra: tuple[str, ...]

    @property
    def clean(self) -> bool:
        return not (self.edited or self.missing or self.extra)


@dataclass(frozen=True)
class Staleness:
    """A copy whose reference (same package) was generated differently: other files or another spec."""

    package: str
    reference: str  # the reference as the user named it, with the package inside it
    version: str
    reference_version: str
    spec_sha256: str
    reference_spec_sha256: str
    tree: str
    reference_tree: str
    # the two shipped specs, for a change report between them (None when a copy lacks its spec)
    spec: bytes | None = field(default=None, repr=False)
    reference_spec: bytes | None = field(default=None, repr=False)


# ------------------------------------------------------------------------- reading manifests


def _safe_relative(name: object) -> bool:
    """Whether a manifest path is a relative POSIX path that stays inside the package."""
    if not isinstance(name, str) or not name.isprintable() or "\\" in name or name.startswith("/"):
        return False
    parts = name.split("/")
    return ":" not in parts[0] and all(part not in ("", ".", "..") for part in parts)


def parse_manifest(raw: bytes, shown: str) -> Manifest:
    """Check a manifest's shape; a problem is a SpecError naming the place in ``shown``."""
    hint = "regenerate the package with clientgen (the manifest is written by the generator only)"
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise SpecError(shown, "", f"not UTF-8 text (byte {error.start})", hint) from None
    except json.JSONDecodeError as error:
        raise SpecError(shown, "", f"invalid JSON: {error.msg}", hint, error.lineno) from None
    except RecursionError:
        raise SpecError(shown, "", "the document nests too deeply to read", hint) from None
    if not isinstance(data, dict):
        raise SpecError(shown, "", "a manifest is a JSON object", hint)

    def text(value: Any, pointer: str) -> str:
        if not isinstance(value, str):
            raise SpecError(shown, pointer, f"expected a string, got {type(value).__name__}", hint)
        return value

    spec = data.get("spec")
    if not isinstance(spec, dict):
        raise SpecError(shown, "/spec", "expected an object with path, file and sha256", hint)
    files = data.get("files")
    if not isinstance(files, dict):
        raise SpecError(shown, "/files", "expected an object of file paths and hashes", hint)
    hashes: dict[str, str] = {}
    for name, digest in files.items():
        pointer = "/files/" + escape_pointer_part(name)
        if not _safe_relative(name) or name == MANIFEST_NAME:
            raise SpecError(shown, pointer, f"the path {name!r} leaves the package or is not a file path", hint)
        if not isinstance(digest, str) or not _HASH.match(digest):
            raise SpecError(shown, pointer, "expected a 'sha256:<64 hex digits>' hash", hint)
        hashes[name] = digest
    spec_file = text(spec.get("file"), "/spec/file")
    if not _safe_relative(spec_file):
        raise SpecError(shown, "/spec/file", f"the path {spec_file!r} leaves the package", hint)
    return Manifest(
        package=text(data.get("package"), "/package"),
        version=text(data.get("version"), "/version"),
        clientgen=text(data.get("clientgen"), "/clientgen"),
        spec_path=text(spec.get("path"), "/spec/path"),
        spec_file=spec_file,
        spec_sha256=text(spec.get("sha256"), "/spec/sha256"),
        files=hashes,
        tree=text(data.get("tree"), "/tree"),
    )


# ------------------------------------------------------------------------ one package copy


def _shown(path: Path) -> str:
    from .pipeline import display_path

    return display_path(path)


def _inside(root: Path, name: str) -> Path | None:
    """The regular file ``root/name`` when it lies inside ``root`` without a symlink, else None."""
    path = root / name
    if path.is_symlink() or not path.is_file():
        return None
    return path if path.resolve().is_relative_to(root) else None


def _files_on_disk(root: Path) -> list[str]:
    """Every file below ``root``, bytecode and caches skipped; symlinks are listed, never followed."""
    found: list[str] = []
    for folder, folders, names in os.walk(root):
        folders[:] = sorted(name for name in folders if name != "__pycache__")
        here = Path(folder).relative_to(root)
        found += [(here / name).as_posix() for name in names if not name.endswith(".pyc")]
        found += [(here / name).as_posix() for name in folders if (Path(folder) / name).is_symlink()]
    return sorted(found)


def _read_manifest(root: Path) -> Manifest:
    path = _inside(root, MANIFEST_NAME)
    if path is None:
        raise UsageError(f"{_shown(root)} has no {MANIFEST_NAME} (is it a package generated by clientgen?)")
    return parse_manifest(path.read_bytes(), _shown(root / MANIFEST_NAME))


def verify_package(path: Path) -> Verification:
    """Compare the package folder ``path`` with its manifest: edited, missing and extra files.

    An edited manifest (its tree hash no longer matches its file list) counts as an edited
    ``clientgen.json``. Raises SpecError for a broken manifest, UsageError when there is none.
    """
    root = path.resolve()
    manifest = _read_manifest(root)
    edited: list[str] = []
    missing: list[str] = []
    if tree_digest(manifest.files) != manifest.tree:
        edited.append(MANIFEST_NAME)
    for name in sorted(manifest.files):
        file = _inside(root, name)
        if file is None:
            (edited if os.path.lexists(root / name) else missing).append(name)
        elif "sha256:" + hashlib.sha256(file.read_bytes()).hexdigest() != manifest.files[name]:
            edited.append(name)
    listed = set(manifest.files) | {MANIFEST_NAME}
    extra = [name for name in _files_on_disk(root) if name not in listed]
    return Verification(path, manifest, tuple(edited), tuple(missing), tuple(extra))


def find_packages(path: Path, depth: int = SEARCH_DEPTH) -> list[Path]:
    """``path`` when it holds a manifest, else the folders below it that do (not below a found
    package, not through symlinks or hidden folders, at most ``depth`` levels down), sorted."""
    if (path / MANIFEST_NAME).is_file():
        return [path]
    found: list[Path] = []
    base = len(path.parts)
    for folder, folders, names in os.walk(path):
        here = Path(folder)
        if MANIFEST_NAME in names and here != path:
            found.append(here)
            folders[:] = []
            continue
        keep = len(here.parts) - base < depth
        folders[:] = sorted(
            name
            for name in folders
            if keep and not name.startswith(".") and name not in _SKIPPED_FOLDERS and not (here / name).is_symlink()
        )
    return sorted(found)


# ---------------------------------------------------------------------------- references


@dataclass(frozen=True)
class _Known:
    manifest: Manifest
    label: str
    spec: bytes | None


class Reference:
    """The packages of a reference: a folder of packages (or one package), or a git revision."""

    def __init__(self, label: str, packages: Mapping[str, _Known]) -> None:
        self.label = label
        self.packages = packages

    @classmethod
    def load(cls, against: str, cwd: Path | None = None) -> Reference:
        """``against`` is a folder, ``REV:folder``, or ``REV`` (then the folder is ``generated``)."""
        folder = Path(against) if cwd is None or Path(against).is_absolute() else cwd / against
        if folder.is_dir():
            return cls._from_folder(against, folder)
        from .gitrev import read_tree, split_rev

        rev, path = split_rev(against) or (against, "generated")
        return cls._from_tree(f"{rev}:{path}", read_tree(rev, path, cwd))

    @classmethod
    def _from_folder(cls, label: str, folder: Path) -> Reference:
        packages: dict[str, _Known] = {}
        for root in find_packages(folder):
            manifest = _read_manifest(root.resolve())
            spec = _inside(root.resolve(), manifest.spec_file)
            known = _Known(manifest, _shown(root), spec.read_bytes() if spec else None)
            cls._add(packages, known, label)
        if not packages:
            raise UsageError(f"--against {label}: no {MANIFEST_NAME} below that folder")
        return cls(label, packages)

    @classmethod
    def _from_tree(cls, label: str, files: Mapping[str, bytes]) -> Reference:
        packages: dict[str, _Known] = {}
        for name in sorted(files):
            if name == MANIFEST_NAME or name.endswith("/" + MANIFEST_NAME):
                prefix = name[: -len(MANIFEST_NAME)]
                manifest = parse_manifest(files[name], f"{label}/{name}")
                known = _Known(manifest, f"{label}/{prefix}".rstrip("/"), files.get(prefix + manifest.spec_file))
                cls._add(packages, known, label)
        if not packages:
            raise UsageError(f"--against {label}: no {MANIFEST_NAME} in that revision's folder")
        return cls(label, packages)

    @staticmethod
    def _add(packages: dict[str, _Known], known: _Known, label: str) -> None:
        other = packages.get(known.manifest.package)
        if other is not None:
            raise UsageError(
                f"--against {label}: {other.label} and {known.label} are both {known.manifest.package!r}; "
                "name the one folder to compare with"
            )
        packages[known.manifest.package] = known


def compare(path: Path, reference: Reference | str) -> Staleness | None:
    """The staleness of the package copy at ``path`` against ``reference`` (None when the reference
    holds the same tree). A reference without that package is a UsageError."""
    ref = reference if isinstance(reference, Reference) else Reference.load(reference)
    root = path.resolve()
    manifest = _read_manifest(root)
    known = ref.packages.get(manifest.package)
    if known is None:
        raise UsageError(f"--against {ref.label}: no package {manifest.package!r} there to compare with")
    if known.manifest.tree == manifest.tree:
        return None
    spec = _inside(root, manifest.spec_file)
    return Staleness(
        package=manifest.package,
        reference=known.label,
        version=manifest.version,
        reference_version=known.manifest.version,
        spec_sha256=manifest.spec_sha256,
        reference_spec_sha256=known.manifest.spec_sha256,
        tree=manifest.tree,
        reference_tree=known.manifest.tree,
        spec=spec.read_bytes() if spec else None,
        reference_spec=known.spec,
    )


# ------------------------------------------------------------------------------ reporting


def _printable(name: str) -> str:
    """A name from disk or a manifest, safe on one terminal line."""
    return name if name.isprintable() else json.dumps(name)[1:-1]


def _as_json(result: Verification, stale: Staleness | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "path": _shown(result.path),
        "package": result.manifest.package,
        "version": result.manifest.version,
        "spec": {"path": result.manifest.spec_path, "sha256": result.manifest.spec_sha256},
        "clean": result.clean and stale is None,
        "edited": list(result.edited),
        "missing": list(result.missing),
        "extra": list(result.extra),
        "stale": None,
    }
    if stale is not None:
        entry["stale"] = {
            "reference": stale.reference,
            "version": stale.version,
            "reference_version": stale.reference_version,
            "spec_sha256": stale.spec_sha256,
            "reference_spec_sha256": stale.reference_spec_sha256,
            "tree": stale.tree,
            "reference_tree": stale.reference_tree,
        }
    return entry


def _as_text(result: Verification, stale: Staleness | None) -> list[str]:
    manifest = result.manifest
    state = "clean" if result.clean and stale is None else "differs"
    lines = [
        f"{_printable(_shown(result.path))}: {_printable(manifest.package)} {_printable(manifest.version)}, {state}"
    ]
    for kind, names in (("edited", result.edited), ("missing", result.missing), ("extra", result.extra)):
        lines += [f"  {kind:<8}{_printable(name)}" for name in names]
    if stale is not None:
        if stale.spec_sha256 == stale.reference_spec_sha256:
            spec = "same spec, generated differently"
        else:
            spec = f"spec sha256 {stale.spec_sha256[:12]} here, {stale.reference_spec_sha256[:12]} there"
        lines.append(
            f"  {'stale':<8}{_printable(stale.version)} here, {_printable(stale.reference_version)} in "
            f"{_printable(stale.reference)} ({_printable(spec)})"
        )
    return lines


def run(paths: Sequence[Path], against: str | None, output_format: str) -> int:
    """Verify every package found below ``paths``; print the report; 0 clean, 1 findings."""
    roots: list[Path] = []
    for path in paths:
        if not path.is_dir():
            raise UsageError(f"no such folder: {path}")
        found = find_packages(path)
        if not found:
            raise UsageError(f"no {MANIFEST_NAME} in {path} or below it (at most {SEARCH_DEPTH} levels down)")
        roots += [root for root in found if root not in roots]
    reference = Reference.load(against) if against is not None else None
    entries: list[dict[str, Any]] = []
    failed = False
    for root in roots:
        try:  # one broken manifest is reported without hiding the other packages' results
            result = verify_package(root)
        except SpecError as error:
            print(f"error: {error}", file=sys.stderr)
            entries.append({"path": _shown(root), "error": str(error)})
            failed = True
            continue
        stale = compare(result.path, reference) if reference else None
        failed = failed or not result.clean or stale is not None
        if output_format == "json":
            entries.append(_as_json(result, stale))
        else:
            sys.stdout.write("".join(line + "\n" for line in _as_text(result, stale)))
    if output_format == "json":
        sys.stdout.write(json.dumps({"packages": entries}, indent=2, sort_keys=True) + "\n")
    return 1 if failed else 0


def register(commands: Any) -> None:
    """Add ``verify`` to the ``clientgen`` subcommands."""
    text = "check copies of generated packages against their clientgen.json (and a reference)"
    command = commands.add_parser("verify", help=text, description=text)
    command.add_argument(
        "paths", nargs="+", type=Path, metavar="PATH", help="a package folder, or a folder searched for clientgen.json"
    )
    command.add_argument(
        "--against",
        metavar="DIR|REV",
        help="report copies that differ from the same package in DIR (e.g. generated) or at a git revision "
        "(REV, or REV:folder; the folder defaults to generated)",
    )
    command.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    command.set_defaults(handler=_command)


def _command(args: argparse.Namespace) -> int:
    return run(args.paths, args.against, args.format)
