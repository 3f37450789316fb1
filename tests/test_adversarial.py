"""The generator holds under attack: concurrent runs, kills, Ctrl-C, a poisoned cache, a
validator whose parent dies, resource bombs and a hostile environment.

Every case is bounded by construction (small inputs, documented limits, polls with a fixed
number of steps); subprocess timeouts are only a safety net that fails the test.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.writer import read_tree

ROOT = Path(__file__).resolve().parent.parent
SMALL_SPECS = ("etherpad.yaml", "libtes.yaml")
PACKAGES = ("etherpad_client", "libtes_client")
SAFETY_NET = 120  # seconds; a run that takes this long has hung
PAUSE_HOOK = "CLIENTGEN_TEST_PAUSE_IN_SWAP"


def run(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=SAFETY_NET,
    )


def start(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until(condition: Callable[[], bool], steps: int = 3000) -> None:
    """Poll ``condition`` every 10 ms, at most ``steps`` times (a safety net, not a measurement)."""
    for _ in range(steps):
        if condition():
            return
        time.sleep(0.01)
    raise AssertionError("the condition never came true")


def lock_is_held(output: Path) -> bool:
    lock = output / ".clientgen.lock"
    if not lock.exists():
        return False
    with lock.open("rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def trees(output: Path) -> dict[str, dict[str, bytes]]:
    return {name: read_tree(output / name) for name in PACKAGES}


def leftovers(output: Path) -> list[str]:
    return sorted(
        p.name for p in output.iterdir() if p.name.startswith(".") and (".new-" in p.name or ".old-" in p.name)
    )


def tamper(output: Path) -> None:
    """Make every package differ from a fresh generation, so the next run replaces them all."""
    for name in PACKAGES:
        (output / name / "client.py").write_text("# edited by hand\n", encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two small specs, with a warm cache (so runs are quick) and a reference generation."""
    folder = tmp_path_factory.mktemp("adversarial")
    (folder / "specs").mkdir()
    for name in SMALL_SPECS:
        shutil.copy(ROOT / "specs" / name, folder / "specs" / name)
    result = run(folder, "generate", "-o", "reference")
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture
def reference(project: Path) -> dict[str, dict[str, bytes]]:
    return trees(project / "reference")


@pytest.fixture
def output(project: Path, tmp_path: Path) -> Iterator[Path]:
    """A tampered copy of the reference output for one test, as ``out-<test>`` in the project."""
    folder = project / f"out-{tmp_path.name}"
    shutil.copytree(project / "reference", folder, ignore=shutil.ignore_patterns(".clientgen.lock"))
    tamper(folder)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------- 1. concurrent runs


@pytest.mark.parametrize("slowed", ["first", "second"])
def test_concurrent_runs_are_serialised_and_both_leave_complete_packages(
    project: Path, output: Path, reference: dict[str, dict[str, bytes]], slowed: str
) -> None:
    slow = {PAUSE_HOOK: "1"}  # a second between the renames of each package: the lock is held two seconds
    first = start(project, "generate", "-o", output.name, env=slow if slowed == "first" else None)
    wait_until(lambda: lock_is_held(output) or first.poll() is not None)
    second = start(project, "generate", "-o", output.name, env=slow if slowed == "second" else None)
    results = [process.communicate(timeout=SAFETY_NET) for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], results
    assert trees(output) == reference
    assert leftovers(output) == []
    if slowed == "first":  # the second run came while the first held the lock
        assert "waiting for another clientgen run" in results[1][1]
        assert "(6 operations, 6 models, written)" in results[0][0]
        assert "(6 operations, 6 models, unchanged)" in results[1][0]


@pytest.mark.parametrize("seed", range(4))
def test_random_concurrent_pairs_leave_complete_packages(
    project: Path, output: Path, reference: dict[str, dict[str, bytes]], seed: int
) -> None:
    delay = random.Random(seed).uniform(0, 0.3)
    first = start(project, "generate", "-o", output.name)
    time.sleep(delay)  # where the second run starts; any point must do
    second = run(project, "generate", "-o", output.name)
    first.communicate(timeout=SAFETY_NET)
    assert (first.returncode, second.returncode) == (0, 0), second.stderr
    assert trees(output) == reference
    assert leftovers(output) == []


def test_staging_folders_and_unrecorded_folders_are_never_removed(
    project: Path, output: Path, reference: dict[str, dict[str, bytes]], tmp_path: Path
) -> None:
    marker = "# Generated by clientgen 1.0 from specs/old.yaml.\n"
    for name in (".etherpad_client.new-abc", "handmade_client"):
        (output / name).mkdir()
        (output / name / "__init__.py").write_text(marker, encoding="utf-8")
    lock = (output / ".clientgen.lock").open("wb")  # a live run holds the lock: the staging is its own
    fcntl.flock(lock, fcntl.LOCK_EX)
    log = tmp_path / "stderr.txt"
    with log.open("w") as stderr:
        waiting = subprocess.Popen(
            [sys.executable, "-m", "generator", "generate", "-o", output.name], cwd=project, stderr=stderr
        )
        wait_until(lambda: "waiting for another clientgen run" in log.read_text() or waiting.poll() is not None)
        assert (output / ".etherpad_client.new-abc").exists()  # untouched while its owner may be alive
        lock.close()
        assert waiting.wait(timeout=SAFETY_NET) == 0
    # the lock was released by its owner, so the staging folder was a leftover: removed; the
    # hand-written folder carries the marker but was never recorded: kept
    assert not (output / ".etherpad_client.new-abc").exists()
    assert (output / "handmade_client" / "__init__.py").read_text(encoding="utf-8") == marker
    assert trees(output) == reference


