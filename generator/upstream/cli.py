"""``clientgen upstream status | derive | absorb | init | pin | update``: the command line of the recipe workflow.

Exit codes as everywhere: 0 success, 1 a stale or hand-edited derived spec, an overlay conflict or
invalid input, 2 bad usage.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..pipeline import display_path
from .absorb import absorb
from .derive import Derived, derive, recipes_in
from .files import write_if_changed
from .init import init
from .overlay import Conflict
from .pin import pin
from .recipe import RECIPE_SUFFIX, TODO_REASON, Recipe, load_recipe, recipe_path_for
from .treediff import REPLACEMENT_DESCRIPTIONS
from .update import add_arguments as add_update_arguments
from .update import run as run_update

Command = Callable[[argparse.Namespace], int]


def register(commands: Any) -> None:
    """Add ``upstream`` and its subcommands to the main parser's subparsers."""
    text = "pinned upstream snapshots, recipes and derived specs (see specs/README.md)"
    upstream = commands.add_parser("upstream", help=text, description=text)
    sub = upstream.add_subparsers(dest="upstream_command", required=True, metavar="SUBCOMMAND")

    def add(name: str, help_text: str, run: Command, many: bool = True) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = sub.add_parser(name, help=help_text, description=help_text)
        if many:
            parser.add_argument("specs", nargs="*", metavar="SPEC", help="spec names or files (default: every recipe)")
        else:
            parser.add_argument("spec", metavar="SPEC", help="spec name (ica_v3) or file (specs/ica_v3.yaml)")
        parser.add_argument(
            "--specs", dest="spec_dir", type=Path, default=Path("specs"), help="folder of specs (default: specs)"
        )
        parser.set_defaults(run=run)
        return parser

    add(
        "status",
        "per spec: upstream origin, version and hash, fresh or stale, actions, TODO reasons, conflicts",
        _status,
    )
    derive_parser = add("derive", "rewrite each derived spec from its recipe (only when it changes)", _derive)
    derive_parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 with a diff when a spec differs from its derivation (stale or hand-edited)",
    )
    add("absorb", "move hand edits of a derived spec into its recipe's overlay (reasons marked TODO)", _absorb, False)
    init_parser = add("init", "create a recipe from an existing curated spec and its upstream file", _init, False)
    init_parser.add_argument("--from", dest="snapshot", type=Path, required=True, metavar="SNAPSHOT")
    init_parser.add_argument(
        "--operations", nargs="+", required=True, metavar="ID", help="operationId or 'METHOD /path'"
    )
    init_parser.add_argument("--keep", nargs="*", default=[], metavar="REF", help="#/components/<kind>/<name>")
    init_parser.add_argument("--prune", nargs="*", default=[], metavar="RULE")
    for key in ("repository", "package", "url", "path", "commit", "version", "retrieved"):
        init_parser.add_argument(f"--{key}", default="", help=f"origin: {key}")
    update_parser = add(
        "update",
        "take a new upstream release: pin it, re-derive (stop on conflicts), report both levels, "
        "propose and set the version, append the changes file, regenerate",
        _update,
        False,
    )
    add_update_arguments(update_parser)
    pin_parser = add("pin", "take a new upstream file as the spec's pinned snapshot", _pin, False)
    pin_parser.add_argument("--file", type=Path, required=True, metavar="PATH")
    for key in ("version", "commit", "retrieved"):
        pin_parser.add_argument(f"--{key}", default="", help=f"origin: {key} of the new file")


def _one(args: argparse.Namespace) -> Path:
    return _recipe_path(args.spec, args.spec_dir)


def _recipe_path(spec: str, folder: Path) -> Path:
    given = Path(spec)
    path = recipe_path_for(given) if "/" in spec or given.suffix else folder / f"{spec}{RECIPE_SUFFIX}"
    if not path.is_file():
        raise UsageError(f"no recipe {display_path(path)} (create one with `clientgen upstream init`)")
    return path


def _all(args: argparse.Namespace) -> list[Path]:
    if args.specs:
        return [_recipe_path(spec, args.spec_dir) for spec in args.specs]
    if not args.spec_dir.is_dir():
        raise UsageError(f"no spec folder {args.spec_dir}/ (run from the project root or pass --specs)")
    found = recipes_in(args.spec_dir)
    if not found:
        raise UsageError(f"no recipes (*{RECIPE_SUFFIX}) in {args.spec_dir}/")
    return found


def _show(text: str) -> str:
    """An untrusted string on one terminal line: control characters escaped."""
    return json.dumps(text, ensure_ascii=False)[1:-1].replace('\\"', '"')


def _value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True, sort_keys=False)


def _print_conflict(recipe: Recipe, conflict: Conflict) -> None:
    action = conflict.action
    where = recipe.display + (f":{action.line}" if action.line else "") + f" at {action.pointer}"
    print(
        f"conflict: {where}: action {conflict.index} on {_show(action.target)} changed upstream since it was written\n"
        f"  reason:          {_show(action.description)}\n"
        f"  base:            {conflict.expected}\n"
        f"  upstream now:    {f'{conflict.found} {_value(conflict.now)}' if conflict.found else '(no such node)'}\n"
        f"  curator's value: {_value(conflict.curator)}\n"
        "  fix: edit the action for the new upstream node (then remove its x-base, or set it to the hash above)",
        file=sys.stderr,
    )


