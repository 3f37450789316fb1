"""Golden tests: ``generated/`` is exactly what the generator makes from ``specs/`` today.

A failure shows the unified diff from the committed snapshot to a fresh generation; when the
change is intended, refresh the snapshot with ``make generate`` and review and commit the diff.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator import __version__
from generator.cli import is_spec_file, main
from generator.writer import MARKER, diff_trees, is_generated_package, read_tree

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted(p for p in (ROOT / "specs").iterdir() if is_spec_file(p))
SNAPSHOT_PACKAGES = sorted(d.name for d in (ROOT / "generated").iterdir() if d.is_dir() and is_generated_package(d))
MAX_DIFF_LINES = 400

Trees = dict[str, dict[str, bytes]]


def _generate(output: Path, *args: str) -> Trees:
    """Run ``clientgen generate`` in-process and read back every package it wrote."""
    assert main(["generate", "-o", str(output), *args]) == 0
    return {d.name: read_tree(d) for d in sorted(output.iterdir()) if d.is_dir()}


def _explain(label: str, expected: dict[str, bytes], actual: dict[str, bytes], what: str) -> str:
    diff = diff_trees(label, expected, actual)
    shown = "".join(diff[:MAX_DIFF_LINES])
    if len(diff) > MAX_DIFF_LINES:
        shown += f"... ({len(diff) - MAX_DIFF_LINES} more diff lines; `clientgen check` prints them all)\n"
    return f"{what}\n{shown}"


def _assert_same(reference: Trees, trees: Trees, what: str) -> None:
    """Every package byte-identical to the reference generation, else fail with the diffs."""
    assert sorted(trees) == sorted(reference), f"{what}: packages {sorted(trees)} != {sorted(reference)}"
    problems = [
        _explain(package, files, reference[package], f"{what}: {package} differs (diff: reference -> this run)")
        for package, files in trees.items()
        if files != reference[package]
    ]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory, black_memo: None) -> Trees:
    """One in-process generation of every spec, from the project root, into a temporary folder
    beside a copy of specs/ (packages name their spec relative to the output folder's parent)."""
    checkout = tmp_path_factory.mktemp("golden")
    shutil.copytree(ROOT / "specs", checkout / "specs")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        return _generate(checkout / "generated", "--specs", str(checkout / "specs"))


def test_there_is_one_package_per_spec() -> None:
    assert len(SPECS) == 5
    assert len(SNAPSHOT_PACKAGES) == 5


def test_the_snapshot_has_exactly_the_generated_packages(fresh: Trees) -> None:
    assert (
        sorted(fresh) == SNAPSHOT_PACKAGES
    ), "generated/ and a fresh generation hold different packages; run `make generate` to refresh the snapshot"


def snapshot_problem(package: str, fresh: dict[str, bytes], on_disk: dict[str, bytes]) -> str | None:
    """The failure message for a stale snapshot (None when it is up to date)."""
    if fresh == on_disk:
        return None
    return _explain(
        f"generated/{package}",
        fresh,
        on_disk,
        f"generated/{package}/ differs from a fresh generation (diff: snapshot -> fresh).\n"
        "If the change is intended, run `make generate` to refresh the snapshot, review the diff and commit it.",
    )


@pytest.mark.parametrize("package", SNAPSHOT_PACKAGES)
def test_snapshot_is_byte_identical_to_a_fresh_generation(fresh: Trees, package: str) -> None:
    problem = snapshot_problem(package, fresh.get(package, {}), read_tree(ROOT / "generated" / package))
    if problem is not None:
        pytest.fail(problem, pytrace=False)


def test_a_stale_snapshot_is_explained_with_a_diff_and_the_refresh_command(fresh: Trees) -> None:
    package = SNAPSHOT_PACKAGES[0]
    on_disk = dict(fresh[package])
    on_disk["client.py"] = on_disk["client.py"].replace(b"class ApiClient(", b"class EditedClient(", 1)
    on_disk["extra.txt"] = b"hand-made\n"
    del on_disk["errors.py"]
    assert snapshot_problem(package, fresh[package], fresh[package]) is None
    message = snapshot_problem(package, fresh[package], on_disk)
    assert message is not None
    assert "make generate" in message
    assert f"--- a/generated/{package}/client.py\n+++ b/generated/{package}/client.py\n@@ " in message
    assert "\n-class EditedClient(" in message and "\n+class ApiClient(" in message
    assert f"--- a/generated/{package}/extra.txt\n+++ /dev/null\n" in message
    assert f"--- /dev/null\n+++ b/generated/{package}/errors.py\n" in message


def _checkout(folder: Path) -> Path:
    """A copy of specs/ in ``folder`` (which becomes the working directory's stand-in)."""
    shutil.copytree(ROOT / "specs", folder / "specs")
    return folder


def test_generating_twice_gives_identical_bytes(fresh: Trees, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(_checkout(tmp_path))
    _assert_same(fresh, _generate(Path("generated")), "a second run")


def test_output_does_not_depend_on_the_order_of_specs(
    fresh: Trees, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shuffled = [SPECS[i] for i in (3, 0, 4, 2, 1)]
    for number, order in enumerate((list(reversed(SPECS)), shuffled)):
        monkeypatch.chdir(_checkout(tmp_path / f"order-{number}"))
        trees = _generate(Path("generated"), *(str(p.relative_to(ROOT)) for p in order))
        _assert_same(fresh, trees, f"specs in the order {[p.name for p in order]}")


def test_output_does_not_depend_on_the_working_directory(
    fresh: Trees, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # two checkouts at different absolute paths (one with a space and non-ASCII in it)
    for checkout in (tmp_path / "a", tmp_path / "deeper" / "other chéckout"):
        shutil.copytree(ROOT / "specs", checkout / "specs")
        monkeypatch.chdir(checkout)
        # --specs given as an absolute path: the header still shows the path relative to the cwd
        trees = _generate(Path("generated"), "--specs", str(checkout / "specs"))
        _assert_same(fresh, trees, f"a run in {checkout}")
        for package, files in trees.items():
            for name, content in files.items():
                text = content.decode("utf-8")
                assert str(checkout) not in text, f"{package}/{name} contains the absolute path {checkout}"
                assert str(ROOT) not in text, f"{package}/{name} contains the absolute path {ROOT}"


@pytest.mark.parametrize("package", SNAPSHOT_PACKAGES)
def test_python_headers_name_the_spec_by_its_relative_path(fresh: Trees, package: str) -> None:
    header = re.compile(
        rf"^{re.escape(MARKER)} {re.escape(__version__)} from specs/[a-z0-9_]+\.yaml\.\n"
        r"# Do not edit: change the spec or the templates and regenerate\.\n"
    )
    files = fresh[package]
    python = [name for name in files if name.endswith(".py")]
    assert "__init__.py" in python
    specs = set()
    for name in python:
        text = files[name].decode("utf-8")
        assert header.match(text), f"{package}/{name} starts with {text.splitlines()[:2]!r}"
        specs.add(text.split(" from ", 1)[1].split("\n", 1)[0].removesuffix("."))
    assert len(specs) == 1, f"{package} names several specs: {specs}"
    (spec,) = specs
    assert (ROOT / spec).is_file()