def test_a_recorded_package_no_spec_generates_is_removed(project: Path, output: Path) -> None:
    shutil.copytree(output / "libtes_client", output / "old_client")
    record = output / ".clientgen-packages"
    record.write_text(record.read_text(encoding="utf-8") + "old_client\n", encoding="utf-8")
    result = run(project, "generate", "-o", output.name)
    assert result.returncode == 0, result.stderr
    assert "removed" in result.stdout and not (output / "old_client").exists()
    assert "old_client" not in record.read_text(encoding="utf-8")


# ---------------------------------------------------------------- 2. kills and Ctrl-C


def test_a_kill_between_the_renames_is_recovered_by_the_next_run(
    project: Path, output: Path, reference: dict[str, dict[str, bytes]]
) -> None:
    victim = start(project, "generate", "-o", output.name, env={PAUSE_HOOK: "60"})
    backup = output / f".{PACKAGES[0]}.old-{victim.pid}"
    wait_until(lambda: backup.exists() or victim.poll() is not None)
    assert not (output / PACKAGES[0]).exists()  # the window: the package is out, the new one not in
    victim.kill()
    victim.communicate(timeout=SAFETY_NET)
    result = run(project, "generate", "-o", output.name)
    assert result.returncode == 0, result.stderr
    assert f"restored {output.name}/{PACKAGES[0]}/ from {backup.name}" in result.stderr
    assert trees(output) == reference
    assert leftovers(output) == []


@pytest.mark.parametrize("seed", range(8))
def test_a_kill_at_a_random_point_is_recovered_by_the_next_run(
    project: Path, output: Path, reference: dict[str, dict[str, bytes]], seed: int
) -> None:
    victim = start(project, "generate", "-o", output.name, env={PAUSE_HOOK: "0.05"})
    time.sleep(random.Random(seed).uniform(0, 0.8))
    victim.kill()
    victim.communicate(timeout=SAFETY_NET)
    for name in PACKAGES:  # whatever the moment, each package is the old one, the new one or set aside
        tree = read_tree(output / name)
        assert tree == {} or tree == reference[name] or tree["client.py"] == b"# edited by hand\n"
    result = run(project, "generate", "-o", output.name)
    assert result.returncode == 0, result.stderr
    assert trees(output) == reference
    assert leftovers(output) == []


def test_ctrl_c_between_swaps_names_the_packages_that_are_new(
    project: Path, output: Path, reference: dict[str, dict[str, bytes]]
) -> None:
    victim = start(project, "generate", "-o", output.name, env={PAUSE_HOOK: f"60:{PACKAGES[1]}"})
    second = output / f".{PACKAGES[1]}.old-{victim.pid}"
    wait_until(lambda: second.exists() or victim.poll() is not None)
    victim.send_signal(signal.SIGINT)
    _, stderr = victim.communicate(timeout=SAFETY_NET)
    assert victim.returncode == 130
    assert "Traceback" not in stderr
    assert f"new: {output.name}/{PACKAGES[0]}/;" in stderr
    assert read_tree(output / PACKAGES[0]) == reference[PACKAGES[0]]
    assert read_tree(output / PACKAGES[1])["client.py"] == b"# edited by hand\n"  # put back as it was
    assert leftovers(output) == []


@pytest.mark.parametrize("seed", range(6))
def test_ctrl_c_at_a_random_point_prints_no_traceback(project: Path, output: Path, seed: int) -> None:
    victim = start(project, "generate", "-o", output.name)
    time.sleep(random.Random(seed).uniform(0, 0.4))
    victim.send_signal(signal.SIGINT)
    _, stderr = victim.communicate(timeout=SAFETY_NET)
    # Python's own start-up (site, runpy, the first import statements) is not clientgen's to catch:
    # a traceback may only come from there, never from a function of the generator
    functions = re.findall(r'File "[^"]*/generator/[^"]*", line \d+, in (\S+)', stderr)
    assert set(functions) <= {"<module>"}, stderr
    if "Traceback" not in stderr:
        assert victim.returncode in (0, 130, -signal.SIGINT), stderr


def test_the_command_line_module_imports_nothing_heavy() -> None:
    """What runs before ``main``'s handler is in place: the standard library and two small modules."""
    code = "import sys, generator.cli; print(sorted(m for m in sys.modules if m.startswith('generator')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=SAFETY_NET)
    assert json.loads(result.stdout.replace("'", '"')) == ["generator", "generator.cli"]
    heavy = "import sys, generator.cli; print(any(m in sys.modules for m in ('yaml', 'jinja2', 'black')))"
    result = subprocess.run([sys.executable, "-c", heavy], capture_output=True, text=True, timeout=SAFETY_NET)
    assert result.stdout.strip() == "False"


# ---------------------------------------------------------------- 3. a poisoned cache


def _poisons(escape: str) -> list[tuple[str, Callable[[dict[str, Any]], None]]]:
    def package(name: str) -> Callable[[dict[str, Any]], None]:
        return lambda entry: entry.update(package=name)

    def file(name: str) -> Callable[[dict[str, Any]], None]:
        return lambda entry: entry["files"].update({name: "import os\n"})

    return [
        ("package ..", package("..")),
        ("package escaping", package(f"../../{escape}")),
        ("package absolute", package(f"/tmp/{escape}")),
        ("package staging name", package(".etherpad_client.new-x")),
        ("file escaping", file(f"../../{escape}.py")),
        ("file absolute", file(f"/tmp/{escape}.py")),
        ("file with NUL", file("a\x00b.py")),
        ("file with backslash", file("..\\..\\x.py")),
        ("file empty part", file("a//b.py")),
        ("file not text", lambda entry: entry["files"].update({"x.py": 3})),
        ("operations not a number", lambda entry: entry.update(operations="7")),
        ("models a bool", lambda entry: entry.update(models=True)),
        ("files a list", lambda entry: entry.update(files=["__init__.py"])),
        ("a key missing", lambda entry: entry.pop("deps")),
        ("a key added", lambda entry: entry.update(extra=1)),
        ("dep not a file", lambda entry: entry.update(deps={"/dev/zero": "0"})),
        ("dep relative", lambda entry: entry.update(deps={"specs/x.yaml": "0"})),
        ("warnings not text", lambda entry: entry.update(warnings=[{"a": 1}])),
        ("not a mapping", lambda entry: entry.clear()),
    ]


