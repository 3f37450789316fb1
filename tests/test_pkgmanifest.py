"""Every package carries clientgen.json, its spec and CHANGES.md; headers hold no spec hash, so a
one-field spec change touches only the files whose code changed; ``python -m <pkg> --verify``
checks a vendored copy with the standard library."""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import __version__
from generator.cache import Cache
from generator.cli import main
from generator.errors import SpecError
from generator.loader import load_document
from generator.manifest import source_name, tree_digest
from generator.pipeline import generate_many
from generator.writer import read_tree

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "generated"
PACKAGES = sorted(d.name for d in GENERATED.iterdir() if (d / "clientgen.json").is_file())
DATA_FILES = ("clientgen.json", "openapi.yaml", "CHANGES.md", "py.typed")


def _checkout(folder: Path) -> Path:
    shutil.copytree(ROOT / "specs", folder / "specs")
    return folder


def _generate(cwd: Path, output: Path, *specs: str) -> dict[str, dict[str, bytes]]:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        assert main(["generate", "--no-cache", "-o", str(output), *specs]) == 0
    finally:
        os.chdir(old)
    return {d.name: read_tree(d) for d in sorted(output.iterdir()) if d.is_dir()}


# ------------------------------------------------------------------------------ the manifest


@pytest.mark.parametrize("package", PACKAGES)
def test_the_manifest_hashes_every_other_file_and_the_tree(package: str) -> None:
    files = read_tree(GENERATED / package)
    raw = files.pop("clientgen.json")
    manifest = json.loads(raw)
    assert raw.decode() == json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    assert sorted(manifest) == ["clientgen", "files", "package", "spec", "tree", "upstream", "version"]
    assert manifest["clientgen"] == __version__ and manifest["package"] == package
    assert manifest["files"] == {name: "sha256:" + hashlib.sha256(files[name]).hexdigest() for name in sorted(files)}
    lines = "".join(f"{manifest['files'][name]} {name}\n" for name in sorted(files))
    assert manifest["tree"] == "sha256:" + hashlib.sha256(lines.encode()).hexdigest()
    spec = ROOT / manifest["spec"]["path"]
    assert manifest["spec"]["path"].startswith("specs/") and spec.is_file()
    assert manifest["spec"]["file"] == "openapi.yaml"
    assert files["openapi.yaml"] == spec.read_bytes()  # shipped byte for byte
    assert manifest["spec"]["sha256"] == hashlib.sha256(spec.read_bytes()).hexdigest()
    assert f'version = "{manifest["version"]}"' in files["pyproject.toml"].decode()


@pytest.mark.parametrize("package", PACKAGES)
def test_changes_and_data_files_ship_with_the_package(package: str) -> None:
    manifest = json.loads((GENERATED / package / "clientgen.json").read_bytes())
    changes = ROOT / manifest["spec"]["path"].replace(".yaml", ".changes.md")
    assert (GENERATED / package / "CHANGES.md").read_bytes() == changes.read_bytes()
    assert f"## {manifest['version']}\n" in changes.read_text()
    pyproject = (GENERATED / package / "pyproject.toml").read_text()
    data = pyproject.split("[tool.setuptools.package-data]", 1)[1]
    for name in DATA_FILES:
        assert f'"{name}"' in data, f"{name} is not package data"


def test_a_spec_without_companions_gets_a_default_changes_file_and_no_upstream(tmp_path: Path) -> None:
    spec = tmp_path / "specs" / "etherpad.yaml"
    spec.parent.mkdir()
    shutil.copy(ROOT / "specs" / "etherpad.yaml", spec)
    (package,) = generate_many([spec], Cache(None), None, tmp_path / "generated")
    assert package.files["CHANGES.md"] == b"# Changes\n\n## 1.2.15\n\nFirst generated from `specs/etherpad.yaml`.\n"
    assert json.loads(package.files["clientgen.json"])["upstream"] is None


def _spec_with_recipe(tmp_path: Path, recipe: str) -> Path:
    spec = tmp_path / "specs" / "etherpad.yaml"
    spec.parent.mkdir(exist_ok=True)
    shutil.copy(ROOT / "specs" / "etherpad.yaml", spec)
    (tmp_path / "specs" / "etherpad.recipe.yaml").write_text(recipe, encoding="utf-8")
    return spec


