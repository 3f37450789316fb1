"""The two-level change report: entries, links, accepted changes, the proposed version, and its
three formats (text, Markdown, JSON; the JSON schema is documented in docs/change-report.md).

Every string that came from a spec is escaped for where it lands: control characters are shown
as escapes in text, Markdown punctuation is backslash-escaped and HTML shown as text, JSON goes
through ``json.dumps``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from . import ir
from .accepted import Accepted
from .apidiff import LEVELS, ApiChange
from .changelink import link
from .errors import _printable
from .specdiff.model import LEVELS as WIRE_LEVELS
from .specdiff.model import WireChange
from .versioning import propose_version

SCHEMA = "clientgen-change-report/1"
FAIL_ON = ("breaking", "type-breaking", "behaviour", "any", "none")
# a wire level's place on the Python scale, for --fail-on
_WIRE_RANK = {"ERR": 0, "WARN": 2, "INFO": 3}


@dataclass(frozen=True)
class Side:
    source: str  # as the user named it
    package: str
    version: str


@dataclass(frozen=True)
class WireEntry:
    ref: str  # "W1", ...
    change: WireChange
    python: tuple[str, ...]  # refs of the Python entries it caused
    impact: str  # "no client impact: ..." when it caused none
    accepted: str | None  # the reason, when an accepted entry matches


@dataclass(frozen=True)
class PythonEntry:
    ref: str  # "P1", ...
    change: ApiChange
    wire: tuple[str, ...]  # refs of the wire entries that caused it
    cause: str  # why nothing links to it, when nothing does
    accepted: str | None


@dataclass(frozen=True)
class Report:
    old: Side
    new: Side
    levels: tuple[str, ...]  # "wire", "python"
    wire: tuple[WireEntry, ...]
    python: tuple[PythonEntry, ...]
    stale: tuple[Accepted, ...]
    current_version: str
    proposed_version: str | None  # None without the Python level
    fail_on: str = "breaking"
    failing: tuple[str, ...] = field(default=())  # refs of unaccepted entries at or above fail_on


def _rank_python(change: ApiChange) -> int:
    return LEVELS.index(change.level)


def _rank_wire(change: WireChange) -> int:
    return 4 if change.doc else _WIRE_RANK.get(change.level, 3)


def _threshold(fail_on: str) -> int:
    return {"breaking": 0, "type-breaking": 1, "behaviour": 2, "any": 4, "none": -1}[fail_on]


def build_report(
    old: Side,
    new: Side,
    wire: Sequence[WireChange] | None,
    python: Sequence[ApiChange] | None,
    old_package: ir.Package | None,
    new_package: ir.Package | None,
    accepted: Sequence[Accepted] = (),
    fail_on: str = "breaking",
    current_version: str | None = None,
) -> Report:
    """Sort, link, mark accepted entries, find stale accepted ones, and propose the version."""
    wire_sorted = sorted(wire or (), key=lambda c: (*c.sort_key(), c.level))
    python_sorted = list(python or ())
    links = link(wire_sorted, python_sorted, old_package, new_package)
    used: set[int] = set()

    def accept_wire(change: WireChange) -> str | None:
        for entry in accepted:
            if entry.matches_wire(change):
                used.add(entry.index)
                return entry.reason
        return None

    def accept_python(change: ApiChange) -> str | None:
        for entry in accepted:
            if entry.matches_python(change):
                used.add(entry.index)
                return entry.reason
        return None

    wire_entries = tuple(
        WireEntry(
            f"W{i + 1}",
            change,
            tuple(f"P{j + 1}" for j in links.wire_to_python[i]),
            links.impact[i],
            accept_wire(change),
        )
        for i, change in enumerate(wire_sorted)
    )
    python_entries = tuple(
        PythonEntry(
            f"P{i + 1}",
            change,
            tuple(f"W{j + 1}" for j in links.python_to_wire[i]),
            links.cause[i] if wire is not None else "",  # without the wire level there is nothing to say
            accept_python(change),
        )
        for i, change in enumerate(python_sorted)
    )
    # with the Python level, it decides (it is what callers see; a wire entry that matters caused a
    # Python entry); the wire level alone is judged by its own levels
    threshold = _threshold(fail_on)
    failing = [e.ref for e in python_entries if e.accepted is None and _rank_python(e.change) <= threshold]
    if python is None:
        failing = [e.ref for e in wire_entries if e.accepted is None and _rank_wire(e.change) <= threshold]
    levels = tuple(name for name, given in (("wire", wire is not None), ("python", python is not None)) if given)
    current = current_version or old.version
    proposed = propose_version(current, python_sorted) if python is not None else None
    stale = tuple(entry for entry in accepted if entry.index not in used)
    return Report(old, new, levels, wire_entries, python_entries, stale, current, proposed, fail_on, tuple(failing))


# ---- text ------------------------------------------------------------------------------------


def _t(value: object) -> str:
    """A spec string on one text line: controls shown as escapes."""
    return _printable(" ".join(str(value).split()) if "\n" in str(value) else str(value))


def _operation_label(change: WireChange) -> str:
    return f"{change.method} {change.path}" if change.method else "(not about one operation)"


def _groups(report: Report) -> list[tuple[str, list[PythonEntry], list[WireEntry]]]:
    """(heading, Python entries, wire entries) by API class and method, then models, then the rest."""
    by_op: dict[tuple[str, str], tuple[str, list[PythonEntry], list[WireEntry]]] = {}
    order: list[tuple[str, str]] = []
    models: list[PythonEntry] = []
    package: list[PythonEntry] = []
    for entry in report.python:
        change = entry.change
        if change.http_method:
            key = (change.http_method, change.path)
            if key not in by_op:
                heading = f"{change.api_class}.{change.method}  {change.http_method} {change.path}"
                by_op[key] = (heading, [], [])
                order.append(key)
            by_op[key][1].append(entry)
        elif change.model:
            models.append(entry)
        else:
            package.append(entry)
    rest: dict[tuple[str, str], list[WireEntry]] = {}
    for wire_entry in report.wire:
        key = (wire_entry.change.method, wire_entry.change.path)
        if key in by_op:
            by_op[key][2].append(wire_entry)
        else:
            rest.setdefault(key, []).append(wire_entry)
    groups = [by_op[key] for key in order]
    for key in sorted(rest):
        groups.append((_operation_label(rest[key][0].change), [], rest[key]))
    if models:
        groups.append(("models", models, []))
    if package:
        groups.append(("package", package, []))
    return groups


def _python_counts(report: Report) -> str:
    counts = [f"{sum(e.change.level == level for e in report.python)} {level}" for level in LEVELS]
    return ", ".join(counts)


def _wire_counts(report: Report) -> str:
    counts = [
        f"{sum(e.change.level == level and not e.change.doc for e in report.wire)} {level}" for level in WIRE_LEVELS
    ]
    counts.append(f"{sum(e.change.doc for e in report.wire)} documentation")
    return ", ".join(counts)


def _summary_lines(report: Report) -> list[str]:
    lines = []
    if "wire" in report.levels:
        lines.append(f"wire contract: {len(report.wire)} entries ({_wire_counts(report)})")
    if "python" in report.levels:
        lines.append(f"Python API: {len(report.python)} entries ({_python_counts(report)})")
    if report.proposed_version is not None:
        lines.append(f"version: {report.current_version} -> proposed {report.proposed_version}")
    verdict = f"{len(report.failing)} unaccepted at or above --fail-on {report.fail_on}"
    lines.append(verdict if report.fail_on != "none" else "--fail-on none: nothing fails")
    return lines


def _accepted_mark(reason: str | None) -> str:
    return f"  [accepted: {_t(reason)}]" if reason is not None else ""


def render_text(report: Report) -> str:
    lines = [f"clientgen diff {_t(report.old.source)} -> {_t(report.new.source)}"]
    old, new = report.old, report.new
    lines.append(f"package {_t(old.package)} {_t(old.version)} -> {_t(new.package)} {_t(new.version)}")
    lines += _summary_lines(report)
    width = max((len(ref) for ref in [e.ref for e in report.wire] + [e.ref for e in report.python]), default=2)
    for heading, python, wire in _groups(report):
        lines.append("")
        lines.append(_t(heading))
        for p in python:
            c = p.change
            link_text = f"  <- {', '.join(p.wire)}" if p.wire else f"  ({p.cause})"
            lines.append(
                f"  {p.ref:<{width}} {c.level:<13} {c.id}: {_t(c.text)}{link_text}{_accepted_mark(p.accepted)}"
            )
        for w in wire:
            wc = w.change
            where = f" [{wc.status}]" if wc.status else ""
            subject = f" {_t(wc.subject)}" if wc.subject else ""
            link_text = f"  -> {', '.join(w.python)}" if w.python else f"  ({w.impact})"
            level = f"{wc.level}{' doc' if wc.doc else ''}"
            entry = f"  {w.ref:<{width}} {level:<13} {wc.id}{where}{subject}: {_t(wc.text)}"
            lines.append(f"{entry}{link_text}{_accepted_mark(w.accepted)}")
    if report.stale:
        lines.append("")
        lines.append("stale accepted entries (they match no change any more):")
        for stale in report.stale:
            line = f" (line {stale.line})" if stale.line else ""
            lines.append(f"  stale{line}: {_t(stale.describe())}: {_t(stale.reason)}")
    if not report.wire and not report.python:
        lines.append("")
        lines.append("no changes")
    return "\n".join(lines) + "\n"


# ---- Markdown --------------------------------------------------------------------------------

# What could start markup inside a line (a spec string never starts one: it always follows a prefix):
# emphasis, code, links and images, tables, strikethrough. An underscore between two letters or digits
# can neither open nor close emphasis (CommonMark's flanking rules), so names like get_jobs stay readable.
_MD_SPECIAL = re.compile(r"([\\`*{}\[\]|~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def md(value: object) -> str:
    """A spec string as inert Markdown inside a table cell or list item: one line, HTML shown as text,
    every character Markdown could read as inline markup there backslash-escaped."""
    text = _CONTROLS.sub(" ", str(value))
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def render_markdown(report: Report) -> str:
    lines = [f"## Change report: {md(report.old.source)} → {md(report.new.source)}", ""]
    lines += [f"- {md(line)}" for line in _summary_lines(report)]
    for heading, python, wire in _groups(report):
        lines += ["", f"### {md(heading)}", "", "| ref | level | rule | change | link |", "|---|---|---|---|---|"]
        for p in python:
            c = p.change
            linked = ", ".join(p.wire) if p.wire else md(p.cause)
            accepted = f" (accepted: {md(p.accepted)})" if p.accepted is not None else ""
            lines.append(f"| {p.ref} | {md(c.level)} | {md(c.id)} | {md(c.text)}{accepted} | {linked} |")
        for w in wire:
            wc = w.change
            where = f" \\[{md(wc.status)}\\]" if wc.status else ""
            subject = f" {md(wc.subject)}:" if wc.subject else ""
            linked = ", ".join(w.python) if w.python else md(w.impact)
            accepted = f" (accepted: {md(w.accepted)})" if w.accepted is not None else ""
            level = md(wc.level) + (" doc" if wc.doc else "")
            lines.append(f"| {w.ref} | {level} | {md(wc.id)} | {where}{subject} {md(wc.text)}{accepted} | {linked} |")
    if report.stale:
        lines += ["", "### Stale accepted entries", ""]
        lines += [f"- {md(e.describe())}: {md(e.reason)}" for e in report.stale]
    return "\n".join(lines) + "\n"


# ---- JSON ------------------------------------------------------------------------------------


def _side_json(side: Side) -> dict[str, Any]:
    return {"source": side.source, "package": side.package, "version": side.version}


def report_json(report: Report) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "old": _side_json(report.old),
        "new": _side_json(report.new),
        "levels": list(report.levels),
        "version": {"current": report.current_version, "proposed": report.proposed_version},
        "fail_on": report.fail_on,
        "failing": list(report.failing),
        "wire": [
            {
                "ref": w.ref,
                "level": w.change.level,
                "id": w.change.id,
                "method": w.change.method,
                "path": w.change.path,
                "operation_id": w.change.operation_id,
                "subject": w.change.subject,
                "status": w.change.status,
                "text": w.change.text,
                "doc": w.change.doc,
                "old": w.change.old,
                "new": w.change.new,
                "python": list(w.python),
                "impact": w.impact or None,
                "accepted": w.accepted,
            }
            for w in report.wire
        ],
        "python": [
            {
                "ref": p.ref,
                "level": p.change.level,
                "id": p.change.id,
                "python_name": p.change.python_name,
                "api_class": p.change.api_class,
                "method": p.change.method,
                "model": p.change.model,
                "operation_id": p.change.operation_id,
                "http_method": p.change.http_method,
                "path": p.change.path,
                "subject": p.change.subject,
                "text": p.change.text,
                "old": p.change.old,
                "new": p.change.new,
                "wire": list(p.wire),
                "cause": p.cause or None,
                "accepted": p.accepted,
            }
            for p in report.python
        ],
        "stale_accepted": [
            {
                "line": e.line,
                "id": e.id,
                "python_name": e.python_name,
                "operation": e.operation,
                "subject": e.subject,
                "reason": e.reason,
            }
            for e in report.stale
        ],
    }


def render_json(report: Report) -> str:
    return json.dumps(report_json(report), indent=2, default=_jsonable) + "\n"


def _jsonable(value: object) -> object:
    """Values a YAML spec can hold that JSON cannot (dates, sets): as text, deterministically."""
    if isinstance(value, (set, frozenset)):
        return sorted(str(v) for v in value)
    return str(value)


def render(report: Report, format: str) -> str:
    return {"text": render_text, "markdown": render_markdown, "json": render_json}[format](report)


# ---- CHANGES.md ------------------------------------------------------------------------------

_CHANGES_HEADINGS = {
    "breaking": "Breaking",
    "type-breaking": "Type-breaking (mypy fails; runtime works)",
    "behaviour": "Behaviour",
    "added": "Added",
    "doc": "Documentation",
}


def changes_section(report: Report, version: str, origin: str = "") -> str:
    """A ``CHANGES.md`` section for ``version``: the Python-level entries by level, accepted ones marked."""
    lines = [f"## {_version_md(version)}", ""]
    source = f"From {md(report.old.source)} ({_version_md(report.old.version)}) to {md(report.new.source)}"
    lines.append(source + (f", upstream {md(origin)}." if origin else "."))
    for level in LEVELS:
        entries = [p for p in report.python if p.change.level == level]
        if not entries:
            continue
        lines += ["", f"{_CHANGES_HEADINGS[level]}:", ""]
        for entry in entries:
            accepted = f" (accepted: {md(entry.accepted)})" if entry.accepted is not None else ""
            lines.append(f"- {md(entry.change.text)}{accepted}")
    if not report.python:
        lines += ["", "No change of the Python API."]
    return "\n".join(lines) + "\n"


def _version_md(version: str) -> str:
    """A version as written when it is a plain version (what people grep CHANGES.md for), else escaped."""
    return version if re.fullmatch(r"[0-9A-Za-z.+!]+", version) else md(version)


def append_changes(existing: str, section: str) -> str:
    """``CHANGES.md`` with ``section`` as its newest entry (right below the ``# Changes`` title)."""
    title = "# Changes\n"
    body = existing[len(title) :].lstrip("\n") if existing.startswith(title) else existing.lstrip("\n")
    return f"{title}\n{section}" + (f"\n{body}" if body else "")