@pytest.mark.parametrize("case", range(len(_poisons("x"))), ids=[name for name, _ in _poisons("x")])
def test_a_poisoned_cache_entry_is_recomputed_and_writes_nothing_outside(
    project: Path, output: Path, reference: dict[str, dict[str, bytes]], tmp_path: Path, case: int
) -> None:
    cache = tmp_path / "cache"
    env = {"CLIENTGEN_CACHE_DIR": str(cache)}
    assert run(project, "generate", "-o", output.name, env=env).returncode == 0
    escape = f"escaped-{tmp_path.name}"
    _, poison = _poisons(escape)[case]
    entries = sorted((cache / "package").rglob("*.json"))
    assert len(entries) == len(PACKAGES)
    for path in entries:
        entry = json.loads(path.read_text(encoding="utf-8"))
        poison(entry)
        path.write_text(json.dumps(entry), encoding="utf-8")
    tamper(output)
    before = {p for p in project.parent.rglob("*") if "cache" not in p.parts}
    result = run(project, "generate", "-o", output.name, env=env)
    assert result.returncode == 0, result.stderr
    assert trees(output) == reference
    after = {p for p in project.parent.rglob("*") if "cache" not in p.parts}
    assert {p for p in after - before if output not in p.parents and p != output} == set()
    assert not list(Path("/tmp").glob(f"{escape}*"))


# ---------------------------------------------------------------- 4. the validator dies with its parent