def test_the_manifest_repeats_the_recipes_upstream_provenance(tmp_path: Path) -> None:
    recipe = (
        "clientgen-recipe: 1\n"
        "upstream:\n"
        "  file: upstream/etherpad/openapi.json\n"
        "  sha256: 0ca6139c\n"
        "  origin: {repository: ether/etherpad-lite, retrieved: 2025-11-03, note: '</script>\"'}\n"
        '  api-version: "1.2.15"\n'
        "  format: openapi-3.0\n"
        "select: {operations: [createSession]}\n"
    )
    spec = _spec_with_recipe(tmp_path, recipe)
    (package,) = generate_many([spec], Cache(None), None, tmp_path / "generated")
    upstream = json.loads(package.files["clientgen.json"])["upstream"]
    assert upstream == {
        "api_version": "1.2.15",
        "file": "upstream/etherpad/openapi.json",
        "origin": {"note": '</script>"', "repository": "ether/etherpad-lite", "retrieved": "2025-11-03"},
        "sha256": "0ca6139c",
    }


@pytest.mark.parametrize("recipe", ["upstream: none\n", "clientgen-recipe: 1\n", "", "upstream: {format: x}\n"])
def test_a_recipe_without_upstream_gives_null(tmp_path: Path, recipe: str) -> None:
    spec = _spec_with_recipe(tmp_path, recipe)
    (package,) = generate_many([spec], Cache(None), None, tmp_path / "generated")
    assert json.loads(package.files["clientgen.json"])["upstream"] is None


@pytest.mark.parametrize(
    ("recipe", "pointer", "message"),
    [
        ("upstream: [a, b]\n", "/upstream", "upstream must be a mapping"),
        ("upstream: {origin: {n: .nan}}\n", "/upstream/origin/n", "cannot be written to the manifest"),
        ("upstream: {file: [\n", "", "invalid YAML"),
        ("- a list\n", "", "a recipe is a mapping"),
    ],
)
def test_a_broken_recipe_is_a_located_error(tmp_path: Path, recipe: str, pointer: str, message: str) -> None:
    spec = _spec_with_recipe(tmp_path, recipe)
    with pytest.raises(SpecError) as info:
        generate_many([spec], Cache(None), None, tmp_path / "generated")
    assert info.value.file.endswith("etherpad.recipe.yaml")
    assert info.value.pointer == pointer and message in info.value.message and info.value.hint


def test_the_package_cache_key_covers_the_recipe_and_the_changes_file(tmp_path: Path) -> None:
    spec = _spec_with_recipe(tmp_path, "upstream: {api-version: '1'}\n")
    cache = Cache(tmp_path / "cache")
    first = generate_many([spec], cache, None, tmp_path / "generated")[0].files
    assert generate_many([spec], cache, None, tmp_path / "generated")[0].files == first
    (tmp_path / "specs" / "etherpad.recipe.yaml").write_text("upstream: {api-version: '2'}\n", encoding="utf-8")
    second = generate_many([spec], cache, None, tmp_path / "generated")[0].files
    assert json.loads(second["clientgen.json"])["upstream"] == {"api_version": "2"}
    (tmp_path / "specs" / "etherpad.changes.md").write_text("# Changes\n\n## 9.9.9\n", encoding="utf-8")
    third = generate_many([spec], cache, None, tmp_path / "generated")[0].files
    assert third["CHANGES.md"] == b"# Changes\n\n## 9.9.9\n"
    assert third == generate_many([spec], Cache(None), None, tmp_path / "generated")[0].files


# ------------------------------------------------------------------------ headers and diffs


def test_python_headers_hold_no_hash(tmp_path: Path) -> None:
    for package in PACKAGES:
        for name, content in read_tree(GENERATED / package).items():
            if name.endswith(".py"):
                head = content.decode().split("\n", 2)[:2]
                assert head[0].startswith("# Generated by clientgen ") and "sha256" not in head[0] + head[1], name


