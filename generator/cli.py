"""Command line: ``clientgen generate | check | validate [SPEC ...]``, and the commands other modules
register: ``diff`` (diffcmd.py), ``verify`` (verify.py), ``upstream ...`` (upstream/cli.py).

Exit codes: 0 success, 1 a spec is invalid, the output cannot be written or ``generated/`` is
stale, 2 bad usage, 3 a bug. Only the standard library is imported at module level: the rest is
imported inside ``main``'s handler, so a Ctrl-C during start-up ends quietly too.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # not typing's: importing typing alone takes longer than the rest of this module
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from pathlib import Path

    from .options import Options
    from .pipeline import GeneratedPackage

SPEC_SUFFIXES = (".yaml", ".yml", ".json")
# files in the spec folder that are not specs: recipes and accepted-changes files beside them
NOT_SPEC_SUFFIXES = (".recipe.yaml", ".accepted.yaml")


def is_spec_file(path: Path) -> bool:
    """A spec the folder scan picks up: not a recipe or an accepted-changes file."""
    return path.suffix in SPEC_SUFFIXES and not path.name.endswith(NOT_SPEC_SUFFIXES) and path.is_file()


def _parser() -> argparse.ArgumentParser:
    import argparse
    from pathlib import Path

    from . import __version__, diffcmd, verify
    from .upstream import cli as upstream_cli

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
    from .errors import UsageError

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
    from .errors import UsageError
    from .options import Options, check_options

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
    from .cache import Cache, default_dir
    from .errors import UsageError
    from .pipeline import generate_many

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
    """Packages the generator recorded in the output folder that no spec produces any more
    (a folder it did not record, or whose ``__init__.py`` lost the marker, is never touched)."""
    from .outdir import read_record
    from .writer import is_generated_package

    if not all_specs or not output.is_dir():
        return []
    wanted = {p.package for p in packages}
    found = [output / name for name in sorted(read_record(output) - wanted)]
    return [d for d in found if not d.is_symlink() and d.is_dir() and is_generated_package(d)]


def _cmd_generate(args: argparse.Namespace) -> int:
    from . import outdir

    specs = _spec_files(args)
    packages = _generate_all(specs, args.output, args.no_cache, _options(args, specs))
    output: Path = args.output
    with outdir.locked(output, outdir.say), _TerminateAsInterrupt():
        for line in outdir.recover(output):
            outdir.say(line)
        _write_all(output, packages, all_specs=not args.specs)
    return 0


class _TerminateAsInterrupt:
    """While packages are written, SIGTERM is handled as Ctrl-C is: the swap in progress is
    undone and the message names the packages that are new."""

    def __enter__(self) -> None:
        import signal

        self._previous = signal.signal(signal.SIGTERM, self._interrupt)

    def __exit__(self, *_: object) -> None:
        import signal

        signal.signal(signal.SIGTERM, self._previous)

    @staticmethod
    def _interrupt(*_: object) -> None:
        raise KeyboardInterrupt


def _write_all(output: Path, packages: list[GeneratedPackage], all_specs: bool) -> None:
    """Stage every package, then swap them in one after another (with the lock held): a
    failure while staging changes nothing; an interruption while swapping names the packages
    that are new."""
    from .outdir import read_record, say, write_record
    from .pipeline import display_path
    from .writer import Staged, discard, remove_package, stage_package, swap_in

    staged: list[tuple[GeneratedPackage, Staged | None]] = []
    try:
        for package in packages:
            staged.append((package, stage_package(output / package.package, package.files)))
        stale = _stale(output, packages, all_specs)
        recorded = set() if all_specs else read_record(output)
        # recorded before the swaps, so that a package is never on disk without being on record
        write_record(output, recorded | {p.package for p in packages} | {d.name for d in stale})
    except BaseException:
        for _, ready in staged:
            if ready is not None:
                discard(ready)
        raise
    swapped: list[str] = []
    try:
        for index, (package, ready) in enumerate(staged):
            if ready is not None:
                swap_in(ready)
                swapped.append(package.package)
            staged[index] = (package, None)
    except BaseException:
        for _, ready in staged:
            if ready is not None:
                discard(ready)
        new = ", ".join(f"{display_path(output / name)}/" for name in swapped) or "none"
        say(f"stopped while replacing packages: new: {new}; every other package is as it was")
        raise
    for package in packages:
        state = "written" if package.package in swapped else "unchanged"
        counts = f"{package.operations} operations, {package.models} models"
        print(f"{package.spec} -> {display_path(output / package.package)}/ ({counts}, {state})")
    for folder in stale:
        remove_package(folder)
        print(f"removed {display_path(folder)}/ (no spec generates it)")
    if stale:
        write_record(output, {p.package for p in packages})


def _cmd_check(args: argparse.Namespace) -> int:
    from .outdir import reading, say

    specs = _spec_files(args)
    packages = _generate_all(specs, args.output, args.no_cache, _options(args, specs))
    output: Path = args.output
    with reading(output, say):  # not in the middle of another run's swaps
        stale = _compare(output, packages, all_specs=not args.specs)
    if stale or not args.since:
        return stale
    from .versioncheck import version_findings

    findings = version_findings(specs, args.since, args.package)
    for finding in findings:
        print(f"error: {finding}", file=sys.stderr)
    return 1 if findings else 0


def _compare(output: Path, packages: list[GeneratedPackage], all_specs: bool) -> int:
    from .pipeline import display_path
    from .writer import diff_trees, read_tree

    diff: list[str] = []
    for package in packages:
        target = output / package.package
        diff += diff_trees(display_path(target), package.files, read_tree(target))
    for stale in _stale(output, packages, all_specs):
        diff += diff_trees(display_path(stale), {}, read_tree(stale))
    if diff:
        sys.stdout.writelines(diff)
        print(
            f"\n{display_path(output)}/ is stale: it differs from a fresh generation (diff above).\n"
            "Run `make generate` to regenerate it, review the diff, and commit it.",
            file=sys.stderr,
        )
        return 1
    print(f"{display_path(output)}/ is up to date ({len(packages)} packages)")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from .pipeline import check_only

    specs = _spec_files(args)
    options = _options(args, specs)
    for spec in specs:
        result = check_only(spec, options)
        _warn([result])
        print(f"ok: {result.spec} ({result.operations} operations, {result.models} models)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    try:
        from .errors import OutputError, SpecError, UsageError
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    try:
        args = _parser().parse_args(argv)
        commands = {"generate": _cmd_generate, "check": _cmd_check, "validate": _cmd_validate}
        command = commands.get(args.command) or getattr(args, "run", None) or args.handler
        return int(command(args))
    except (SpecError, OutputError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except UsageError as error:
        print(f"clientgen: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; no package was half-written", file=sys.stderr)
        return 130
    except Exception as error:  # a bug in the generator, not the user's mistake: shown as one
        import traceback

        traceback.print_exc()
        print(
            f"internal error: {type(error).__name__}: {error}\n"
            "This is a bug in clientgen, not in your spec: please report it with the traceback above.",
            file=sys.stderr,
        )
        return 3