_BUSY_PARENT = """
import sys, time
from pathlib import Path
import generator.background as background

def busy(sources, conn):  # a validator stuck at full CPU
    while True:
        pass

background._check_all = busy
checks = background.SchemaChecks([(Path(sys.argv[1]), "spec.yaml")])
print(checks._process.pid, flush=True)
time.sleep(600)
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")  # a zombie is dead, only not yet reaped


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the validator runs in a child on Linux only")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_the_validator_child_dies_with_its_parent(project: Path, how: signal.Signals) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", _BUSY_PARENT, str(project / "specs" / SMALL_SPECS[0])],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    try:
        assert _running(child)
        parent.send_signal(how)
        parent.wait(timeout=SAFETY_NET)
        wait_until(lambda: not _running(child), steps=500)  # at most 5 s: the kernel's SIGKILL is immediate
    finally:
        if _running(child):  # the test failed: do not leave it spinning
            os.kill(child, signal.SIGKILL)
        parent.kill()
        parent.wait(timeout=SAFETY_NET)


# ---------------------------------------------------------------- 5. bounded inputs

HEAD = """openapi: 3.0.3
info: {title: Bomb, version: 1.0.0}
x-python-client: {package: bomb_client, version: 1.0.0}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
"""


def _laughs(levels: int = 30) -> str:
    """Anchors of anchors: 2**levels nodes once expanded, from about 1 KB."""
    lines = ["x-lol:", "  l0: &l0 [lol, lol]"]
    lines += [f"  l{i}: &l{i} [*l{i - 1}, *l{i - 1}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


BOMB = f"*l{30 - 1}"
LAUGHS_CASES = {
    "example": f"    Thing: {{type: array, items: {{}}, example: {BOMB}}}\n",
    "default": f"    Thing: {{type: array, items: {{}}, default: {BOMB}}}\n",
    "aliased properties": "    Thing: {type: object, properties: &p {a: {type: string}}}\n"
    + "".join(f"    T{i}: {{type: object, properties: {{x: {{type: object, properties: *p}}}}}}\n" for i in range(3))
    + f"    Big: {{type: array, items: {{}}, example: {BOMB}}}\n",
    "aliased anyOf members": "    Thing: {anyOf: [&m {type: string}, *m, *m]}\n"
    + f"    Big: {{type: array, items: {{}}, x-data: {BOMB}}}\n",
}


@pytest.mark.parametrize("where", sorted(LAUGHS_CASES))
def test_billion_laughs_is_refused_at_the_alias_limit(tmp_path: Path, where: str) -> None:
    spec = tmp_path / "bomb.yaml"
    spec.write_text(_laughs() + HEAD + LAUGHS_CASES[where], encoding="utf-8")
    result = run(tmp_path, "generate", "--no-cache", "-o", "out", "bomb.yaml")
    assert result.returncode == 1, result.stderr
    assert "YAML aliases expand the document by" in result.stderr
    assert "(the limit is 1,000,000)" in result.stderr and "fix: use $ref" in result.stderr
    assert not (tmp_path / "out" / "bomb_client").exists()


def test_aliases_below_the_limit_still_generate(tmp_path: Path) -> None:
    spec = tmp_path / "ok.yaml"
    spec.write_text(_laughs(8) + HEAD + "    Thing: {type: array, items: {}, example: *l7}\n", encoding="utf-8")
    result = run(tmp_path, "generate", "--no-cache", "-o", "out", "ok.yaml")
    assert result.returncode == 0, result.stderr


def test_a_100000_value_enum_generates_in_linear_time(tmp_path: Path) -> None:
    values = ", ".join(f"v{i}" for i in range(100_000))
    spec = tmp_path / "enum.yaml"
    spec.write_text(HEAD + f"    Thing: {{type: string, enum: [{values}, v5, v7]}}\n", encoding="utf-8")
    # the repeats are a violation (uniqueItems): let them through, to exercise the dedupe
    result = run(tmp_path, "generate", "--no-cache", "--allow-invalid", "-o", "out", "enum.yaml")
    assert result.returncode == 0, result.stderr
    models = (tmp_path / "out" / "bomb_client" / "models.py").read_text(encoding="utf-8")
    assert models.count(' = "v99999"') == 1 and models.count(' = "v5"') == 1  # the repeats are dropped


@pytest.mark.parametrize("length", [10_000, 101])
def test_a_long_ref_chain_is_refused_with_its_place(tmp_path: Path, length: int) -> None:
    chain = "".join(f"    C{i}: {{$ref: '#/components/schemas/C{i + 1}'}}\n" for i in range(length))
    spec = tmp_path / "chain.yaml"
    spec.write_text(HEAD + "    Thing: {$ref: '#/components/schemas/C0'}\n" + chain + f"    C{length}: {{}}\n")
    result = run(tmp_path, "generate", "--no-cache", "-o", "out", "chain.yaml")
    assert result.returncode == 1, result.stderr
    assert "a chain of more than 100 $refs to $refs starts here" in result.stderr
    assert "chain.yaml:" in result.stderr and "fix: point the $ref at the schema itself" in result.stderr


def test_a_ref_chain_at_the_limit_generates(tmp_path: Path) -> None:
    chain = "".join(f"    C{i}: {{$ref: '#/components/schemas/C{i + 1}'}}\n" for i in range(98))
    spec = tmp_path / "chain.yaml"
    spec.write_text(HEAD + "    Thing: {$ref: '#/components/schemas/C0'}\n" + chain + "    C98: {type: string}\n")
    result = run(tmp_path, "generate", "--no-cache", "-o", "out", "chain.yaml")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("pattern", "keyword"),
    [
        ("^(a+)+$", "default"),
        ("^(a+)+$", "example"),
        ("^((a*)*)*$", "default"),
        ("^(\\d+\\.?)+$", "default"),
        ("^(\\w|[0-9]+)+$", "default"),
        ("^(\\d|\\d\\d)+$", "default"),
        ("(a|a)*b", "default"),
    ],
)
def test_a_catastrophic_pattern_is_stopped_by_its_cpu_limit(tmp_path: Path, pattern: str, keyword: str) -> None:
    value = ("1" if "d" in pattern or "0-9" in pattern else "a") * 60 + "!"
    spec = tmp_path / "pattern.yaml"
    schema = f"    Thing: {{type: string, pattern: '{pattern}', {keyword}: '{value}'}}\n"
    spec.write_text(HEAD + schema, encoding="utf-8")
    result = run(tmp_path, "generate", "--no-cache", "-o", "out", "pattern.yaml")
    if keyword == "example":  # examples are not checked against their schema: nothing runs the pattern
        assert result.returncode == 0, result.stderr
        return
    assert result.returncode == 1, result.stderr
    assert "against a value of 61 characters did not end within 2 CPU seconds" in result.stderr
    assert "pattern.yaml:13 at " in result.stderr and f"/schema/{keyword}: " in result.stderr
    assert "fix: " in result.stderr


def test_a_nested_pattern_checks_a_long_value_that_it_matches_quickly(tmp_path: Path) -> None:
    spec = tmp_path / "pattern.yaml"
    long_ok = "a" * 200
    spec.write_text(HEAD + f"    Thing: {{type: string, pattern: '^(a+)+$', default: '{long_ok}'}}\n", encoding="utf-8")
    result = run(tmp_path, "generate", "--no-cache", "-o", "out", "pattern.yaml")
    assert result.returncode == 0, result.stderr


def test_a_nested_pattern_still_checks_a_short_value(tmp_path: Path) -> None:
    spec = tmp_path / "pattern.yaml"
    spec.write_text(HEAD + "    Thing: {type: string, pattern: '^(a+)+$', default: 'aab'}\n", encoding="utf-8")
    result = run(tmp_path, "generate", "--no-cache", "-o", "out", "pattern.yaml")
    assert result.returncode == 1 and "does not match" in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("pattern", "risky"),
    [
        ("^(a+)+$", True),
        ("^((a+)+)+$", True),
        (r"^(\d+\.?)*$", True),
        ("^(a{1,100})+$", True),
        ("^([a-z]+-)*[a-z]+$", False),
        ("^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+$", False),
        ("^(?:[a-z0-9]+(?:-[a-z0-9]+)*)$", False),
        ("^(a|b)+$", False),
        ("^(ab+)+$", False),
        ("^(?:a|aa)+$", True),
        ("^(a?a)+$", True),
        ("^(ab?)+$", False),
        ("^(a-?)+$", False),
        (r"^(\w+\s?)+$", True),
        ("^(?:foo|bar)+$", False),
        # overlaps through a character class or a repeated alternative
        ("(a|a)*b", True),
        (r"^(\d|\d\d)+$", True),
        (r"^(\d\d?)+$", True),
        (r"^(\d+|\w+)*$", True),
        (r"^(\w|[0-9]+)+$", True),
        ("^(x(a|a))*$", True),
        # alternatives of single characters: Python's parser merges them into one class, which is linear
        ("^([a-z]|[a-c])+$", False),
        (r"^(\w|\d)+$", False),
    ],
)
def test_which_patterns_count_as_nested_repeats(pattern: str, risky: bool) -> None:
    from generator.regexrisk import nesting

    assert (nesting(pattern) > 0) is risky


@pytest.mark.parametrize("size", ["65M", "6G"])
def test_a_spec_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path, size: str) -> None:
    spec = tmp_path / "huge.yaml"
    subprocess.run(["truncate", "-s", size, str(spec)], check=True, timeout=SAFETY_NET)  # sparse: no disk used
    result = run(tmp_path, "generate", "--no-cache", "-o", "out", "huge.yaml")
    assert result.returncode == 1, result.stderr
    assert "huge.yaml: the file is larger than 64 MiB, the limit for a spec" in result.stderr


@pytest.mark.parametrize("syntax", ["yaml", "json"])
def test_a_100000_digit_integer_is_refused_with_its_line(tmp_path: Path, syntax: str) -> None:
    digits = "9" * 100_000
    spec = tmp_path / f"int.{syntax}"
    if syntax == "yaml":
        spec.write_text(HEAD + f"    Thing: {{type: integer, default: {digits}}}\n", encoding="utf-8")
    else:
        spec.write_text('{"openapi": "3.0.3",\n "x-big": ' + digits + "}\n", encoding="utf-8")
    result = run(tmp_path, "generate", "--no-cache", "-o", "out", spec.name)
    assert result.returncode == 1, result.stderr
    assert "an integer of 100000 digits (the limit is 4300)" in result.stderr
    assert f"int.{syntax}:{16 if syntax == 'yaml' else 2}:" in result.stderr


# ---------------------------------------------------------------- 6. the environment's errors are not bugs


def _listing(folder: Path) -> dict[str, bytes | None]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() and not p.is_symlink() else None)
        for p in sorted(folder.rglob("*"))
        if p.name != ".clientgen.lock"
    }


def _no_bug(result: subprocess.CompletedProcess[str], code: int = 1) -> None:
    assert result.returncode == code, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert "fix: " in result.stderr or code == 2


@pytest.mark.parametrize(
    ("layout", "message"),
    [
        ("output is a file", "the output path is a file, not a folder"),
        ("parent is a file", "cannot create the output folder: Not a directory"),
        ("output is a dangling link", "the output folder is a symbolic link to nothing"),
        ("package is a dangling link", "the package folder is a symbolic link"),
        ("package is a file", "a file is where the package folder goes"),
    ],
)
def test_an_unusable_output_path_is_a_clear_error_and_changes_nothing(
    project: Path, tmp_path: Path, layout: str, message: str
) -> None:
    where = tmp_path / "place"
    where.mkdir()
    output = where / "out"
    if layout == "output is a file":
        output.write_text("mine\n")
    elif layout == "parent is a file":
        (where / "file").write_text("mine\n")
        output = where / "file" / "out"
    elif layout == "output is a dangling link":
        output.symlink_to(where / "gone")
    else:
        output.mkdir()
        if layout == "package is a dangling link":
            (output / PACKAGES[0]).symlink_to(where / "gone")
        else:
            (output / PACKAGES[0]).write_text("mine\n")
    before = _listing(where)
    result = run(project, "generate", "-o", str(output))
    _no_bug(result)
    assert message in result.stderr
    assert _listing(where) == before


def _failing_writes(monkeypatch: pytest.MonkeyPatch, after: int, code: int) -> None:
    """Path.write_bytes fails with ``code`` from its ``after``-th call on (a disk that fills up)."""
    original = Path.write_bytes
    calls = [0]

    def write_bytes(self: Path, data: Any) -> int:
        calls[0] += 1
        if calls[0] >= after:
            raise OSError(code, os.strerror(code), str(self))
        return original(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)


@pytest.mark.parametrize("after", [1, 5, 20])  # of 24 files
def test_a_full_disk_is_a_clear_error_and_changes_nothing(
    project: Path, output: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], after: int
) -> None:
    from generator.cli import main

    monkeypatch.chdir(project)
    before = _listing(output)
    _failing_writes(monkeypatch, after, errno.ENOSPC)
    assert main(["generate", "-o", output.name]) == 1
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert "No space left on device" in err and "fix: free some space" in err
    assert _listing(output) == before


def test_a_full_disk_leaves_no_temporary_file_in_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.cache import Cache

    def full(*_: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    Cache(tmp_path).put("black", "ab" * 32, "x = 1\n")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs, where the machine lets the tests mount one."""
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True, timeout=SAFETY_NET
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, timeout=SAFETY_NET)


