"""``clientgen upstream update SPEC --from FILE``: take a new upstream release in one reviewable step.

In order: derive the spec from the candidate file (stop on overlay conflicts or selected operations it
lacks, writing nothing); keep the Python names of schemas upstream only renamed (an ``x-python-name``
action each, unless ``--take-new-names``); build the two-level change report between the current spec and
the new one; propose the package version from it and write it into the overlay; then pin the snapshot,
write the recipe, the derived spec and ``specs/<name>.changes.md``, and regenerate the package. Every file
is computed before the first one is written, and if regeneration fails the four files are put back, so
an update either happens whole or not at all. Nothing here reads the network: the new file is given.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SpecError
from ..naming import class_name
from ..pipeline import display_path
from .derive import Derived, derive_from, derive_recipe, sha256_hex
from .files import write_if_changed
from .overlay import NO_UPDATE, Action, format_target, get_node
from .pin import pin
from .recipe import Recipe, dump_recipe, load_recipe, parse_recipe_text

RENAME_IDS = ("model-renamed", "enum-renamed", "alias-renamed")


@dataclass(frozen=True)
class Plan:
    """Everything an update writes, computed before anything is written."""

    recipe: Recipe  # with the kept names and the new version in its overlay (snapshot not yet pinned)
    derived: Derived
    report: Any  # report.Report, current spec -> new spec
    version: str  # the package version the new spec carries
    proposed: str
    kept_names: tuple[tuple[str, str], ...]  # (old Python name, new schema key)
    changes: str  # the new text of specs/<name>.changes.md
    news: tuple[str, ...] = ()  # upstream operations new under the kept operations' tags, not selected


def _report(old_text: bytes, old_shown: str, new_text: str, new_shown: str, accepted: Sequence[Any]) -> Any:
    from ..diffcmd import DiffInput, diff_report

    old = DiffInput(old_shown, Path(old_shown), old_text, None)
    new = DiffInput(new_shown, Path(new_shown), new_text.encode("utf-8"), None)
    return diff_report(old, new, accepted=accepted, fail_on="none")


def _schema_key(data: Any, name: str) -> str | None:
    """The key under components/schemas whose generated class is ``name``."""
    schemas = data.get("components", {}).get("schemas", {}) if isinstance(data, dict) else {}
    if not isinstance(schemas, dict):
        return None
    for key, schema in schemas.items():
        if isinstance(schema, dict) and schema.get("x-python-name") == name:
            return str(key)
    matches = [str(key) for key in schemas if class_name(str(key)) == name]
    return matches[0] if len(matches) == 1 else None


def _keep_names(recipe: Recipe, derived: Derived, report: Any) -> tuple[list[Action], list[tuple[str, str]]]:
    """An ``x-python-name`` action for each class upstream only renamed, so callers' imports keep working."""
    actions: list[Action] = []
    kept: list[tuple[str, str]] = []
    for entry in report.python:
        change = entry.change
        if change.id not in RENAME_IDS or not change.old or not change.new:
            continue
        old_name = change.old.rsplit(".", 1)[-1]
        new_name = change.new.rsplit(".", 1)[-1]
        key = _schema_key(derived.data, new_name)
        if key is None:
            continue
        path: tuple[str | int, ...] = ("components", "schemas", key)
        actions.append(
            Action(
                target=format_target(path),
                update={"x-python-name": old_name},
                description=f"upstream renamed the schema {old_name} to {key}; the Python name is kept "
                "so that callers' imports keep working",
            )  # no x-base: an added key conflicts with nothing upstream may change in the schema later
        )
        kept.append((old_name, key))
    return actions, kept


