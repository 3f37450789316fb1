"""``clientgen check --since REV``: the package version must follow the Python-level changes since REV."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from generator.loader import parse_text
from generator.upstream.emit import dump

ROOT = Path(__file__).resolve().parent.parent


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _write(spec: Path, data: Any) -> None:
    spec.write_text(dump(data), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "specs").mkdir()
    spec = tmp_path / "specs" / "vidispine.yaml"
    _write(spec, parse_text((ROOT / "specs" / "vidispine.yaml").read_text("utf-8"), "vidispine.yaml"))
    monkeypatch.chdir(tmp_path)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "add", "-A")
    assert main(["generate"]) == 0
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "base")
    return tmp_path


def _edit(repo: Path, change: Any) -> None:
    spec = repo / "specs" / "vidispine.yaml"
    data = parse_text(spec.read_text("utf-8"), "vidispine.yaml")
    change(data)
    _write(spec, data)
    assert main(["generate"]) == 0


def _drop_operation(data: Any) -> None:
    first = next(iter(data["paths"]))
    del data["paths"][first]


def test_unchanged_specs_pass(repo: Path) -> None:
    assert main(["check", "--since", "HEAD"]) == 0


def test_a_breaking_change_needs_a_major_version(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(repo, _drop_operation)
    assert main(["check"]) == 0  # fresh output, but ...
    capsys.readouterr()
    assert main(["check", "--since", "HEAD"]) == 1  # ... the version does not say what changed
    err = capsys.readouterr().err
    assert "package version 5.0.4 is lower than 6.0.0" in err
    assert "breaking" in err and "raise x-python-client.version" in err

    def bump(data: Any) -> None:
        data["x-python-client"]["version"] = "6.0.0"

    _edit(repo, bump)
    assert main(["check", "--since", "HEAD"]) == 0


def test_an_addition_needs_a_minor_version(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def add_optional_parameter(data: Any) -> None:
        for item in data["paths"].values():
            for operation in item.values():
                if isinstance(operation, dict) and "responses" in operation:
                    operation.setdefault("parameters", []).append(
                        {"name": "traceTag", "in": "query", "required": False, "schema": {"type": "string"}}
                    )
                    return

    _edit(repo, add_optional_parameter)
    assert main(["check", "--since", "HEAD"]) == 1
    assert "lower than 5.1.0" in capsys.readouterr().err