def test_a_real_full_disk_is_a_clear_error(project: Path, small_tmpfs: Path) -> None:
    result = run(project, "generate", "-o", str(small_tmpfs / "out"))
    _no_bug(result)
    assert "No space left on device" in result.stderr
    assert sorted(p.name for p in (small_tmpfs / "out").iterdir()) == [".clientgen.lock"]


def test_a_read_only_output_is_a_clear_error(project: Path, small_tmpfs: Path) -> None:
    (small_tmpfs / "out").mkdir()
    (small_tmpfs / "out" / ".clientgen.lock").touch()
    remount = subprocess.run(["mount", "-o", "remount,ro", str(small_tmpfs)], capture_output=True, timeout=SAFETY_NET)
    assert remount.returncode == 0, remount.stderr
    result = run(project, "generate", "-o", str(small_tmpfs / "out"))
    _no_bug(result)
    assert "Read-only file system" in result.stderr
    assert sorted(p.name for p in (small_tmpfs / "out").iterdir()) == [".clientgen.lock"]


SMALL = HEAD + "    Thing: {type: string}\n"


@pytest.mark.parametrize(
    ("case", "message", "code"),
    [
        ("package name of 300 characters", "package name of 300 characters (the limit is 100)", 1),
        ("--package of 300 characters", "--package is 300 characters long; the limit is 100", 2),
        ("$ref file name of 300 characters", "cannot read that file (File name too long)", 1),
        ("NUL in a $ref", "holds a NUL character", 1),
    ],
)
def test_hostile_lengths_and_bytes_are_clear_errors(tmp_path: Path, case: str, message: str, code: int) -> None:
    spec = tmp_path / "spec.yaml"
    args = ["generate", "--no-cache", "-o", "out", "spec.yaml"]
    if case.startswith("package name"):
        spec.write_text(SMALL.replace("bomb_client", "p" * 300))
    elif case.startswith("--package"):
        spec.write_text(SMALL)
        args += ["--package", "p" * 300]
    elif case.startswith("$ref"):
        spec.write_text(HEAD + "    Thing: {$ref: '" + "r" * 300 + ".yaml#/X'}\n")
    else:
        spec.write_text(HEAD + '    Thing: {$ref: "a\\0b.yaml#/X"}\n')
    result = run(tmp_path, *args)
    _no_bug(result, code)
    assert message in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("syntax", ["json", "yaml"])
