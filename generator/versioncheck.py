"""``clientgen check --since REV``: a spec's package version must be at least what its changes call for.

For each spec that exists at REV and differs from it, the Python-level change report between the two
decides the lowest acceptable version (breaking -> major, added -> minor, else patch); a spec whose
``x-python-client.version`` is lower fails the check with the reason. Specs equal at REV cost nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .errors import UsageError
from .gitrev import read_file


def _repository_path(spec: Path) -> str:
    """The spec's path as git names it at a revision: relative to the working directory (``./x``)."""
    return "./" + spec.as_posix().lstrip("./") if not spec.is_absolute() else spec.as_posix()


def version_findings(specs: Sequence[Path], since: str, package: str | None = None) -> list[str]:
    """Why each spec's version is too low for its changes since ``since`` (empty when all are fine)."""
    from .diffcmd import DiffInput, version_finding

    findings: list[str] = []
    for spec in specs:
        try:
            old_raw = read_file(since, _repository_path(spec))
        except UsageError:
            continue  # a spec new since REV has no earlier version to be compared with
        new_raw = spec.read_bytes()
        if old_raw == new_raw:
            continue
        shown = spec.as_posix()
        old = DiffInput(f"{since}:{shown}", spec, old_raw, None)
        new = DiffInput(shown, spec, new_raw, None)
        finding = version_finding(old, new, package)
        if finding is not None:
            findings.append(finding)
    return findings
