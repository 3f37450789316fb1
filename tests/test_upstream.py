"""Full upstream specs (the pinned snapshots in specs/upstream/): ICA v3 with hundreds of operations, libtes as
Swagger 2.0, Etherpad's full API, and CONS3RT's Go-SDK spec, which is invalid.

The valid three generate without a warning; the packages import and pass mypy --strict and
ruff. CONS3RT fails with a clear error naming the pointer and line of the first violation,
and ``--allow-invalid`` generates it anyway with every violation reported as a warning.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from corpuslib import check_packages, generated_operations, operations_of, report, write

from generator.cli import main
from generator.options import Options
from generator.pipeline import generate_many

ROOT = Path(__file__).resolve().parent.parent
UPSTREAM = ROOT / "specs" / "upstream"
VALID = {
    "ica_v3/openapi_public.yaml": "ica_v3_upstream_client",
    "libtes/tes.json": "libtes_upstream_client",
    "etherpad/openapi-1.8.14-api-1.2.15.json": "etherpad_upstream_client",
}
CONS3RT = "cons3rt/openapi.go-sdk-2021-11.yaml"
# the four parameters whose default HOURS is not in their enum (Nanos ... Hours ... Forever)
VIOLATIONS = [
    (4960, "/paths/~1api~1projects~1{id}~1metrics~1virtualmachinecount/get/parameters/4/schema/default"),
    (5042, "/paths/~1api~1projects~1{id}~1metrics~1hostconfiguration/get/parameters/4/schema/default"),
    (7931, "/paths/~1api~1virtualizationrealms~1{id}~1metrics~1virtualmachinecount/get/parameters/4/schema/default"),
    (8013, "/paths/~1api~1virtualizationrealms~1{id}~1metrics~1hostconfiguration/get/parameters/4/schema/default"),
]


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object], tuple[str, ...]]:
    """All four generated in one batch; CONS3RT with --allow-invalid (its warnings returned)."""
    folder = tmp_path_factory.mktemp("upstream")
    names = {**VALID, CONS3RT: "cons3rt_upstream_client"}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(UPSTREAM)
        options = [Options(package=package, allow_invalid=spec == CONS3RT) for spec, package in names.items()]
        packages = generate_many([Path(spec) for spec in names], None, options)
    for spec, package in zip(names, packages, strict=True):
        assert spec == CONS3RT or package.warnings == (), package.warnings
    written = write([_Written(p) for p in packages], folder)  # type: ignore[list-item]
    checks = check_packages(folder, written, tmp_path_factory.mktemp("mypy-cache"))
    return folder, dict(checks), packages[-1].warnings


class _Written:
    """What ``write`` needs of an outcome."""

    def __init__(self, package: object) -> None:
        self.generated = package
        self.package = package.package  # type: ignore[attr-defined]


@pytest.mark.slow
def test_cons3rt_fails_with_the_pointer_and_line_of_the_violation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(UPSTREAM)
    code, stdout, stderr = run(["generate", CONS3RT, "--package", "cons3rt_upstream_client", "-o", str(tmp_path)])
    assert code == 1
    line, pointer = VIOLATIONS[0]
    first, _, fix = stderr.partition("\n")
    assert first.startswith(f"error: {CONS3RT}:{line} at {pointer}: the default value does not match its schema: ")
    assert "'HOURS' is not one of ['Nanos', 'Micros', 'Millis', 'Seconds', 'Minutes', 'Hours'," in first
    assert first.endswith("(3 more violations after this one)")
    assert "--allow-invalid" in fix
    assert list(tmp_path.iterdir()) == [] and stdout == ""


@pytest.mark.slow
def test_allow_invalid_generates_cons3rt_with_each_violation_as_a_warning(
    upstream: tuple[Path, dict[str, object], tuple[str, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, _, warnings = upstream
    assert [w.split(": the default")[0] for w in warnings] == [f"{CONS3RT}:{line} at {p}" for line, p in VIOLATIONS]
    assert all("'HOURS' is not one of" in w for w in warnings)
    assert generated_operations(folder / "cons3rt_upstream_client") == operations_of(UPSTREAM / CONS3RT)
    # the command line prints them as warning lines and goes on
    monkeypatch.chdir(UPSTREAM)
    code, stdout, stderr = run(["validate", CONS3RT, "--package", "cons3rt_upstream_client", "--allow-invalid"])
    assert code == 0, stderr
    assert [line for line in stderr.splitlines() if line.startswith("warning: ")] == [
        "warning: " + w.splitlines()[0] for w in warnings
    ]
    assert stdout.startswith(f"ok: {CONS3RT} (231 operations, ")


@pytest.mark.slow
@pytest.mark.parametrize("spec", sorted(VALID))
def test_every_operation_has_a_method(spec: str, upstream: tuple[Path, dict[str, object], tuple[str, ...]]) -> None:
    folder, _, _ = upstream
    expected = operations_of(UPSTREAM / spec)
    assert len(expected) > (100 if spec.startswith("ica") else 10)
    assert generated_operations(folder / VALID[spec]) == expected


@pytest.mark.slow
@pytest.mark.parametrize("check", ["import", "mypy", "ruff", "black"])
def test_the_packages_import_and_are_clean(
    check: str, upstream: tuple[Path, dict[str, object], tuple[str, ...]]
) -> None:
    _, checks, _ = upstream
    result = checks[check]
    assert result.returncode == 0, report(result)  # type: ignore[arg-type]
