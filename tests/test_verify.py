"""``clientgen verify``: edited, missing and extra files of a vendored copy; stale copies against a
folder and a git revision; hostile manifests are located errors and nothing outside is read."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.cache import Cache
from generator.cli import main
from generator.errors import SpecError, UsageError
from generator.pipeline import generate_many
from generator.verify import Reference, compare, find_packages, verify_package
from generator.writer import write_package

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "generated"
PACKAGE = "etherpad_client"


@pytest.fixture
def vendored(tmp_path: Path) -> Path:
    target = tmp_path / "app" / "myapp" / "_vendor" / PACKAGE
    shutil.copytree(GENERATED / PACKAGE, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def _verify(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["verify", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, object]]]:
    code, out, _ = _verify(capsys, *args, "--format", "json")
    return code, json.loads(out)["packages"]


def _rewrite_manifest(package: Path, change: dict[str, object]) -> None:
    manifest = json.loads((package / "clientgen.json").read_text())
    manifest.update(change)
    (package / "clientgen.json").write_text(json.dumps(manifest))


# ------------------------------------------------------------------------ edited, missing, extra


def test_a_clean_copy_passes(vendored: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _verify(capsys, str(vendored))
    assert (code, err) == (0, "")
    assert out.endswith(f"{PACKAGE}: {PACKAGE} 1.2.15, clean\n")
    result = verify_package(vendored)
    assert result.clean and result.manifest.package == PACKAGE


def test_edited_missing_and_extra_files_are_each_reported(vendored: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (vendored / "session_api.py").write_text((vendored / "session_api.py").read_text().replace("def ", "def  ", 1))
    code, packages = _json(capsys, str(vendored))
    assert code == 1 and packages[0]["edited"] == ["session_api.py"]
    (vendored / "docs" / "SessionApi.md").unlink()
    code, packages = _json(capsys, str(vendored))
    assert code == 1 and packages[0]["missing"] == ["docs/SessionApi.md"]
    (vendored / "docs" / "local.md").write_text("ours")
    (vendored / "__pycache__").mkdir()
    (vendored / "__pycache__" / "models.cpython-311.pyc").write_bytes(b"\0")  # ignored
    code, out, _ = _verify(capsys, str(vendored))
    assert code == 1
    assert "  edited  session_api.py\n  missing docs/SessionApi.md\n  extra   docs/local.md\n" in out
    result = verify_package(vendored)
    assert (result.edited, result.missing, result.extra) == (
        ("session_api.py",),
        ("docs/SessionApi.md",),
        ("docs/local.md",),
    )


def test_an_edited_manifest_is_caught(vendored: Path) -> None:
    (vendored / "models.py").write_text("# mine\n")
    manifest = json.loads((vendored / "clientgen.json").read_text())
    manifest["files"]["models.py"] = "sha256:" + hashlib.sha256(b"# mine\n").hexdigest()
    (vendored / "clientgen.json").write_text(json.dumps(manifest))
    assert verify_package(vendored).edited == ("clientgen.json",)


def test_a_folder_is_searched_for_packages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for package in ("etherpad_client", "libtes_client"):
        shutil.copytree(GENERATED / package, tmp_path / "src" / "deep" / "_vendor" / package)
    (tmp_path / "src" / ".git").mkdir()
    shutil.copytree(GENERATED / "cons3rt_client", tmp_path / "src" / ".git" / "cons3rt_client")  # hidden: skipped
    os.symlink(tmp_path / "src", tmp_path / "src" / "deep" / "loop")  # a symlink loop is not followed
    assert [p.name for p in find_packages(tmp_path / "src")] == ["etherpad_client", "libtes_client"]
    code, packages = _json(capsys, str(tmp_path / "src"))
    assert code == 0 and [p["package"] for p in packages] == ["etherpad_client", "libtes_client"]
    assert find_packages(tmp_path / "src", depth=2) == []


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _verify(capsys, str(tmp_path / "nothing"))
    assert code == 2 and "no such folder" in err
    code, _, err = _verify(capsys, str(tmp_path))
    assert code == 2 and "no clientgen.json" in err
    with pytest.raises(SystemExit) as info:
        main(["verify"])
    assert info.value.code == 2


# ----------------------------------------------------------------------------------- hostile


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"files": {"../../secret.txt": "sha256:" + "0" * 64}}, "/files/..~1..~1secret.txt"),
        ({"files": {"/etc/passwd": "sha256:" + "0" * 64}}, "/files/~1etc~1passwd"),
        ({"files": {"a/./b.py": "sha256:" + "0" * 64}}, "/files/a~1.~1b.py"),
        ({"files": {"C:x.py": "sha256:" + "0" * 64}}, "/files/C:x.py"),
        ({"files": {"a\nb.py": "sha256:" + "0" * 64}}, "/files/a\nb.py"),
        ({"files": {"": "sha256:" + "0" * 64}}, "/files/"),
        ({"files": {"models.py": "md5:abc"}}, "/files/models.py"),
        ({"files": {"clientgen.json": "sha256:" + "0" * 64}}, "/files/clientgen.json"),
        ({"files": ["models.py"]}, "/files"),
        ({"spec": {"path": "x", "file": "../x.yaml", "sha256": "0"}}, "/spec/file"),
        ({"package": 7}, "/package"),
    ],
)
def test_a_hostile_manifest_is_a_located_error(
    vendored: Path, tmp_path: Path, change: dict[str, object], pointer: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "app" / "secret.txt").write_text("outside")
    _rewrite_manifest(vendored, change)
    with pytest.raises(SpecError) as info:
        verify_package(vendored)
    assert info.value.pointer == pointer and info.value.hint
    assert info.value.file.endswith("clientgen.json")
    code, out, err = _verify(capsys, str(vendored))
    assert code == 1 and out == "" and err.startswith("error: ") and "Traceback" not in err


@pytest.mark.parametrize("raw", [b"{not json", b"[]", b"\xff\xfe", b"[" * 100000])
def test_an_unreadable_manifest_is_an_error(vendored: Path, raw: bytes, capsys: pytest.CaptureFixture[str]) -> None:
    (vendored / "clientgen.json").write_bytes(raw)
    code, _, err = _verify(capsys, str(vendored))
    assert code == 1 and "clientgen.json" in err and "fix: " in err and "Traceback" not in err


def test_nothing_is_read_through_a_symlink(vendored: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_bytes((vendored / "models.py").read_bytes())  # same bytes: a read would "match"
    (vendored / "models.py").unlink()
    os.symlink(outside, vendored / "models.py")
    assert verify_package(vendored).edited == ("models.py",)


# ------------------------------------------------------------------------------------ stale


def _generation(tmp_path: Path, version: str, output: Path) -> None:
    """etherpad_client generated with another package version into ``output``."""
    spec = tmp_path / "specs" / "etherpad.yaml"
    spec.parent.mkdir(exist_ok=True)
    text = (ROOT / "specs" / "etherpad.yaml").read_text(encoding="utf-8")
    settings = "  project: etherpad-client\n  version: 1.2.15\n"  # x-python-client's, not info's
    assert text.count(settings) == 1
    spec.write_text(text.replace(settings, settings.replace("1.2.15", version)), encoding="utf-8")
    (package,) = generate_many([spec], Cache(None), None, output)
    write_package(output / package.package, package.files)


def test_stale_against_a_folder(vendored: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert compare(vendored, str(GENERATED)) is None
    _generation(tmp_path, "1.3.0", tmp_path / "generated")
    stale = compare(vendored, str(tmp_path / "generated"))
    assert stale is not None
    assert (stale.package, stale.version, stale.reference_version) == (PACKAGE, "1.2.15", "1.3.0")
    assert stale.spec_sha256 != stale.reference_spec_sha256 and stale.tree != stale.reference_tree
    assert stale.spec == (GENERATED / PACKAGE / "openapi.yaml").read_bytes()
    assert stale.reference_spec == (tmp_path / "specs" / "etherpad.yaml").read_bytes()
    code, packages = _json(capsys, str(vendored), "--against", str(tmp_path / "generated"))
    assert code == 1 and packages[0]["edited"] == [] and packages[0]["clean"] is False
    assert packages[0]["stale"]["reference_version"] == "1.3.0"  # type: ignore[index]
    code, out, _ = _verify(capsys, str(vendored), "--against", str(tmp_path / "generated"))
    assert code == 1 and "  stale   1.2.15 here, 1.3.0 in " in out


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    identity = ["-c", "user.name=clientgen tests", "-c", "user.email=tests@example.invalid"]
    subprocess.run(["git", *identity, *args], cwd=repo, env=env, check=True, capture_output=True)


def test_stale_against_a_git_revision(
    vendored: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(GENERATED / PACKAGE, repo / "generated" / PACKAGE, ignore=shutil.ignore_patterns("__pycache__"))
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "first")
    _generation(tmp_path, "2.0.0", repo / "generated")
    _git(repo, "commit", "-q", "-am", "second")
    monkeypatch.chdir(repo)
    assert compare(vendored, Reference.load("HEAD~1")) is None
    stale = compare(vendored, Reference.load("HEAD:generated"))
    assert stale is not None and stale.reference_version == "2.0.0"
    assert stale.reference == f"HEAD:generated/{PACKAGE}"
    code, out, _ = _verify(capsys, str(vendored), "--against", "HEAD")
    assert code == 1 and "1.2.15 here, 2.0.0 in HEAD:generated/etherpad_client" in out
    assert _verify(capsys, str(vendored), "--against", "HEAD~1")[0] == 0
    code, _, err = _verify(capsys, str(vendored), "--against", "no-such-rev")
    assert code == 2 and "git" in err


def test_a_reference_without_the_package_is_a_usage_error(vendored: Path, tmp_path: Path) -> None:
    shutil.copytree(GENERATED / "libtes_client", tmp_path / "other" / "libtes_client")
    with pytest.raises(UsageError, match="no package 'etherpad_client'"):
        compare(vendored, str(tmp_path / "other"))


def test_a_broken_manifest_does_not_hide_the_other_packages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for package in ("etherpad_client", "libtes_client"):
        shutil.copytree(GENERATED / package, tmp_path / "vendor" / package)
    (tmp_path / "vendor" / "etherpad_client" / "clientgen.json").write_text("{}")
    code, packages = _json(capsys, str(tmp_path / "vendor"))
    assert code == 1
    assert "error" in packages[0] and str(packages[0]["path"]).endswith("etherpad_client")
    assert packages[1]["package"] == "libtes_client" and packages[1]["clean"] is True