def test_a_one_field_change_touches_only_the_files_whose_code_changed(tmp_path: Path) -> None:
    checkout = _checkout(tmp_path)
    before = _generate(checkout, checkout / "generated", "specs/ica_v3.yaml")["ica_v3_client"]
    spec = checkout / "specs" / "ica_v3.yaml"
    text = spec.read_text(encoding="utf-8")
    old = "description: The full name of the country."
    assert text.count(old) == 1
    spec.write_text(text.replace(old, "description: The full English name of the country."), encoding="utf-8")
    after = _generate(checkout, checkout / "generated", "specs/ica_v3.yaml")["ica_v3_client"]
    changed = sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))
    assert changed == ["clientgen.json", "docs/models.md", "models.py", "openapi.yaml"]
    assert b"The full English name of the country." in after["models.py"]


def test_output_does_not_depend_on_where_clientgen_runs(tmp_path: Path) -> None:
    checkout = _checkout(tmp_path / "checkout")
    elsewhere = tmp_path / "elsewhere" / "deeper"
    elsewhere.mkdir(parents=True)
    from_root = _generate(checkout, checkout / "generated")
    from_elsewhere = _generate(elsewhere, checkout / "generated2", "--specs", str(checkout / "specs"))
    assert from_root == from_elsewhere
    assert from_root == {package: read_tree(GENERATED / package) for package in PACKAGES}


def test_the_spec_is_named_relative_to_the_output_folders_parent(tmp_path: Path) -> None:
    spec = tmp_path / "a" / "specs" / "x.yaml"
    assert source_name(spec, tmp_path / "a" / "generated") == "specs/x.yaml"
    assert source_name(spec, tmp_path / "a" / "out" / "generated") == "x.yaml"
    assert source_name(spec, tmp_path / "b" / "generated") == "x.yaml"
    assert source_name(tmp_path / "a" / "api.json", tmp_path / "a" / "generated") == "api.json"


def test_the_tree_hash_depends_on_paths_and_hashes() -> None:
    one = tree_digest({"a.py": "sha256:1", "b.py": "sha256:2"})
    assert one == tree_digest({"b.py": "sha256:2", "a.py": "sha256:1"})
    assert one != tree_digest({"a.py": "sha256:2", "b.py": "sha256:1"})
    assert one != tree_digest({"a.py": "sha256:1", "c.py": "sha256:2"})


# -------------------------------------------------------------- python -m <package> --verify


PACKAGE = "etherpad_client"


@pytest.fixture
def vendored(tmp_path: Path) -> Path:
    """generated/etherpad_client copied to tmp/myapp/_vendor/etherpad_client."""
    target = tmp_path / "myapp" / "_vendor" / PACKAGE
    shutil.copytree(GENERATED / PACKAGE, target, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "myapp" / "__init__.py").write_text("")
    (tmp_path / "myapp" / "_vendor" / "__init__.py").write_text("")
    return target


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_verify_a_clean_copy_under_another_parent_package(vendored: Path, tmp_path: Path) -> None:
    done = _run(tmp_path, "-m", f"myapp._vendor.{PACKAGE}", "--verify")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"{PACKAGE} 1.2.15: clean\n"
    # running it leaves bytecode behind, which the check ignores
    assert _run(tmp_path, "-m", f"myapp._vendor.{PACKAGE}", "--verify").returncode == 0


