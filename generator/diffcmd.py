"""``clientgen diff OLD NEW``: the two-level change report between two specs, generated packages
or git revisions (``REV:specs/x.yaml``, ``REV:generated/x_client``).

Exit codes: 0 nothing unaccepted at or above ``--fail-on``, 1 findings or invalid input, 2 usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import SpecError, UsageError
from .gitrev import read_file, read_tree, split_rev

SPEC_SUFFIXES = (".yaml", ".yml", ".json")
MANIFEST = "clientgen.json"


@dataclass(frozen=True)
class DiffInput:
    shown: str  # as the user named it (the spec inside a package: "pkg/openapi.yaml")
    path: Path  # where its relative $refs resolve from
    raw: bytes
    version: str | None  # the package version a manifest states


def _from_manifest(shown: str, files: dict[str, bytes], folder: Path) -> DiffInput:
    manifest_text = files.get(MANIFEST)
    if manifest_text is None:
        raise UsageError(f"{shown} is a folder without {MANIFEST}: pass a spec file or a generated package")
    try:
        manifest = json.loads(manifest_text.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SpecError(
            f"{shown}/{MANIFEST}", "", f"not a JSON manifest: {error}", "regenerate the package with clientgen"
        ) from None
    spec = manifest.get("spec") if isinstance(manifest, dict) else None
    name = spec.get("file") if isinstance(spec, dict) else None
    if not isinstance(name, str) or name not in files or "/" in name or name.startswith("."):
        raise SpecError(
            f"{shown}/{MANIFEST}",
            "/spec/file",
            "the manifest names no spec file shipped in the package",
            "regenerate the package with clientgen (it ships the spec beside the manifest)",
        )
    version = manifest.get("version") if isinstance(manifest.get("version"), str) else None
    return DiffInput(f"{shown}/{name}", folder / name, files[name], version)


def read_input(argument: str) -> DiffInput:
    """The spec an OLD/NEW argument names: a file, a package folder, or either at a git revision."""
    rev = split_rev(argument)
    if rev is not None:
        revision, path = rev
        if path.endswith(SPEC_SUFFIXES):
            return DiffInput(argument, Path(path), read_file(revision, path), None)
        files = read_tree(revision, path)
        if not files:
            raise UsageError(f"{argument}: no such file or folder at {revision}")
        return _from_manifest(argument, files, Path(path))
    where = Path(argument)
    if where.is_dir():
        files = {p.name: p.read_bytes() for p in sorted(where.iterdir()) if p.is_file()}
        return _from_manifest(argument, files, where)
    if not where.is_file():
        raise UsageError(f"no such spec file or package folder: {argument}")
    return DiffInput(argument, where, where.read_bytes(), None)


def _document(source: DiffInput) -> Any:
    from .loader import Document, parse_text

    try:
        text = source.raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError(source.shown, "", f"not UTF-8 text (byte {exc.start})", "save the spec as UTF-8") from None
    return Document(path=source.path, data=parse_text(text, source.shown), text=text, display=source.shown)


def build_ir(source: DiffInput, package: str | None) -> Any:
    """The IR of one side, as generation builds it, without openapi-spec-validator: a diff reports
    changes, not violations (the normalizer works around what it can, as with --allow-invalid)."""
    from .normalize import normalize
    from .options import Options
    from .settings import KEY, read_settings
    from .validate import openapi3, prepare

    doc = _document(source)
    version = prepare(doc)
    doc = openapi3(doc, version)
    own = isinstance(doc.data, dict) and isinstance(doc.data.get(KEY), dict)
    settings = read_settings(doc, Options(package=None if own else package))
    return normalize(doc, settings, source.shown, True, lambda _problem: None)


def register(subparsers: Any) -> None:
    text = "the two-level change report (wire contract and Python API) between two specs or packages"
    command = subparsers.add_parser("diff", help=text, description=text)
    command.add_argument("old", metavar="OLD", help="spec file, generated package folder, or REV:path")
    command.add_argument("new", metavar="NEW", help="spec file, generated package folder, or REV:path")
    command.add_argument("--level", choices=("wire", "python", "both"), default="both")
    command.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    command.add_argument(
        "--fail-on",
        choices=("breaking", "type-breaking", "behaviour", "any", "none"),
        default="breaking",
        help="exit 1 when an unaccepted entry is at or above this level (wire ERR counts as breaking, "
        "WARN as behaviour, INFO as added; any: every entry, documentation included)",
    )
    command.add_argument("--accepted", type=Path, metavar="FILE", help="accepted changes (specs/<name>.accepted.yaml)")
    command.add_argument(
        "--operations", metavar="ID,...", help="kept operations: operationIds or 'METHOD /path' (default: every one)"
    )
    command.add_argument("--package", metavar="NAME", help="package name for a spec without x-python-client")
    command.add_argument(
        "--current-version", metavar="V", help="the package version to propose the next one from (default: OLD's)"
    )
    command.set_defaults(handler=run)


def _operations(value: str | None) -> list[str] | None:
    if value is None:
        return None
    names = [name.strip() for name in value.split(",") if name.strip()]
    if not names:
        raise UsageError("--operations needs at least one operationId or 'METHOD /path'")
    return names


def diff_report(
    old: DiffInput,
    new: DiffInput,
    *,
    level: str = "both",
    operations: Sequence[str] | None = None,
    accepted: Sequence[Any] = (),
    fail_on: str = "breaking",
    package: str | None = None,
    current_version: str | None = None,
) -> Any:
    """The two-level ``report.Report`` from OLD to NEW (what ``clientgen diff`` prints)."""
    from .apidiff import diff_packages
    from .report import Side, build_report

    old_ir = build_ir(old, package)
    new_ir = build_ir(new, package)
    python = diff_packages(old_ir, new_ir, operations) if level != "wire" else None
    wire = None
    if level != "python":
        from .specdiff.diff import diff_documents, load_for_diff

        old_doc = load_for_diff(old.raw, old.shown)
        new_doc = load_for_diff(new.raw, new.shown)
        wire = diff_documents(old_doc, new_doc, operations=operations)
    old_side = Side(old.shown, old_ir.package, old.version or old_ir.version)
    new_side = Side(new.shown, new_ir.package, new.version or new_ir.version)
    return build_report(old_side, new_side, wire, python, old_ir, new_ir, accepted, fail_on, current_version)


def run(args: argparse.Namespace) -> int:
    from .accepted import load_accepted
    from .options import Options, check_options
    from .report import render
    from .versioning import _parse

    check_options(Options(package=args.package))
    if args.current_version is not None:
        _parse(args.current_version)
    operations = _operations(args.operations)
    old_input, new_input = read_input(args.old), read_input(args.new)
    if args.accepted is not None and not args.accepted.is_file():
        raise UsageError(f"no such accepted-changes file: {args.accepted}")
    accepted = load_accepted(args.accepted, str(args.accepted)) if args.accepted is not None else []
    report = diff_report(
        old_input,
        new_input,
        level=args.level,
        operations=operations,
        accepted=accepted,
        fail_on=args.fail_on,
        package=args.package,
        current_version=args.current_version,
    )
    sys.stdout.write(render(report, args.format))
    return 1 if report.failing else 0


def version_finding(old: DiffInput, new: DiffInput, package: str | None = None) -> str | None:
    """For ``check``: why NEW's package version is too low for the Python-level changes since OLD,
    or None when it is high enough."""
    from .apidiff import LEVELS, diff_packages
    from .versioning import propose_version, version_too_low

    old_ir, new_ir = build_ir(old, package), build_ir(new, package)
    current = old.version or old_ir.version
    changes = diff_packages(old_ir, new_ir)
    proposed = propose_version(current, changes)
    if not version_too_low(new.version or new_ir.version, proposed):
        return None
    levels = sorted({c.level for c in changes}, key=LEVELS.index)
    return (
        f"{new.shown}: package version {new.version or new_ir.version} is lower than {proposed}, which the "
        f"changes since {old.shown} ({current}) call for ({', '.join(levels)}); raise x-python-client.version"
    )
