"""Static checks: mypy --strict over the generated packages, the generator and the benchmarks; ruff over
everything; black's style for the hand-written code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PACKAGES = sorted(p.name for p in (ROOT / "generated").iterdir() if (p / "__init__.py").is_file())


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "MYPY"))}


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=_env(), timeout=600)


def run_all(commands: dict[str, tuple[list[str], Path]]) -> dict[str, subprocess.CompletedProcess[str]]:
    """Run the commands at the same time (the checks are independent and each takes seconds)."""
    started = {
        name: subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
        for name, (args, cwd) in commands.items()
    }
    results = {}
    for name, process in started.items():
        stdout, stderr = process.communicate(timeout=600)
        results[name] = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    return results


def report(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}: {' '.join(result.args)}\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A mypy cache outside the repository (mypy would otherwise write generated/.mypy_cache)."""
    return tmp_path_factory.mktemp("mypy-cache")


@pytest.fixture(scope="module")
def checks(cache: Path) -> dict[str, subprocess.CompletedProcess[str]]:
    mypy = str(BIN / "mypy")
    return run_all(
        {
            "mypy-generated": (
                [mypy, "--strict", "--cache-dir", str(cache / "generated"), *PACKAGES],
                ROOT / "generated",
            ),
            # strict comes from [tool.mypy] in pyproject.toml
            "mypy-generator": ([mypy, "--cache-dir", str(cache / "generator"), "generator"], ROOT),
            "mypy-benchmarks": ([mypy, "--strict", "--cache-dir", str(cache / "benchmarks"), "benchmarks"], ROOT),
            "ruff": (
                [str(BIN / "ruff"), "check", "--no-cache", "generator", "generated", "tests", "benchmarks"],
                ROOT,
            ),
            # the hand-written code keeps black's style ([tool.black] in pyproject.toml); generated/
            # is excluded there and held to black's style by the golden and layout tests instead
            "black": ([str(BIN / "black"), "--check", "generator", "tests", "benchmarks"], ROOT),
        }
    )


def test_five_packages() -> None:
    assert len(PACKAGES) == 5


@pytest.mark.parametrize(
    "check",
    [
        "mypy-generated",  # --strict over the generated packages
        "mypy-generator",  # strict from pyproject.toml (see the guard below)
        "mypy-benchmarks",  # --strict over benchmarks/
    ],
)
def test_mypy(checks: dict[str, subprocess.CompletedProcess[str]], check: str) -> None:
    result = checks[check]
    assert result.returncode == 0, report(result)
    assert "Success: no issues found" in result.stdout


def test_black_style_of_the_hand_written_code(checks: dict[str, subprocess.CompletedProcess[str]]) -> None:
    result = checks["black"]
    assert result.returncode == 0, report(result)
    assert "would be left unchanged" in result.stderr


def test_mypy_reads_the_strict_setting(cache: Path, tmp_path: Path) -> None:
    """Guard for the test above: a sloppy function in a copy of generator/ is an error under its config."""
    copy = tmp_path / "project"
    copy.mkdir()
    (copy / "pyproject.toml").write_bytes((ROOT / "pyproject.toml").read_bytes())
    (copy / "generator").mkdir()
    (copy / "generator" / "__init__.py").write_text("def untyped(x):\n    return x\n", encoding="utf-8")
    result = run([str(BIN / "mypy"), "--cache-dir", str(cache / "guard"), "generator"], cwd=copy)
    assert result.returncode == 1, report(result)
    assert "no-untyped-def" in result.stdout


def test_ruff_over_generator_generated_tests_and_benchmarks(
    checks: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    result = checks["ruff"]
    assert result.returncode == 0, report(result)


def test_ruff_checks_the_generated_files() -> None:
    """ruff is really checking the generated files (they are not excluded in pyproject.toml)."""
    result = run([str(BIN / "ruff"), "check", "--no-cache", "--show-files", "generated"], cwd=ROOT)
    assert result.returncode == 0, report(result)
    listed = result.stdout
    assert result.stdout, report(result)
    for package in PACKAGES:
        assert f"generated/{package}/client.py" in listed, listed
