"""The generator's record of the runtime's names (generator/runtime_names.py) matches the runtime itself:
every name the generated modules import from a runtime module is in that module's ``__all__``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from generator import runtime_names

RUNTIME = Path(__file__).resolve().parents[2] / "templates" / "runtime"


def _exports(module: str) -> set[str]:
    tree = ast.parse((RUNTIME / f"{module}.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            assert isinstance(node.value, ast.List | ast.Tuple)
            return {e.value for e in node.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
    raise AssertionError(f"templates/runtime/{module}.py has no __all__")


@pytest.mark.parametrize("module", [m for m in runtime_names.RUNTIME_EXPORTS if (RUNTIME / f"{m[1:]}.py").is_file()])
def test_what_the_package_re_exports_is_exported_by_the_runtime(module: str) -> None:
    missing = set(runtime_names.RUNTIME_EXPORTS[module]) - _exports(module[1:])
    assert not missing, f"{module} does not export {sorted(missing)}"


def test_what_every_api_module_imports_is_exported_by_the_transport() -> None:
    assert runtime_names.TRANSPORT_NAMES <= _exports("_transport")


def test_the_status_errors_are_the_runtimes() -> None:
    assert set(runtime_names.STATUS_ERRORS) <= _exports("errors")