def test_a_too_deep_document_names_its_line(tmp_path: Path, syntax: str) -> None:
    spec = tmp_path / f"deep.{syntax}"
    nested = "[" * 100_000 + "]" * 100_000
    if syntax == "json":
        spec.write_text('{"openapi": "3.0.3",\n "x-deep": ' + nested + "}\n", encoding="utf-8")
    else:
        spec.write_text("openapi: 3.0.3\nx-deep: " + nested + "\n", encoding="utf-8")
    result = run(tmp_path, "validate", spec.name)
    _no_bug(result)
    assert f"deep.{syntax}:2" in result.stderr


@pytest.mark.parametrize(
    ("schema", "parameters"),
    [("{type: object, properties: [a, b]}", "[]"), ("{type: string}", "[{in: query}]")],
    ids=["properties a list", "a parameter without a name"],
)
def test_every_spec_error_has_a_fix(tmp_path: Path, schema: str, parameters: str) -> None:
    """Messages the later stages raise without a hint of their own still say what to do."""
    text = HEAD.replace("listThings\n", f"listThings\n      parameters: {parameters}\n") + f"    Thing: {schema}\n"
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    result = run(tmp_path, "generate", "--no-cache", "--allow-invalid", "-o", "out", "spec.yaml")
    _no_bug(result)
    assert re.search(r"\n  fix: \S", result.stderr), result.stderr


# ---------------------------------------------------------------- names that would give a broken package


@pytest.mark.parametrize("name", ["os", "json", "typing", "base64", "asyncio", "httpx", "anyio", "h11"])
def test_a_package_name_that_shadows_a_module_is_refused(tmp_path: Path, name: str) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(SMALL.replace("bomb_client", name), encoding="utf-8")
    result = run(tmp_path, "generate", "--no-cache", "-o", "out", "spec.yaml")
    _no_bug(result)
    assert f"/x-python-client/package: package {name!r} would shadow" in result.stderr
    assert f"fix: use a more specific name, e.g. {name}_client" in result.stderr
    spec.write_text(SMALL, encoding="utf-8")
    result = run(tmp_path, "generate", "--no-cache", "-o", "out", "--package", name, "spec.yaml")
    _no_bug(result, 2)
    assert f"--package {name} would shadow" in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_reserved_names_do_not_depend_on_the_running_python() -> None:
    from generator.reserved import STANDARD_LIBRARY

    public = {name for name in getattr(sys, "stdlib_module_names", ()) if not name.startswith("_")}
    removed_later = {"asynchat", "asyncore", "distutils", "imp", "smtpd"}  # gone in 3.12 and later
    assert public - removed_later <= STANDARD_LIBRARY