def _todo_warnings(recipe: Recipe) -> int:
    count = 0
    for action in recipe.actions:
        where = recipe.display + (f":{action.line}" if action.line else "")
        if action.description.startswith("TODO"):
            count += 1
            print(f"warning: {where} at {action.pointer}/description: the reason is a TODO", file=sys.stderr)
        if any(mark in action.description for mark in REPLACEMENT_DESCRIPTIONS):
            print(
                f"warning: {where} at {action.pointer}: the action re-adds upstream content only to change its "
                "order; upstream changes to it would be hidden (use a generator extension such as "
                "x-python-property-order instead)",
                file=sys.stderr,
            )
    return count


def _derivations(paths: list[Path]) -> list[tuple[Recipe, Derived]]:
    return [(load_recipe(path), derive(path)) for path in paths]


def _derive(args: argparse.Namespace) -> int:
    done = _derivations(_all(args))
    conflicts = 0
    for recipe, derived in done:
        for conflict in derived.conflicts:
            _print_conflict(recipe, conflict)
        conflicts += len(derived.conflicts)
    if conflicts:
        print(f"{conflicts} overlay conflict(s); nothing was written", file=sys.stderr)
        return 1
    for recipe, _ in done:
        _todo_warnings(recipe)
    if args.check:
        return _check(done)
    for recipe, derived in done:
        changed = write_if_changed(recipe.spec_path, derived.text.encode("utf-8"))
        print(f"{recipe.display} -> {display_path(recipe.spec_path)} ({'written' if changed else 'unchanged'})")
    return 0


def _check(done: list[tuple[Recipe, Derived]]) -> int:
    stale: list[str] = []
    for recipe, derived in done:
        shown = display_path(recipe.spec_path)
        try:
            current = recipe.spec_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            current = None
        if current == derived.text:
            continue
        stale.append(recipe.name)
        sys.stdout.writelines(
            difflib.unified_diff(
                (current or "").splitlines(keepends=True),
                derived.text.splitlines(keepends=True),
                f"a/{shown}" if current is not None else "/dev/null",
                f"b/{shown}",
            )
        )
    if stale:
        names = " ".join(stale)
        print(
            f"\n{len(stale)} derived spec(s) differ from their recipe's derivation (diff above: a/ is the file, "
            "b/ the derivation).\n"
            f"Hand edits to keep: `clientgen upstream absorb SPEC` (for each of: {names}); "
            f"a stale spec: `clientgen upstream derive {names}`.",
            file=sys.stderr,
        )
        return 1
    print(f"{len(done)} derived specs are up to date")
    return 0


def _status(args: argparse.Namespace) -> int:
    stale = 0
    for path in _all(args):
        recipe = load_recipe(path)
        if recipe.upstream is None:
            derive(path)  # checks that the spec does not claim to be derived
            print(f"{recipe.name}: upstream none ({_show(recipe.reason)}); the curated spec is its own source")
            continue
        up = recipe.upstream
        origin = ", ".join(f"{key} {_show(value)}" for key, value in up.origin)
        derived = derive(path)
        try:
            fresh = recipe.spec_path.read_text(encoding="utf-8") == derived.text
        except FileNotFoundError:
            fresh = False
        stale += not fresh or bool(derived.conflicts)
        todo = sum(action.description.startswith("TODO") for action in recipe.actions)
        print(
            f"{recipe.name}: {_show(up.file)} ({origin}); {up.format}, api-version {_show(up.api_version)}, "
            f"sha256 {up.sha256[:12]}…; {'fresh' if fresh else 'STALE'}; {len(recipe.actions)} actions, "
            f"{todo} TODO reasons, {len(derived.conflicts)} conflicts"
        )
    return 1 if stale else 0


def _absorb(args: argparse.Namespace) -> int:
    path = _one(args)
    done = absorb(path)
    recipe = load_recipe(path)
    if not done.actions and not done.notes_added:
        print(f"{display_path(recipe.spec_path)} has no hand edits: nothing to absorb")
        return 0
    if done.notes_added:
        print(f"kept {done.notes_added} added comment(s) in the notes of {recipe.display}")
    if not done.actions:
        return 0
    print(
        f"absorbed {len(done.actions)} edit(s) of {display_path(recipe.spec_path)} into {recipe.display} "
        f"(each with the reason {TODO_REASON!r}: write the real reasons, then `clientgen upstream derive`)"
    )
    return 0


def _init(args: argparse.Namespace) -> int:
    given = Path(args.spec)
    spec = given if "/" in args.spec or given.suffix else args.spec_dir / f"{args.spec}.yaml"
    recipe_path = recipe_path_for(spec)
    if not spec.is_file():
        raise UsageError(f"no such spec file: {display_path(spec)}")
    origin = {key: getattr(args, key) for key in ("repository", "package", "url", "path", "commit", "version")}
    origin["retrieved"] = args.retrieved
    if not any(origin[key] for key in ("repository", "package", "url")):
        raise UsageError("say where the snapshot comes from: --repository, --package or --url")
    derived = init(spec, args.snapshot, args.operations, origin, keep=args.keep, prune=args.prune)
    todo = derived.text.count("TODO: say why")
    print(f"{display_path(recipe_path)} written; {display_path(spec)} re-derived ({todo} TODO reasons to write)")
    return 0


def _pin(args: argparse.Namespace) -> int:
    path = _one(args)
    origin = {"version": args.version, "commit": args.commit, "retrieved": args.retrieved}
    pin(path, args.file, origin)
    recipe = load_recipe(path)
    print(
        f"pinned {display_path(args.file)} as {display_path(recipe.snapshot_path)}; now run `clientgen upstream derive`"
    )
    return 0


def _update(args: argparse.Namespace) -> int:
    return run_update(args, _one(args))
