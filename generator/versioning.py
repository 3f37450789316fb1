"""The next package version a set of Python-level changes calls for (semantic versioning)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .apidiff import ApiChange
from .errors import UsageError

_RELEASE = re.compile(r"^v?(?:[0-9]+!)?(?P<release>[0-9]+(?:\.[0-9]+)*)(?P<rest>.*)$", re.I)
# pre-releases sort before their release, post-releases after; dev before everything of its release
_STAGES = (("dev", 0), ("a", 1), ("alpha", 1), ("b", 2), ("beta", 2), ("c", 3), ("rc", 3), ("pre", 3), ("preview", 3))


def _parse(version: str) -> tuple[tuple[int, ...], str]:
    match = _RELEASE.match(version.strip())
    if not match:
        raise UsageError(f"not a version like 1.2.3: {version!r}")
    return tuple(int(part) for part in match.group("release").split(".")), match.group("rest").lower()


def _sort_key(version: str) -> tuple[tuple[int, ...], int, int]:
    release, rest = _parse(version)
    padded = release + (0,) * (8 - len(release)) if len(release) < 8 else release
    stage, number = 4, 0  # a final release
    suffix = rest.lstrip("-_.")
    for name, rank in _STAGES:
        if suffix.startswith(name):
            stage = rank
            break
    else:
        if suffix.startswith(("post", "rev", "r")) or re.match(r"^-?[0-9]", rest):
            stage = 5
    digits = re.search(r"[0-9]+", suffix)
    if digits and suffix:
        number = int(digits.group(0))
    return padded, stage, number


def bump(changes: Iterable[ApiChange]) -> str:
    """``major``, ``minor``, ``patch`` or ``none`` (no change at all), before the pre-1.0 shift."""
    levels = {change.level for change in changes}
    if not levels:
        return "none"
    if levels & {"breaking", "type-breaking"}:
        return "major"
    if "added" in levels:
        return "minor"
    return "patch"


def propose_version(current: str, changes: Iterable[ApiChange]) -> str:
    """Breaking/type-breaking -> major, added -> minor, else patch; below 1.0 each shifts down one
    (breaking -> minor, added and the rest -> patch). No change at all keeps ``current``.

    A pre-release (``2.0.0rc1``) is finished by the part it already bumps: ``2.0.0rc1`` with a
    breaking change proposes ``2.0.0`` when the rc already raised the major version."""
    kind = bump(changes)
    if kind == "none":
        return current
    release, rest = _parse(current)
    major, minor, patch = [*release, 0, 0, 0][:3]
    if major == 0:
        kind = {"major": "minor", "minor": "patch", "patch": "patch"}[kind]
    pre = bool(rest) and _sort_key(current)[1] < 4
    if pre:  # the pre-release's own number is the next release already
        if kind == "major" and minor == 0 and patch == 0:
            return f"{major}.0.0"
        if kind == "minor" and patch == 0:
            return f"{major}.{minor}.0"
        if kind == "patch":
            return f"{major}.{minor}.{patch}"
    if kind == "major":
        return f"{major + 1}.0.0"
    if kind == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def version_too_low(spec_version: str, proposed: str) -> bool:
    """Whether the spec's package version is below the proposed one (``check`` fails then)."""
    return _sort_key(spec_version) < _sort_key(proposed)
