"""The command line (generate / check / validate) on a copy of the repository, and the atomic writer."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator import writer
from generator.cli import is_spec_file, main
from generator.writer import MARKER, read_tree, write_package

ROOT = Path(__file__).resolve().parent.parent
SPEC_NAMES = sorted(p.name for p in (ROOT / "specs").glob("*.yaml") if is_spec_file(p))
PACKAGES = ["cons3rt_client", "etherpad_client", "ica_v3_client", "libtes_client", "vidispine_client"]


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry below ``folder`` (hidden ones and folders too): the exact state of the tree."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(folder.rglob("*"))
        if "__pycache__" not in p.parts
    }


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, black_memo: None) -> Path:
    """A copy of the repository's specs/ and generated/, as the working directory."""
    shutil.copytree(ROOT / "specs", tmp_path / "specs")
    shutil.copytree(ROOT / "generated", tmp_path / "generated", ignore=shutil.ignore_patterns("__pycache__", ".*cache"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="module")
def fresh_template(tmp_path_factory: pytest.TempPathFactory, black_memo: None) -> Path:
    """The copy, regenerated once, so these tests hold whether or not the repository's snapshot is fresh."""
    template = tmp_path_factory.mktemp("fresh")
    shutil.copytree(ROOT / "specs", template / "specs")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(template)
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["generate"]) == 0
    return template


@pytest.fixture
def fresh_project(fresh_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, black_memo: None) -> Path:
    """A fresh copy of specs/ and generated/ as the working directory."""
    shutil.copytree(fresh_template / "specs", tmp_path / "specs")
    shutil.copytree(fresh_template / "generated", tmp_path / "generated")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ---------------------------------------------------------------- generate


