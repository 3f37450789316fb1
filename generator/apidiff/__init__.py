"""The Python-level change report: what callers of the generated package see change, from two IRs.

Every entry names things as the generated code does (``ReposApi.repos_get_content(body)``,
``models.WorkflowSessionV3.status``). The rules and their levels are documented in
``docs/change-report.md``; ``rules.RULES`` is the same table in code. ``context`` holds one comparison's
state, ``operations`` and ``models`` its two halves of checks.
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import ir
from .context import _selector
from .models import ModelChecks
from .operations import OperationChecks
from .rules import LEVELS, RULES, ApiChange, level_rank, operation_key

__all__ = ["LEVELS", "RULES", "ApiChange", "diff_packages", "level_rank", "operation_key"]


class _Differ(OperationChecks, ModelChecks):
    """Both halves of the checks over one shared state."""


def diff_packages(old: ir.Package, new: ir.Package, operations: Iterable[str] | None = None) -> list[ApiChange]:
    """Every Python-level change from ``old`` to ``new``, sorted by class, method, model and name.

    ``operations`` (operation ids, or ``METHOD /path``) limits the report to those operations and
    the models they reach on either side; None compares everything.
    """
    keep = frozenset(_selector(name) for name in operations) if operations is not None else None
    differ = _Differ(old, new, keep)
    differ.package_level()
    differ.classes()
    differ.operations()
    differ.models()
    unique = {(c.sort_key(), c.subject, c.old or "", c.new or ""): c for c in differ.changes}
    return [unique[key] for key in sorted(unique)]