def _with_version(recipe: Recipe, data: Any, version: str) -> Recipe:
    """The recipe whose overlay gives ``x-python-client.version`` the value ``version``.

    The action that already sets it is changed in place (its reason stays); without one, an action
    is added. Either way the overlay says what the version is, not a history of bumps."""
    actions = list(recipe.actions)
    for index, action in enumerate(actions):
        update = action.update
        if action.remove or update is NO_UPDATE or not isinstance(update, dict):
            continue
        path = action.path
        if path == () and isinstance(update.get("x-python-client"), dict) and "version" in update["x-python-client"]:
            settings = dict(update["x-python-client"])
            settings["version"] = version
            actions[index] = dataclasses.replace(action, update={**update, "x-python-client": settings})
            return dataclasses.replace(recipe, actions=tuple(actions))
        if path == ("x-python-client",) and "version" in update:
            actions[index] = dataclasses.replace(action, update={**update, "version": version})
            return dataclasses.replace(recipe, actions=tuple(actions))
    block = data.get("x-python-client") if isinstance(data, dict) else None
    if not isinstance(block, dict):
        raise SpecError(
            recipe.display,
            "/overlay",
            "the derived spec has no x-python-client block to put the new version in",
            "add an overlay action that sets x-python-client (package, version) on '$'",
            recipe.line_of("/overlay"),
        )
    actions.append(
        Action(
            target=format_target(("x-python-client",)),
            update={"version": version},
            description="the package version `clientgen upstream update` proposed",
        )
    )
    return dataclasses.replace(recipe, actions=tuple(actions))


HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _operations(data: Any) -> dict[str, tuple[str, ...]]:
    """Every operation of a document, as "operationId" (or "METHOD /path") -> its tags."""
    found: dict[str, tuple[str, ...]] = {}
    paths = data.get("paths") if isinstance(data, dict) else None
    for path, item in (paths or {}).items() if isinstance(paths, dict) else ():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                name = operation.get("operationId")
                key = name if isinstance(name, str) and name else f"{method.upper()} {path}"
                tags = operation.get("tags")
                found[key] = tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else ()
    return found


def _news(recipe: Recipe, old: bytes, new: bytes) -> tuple[str, ...]:
    """Operations the new upstream file adds under a tag of a kept operation, and the recipe does not select:
    what a curator would want to hear of ("upstream added X under Project Workflow Session")."""
    from .selection import load_snapshot

    shown = display_path(recipe.snapshot_path)
    before = _operations(load_snapshot(recipe.snapshot_path, shown, old).data)
    after = _operations(load_snapshot(recipe.snapshot_path, shown, new).data)
    selected = set(recipe.selection.operations)
    watched = {tag for key, tags in after.items() if key in selected for tag in tags}
    return tuple(
        f"{key} (tags: {', '.join(tags)})"
        for key, tags in sorted(after.items())
        if key not in before and key not in selected and watched.intersection(tags)
    )


def _current_version(data: Any) -> str:
    settings = data.get("x-python-client") if isinstance(data, dict) else None
    version = settings.get("version") if isinstance(settings, dict) else None
    return str(version) if version is not None else "0.1.0"


def _origin_text(origin: Mapping[str, str], new_file: Path) -> str:
    parts = [f"{key} {value}" for key, value in origin.items() if value]
    return ", ".join(parts) if parts else display_path(new_file)


def _base_values(recipe: Recipe, indexes: Sequence[int]) -> dict[int, object]:
    """What each conflicting action's target was in the pinned snapshot when the action applied (the
    three-way merge's base), by replaying the overlay up to it; absent where it cannot be had."""
    from .overlay import NoNode, apply
    from .selection import Where, load_snapshot, select

    found: dict[int, object] = {}
    try:
        doc = load_snapshot(recipe.snapshot_path, display_path(recipe.snapshot_path))
        state: Any = select(doc, recipe.selection, Where(recipe.display, recipe.line_of), [])
        for index, action in enumerate(recipe.actions):
            if index in indexes:
                try:
                    found[index] = get_node(state, action.path)
                except NoNode:
                    pass
            state, _ = apply(state, [action], file=recipe.display)
    except SpecError:
        pass  # the pinned snapshot does not derive any more: the hashes still tell the story
    return found


def _json(value: object) -> str:
    import json

    return json.dumps(value, ensure_ascii=True)


def _conflict_error(recipe: Recipe, derived: Derived) -> None:
    bases = _base_values(recipe, [conflict.index for conflict in derived.conflicts])
    for conflict in derived.conflicts:
        action = conflict.action
        where = recipe.display + (f":{action.line}" if action.line else "") + f" at {action.pointer}"
        base = f"{conflict.expected} {_json(bases[conflict.index])}" if conflict.index in bases else conflict.expected
        now = f"{conflict.found} {_json(conflict.now)}" if conflict.found else "(no such node)"
        print(
            f"conflict: {where}: action {conflict.index} on {_json(action.target)} changed upstream since it was"
            f" written\n  reason:          {_json(action.description)}\n  base:            {base or '(none)'}\n"
            f"  upstream now:    {now}\n  curator's value: {_json(conflict.curator)}\n"
            "  fix: edit the action for the new upstream node (then set its x-base to the hash upstream has now), "
            "or delete the action to take upstream's value",
            file=sys.stderr,
        )
    for missing in derived.missing:
        print(
            f"missing: {recipe.display}: the new upstream file has no operation {missing!r} that the recipe selects\n"
            "  fix: remove it from select.operations (callers lose the method), or select its replacement",
            file=sys.stderr,
        )