def test_generate_writes_packages_then_reports_unchanged(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(project / "generated")
    assert main(["generate"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 5
    for spec, package, line in zip(SPEC_NAMES, PACKAGES, out, strict=True):
        assert line.startswith(f"specs/{spec} -> generated/{package}/ (")
        assert line.endswith(", written)")
        assert "operations" in line and "models" in line
        files = read_tree(project / "generated" / package)
        assert {"__init__.py", "client.py", "models.py", "pyproject.toml", "README.md", "py.typed"} <= set(files)
        assert files["__init__.py"].startswith(MARKER.encode())
    first = snapshot(project / "generated")

    assert main(["generate"]) == 0
    again = capsys.readouterr().out.splitlines()
    assert [line.replace(", unchanged)", ", written)") for line in again] == out
    assert all(line.endswith(", unchanged)") for line in again)
    assert snapshot(project / "generated") == first


def test_generate_rewrites_only_the_package_that_differs(
    fresh_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edited = fresh_project / "generated" / "libtes_client" / "models.py"
    original = edited.read_bytes()
    edited.write_bytes(original + b"# hand edit\n")
    assert main(["generate"]) == 0
    out = capsys.readouterr().out
    assert "generated/libtes_client/ (" in out
    states = {line.split(" -> ")[1].split("/ ")[0]: line.rsplit(", ", 1)[1] for line in out.splitlines()}
    assert states == {f"generated/{p}": ("written)" if p == "libtes_client" else "unchanged)") for p in PACKAGES}
    assert edited.read_bytes() == original


def test_generate_one_spec_by_path(fresh_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(fresh_project / "generated" / "etherpad_client")
    assert main(["generate", "specs/etherpad.yaml"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [out[0]] and out[0].startswith("specs/etherpad.yaml -> generated/etherpad_client/ (")
    assert (fresh_project / "generated" / "etherpad_client" / "__init__.py").is_file()


# ---------------------------------------------------------------- check


def test_check_passes_when_fresh_and_writes_nothing(fresh_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(fresh_project)
    assert main(["check"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == "generated/ is up to date (5 packages)"
    assert captured.err == ""
    assert snapshot(fresh_project) == before


def test_check_reports_a_hand_edit_with_a_unified_diff(fresh_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = fresh_project / "generated" / "etherpad_client" / "client.py"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    victim = next(i for i, line in enumerate(lines) if "DEFAULT_BASE_URL =" in line)
    original_line = lines[victim]
    lines[victim] = 'DEFAULT_BASE_URL = "http://edited.invalid"\n'
    path.write_text("".join(lines), encoding="utf-8")
    before = snapshot(fresh_project)

    assert main(["check"]) == 1
    captured = capsys.readouterr()
    out = captured.out
    assert "--- a/generated/etherpad_client/client.py\n" in out
    assert "+++ b/generated/etherpad_client/client.py\n" in out
    assert "\n@@ -" in out
    assert '\n-DEFAULT_BASE_URL = "http://edited.invalid"\n' in out
    assert "\n+" + original_line in out
    # only the edited file is in the diff
    assert out.count("\n--- ") + out.startswith("--- ") == 1
    assert "make generate" in captured.err
    assert snapshot(fresh_project) == before  # check writes nothing


def test_check_shows_a_file_added_by_hand_as_removed(fresh_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (fresh_project / "generated" / "vidispine_client" / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "--- a/generated/vidispine_client/notes.txt\n+++ /dev/null\n" in out
    assert "\n-mine\n" in out


def test_check_shows_a_deleted_file_as_added(fresh_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (fresh_project / "generated" / "ica_v3_client" / "errors.py").unlink()
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "--- /dev/null\n+++ b/generated/ica_v3_client/errors.py\n" in out
    assert f"\n+{MARKER}" in out


def test_check_reports_a_missing_package(fresh_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(fresh_project / "generated" / "cons3rt_client")
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "--- /dev/null\n+++ b/generated/cons3rt_client/__init__.py\n" in out


def test_stale_package_is_reported_by_check_and_removed_by_generate_all(
    fresh_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    generated = fresh_project / "generated"
    stale = generated / "old_client"
    stale.mkdir()
    (stale / "__init__.py").write_text(f"{MARKER} 0.0.1 from specs/old.yaml.\n", encoding="utf-8")
    (stale / "api.py").write_text("x = 1\n", encoding="utf-8")
    record = generated / ".clientgen-packages"  # what an earlier run that wrote it recorded
    record.write_text(record.read_text(encoding="utf-8") + "old_client\n", encoding="utf-8")
    handmade = generated / "handmade"  # not generated: never touched
    handmade.mkdir()
    (handmade / "__init__.py").write_text("# my own code\n", encoding="utf-8")

    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "--- a/generated/old_client/__init__.py\n+++ /dev/null\n" in out
    assert "--- a/generated/old_client/api.py\n+++ /dev/null\n" in out
    assert "handmade" not in out
    assert stale.is_dir()

    # generating one spec by name does not know about the others, so it removes nothing
    assert main(["generate", "specs/etherpad.yaml"]) == 0
    assert stale.is_dir()
    capsys.readouterr()

    assert main(["generate"]) == 0
    out = capsys.readouterr().out
    assert "removed generated/old_client/ (no spec generates it)" in out
    assert not stale.exists()
    assert (handmade / "__init__.py").read_text(encoding="utf-8") == "# my own code\n"
    assert main(["check"]) == 0


# ---------------------------------------------------------------- validate


def test_validate_prints_ok_lines_and_writes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(project / "generated")
    assert main(["validate"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5
    for spec, line in zip(SPEC_NAMES, lines, strict=True):
        assert line.startswith(f"ok: specs/{spec} (")
        assert line.endswith(" models)") and " operations, " in line
    assert not (project / "generated").exists()


def test_validate_counts_match_generate(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    validated = [line.split(" (")[1] for line in capsys.readouterr().out.splitlines()]
    assert main(["generate"]) == 0
    generated = [line.split(" (")[1].rsplit(", ", 1)[0] + ")" for line in capsys.readouterr().out.splitlines()]
    assert validated == generated


# ---------------------------------------------------------------- usage errors


@pytest.mark.parametrize("argv", [["frobnicate"], [], ["generate", "--no-such-option"], ["validate", "-o", "x"]])
def test_bad_command_lines_exit_2(argv: list[str], project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert "usage: clientgen" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["generate", "check", "validate"])
def test_missing_spec_file_exits_2(command: str, project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(project)
    assert main([command, "specs/nope.yaml"]) == 2
    captured = capsys.readouterr()
    assert captured.err == "clientgen: error: no such spec file: specs/nope.yaml\n"
    assert snapshot(project) == before


def test_missing_spec_folder_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["generate"]) == 2
    assert "no spec folder specs/" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_two_specs_for_one_package_exit_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(project / "specs" / "etherpad.yaml", project / "specs" / "etherpad_copy.yaml")
    before = snapshot(project / "generated")
    assert main(["generate", "specs/etherpad.yaml", "specs/libtes.yaml", "specs/etherpad_copy.yaml"]) == 2
    err = capsys.readouterr().err
    assert "specs/etherpad.yaml and specs/etherpad_copy.yaml both generate the package 'etherpad_client'" in err
    assert snapshot(project / "generated") == before


def test_real_process_exit_codes(project: Path) -> None:
    """The console entry point as a process: the exit status, not just main()'s return value."""
    (project / "specs" / "broken.yaml").write_text("openapi: 3.0.3\ninfo: [\n", encoding="utf-8")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("CLIENTGEN_DEBUG", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "generator", *args], capture_output=True, text=True, env=env, timeout=120
        )

    usage = run("frobnicate")
    assert usage.returncode == 2, usage.stderr
    missing = run("validate", "specs/nope.yaml")
    assert missing.returncode == 2, missing.stderr
    broken = run("validate", "specs/broken.yaml")
    assert broken.returncode == 1, broken.stderr
    assert broken.stderr.startswith("error: specs/broken.yaml:")
    assert "Traceback" not in broken.stderr


def test_a_bug_in_the_generator_exits_3_with_its_traceback(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An exception that is not a SpecError is a bug: exit 3, the traceback, never "your spec is wrong"."""
    import generator.normalize

    def broken(*args: object, **kwargs: object) -> None:
        raise AttributeError("'NoneType' object has no attribute 'name'")

    monkeypatch.setattr(generator.normalize, "normalize", broken)
    before = snapshot(project / "generated")
    assert main(["generate", "--no-cache", "specs/libtes.yaml"]) == 3
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert "AttributeError: 'NoneType' object has no attribute 'name'" in err
    assert "a bug in clientgen, not in your spec" in err
    assert "error: specs/libtes.yaml" not in err
    assert snapshot(project / "generated") == before


# ---------------------------------------------------------------- broken specs

BROKEN = {
    # name: (spec text, line, pointer or None, words in the message)
    "unresolved_ref": (
        """
        openapi: 3.0.3
        info: {title: Broken, version: "1"}
        x-python-client: {package: broken_client, version: 1.0.0}
        paths:
          /things:
            get:
              operationId: listThings
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema:
                        $ref: "#/components/schemas/Missing"
        """,
        14,
        "/paths/~1things/get/responses/200/content/application~1json/schema/$ref",
        "unresolved $ref",
    ),
    "invalid_openapi": (
        """
        openapi: 3.0.3
        info: {title: Broken, version: "1"}
        x-python-client: {package: broken_client, version: 1.0.0}
        paths:
          /things:
            get:
              operationId: listThings
              parameters:
                - name: limit
                  in: querystring
                  schema: {type: integer}
              responses:
                "200": {description: ok}
        """,
        10,
        "/paths/~1things/get/parameters/0/in",
        "'querystring' is not one of ['path', 'query', 'header', 'cookie']",
    ),
    "bad_settings": (
        """
        openapi: 3.0.3
        info: {title: Broken, version: "1"}
        x-python-client:
          package: broken-client
          version: 1.0.0
        paths: {}
        """,
        4,
        "/x-python-client/package",
        "package must be a Python identifier",
    ),
    "bad_yaml": (
        """
        openapi: 3.0.3
        info:
          title: Broken
           version: "1"
        paths: {}
        """,
        4,
        None,
        "invalid YAML at line 4",
    ),
}


def _error_line(err: str) -> str:
    lines = err.splitlines()
    assert lines and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    return lines[0]


def _write_broken(project: Path, case: str) -> None:
    # sorts after every real spec: the good specs come first and would be written first by a non-atomic tool
    text = textwrap.dedent(BROKEN[case][0]).lstrip("\n")
    (project / "specs" / "zz_broken.yaml").write_text(text, encoding="utf-8")


def _assert_reported(case: str, err: str, spec: str = "specs/zz_broken.yaml") -> None:
    _, line, pointer, words = BROKEN[case]
    first = _error_line(err)
    assert first.startswith(f"error: {spec}:{line}" + (f" at {pointer}: " if pointer else ": ")), first
    assert words in err
    assert "\n  fix: " in err  # every error says what to do


def test_broken_last_spec_fails_generate_all_and_touches_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_broken(project, "unresolved_ref")
    # a hand edit that a generation of the good specs before the broken one would overwrite
    edited = project / "generated" / "vidispine_client" / "models.py"
    edited.write_bytes(edited.read_bytes() + b"# hand edit\n")
    stale = project / "generated" / "old_client"  # and a stale package generate-all would remove
    stale.mkdir()
    (stale / "__init__.py").write_text(f"{MARKER} 0.0.1\n", encoding="utf-8")
    before = snapshot(project / "generated")

    assert main(["generate"]) == 1
    captured = capsys.readouterr()
    _assert_reported("unresolved_ref", captured.err)
    assert captured.out == ""
    assert snapshot(project / "generated") == before  # nothing written, nothing removed, no staging left


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_spec_after_good_ones_fails_generate_and_touches_nothing(
    case: str, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_broken(project, case)
    shutil.rmtree(project / "generated" / "etherpad_client")  # generating etherpad would recreate it
    edited = project / "generated" / "libtes_client" / "models.py"  # and undo this
    edited.write_bytes(edited.read_bytes() + b"# hand edit\n")
    before = snapshot(project / "generated")

    assert main(["generate", "specs/etherpad.yaml", "specs/libtes.yaml", "specs/zz_broken.yaml"]) == 1
    captured = capsys.readouterr()
    _assert_reported(case, captured.err)
    assert captured.out == ""
    assert snapshot(project / "generated") == before


@pytest.mark.parametrize("case", ["bad_settings", "unresolved_ref"])
@pytest.mark.parametrize("command", ["check", "validate"])
def test_broken_spec_fails_check_and_validate(
    case: str, command: str, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_broken(project, case)
    before = snapshot(project)
    assert main([command, "specs/zz_broken.yaml"]) == 1
    captured = capsys.readouterr()
    _assert_reported(case, captured.err)
    assert captured.out == ""
    assert snapshot(project) == before


# ---------------------------------------------------------------- atomic writes


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def _failing_on_call(monkeypatch: pytest.MonkeyPatch, name: str, fail_on: int, error: BaseException) -> list[Path]:
    """Make ``Path.<name>`` raise ``error`` on its ``fail_on``-th call; returns the paths it saw."""
    original = getattr(Path, name)
    calls: list[Path] = []

    def patched(self: Path, *args: object, **kwargs: object) -> object:
        calls.append(self)
        if len(calls) == fail_on:
            raise error
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, name, patched)
    return calls


@pytest.fixture
def package_dir(tmp_path: Path) -> Path:
    target = tmp_path / "out" / "pkg"
    assert write_package(target, {"__init__.py": b"old init\n", "a.py": b"old a\n", "sub/b.py": b"old b\n"})
    return target


NEW_FILES = {"__init__.py": b"new init\n", "a.py": b"new a\n", "c.py": b"new c\n", "sub/b.py": b"new b\n"}


def test_write_package_replaces_the_tree_exactly(package_dir: Path) -> None:
    assert write_package(package_dir, NEW_FILES) is True
    assert read_tree(package_dir) == NEW_FILES
    assert write_package(package_dir, NEW_FILES) is False
    assert _leftovers(package_dir.parent) == []


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_failed_write_leaves_the_old_package_and_no_staging(
    package_dir: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    before = snapshot(package_dir.parent)
    calls = _failing_on_call(monkeypatch, "write_bytes", 3, error)
    with pytest.raises(type(error)):
        write_package(package_dir, NEW_FILES)
    assert len(calls) == 3
    assert all(package_dir not in p.parents for p in calls), "the writer wrote into the live package"
    monkeypatch.undo()
    assert snapshot(package_dir.parent) == before
    assert _leftovers(package_dir.parent) == []


def test_a_failed_swap_restores_the_old_package(package_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(package_dir.parent)
    # the first rename moves the old package aside, the second would move the new one in
    _failing_on_call(monkeypatch, "rename", 2, OSError(5, "Input/output error"))
    with pytest.raises(OSError):
        write_package(package_dir, NEW_FILES)
    monkeypatch.undo()
    assert snapshot(package_dir.parent) == before
    assert _leftovers(package_dir.parent) == []


def test_interrupted_generate_leaves_the_output_untouched(
    fresh_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for package in PACKAGES:  # every package needs rewriting
        init = fresh_project / "generated" / package / "__init__.py"
        init.write_bytes(init.read_bytes() + b"# edited\n")
    before = snapshot(fresh_project / "generated")
    _failing_on_call(monkeypatch, "write_bytes", 3, KeyboardInterrupt())
    assert main(["generate"]) == 130
    monkeypatch.undo()
    assert "no package was half-written" in capsys.readouterr().err
    after = snapshot(fresh_project / "generated")
    assert after.pop(".clientgen.lock") == b""  # the run's lock file stays (git-ignored)
    before.pop(".clientgen.lock", None)
    assert after == before


def test_writer_module_uses_path_write_bytes() -> None:
    """Guard for the tests above: they simulate failures through ``Path.write_bytes``/``rename``."""
    source = Path(writer.__file__).read_text(encoding="utf-8")
    assert ".write_bytes(" in source and ".rename(" in source