def test_a_lone_surrogate_is_refused_with_its_place(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    title = '"bad \\ud800 title"'
    spec.write_text(
        '{"openapi": "3.0.3",\n "info": {"title": ' + title + ', "version": "1"},\n'
        ' "x-python-client": {"package": "s_client", "version": "1.0.0"}, "paths": {}}\n',
        encoding="utf-8",
    )
    result = run(tmp_path, "generate", "--no-cache", "-o", "out", "spec.json")
    _no_bug(result)
    assert "spec.json:2 at /info/title: the text 'bad \\ud800 title' holds a lone surrogate" in result.stderr
    paired = spec.read_text(encoding="utf-8").replace("\\ud800", "\\ud83d\\ude00")
    spec.write_text(paired, encoding="utf-8")
    assert run(tmp_path, "generate", "--no-cache", "-o", "out", "spec.json").returncode == 0


def test_check_waits_for_a_run_that_is_writing(project: Path, tmp_path: Path) -> None:
    fresh = project / f"fresh-{tmp_path.name}"
    shutil.copytree(project / "reference", fresh)
    lock = (fresh / ".clientgen.lock").open("wb")
    fcntl.flock(lock, fcntl.LOCK_EX)  # a generate run in the middle of its swaps
    log = tmp_path / "stderr.txt"
    with log.open("w") as stderr:
        checking = subprocess.Popen(
            [sys.executable, "-m", "generator", "check", "-o", fresh.name], cwd=project, stderr=stderr
        )
        wait_until(lambda: "waiting for another clientgen run" in log.read_text() or checking.poll() is not None)
        assert checking.poll() is None
        lock.close()
        assert checking.wait(timeout=SAFETY_NET) == 0


def test_a_record_that_cannot_be_written_leaves_no_staging(
    project: Path, output: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from generator import outdir
    from generator.cli import main

    def full(*_: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.chdir(project)
    (output / ".clientgen-packages").unlink()  # so the record has to be written
    before = _listing(output)
    monkeypatch.setattr(outdir.os, "replace", full)
    assert main(["generate", "-o", output.name]) == 1
    monkeypatch.undo()
    assert "cannot record the generated packages: No space left on device" in capsys.readouterr().err
    assert _listing(output) == before


# ---------------------------------------------------------------- memory

_PEAK = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def test_a_10_mb_description_costs_a_small_multiple_of_its_size(tmp_path: Path) -> None:
    spec = tmp_path / "described.yaml"
    description = "word " * 2_000_000  # 10 MB: one docstring of 125,000 lines, and a page of docs
    schema = f"    Thing:\n      type: object\n      description: '{description}'\n"
    schema += "      properties: {a: {type: string}}\n"
    spec.write_text(HEAD + schema, encoding="utf-8")
    command = [sys.executable, "-m", "generator", "generate", "--no-cache", "-o", str(tmp_path / "out"), str(spec)]
    done = subprocess.run([sys.executable, "-c", _PEAK, *command], capture_output=True, text=True, timeout=SAFETY_NET)
    code, peak_kib = map(int, done.stdout.split())
    assert code == 0, done.stderr
    # each process's peak (the largest: the main one); it was 1.5 GB while the formatter's string
    # pattern kept state for every character of the docstring
    assert peak_kib < 40 * 10 * 1024, f"{peak_kib // 1024} MB"
    assert len((tmp_path / "out" / "bomb_client" / "models.py").read_bytes()) > len(description)


NAMES_SPEC = """openapi: 3.0.3
info: {title: Names, version: 1.0.0}
x-python-client: {package: names_client, version: 1.0.0}
servers: [{url: 'https://api.example.com'}]
security: [{super: []}]
paths:
  /a:
    get:
      operationId: async_method
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/KeyError'}
  /b:
    get:
      operationId: getOther
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pages'}
components:
  securitySchemes:
    super: {type: apiKey, in: header, name: X-Key}
  schemas:
    KeyError: {type: object, properties: {value: {$ref: '#/components/schemas/ValueError'}}}
    ValueError: {type: object, properties: {type: {$ref: '#/components/schemas/TypeError'}}}
    TypeError: {type: object, properties: {name: {type: string}}}
    Pages: {type: object, properties: {count: {type: integer}}}
"""

_ROUND_TRIP = """
import json, httpx, names_client as pkg
seen = []
def handler(request):
    seen.append((request.url.path, request.headers.get("X-Key")))
    body = {"value": {"type": {"name": "n"}}} if request.url.path == "/a" else {"count": 3}
    return httpx.Response(200, json=body)
http = httpx.Client(transport=httpx.MockTransport(handler))
with pkg.ApiClient("https://api.example.com", http_client=http, super_="k") as client:
    api = pkg.DefaultApi(client)
    first = api.async_method_()
    second = api.get_other()
print(json.dumps([first.value.type.name, second.count, seen]))
"""


def test_names_that_would_shadow_what_the_package_uses_still_give_a_working_package(tmp_path: Path) -> None:
    spec = tmp_path / "names.yaml"
    spec.write_text(NAMES_SPEC, encoding="utf-8")
    result = run(tmp_path, "generate", "--no-cache", "-o", "out", "names.yaml")
    assert result.returncode == 0, result.stderr
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "out")}
    called = subprocess.run(
        [sys.executable, "-c", _ROUND_TRIP], capture_output=True, text=True, env=env, timeout=SAFETY_NET
    )
    assert called.returncode == 0, called.stderr
    assert json.loads(called.stdout) == ["n", 3, [["/a", "k"], ["/b", "k"]]]
    mypy = Path(sys.executable).parent / "mypy"
    checked = subprocess.run(
        [str(mypy), "--strict", "--no-incremental", "-p", "names_client"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path / "out",
        timeout=SAFETY_NET * 2,
    )
    assert checked.returncode == 0 and "Success" in checked.stdout, checked.stdout


TAGS_SPEC = """openapi: 3.0.3
info: {title: Tags, version: 1.0.0}
x-python-client: {package: tags_client, version: 1.0.0}
paths:
  /a:
    get:
      operationId: getA
      tags: [Foo]
      responses: {'200': {description: ok}}
  /b:
    get:
      operationId: getB
      tags: [AsyncFoo]
      responses: {'200': {description: ok}}
"""

ITER_SPEC = """openapi: 3.0.3
info: {title: Iter, version: 1.0.0}
x-python-client: {package: iter_client, version: 1.0.0}
paths:
  /things:
    get:
      operationId: things
      x-pagination: {items: items, offset-param: first}
      parameters: [{name: first, in: query, schema: {type: integer}}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {items: {type: array, items: {type: string}}}}
  /other:
    get:
      operationId: iter_things
      responses: {'200': {description: ok}}
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (TAGS_SPEC, "spec.yaml:6 at /paths/~1a/get: the tags 'AsyncFoo' and 'Foo' both give the API class AsyncFooApi"),
        (ITER_SPEC, "spec.yaml:8 at /paths/~1things/get/x-pagination: the paged operation 'things' gets the method"),
    ],
    ids=["tags Foo and AsyncFoo", "iter_things beside a paged things"],
)
def test_two_names_for_one_class_or_method_are_refused(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "spec.yaml").write_text(text, encoding="utf-8")
    result = run(tmp_path, "generate", "--no-cache", "-o", "out", "spec.yaml")
    _no_bug(result)
    assert message in result.stderr
    fixed = text.replace("[AsyncFoo]", "[Bar]").replace("operationId: iter_things", "operationId: other_things")
    (tmp_path / "spec.yaml").write_text(fixed, encoding="utf-8")
    assert run(tmp_path, "generate", "--no-cache", "-o", "out", "spec.yaml").returncode == 0


PLACEHOLDERS = ["my id", "a|b", "x[0]", "ä", "q?", "h#", "日本"]
PATH_SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Paths", "version": "1.0.0"},
    "x-python-client": {"package": "paths_client", "version": "1.0.0"},
    "paths": {
        "/t/"
        + "/".join("{" + name + "}" for name in PLACEHOLDERS): {
            "get": {
                "operationId": "getThing",
                "parameters": [
                    {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                    for name in PLACEHOLDERS
                ],
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
}

_CALL_PATH = """
import inspect, json, sys, httpx, paths_client as pkg
paths = []
def handler(request):
    paths.append(request.url.raw_path.decode("ascii"))
    return httpx.Response(200)
http = httpx.Client(transport=httpx.MockTransport(handler))
with pkg.ApiClient("https://api.example.com", http_client=http) as client:
    api = pkg.DefaultApi(client)
    names = [n for n in inspect.signature(api.get_thing).parameters][: int(sys.argv[1])]
    api.get_thing(*[f"v{i} /" for i in range(len(names))])
print(json.dumps(paths))
"""


def test_path_parameters_whose_names_need_encoding_are_filled(tmp_path: Path) -> None:
    (tmp_path / "paths.json").write_text(json.dumps(PATH_SPEC, ensure_ascii=False), encoding="utf-8")
    result = run(tmp_path, "generate", "--no-cache", "-o", "out", "paths.json")
    assert result.returncode == 0, result.stderr
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "out")}
    called = subprocess.run(
        [sys.executable, "-c", _CALL_PATH, str(len(PLACEHOLDERS))],
        capture_output=True,
        text=True,
        env=env,
        timeout=SAFETY_NET,
    )
    assert called.returncode == 0, called.stderr
    [path] = json.loads(called.stdout)
    segments = path.split("/")[2:]
    assert sorted(segments) == sorted(f"v{i}%20%2F" for i in range(len(PLACEHOLDERS))), path


# ---------------------------------------------------------------- a mutation fuzzer over the curated specs

FUZZ_CHUNK = 100  # mutants per test case; 20 cases make the 2,000 (the first runs by default)
FUZZ_SPECS = ("etherpad.yaml", "libtes.yaml", "cons3rt.yaml", "vidispine.yaml", "ica_v3.yaml")


def _fuzz_one(path: Path) -> None:
    """Every stage but formatting (black is not the subject), letting violations through."""
    from generator.loader import load_document
    from generator.normalize import normalize
    from generator.options import Options
    from generator.render import render_package
    from generator.settings import read_settings
    from generator.validate import validate

    doc = load_document(path, path.name)
    checked = validate(doc, True, lambda _: None)
    settings = read_settings(checked, Options())
    render_package(normalize(checked, settings, path.name, True, lambda _: None))


@pytest.mark.parametrize("chunk", [pytest.param(0)] + [pytest.param(n, marks=pytest.mark.slow) for n in range(1, 20)])
def test_structural_mutants_give_a_package_or_a_located_error_with_a_fix(tmp_path: Path, chunk: int) -> None:
    import yaml
    from fuzzlib import mutant

    from generator.errors import SpecError

    originals = {name: yaml.safe_load((ROOT / "specs" / name).read_text(encoding="utf-8")) for name in FUZZ_SPECS}
    problems: list[str] = []
    for seed in range(chunk * FUZZ_CHUNK, (chunk + 1) * FUZZ_CHUNK):
        name = FUZZ_SPECS[seed % len(FUZZ_SPECS)]
        data, change = mutant(originals[name], seed)
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(data, default=str), encoding="utf-8")
        try:
            _fuzz_one(path)
        except SpecError as error:
            if not error.hint.strip():
                problems.append(f"{name} {change}: no fix in {error}")
            elif not (error.pointer or error.line):
                problems.append(f"{name} {change}: no place in {error}")
        except Exception as error:  # a bug: anything but a SpecError
            problems.append(f"{name} {change}: {type(error).__name__}: {error}")
    assert problems == []


def test_a_kill_while_removing_a_stale_package_leaves_no_half_package(project: Path, output: Path) -> None:
    gone = output / ".old_client.gone-99999"  # what a run killed while deleting old_client/ leaves
    shutil.copytree(output / "libtes_client", gone)
    (gone / "__init__.py").unlink()
    result = run(project, "generate", "-o", output.name)
    assert result.returncode == 0, result.stderr
    assert "removed .old_client.gone-99999 (left by an interrupted run)" in result.stderr
    assert not gone.exists() and not (output / "old_client").exists()


def test_sigterm_between_swaps_is_undone_like_ctrl_c(
    project: Path, output: Path, reference: dict[str, dict[str, bytes]]
) -> None:
    victim = start(project, "generate", "-o", output.name, env={PAUSE_HOOK: f"60:{PACKAGES[1]}"})
    second = output / f".{PACKAGES[1]}.old-{victim.pid}"
    wait_until(lambda: second.exists() or victim.poll() is not None)
    victim.terminate()
    _, stderr = victim.communicate(timeout=SAFETY_NET)
    assert victim.returncode == 130 and "Traceback" not in stderr
    assert f"new: {output.name}/{PACKAGES[0]}/;" in stderr
    assert read_tree(output / PACKAGES[0]) == reference[PACKAGES[0]]
    assert read_tree(output / PACKAGES[1])["client.py"] == b"# edited by hand\n"
    assert leftovers(output) == []


# a mapping or list where a name, a required entry, a tag, an operationId or an enum value is expected
# (the "unhashable type: 'dict'" kind of input): each is a located error with a fix, or a package
WRONG_SHAPES = [
    (("paths", "/v1/tasks/{taskId}/versions", "get", "tags", 0), {"a": 1}),
    (("paths", "/v1/tasks/{taskId}/versions", "get", "operationId"), {"a": 1}),
    (("paths", "/v1/tasks/{taskId}/versions", "get", "parameters", 0, "name"), {"a": 1}),
    (("paths", "/v1/tasks/{taskId}/versions", "get", "parameters", 0, "in"), ["path"]),
    (("paths", "/v1/tasks/{taskId}/versions", "get", "parameters", 0, "required"), {"a": 1}),
    (("components", "schemas", "TaskVersion", "required"), [{"a": 1}]),
    (("components", "schemas", "TaskVersion", "properties", "id", "type"), {"a": 1}),
    (("components", "schemas", "TaskVersion", "properties", "id", "enum"), [{"a": 1}, ["b"]]),
    (("components", "securitySchemes", "Bearer", "name"), {"a": 1}),
    (("security",), [{"Bearer": [{"a": 1}]}]),
]


@pytest.mark.parametrize(("where", "value"), WRONG_SHAPES, ids=["/".join(map(str, w)) for w, _ in WRONG_SHAPES])
def test_a_wrong_shaped_value_is_a_located_error_with_a_fix(tmp_path: Path, where: tuple[Any, ...], value: Any) -> None:
    import yaml

    from generator.errors import SpecError

    data = yaml.safe_load((ROOT / "specs" / "libtes.yaml").read_text(encoding="utf-8"))
    node = data
    for part in where[:-1]:
        node = node[part]
    node[where[-1]] = value
    path = tmp_path / "libtes.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    try:
        _fuzz_one(path)
    except SpecError as error:
        assert not error.message.startswith("cannot generate this part of the spec"), str(error)
        assert error.hint.strip(), str(error)
        assert error.pointer or error.line, str(error)