def plan_update(
    recipe_path: Path,
    new_file: Path,
    origin: Mapping[str, str],
    *,
    keep_names: bool = True,
    accepted: Sequence[Any] = (),
    add_operations: Sequence[str] = (),
) -> Plan | None:
    """The update, computed in memory; None (conflicts printed on stderr) when the curator must decide."""
    from ..report import append_changes, changes_section
    from ..versioning import propose_version

    recipe = load_recipe(recipe_path)
    if recipe.upstream is None:
        raise SpecError(
            recipe.display,
            "/upstream",
            "the recipe has `upstream: none`: this spec is its own source, there is no upstream to update from",
            "edit the spec itself, or give the recipe an upstream block (`clientgen upstream init`)",
            recipe.line_of("/upstream"),
        )
    try:
        candidate = new_file.read_bytes()
    except OSError as error:
        raise SpecError(display_path(new_file), "", f"cannot read it: {error.strerror}", "check the path") from None
    if add_operations:
        operations = recipe.selection.operations + tuple(
            o for o in add_operations if o not in recipe.selection.operations
        )
        recipe = dataclasses.replace(recipe, selection=dataclasses.replace(recipe.selection, operations=operations))
    spec = recipe.spec_path
    shown = display_path(spec)
    old_text = spec.read_bytes()
    pinned = recipe.snapshot_path.read_bytes()
    news = _news(recipe, pinned, candidate)
    derived = derive_from(recipe, candidate, lenient=True)
    if derived.conflicts or derived.missing:
        _conflict_error(recipe, derived)
        return None
    report = _report(old_text, f"{shown} (current)", derived.text, f"{shown} (from {new_file.name})", accepted)
    kept: list[tuple[str, str]] = []
    if keep_names:
        actions, kept = _keep_names(recipe, derived, report)
        if actions:
            recipe = dataclasses.replace(recipe, actions=recipe.actions + tuple(actions))
            derived = derive_from(recipe, candidate)
            report = _report(old_text, f"{shown} (current)", derived.text, f"{shown} (from {new_file.name})", accepted)
    current = _current_version(report_old_data(old_text, shown))
    proposed = propose_version(current, [entry.change for entry in report.python])
    version = current if _not_lower(current, proposed) else proposed
    recipe = _with_version(recipe, derived.data, version)
    derived = derive_from(recipe, candidate)
    # the report again, now that the derived spec carries the version it will ship with (its header says so)
    report = _report(old_text, f"{shown} (current)", derived.text, f"{shown} (from {new_file.name})", accepted)
    changes_file = spec.with_name(f"{recipe.name}.changes.md")
    existing = changes_file.read_text(encoding="utf-8") if changes_file.is_file() else "# Changes\n"
    changes = existing
    if version != current or report.python or report.wire:
        changes = append_changes(existing, changes_section(report, version, _origin_text(origin, new_file)))
    return Plan(recipe, derived, report, version, proposed, tuple(kept), changes, news)


def _not_lower(current: str, proposed: str) -> bool:
    from ..versioning import version_too_low

    return not version_too_low(current, proposed)


def report_old_data(raw: bytes, shown: str) -> Any:
    from ..loader import parse_text

    return parse_text(raw.decode("utf-8"), shown)


