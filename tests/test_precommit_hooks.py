"""``.pre-commit-hooks.yaml`` parses, and each hook runs a clientgen command that exists."""

from __future__ import annotations

import shlex
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import yaml

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
# the console scripts the installed generator provides (pyproject.toml's [project.scripts])
SCRIPTS = {script.name: script.value for script in entry_points(group="console_scripts")}


def test_the_hooks_are_verify_and_check() -> None:
    assert isinstance(HOOKS, list)
    assert [hook["id"] for hook in HOOKS] == ["clientgen-verify", "clientgen-check"]
    for hook in HOOKS:
        assert {"id", "name", "entry", "language"} <= set(hook), hook
        assert hook["language"] == "python"  # pre-commit installs this repository, which provides the script
        assert hook["pass_filenames"] is False  # both commands take folders, not the changed files


@pytest.mark.parametrize("hook", HOOKS, ids=[hook["id"] for hook in HOOKS])
def test_each_hook_names_an_existing_command(hook: dict[str, object], capsys: pytest.CaptureFixture[str]) -> None:
    script, command = shlex.split(str(hook["entry"]))
    assert script in SCRIPTS and SCRIPTS[script] == "generator.cli:main"
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    assert f"usage: clientgen {command}" in capsys.readouterr().out


def test_the_verify_hook_passes_on_the_generated_packages(capsys: pytest.CaptureFixture[str]) -> None:
    (verify,) = (hook for hook in HOOKS if hook["id"] == "clientgen-verify")
    assert verify["args"] == ["."]  # by default every package below the repository root; users name their folder
    assert main([*shlex.split(verify["entry"])[1:], str(ROOT / "generated")]) == 0
    assert capsys.readouterr().out.count(", clean\n") == 5