def test_verify_reports_an_edited_a_missing_and_an_extra_file(vendored: Path, tmp_path: Path) -> None:
    module = f"myapp._vendor.{PACKAGE}"
    (vendored / "models.py").write_text((vendored / "models.py").read_text() + "# patched\n")
    edited = _run(tmp_path, "-m", module, "--verify")
    assert edited.returncode == 1 and "edited   models.py\n" in edited.stdout
    (vendored / "docs" / "models.md").unlink()
    (vendored / "notes.txt").write_text("mine")
    result = _run(tmp_path, "-m", module, "--verify", "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert (report["edited"], report["missing"], report["extra"]) == (["models.py"], ["docs/models.md"], ["notes.txt"])
    assert report["clean"] is False and report["package"] == PACKAGE


def test_verify_catches_an_edited_manifest(vendored: Path, tmp_path: Path) -> None:
    manifest = json.loads((vendored / "clientgen.json").read_text())
    (vendored / "models.py").write_text("# replaced\n")
    manifest["files"]["models.py"] = "sha256:" + hashlib.sha256(b"# replaced\n").hexdigest()
    (vendored / "clientgen.json").write_text(json.dumps(manifest))
    result = _run(tmp_path, "-m", f"myapp._vendor.{PACKAGE}", "--verify")
    assert result.returncode == 1 and "edited   clientgen.json\n" in result.stdout


def test_verify_refuses_a_manifest_that_points_outside(vendored: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("outside")
    manifest = json.loads((vendored / "clientgen.json").read_text())
    manifest["files"]["../../../secret.txt"] = "sha256:" + hashlib.sha256(b"outside").hexdigest()
    (vendored / "clientgen.json").write_text(json.dumps(manifest))
    result = _run(tmp_path, "-m", f"myapp._vendor.{PACKAGE}", "--verify")
    assert result.returncode == 1 and "path leaves the package" in result.stderr
    assert "Traceback" not in result.stderr


def test_importing_the_package_does_not_load_its_main(vendored: Path, tmp_path: Path) -> None:
    code = (
        f"import sys, myapp._vendor.{PACKAGE} as p; p.ApiClient; "
        f"assert 'myapp._vendor.{PACKAGE}.__main__' not in sys.modules, 'loaded'"
    )
    done = _run(tmp_path, "-c", code)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("package", PACKAGES)
def test_main_imports_the_standard_library_only(package: str) -> None:
    tree = ast.parse((GENERATED / package / "__main__.py").read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no relative imports: the package's modules stay unloaded"
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    assert imported <= {"__future__", "argparse", "hashlib", "json", "os", "sys", "pathlib", "typing"}, imported


def test_check_catches_an_edited_manifest_like_any_generated_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    checkout = _checkout(tmp_path)
    shutil.copytree(GENERATED, checkout / "generated", ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.chdir(checkout)
    assert main(["check", "--no-cache"]) == 0
    manifest = checkout / "generated" / PACKAGE / "clientgen.json"
    manifest.write_text(manifest.read_text().replace('"version": "1.2.15"', '"version": "9.9.9"'))
    capsys.readouterr()
    assert main(["check", "--no-cache"]) == 1
    out = capsys.readouterr().out
    assert f"--- a/generated/{PACKAGE}/clientgen.json\n" in out
    assert '-  "version": "9.9.9"\n+  "version": "1.2.15"\n' in out


@pytest.mark.parametrize("raw", [b"{not json", b"[]", b"[" * 100000, b'{"files": {"a": 1}}'])
def test_verify_reports_an_unreadable_manifest_without_a_traceback(vendored: Path, tmp_path: Path, raw: bytes) -> None:
    (vendored / "clientgen.json").write_bytes(raw)
    result = _run(tmp_path, "-m", f"myapp._vendor.{PACKAGE}", "--verify")
    assert result.returncode == 1 and "clientgen.json" in result.stderr and "Traceback" not in result.stderr


def test_verify_reads_nothing_through_a_symlink(vendored: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_bytes((vendored / "models.py").read_bytes())  # same bytes: reading it would "match"
    (vendored / "models.py").unlink()
    os.symlink(outside, vendored / "models.py")
    result = _run(tmp_path, "-m", f"myapp._vendor.{PACKAGE}", "--verify")
    assert result.returncode == 1 and "edited   models.py\n" in result.stdout


def test_a_json_spec_ships_as_openapi_json(tmp_path: Path) -> None:
    spec = tmp_path / "specs" / "etherpad.json"
    spec.parent.mkdir()
    spec.write_text(json.dumps(load_document(ROOT / "specs" / "etherpad.yaml").data, indent=1), encoding="utf-8")
    (package,) = generate_many([spec], Cache(None), None, tmp_path / "generated")
    assert package.files["openapi.json"] == spec.read_bytes() and "openapi.yaml" not in package.files
    manifest = json.loads(package.files["clientgen.json"])
    assert manifest["spec"] == {
        "path": "specs/etherpad.json",
        "file": "openapi.json",
        "sha256": hashlib.sha256(spec.read_bytes()).hexdigest(),
    }
    assert '"openapi.json"' in package.files["pyproject.toml"].decode()
    assert "`openapi.json`" in package.files["README.md"].decode()