def write_update(plan: Plan, recipe_path: Path, new_file: Path, origin: Mapping[str, str], output: Path) -> int:
    """Write the plan and regenerate the package; on a failure put every file back as it was."""
    from ..cli import main as clientgen

    recipe = plan.recipe
    spec = recipe.spec_path
    changes_file = spec.with_name(f"{recipe.name}.changes.md")
    snapshot = recipe.snapshot_path
    touched = (recipe_path, snapshot, spec, changes_file)
    before = {path: path.read_bytes() if path.is_file() else None for path in touched}
    try:
        pin(recipe_path, new_file, origin)
        pinned = load_recipe(recipe_path)
        final = dataclasses.replace(pinned, actions=recipe.actions, selection=recipe.selection)
        text = dump_recipe(final)
        parse_recipe_text(text, recipe_path)  # never write a recipe that does not read back
        write_if_changed(recipe_path, text.encode("utf-8"))
        if sha256_hex(snapshot.read_bytes()) != (final.upstream.sha256 if final.upstream else ""):
            raise SpecError(display_path(snapshot), "", "the pinned snapshot changed while updating", "run it again")
        derived = derive_recipe(load_recipe(recipe_path))  # the header names the newly pinned origin
        if derived.conflicts or derived.data != plan.derived.data:
            raise SpecError(recipe.display, "", "the pinned recipe derives another spec than planned", "run it again")
        write_if_changed(spec, derived.text.encode("utf-8"))
        write_if_changed(changes_file, plan.changes.encode("utf-8"))
        code = clientgen(["generate", str(spec), "-o", str(output), "--specs", str(spec.parent)])
        if code != 0:
            raise SpecError(display_path(spec), "", "the new spec does not generate (see above)", "see the error above")
    except BaseException:
        for path, content in before.items():
            if content is None:
                path.unlink(missing_ok=True)
            else:
                write_if_changed(path, content)
        raise
    return 0


def add_arguments(parser: Any) -> None:
    """The options of ``clientgen upstream update`` (the parser has SPEC and --specs already)."""
    parser.add_argument(
        "--from", dest="new_file", type=Path, required=True, metavar="FILE", help="the new upstream file"
    )
    for key in ("version", "commit", "retrieved"):
        parser.add_argument(f"--{key}", default="", help=f"origin: {key} of the new file")
    parser.add_argument(
        "--dry-run", action="store_true", help="print the report and the proposed version; write nothing"
    )
    parser.add_argument(
        "--take-new-names",
        action="store_true",
        help="let classes follow upstream's schema renames (default: keep their Python names with x-python-name)",
    )
    parser.add_argument(
        "--select",
        nargs="+",
        default=[],
        metavar="ID",
        help="also keep these operations of the new file (operationId or 'METHOD /path')",
    )
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text", help="of the report")
    parser.add_argument(
        "--accepted", type=Path, metavar="FILE", help="accepted breaking changes (default: specs/<name>.accepted.yaml)"
    )
    parser.add_argument(
        "-o", "--output", type=Path, default=Path("generated"), help="output folder (default: generated)"
    )


def run(args: Any, recipe_path: Path) -> int:
    from ..accepted import load_accepted
    from ..report import md, render

    origin = {key: getattr(args, key) for key in ("version", "commit", "retrieved") if getattr(args, key)}
    accepted_file = args.accepted or recipe_path.with_name(recipe_path.name.replace(".recipe.yaml", ".accepted.yaml"))
    accepted = load_accepted(accepted_file) if accepted_file.is_file() else []
    plan = plan_update(
        recipe_path,
        args.new_file,
        origin,
        keep_names=not args.take_new_names,
        accepted=accepted,
        add_operations=args.select,
    )
    if plan is None:
        print(
            "nothing was written: resolve the conflicts above in the recipe, then run the update again", file=sys.stderr
        )
        return 1
    sys.stdout.write(render(plan.report, args.format))
    notes = [
        f"kept: models.{old_name} (upstream renamed the schema to {key}; pass --take-new-names to follow it)"
        for old_name, key in plan.kept_names
    ]
    notes += [f"upstream added {news}: not selected (add it with --select)" for news in plan.news]
    notes.append(f"version: {plan.proposed} proposed; the spec gets {plan.version}")
    if args.dry_run:
        notes.append("dry run: nothing was written")
    if args.format == "json":  # stdout stays one JSON document
        print("\n".join(notes), file=sys.stderr)
    elif args.format == "markdown":
        print("\n" + "\n".join(f"- {md(note)}" for note in notes))
    else:
        print("\n".join(notes))
    if args.dry_run:
        return 0
    write_update(plan, recipe_path, args.new_file, origin, args.output)
    spec = display_path(plan.recipe.spec_path)
    print(f"updated {spec}, its recipe, snapshot and changes file; review `git diff` and commit")
    return 0
