"""Command line: ``clientgen generate | check | validate [SPEC ...]``.

Exit codes: 0 success, 1 a spec is invalid or ``generated/`` is stale, 2 bad usage.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from . import __version__, diffcmd, verify
from .cache import Cache, default_dir
from .errors import SpecError, UsageError
from .options import Options, check_options
from .pipeline import GeneratedPackage, check_only, display_path, generate_many
from .upstream import cli as upstream_cli
from .writer import diff_trees, is_generated_package, read_tree, remove_package, write_package

SPEC_SUFFIXES = (".yaml", ".yml", ".json")
# files in the spec folder that are not specs: recipes and accepted-changes files beside them
NOT_SPEC_SUFFIXES = (".recipe.yaml", ".accepted.yaml")


def is_spec_file(path: Path) -> bool:
    """A spec the folder scan picks up: not a recipe or an accepted-changes file."""
    return path.suffix in SPEC_SUFFIXES and not path.name.endswith(NOT_SPEC_SUFFIXES) and path.is_file()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clientgen",
        description="Generate typed Python client packages from curated OpenAPI specs.",
    )
    parser.add_argument("--version", action="version", version=f"clientgen {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    help_specs = "spec files (default: every .yaml/.yml/.json in --specs)"
    for name, text in (
        ("generate", "write one client package per spec into the output folder"),
        ("check", "write nothing; exit 1 with a diff when the output folder differs from a fresh generation"),
        ("validate", "check the specs only; write nothing"),
    ):
        command = commands.add_parser(name, help=text, description=text)
        command.add_argument("specs", nargs="*", type=Path, metavar="SPEC", help=help_specs)
        command.add_argument(
            "--specs", dest="spec_dir", type=Path, default=Path("specs"), help="folder of specs (default: specs)"
        )
        command.add_argument(
            "--allow-invalid",
            action="store_true",
            help="generate even when the spec violates OpenAPI (openapi-spec-validator's findings and the "
            "generator's own checks it can work around): each violation is printed as a 'warning:' line on "
            "stderr instead of stopping with exit code 1",
        )
        command.add_argument(
            "--package",
            metavar="NAME",
            help="import name of the generated package, for a spec without an x-python-client block "
            "(overrides it otherwise); one SPEC only",
        )
        command.add_argument(
            "--package-version",
            metavar="VERSION",
            help="version of the generated package (default: x-python-client's, else the API's info.version "
            "when it is a PEP 440 version, else 0.1.0)",
        )
        if name == "check":
            command.add_argument(
                "--since",
                metavar="REV",
                help="also fail when a spec's x-python-client.version is lower than its Python-level changes since "
                "the git revision REV call for (breaking -> major, added -> minor, else patch)",
            )
        if name != "validate":
            command.add_argument(
                "-o", "--output", type=Path, default=Path("generated"), help="output folder (default: generated)"
            )
            command.add_argument(
                "--no-cache",
                action="store_true",
                help="neither read nor write the cache of formatted files and packages "
                "(default folder: $CLIENTGEN_CACHE_DIR, else ~/.cache/clientgen)",
            )
    verify.register(commands)
    diffcmd.register(commands)
    upstream_cli.register(commands)
    return parser


def _spec_files(args: argparse.Namespace) -> list[Path]:
    if args.specs:
        for spec in args.specs:
            if not spec.is_file():
                raise UsageError(f"no such spec file: {spec}")
        return list(args.specs)
    if not args.spec_dir.is_dir():
        raise UsageError(f"no spec folder {args.spec_dir}/ (run from the project root or pass --specs)")
    found = sorted(p for p in args.spec_dir.iterdir() if is_spec_file(p))
    if not found:
        raise UsageError(f"no specs (*.yaml, *.yml, *.json) in {args.spec_dir}/")
    return found


def _options(args: argparse.Namespace, specs: list[Path]) -> Options:
    options = Options(package=args.package, version=args.package_version, allow_invalid=args.allow_invalid)
    check_options(options)
    if options.package is not None and len(specs) != 1:
        raise UsageError("--package names the package of one spec: pass exactly one SPEC with it")
    return options


def _warn(packages: Sequence[GeneratedPackage]) -> None:
    for package in packages:
        for warning in package.warnings:
            print(f"warning: {warning}", file=sys.stderr)


def _generate_all(
    specs: list[Path], output: Path, no_cache: bool = False, options: Options | None = None
) -> list[GeneratedPackage]:
    """Generate every spec in memory; stop at the first bad spec, before anything is written."""
    packages = generate_many(specs, Cache(None if no_cache else default_dir()), options, output)
    _warn(packages)
    owners: dict[str, str] = {}
    for package in packages:
        if package.package in owners:
            raise UsageError(
                f"{owners[package.package]} and {package.spec} both generate the package {package.package!r}"
            )
        owners[package.package] = package.spec
    return packages


def _stale(output: Path, packages: list[GeneratedPackage], all_specs: bool) -> list[Path]:
    """Generated packages in the output folder that no spec produces any more."""
    if not all_specs or not output.is_dir():
        return []
    wanted = {p.package for p in packages}
    return [d for d in sorted(output.iterdir()) if d.is_dir() and d.name not in wanted and is_generated_package(d)]


def _cmd_generate(args: argparse.Namespace) -> int:
    specs = _spec_files(args)
    packages = _generate_all(specs, args.output, args.no_cache, _options(args, specs))
    output: Path = args.output
    for package in packages:
        changed = write_package(output / package.package, package.files)
        state = "written" if changed else "unchanged"
        counts = f"{package.operations} operations, {package.models} models"
        print(f"{package.spec} -> {display_path(output / package.package)}/ ({counts}, {state})")
    for stale in _stale(output, packages, not args.specs):
        remove_package(stale)
        print(f"removed {display_path(stale)}/ (no spec generates it)")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    specs = _spec_files(args)
    packages = _generate_all(specs, args.output, args.no_cache, _options(args, specs))
    output: Path = args.output
    diff: list[str] = []
    for package in packages:
        target = output / package.package
        diff += diff_trees(display_path(target), package.files, read_tree(target))
    for stale in _stale(output, packages, not args.specs):
        diff += diff_trees(display_path(stale), {}, read_tree(stale))
    if diff:
        sys.stdout.writelines(diff)
        print(
            f"\n{display_path(output)}/ is stale: it differs from a fresh generation (diff above).\n"
            "Run `make generate` to regenerate it, review the diff, and commit it.",
            file=sys.stderr,
        )
        return 1
    if args.since:
        from .versioncheck import version_findings

        findings = version_findings(specs, args.since, args.package)
        for finding in findings:
            print(f"error: {finding}", file=sys.stderr)
        if findings:
            return 1
    print(f"{display_path(output)}/ is up to date ({len(packages)} packages)")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    specs = _spec_files(args)
    options = _options(args, specs)
    for spec in specs:
        result = check_only(spec, options)
        _warn([result])
        print(f"ok: {result.spec} ({result.operations} operations, {result.models} models)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    commands = {"generate": _cmd_generate, "check": _cmd_check, "validate": _cmd_validate}
    command = commands.get(args.command) or getattr(args, "run", None) or args.handler
    try:
        return command(args)
    except SpecError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except UsageError as error:
        print(f"clientgen: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; nothing was half-written", file=sys.stderr)
        return 130
    except Exception as error:  # a bug in the generator, not the user's mistake
        if os.environ.get("CLIENTGEN_DEBUG"):
            traceback.print_exc()
        print(
            f"internal error: {type(error).__name__}: {error}\n"
            "This is a bug in clientgen, not in your spec. Set CLIENTGEN_DEBUG=1 to see the traceback.",
            file=sys.stderr,
        )
        return 3
