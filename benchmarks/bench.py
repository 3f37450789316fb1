#!/usr/bin/env python3
"""The benchmark suite: clientgen against openapi-python-client and OpenAPI Generator, and the
generated clients against the upstream clients a user would otherwise install.

    make bench                         # everything (about half an hour on 2 cores)
    make bench BENCH_ARGS="--runs 3 --only gen-curated,import,decode,call"
    python3 benchmarks/bench.py --help

First it makes its own environment (nothing here touches .venv/ or the repository's node packages):
.bench/venv with benchmarks/requirements.txt and the project itself (pip install -e .), and
.bench/node with benchmarks/package.json (GitHub's REST spec, @octokit/openapi). Then it re-runs
itself with .bench/venv's Python, measures, prints Markdown tables of medians and writes them to
.bench/results.md (raw figures in .bench/results.json). docs/benchmarks.md records a run.

Every generator run is a subprocess, measured by benchmarks/measure.py (wall time; peak memory of
the process tree). "Cold" for clientgen is an empty cache folder (CLIENTGEN_CACHE_DIR) and an empty
output folder; "nothing changed" runs again into the same output with the same cache; "one schema
changed" edits one schema's description in the working copy of the spec before each run (a new
text each time, so no run finds it in the cache). The other generators have no cache: their
"nothing changed" and "one schema changed" runs are the same command again into the same output.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BENCH = ROOT / ".bench"
VENV = BENCH / "venv"
VENV_PYTHON = VENV / "bin" / "python"
NODE = BENCH / "node"
WORK = BENCH / "work"
GITHUB_SPEC = NODE / "node_modules" / "@octokit" / "openapi" / "generated" / "api.github.com.json"
SHARED_ICA = ROOT.parent / "shared" / "upstream" / "ica-v3" / "openapi_public.yaml"

CURATED = {  # spec -> (package, API class, upstream module, upstream first-use import)
    "cons3rt": ("cons3rt_client", "ClientApi", None, None),
    "libtes": ("libtes_client", "TaskVersionsApi", None, None),
    "etherpad": ("etherpad_client", "SessionApi", None, None),
    "vidispine": ("vidispine_client", "JobApi", "vidispine", "from vidispine import ApiClient, JobApi"),
    "ica_v3": (
        "ica_v3_client",
        "ProjectWorkflowSessionApi",
        "libica.openapi.v3",
        "from libica.openapi.v3 import ApiClient, ProjectWorkflowSessionApi",
    ),
}
SECTIONS = ("gen-curated", "gen-ica", "gen-github", "diff-github", "import", "decode", "call", "gen-rows", "memory")
DIFF_VERSIONS = ("22.0.0", "23.0.2")  # @octokit/openapi versions of the diff row
TOOLS = ("clientgen", "opc", "oag")
TOOL_NAMES = {"clientgen": "clientgen", "opc": "openapi-python-client", "oag": "OpenAPI Generator"}


# --------------------------------------------------------------------------- environment


def _digest(*paths: Path) -> str:
    hasher = hashlib.sha256()
    for path in paths:
        hasher.update(path.read_bytes())
    return hasher.hexdigest()


def ensure_environment() -> None:
    """Create or refresh .bench/venv and .bench/node; runs under any Python 3.10+."""
    BENCH.mkdir(exist_ok=True)
    stamp = VENV / ".bench-installed"
    wanted = _digest(HERE / "requirements.txt", ROOT / "pyproject.toml")
    if not stamp.is_file() or stamp.read_text() != wanted:
        print("bench: installing .bench/venv (benchmarks/requirements.txt and the project) ...", flush=True)
        if not VENV_PYTHON.exists():
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        pip = [str(VENV_PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, "--upgrade", "pip"], check=True)
        subprocess.run([*pip, "-r", str(HERE / "requirements.txt"), "-e", str(ROOT)], check=True)
        stamp.write_text(wanted)
    node_stamp = NODE / ".bench-installed"
    node_wanted = _digest(HERE / "package.json")
    if shutil.which("npm") is None:
        if not GITHUB_SPEC.is_file():
            print("bench: npm not found; the GitHub spec rows will be skipped", flush=True)
        return
    if not node_stamp.is_file() or node_stamp.read_text() != node_wanted or not GITHUB_SPEC.is_file():
        print("bench: installing .bench/node (benchmarks/package.json) ...", flush=True)
        NODE.mkdir(exist_ok=True)
        shutil.copy(HERE / "package.json", NODE / "package.json")
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--no-save", "--loglevel=error"],
            cwd=NODE,
            check=True,
        )
        node_stamp.write_text(node_wanted)


def java_version() -> tuple[int, str] | None:
    """(major version, text) of the java on PATH, or None."""
    java = shutil.which("java")
    if java is None:
        return None
    try:
        text = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60).stderr
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', text)
    if not match:
        return None
    major = int(match.group(1))
    if major == 1 and match.group(2):  # 1.8 -> 8
        major = int(match.group(2))
    return major, text.splitlines()[0] if text else f"java {major}"


# --------------------------------------------------------------------------- inputs


def upstream_ica_spec() -> tuple[Path, str]:
    """The full upstream ICA v3 spec: the repository's copy, else the shared folder beside the clone."""
    found = sorted((ROOT / "specs" / "upstream").glob("**/*openapi_public.yaml"))
    if found:
        return found[0], found[0].relative_to(ROOT).as_posix()
    if SHARED_ICA.is_file():
        return SHARED_ICA, "../shared/upstream/ica-v3/openapi_public.yaml (no repository copy yet)"
    raise FileNotFoundError("no specs/upstream/**/*openapi_public.yaml")


def inject_settings(text: str, json_spec: bool, package: str) -> str:
    """A copy of a spec with the x-python-client block clientgen needs (text edit: lines keep their numbers)."""
    if json_spec:
        brace = text.index("{")
        block = json.dumps({"package": package, "version": "1.0.0"})
        return text[: brace + 1] + f'"x-python-client":{block},' + text[brace + 1 :]
    if re.search(r"^x-python-client:", text, re.M):
        return text
    return text.rstrip("\n") + f"\n\nx-python-client:\n  package: {package}\n  version: 1.0.0\n"


@dataclass
class SchemaEdit:
    """Writes variants of a spec that differ from the original in one schema's description only."""

    path: Path
    original: str
    schema: str
    at: int  # text offset where the description goes
    line: str  # the inserted text, with {text} for the description

    def write(self, number: int | None) -> None:
        if number is None:
            text = self.original
        else:
            description = f"Benchmark edit {number} ({os.getpid()})"
            text = self.original[: self.at] + self.line.format(text=description) + self.original[self.at :]
        self.path.write_text(text, encoding="utf-8")


def schema_edit(path: Path, preferred: str | None = None) -> SchemaEdit:
    """Plan an edit of one schema without a description of its own (so adding one makes no duplicate key)."""
    text = path.read_text(encoding="utf-8")
    is_json = path.suffix == ".json"
    if is_json:
        doc = json.loads(text)
    else:
        import yaml

        doc = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - safe loaders
    schemas = doc.get("components", {}).get("schemas", {})
    names = [n for n, s in schemas.items() if isinstance(s, dict) and "properties" in s and "description" not in s]
    if preferred in names:
        names.remove(preferred)
        names.insert(0, preferred)
    anchor = text.find('"schemas"' if is_json else "\n  schemas:")
    for name in names:
        if is_json:
            match = re.compile(r'"' + re.escape(name) + r'"\s*:\s*\{').search(text, anchor)
            if match:
                return SchemaEdit(path, text, name, match.end(), '"description": "{text}", ')
        else:
            match = re.compile(r"^( +)" + re.escape(name) + r":[ \t]*(#.*)?$", re.M).search(text, anchor)
            if match:
                end = match.end() + 1
                child = re.compile(r"^( +)[^ #\n]", re.M).search(text, end)
                indent = child.group(1) if child else match.group(1) + "  "
                return SchemaEdit(path, text, name, end, indent + 'description: "{text}"\n')
    raise ValueError(f"{path}: found no schema to edit")


# --------------------------------------------------------------------------- measuring


@dataclass
class Stat:
    runs: int = 0
    wall: float | None = None  # median seconds
    rss: int | None = None  # median bytes, largest single process
    tree: int | None = None  # median bytes, whole process tree
    walls: list[float] = field(default_factory=list)
    error: str | None = None
    note: str | None = None


def measured_series(
    once: Callable[[int], Any], runs: int, warmup: int, opts: argparse.Namespace, label: str
) -> tuple[Stat, list[Any]]:
    """Call ``once(i)`` warmup + runs times (fewer for slow ones); medians of the measured runs."""
    results: list[Any] = []
    stat = Stat()
    total = warmup + runs
    i = 0
    while i < total:
        result = once(i)
        if not result.ok:
            stat.error = result.first_error_line()
            print(f"    {label}: failed: {stat.error}", flush=True)
            return stat, results
        if i >= warmup:
            results.append(result)
            if len(results) == 1:
                # slow commands get fewer runs: one past opts.single_after seconds, slow_runs past slow_after
                if result.wall > opts.single_after:
                    total = warmup + 1
                elif result.wall > opts.slow_after:
                    total = warmup + min(runs, opts.slow_runs)
        print(
            f"    {label} {'warm-up' if i < warmup else 'run'} {i + 1}/{total}: {result.wall:.2f} s,"
            f" {result.tree / 2**20:.0f} MB",
            flush=True,
        )
        i += 1
    stat.runs = len(results)
    stat.walls = [r.wall for r in results]
    stat.wall = statistics.median(stat.walls)
    stat.rss = int(statistics.median(r.rss for r in results))
    stat.tree = int(statistics.median(r.tree for r in results))
    return stat, results


# --------------------------------------------------------------------------- generators


@dataclass
class SpecSet:
    key: str  # curated | ica | github
    title: str
    cwd: Path  # commands run here; spec paths are relative to it
    specs: list[tuple[str, str]]  # (relative spec path, package name for OpenAPI Generator)
    edit: SchemaEdit
    warmup: int


def tool_commands(tool: str, specs: SpecSet, out: Path) -> list[tuple[str, list[str], Path]]:
    venv_bin = VENV / "bin"
    if tool == "clientgen":
        return [
            (
                "",
                [str(venv_bin / "clientgen"), "generate", *[s for s, _ in specs.specs], "-o", str(out)],
                specs.cwd,
            )
        ]
    commands = []
    for spec, package in specs.specs:
        name = Path(spec).stem
        if tool == "opc":
            command = [
                str(venv_bin / "openapi-python-client"), "generate", "--path", spec,
                "--output-path", str(out / f"opc_{package}"), "--meta", "none", "--overwrite",
            ]  # fmt: skip
        else:
            command = [
                str(venv_bin / "openapi-generator-cli"), "generate", "-g", "python", "-i", spec,
                "-o", str(out / name), "--package-name", f"oag_{package}",
            ]  # fmt: skip
        commands.append((name, command, specs.cwd))
    return commands


def tool_env(tool: str, cache: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{VENV / 'bin'}{os.pathsep}{env.get('PATH', '')}"  # openapi-python-client runs ruff from PATH
    env.pop("PYTHONPATH", None)
    if cache is not None:
        env["CLIENTGEN_CACHE_DIR"] = str(cache)
    return env


def bench_generation(specs: SpecSet, tools: Sequence[str], opts: argparse.Namespace, results: dict[str, Any]) -> None:
    from measure import run_all

    base = WORK / "gen" / specs.key
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    for tool in tools:
        label = f"{specs.key}/{tool}"
        print(f"  {TOOL_NAMES[tool]} on {specs.title}", flush=True)
        rows: dict[str, Any] = {}
        state: dict[str, Path] = {}

        def cold(i: int, tool: str = tool, state: dict[str, Path] = state) -> Any:
            out, cache = base / f"{tool}-out-{i}", base / f"{tool}-cache-{i}"
            for folder in (out, cache):
                shutil.rmtree(folder, ignore_errors=True)
            for folder in state.values():  # keep only the newest output and cache
                shutil.rmtree(folder, ignore_errors=True)
            state.update(out=out, cache=cache)
            env = tool_env(tool, cache if tool == "clientgen" else None)
            return run_all(tool_commands(tool, specs, out), env=env, timeout=opts.timeout)

        def again(i: int, tool: str = tool, state: dict[str, Path] = state) -> Any:
            env = tool_env(tool, state["cache"] if tool == "clientgen" else None)
            return run_all(tool_commands(tool, specs, state["out"]), env=env, timeout=opts.timeout)

        def changed(i: int, tool: str = tool) -> Any:
            specs.edit.write(i)
            return again(i, tool)

        stat, runs = measured_series(cold, opts.runs, specs.warmup, opts, f"{label} cold")
        rows["cold"] = stat
        if stat.error is None:
            last = runs[-1]
            rows["loc"] = count_lines(tool, state["out"], specs, last.stdout)
            rows["nothing changed"], _ = measured_series(again, opts.runs, 0, opts, f"{label} nothing changed")
            try:
                rows["one schema changed"], _ = measured_series(
                    changed, opts.runs, 0, opts, f"{label} one schema changed"
                )
            finally:
                specs.edit.write(None)
        else:
            for case in ("nothing changed", "one schema changed"):
                rows[case] = Stat(error="cold run failed")
        results.setdefault("generation", {}).setdefault(specs.key, {})[tool] = {
            k: (asdict(v) if isinstance(v, Stat) else v) for k, v in rows.items()
        }
        keep = base / f"{tool}-output"
        shutil.rmtree(keep, ignore_errors=True)
        if "out" in state and state["out"].exists():
            state["out"].rename(keep)
        if "cache" in state:
            shutil.rmtree(state["cache"], ignore_errors=True)


# --------------------------------------------------------------------------- lines of code


def _lines(path: Path) -> int:
    return sum(1 for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip())


def count_lines(tool: str, out: Path, specs: SpecSet, stdout: str) -> dict[str, Any]:
    """Non-blank lines of the .py files of one generator's output, split into API, model and support code.

    Operations and models are each output's own counts: clientgen's from its summary line (from
    the spec); openapi-python-client's as its modules under api/ (one per endpoint) and models/
    (one per model or enum); OpenAPI Generator's as the public methods of api/*.py without the
    ``_with_http_info``/``_without_preload_content`` variants, and its modules under models/.
    OpenAPI Generator's test stubs and setup.py are not counted (only its package folder).
    """
    api = models = support = operations = model_count = 0
    if tool == "clientgen":
        for match in re.finditer(r"\((\d+) operations, (\d+) models", stdout):
            operations += int(match.group(1))
            model_count += int(match.group(2))
        for package in out.iterdir():
            for path in package.rglob("*.py"):
                n = _lines(path)
                rel = path.relative_to(package).as_posix()
                if rel.endswith("_api.py"):
                    api += n
                elif rel == "models.py" or rel.startswith("models/"):
                    models += n
                else:
                    support += n
    elif tool == "opc":
        for package in out.iterdir():
            for path in package.rglob("*.py"):
                n = _lines(path)
                rel = path.relative_to(package).as_posix()
                if rel.startswith("api/"):
                    api += n
                    operations += path.name != "__init__.py"
                elif rel.startswith("models/"):
                    models += n
                    model_count += path.name != "__init__.py"
                else:
                    support += n
    else:
        method = re.compile(r"^    def (?!_)(\w+)\(", re.M)
        for folder in out.iterdir():
            for package in folder.iterdir():
                if not (package.is_dir() and package.name.startswith("oag_")):
                    continue
                for path in package.rglob("*.py"):
                    text = path.read_text(encoding="utf-8", errors="replace")
                    n = sum(1 for line in text.splitlines() if line.strip())
                    rel = path.relative_to(package).as_posix()
                    if rel.startswith("api/"):
                        api += n
                        operations += sum(
                            1
                            for name in method.findall(text)
                            if not name.endswith(("_with_http_info", "_without_preload_content"))
                        )
                    elif rel.startswith("models/"):
                        models += n
                        model_count += path.name != "__init__.py"
                    else:
                        support += n
    return {
        "lines": api + models + support,
        "api_lines": api,
        "model_lines": models,
        "support_lines": support,
        "operations": operations,
        "models": model_count,
    }


# --------------------------------------------------------------------------- generated clients


def _importtime(module: str, env: dict[str, str]) -> float:
    """Microseconds of ``import module`` (cumulative, from python -X importtime) in a fresh interpreter."""
    done = subprocess.run(
        [str(VENV_PYTHON), "-X", "importtime", "-c", f"import {module}"],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    for line in done.stderr.splitlines():
        parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[2] == module:
            return float(parts[1])
    raise RuntimeError(f"no importtime line for {module}: {done.stderr[-300:]}")


def _first_use(statement: str, env: dict[str, str]) -> float:
    """Seconds of an import statement a user writes, timed inside a fresh interpreter."""
    code = f"import time\nt = time.perf_counter()\n{statement}\nprint(time.perf_counter() - t)"
    done = subprocess.run([str(VENV_PYTHON), "-c", code], capture_output=True, text=True, env=env, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def _big_models_row(opts: argparse.Namespace) -> dict[str, Any] | None:
    """``import github_client.models`` of the GitHub REST package (3,500 models, loaded lazily by part).

    Timed with .pyc files written, as an installed package has them (the import of the package's
    1 MB name table is what a user pays); first use is one model imported, decoded and read.
    """
    if not GITHUB_SPEC.is_file():
        return None
    print("  import github_client.models (GitHub REST, lazy parts)", flush=True)
    folder = WORK / "import-github"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "spec").mkdir(parents=True)
    spec = folder / "spec" / "api.github.com.json"
    spec.write_text(inject_settings(GITHUB_SPEC.read_text(encoding="utf-8"), True, "github_client"), encoding="utf-8")
    subprocess.run(
        [str(VENV / "bin" / "clientgen"), "generate", str(spec), "-o", str(folder / "out")],
        env=tool_env("clientgen", folder / "cache"), capture_output=True, check=True, timeout=opts.timeout,
    )  # fmt: skip
    env = tool_env("none", None)
    env["PYTHONPATH"] = str(folder / "out")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    use = (
        "from github_client.models import SimpleUser\n" "u = SimpleUser.from_dict({'login': 'a', 'id': 1})\n" "u.login"
    )
    runs = max(opts.runs, 5)
    row: dict[str, Any] = {"package": "github_client.models", "api": "SimpleUser", "goal_ms": 100}
    try:
        _importtime("github_client.models", env)  # warm-up: writes the .pyc files
        _first_use(use, env)
        row["ours"] = {
            "module": "github_client.models",
            "statement": use,
            "import_ms": statistics.median(_importtime("github_client.models", env) for _ in range(runs)) / 1000,
            "first_use_ms": statistics.median(_first_use(use, env) for _ in range(runs)) * 1000,
            "runs": runs,
        }
    except (subprocess.CalledProcessError, RuntimeError, ValueError) as error:
        text = getattr(error, "stderr", "") or str(error)
        row["ours"] = {"module": "github_client.models", "error": text.strip().splitlines()[-1][:200]}
    return row


def bench_imports(opts: argparse.Namespace, results: dict[str, Any]) -> None:
    site = WORK / "generated"
    env = tool_env("none", None)
    env["PYTHONPATH"] = str(site)
    plain = tool_env("none", None)
    rows = {}
    for spec, (package, api, upstream, upstream_use) in CURATED.items():
        print(f"  import {package}" + (f" / {upstream}" if upstream else ""), flush=True)
        ours_use = f"from {package} import ApiClient, {api}"
        runs = max(opts.runs, 5)
        row: dict[str, Any] = {"package": package, "api": api}
        for key, module, statement, environment in (
            ("ours", package, ours_use, env),
            ("upstream", upstream, upstream_use, plain),
        ):
            if module is None:
                continue
            try:
                _importtime(module, environment)  # warm-up (and .pyc files)
                _first_use(statement or f"import {module}", environment)
                row[key] = {
                    "module": module,
                    "statement": statement,
                    "import_ms": statistics.median(_importtime(module, environment) for _ in range(runs)) / 1000,
                    "first_use_ms": statistics.median(
                        _first_use(statement or f"import {module}", environment) for _ in range(runs)
                    )
                    * 1000,
                    "runs": runs,
                }
            except (subprocess.CalledProcessError, RuntimeError, ValueError) as error:
                text = getattr(error, "stderr", "") or str(error)
                row[key] = {"module": module, "error": text.strip().splitlines()[-1][:200]}
        rows[spec] = row
    big = _big_models_row(opts)
    if big is not None:
        rows["github"] = big
    try:
        _importtime("httpx", plain)
        runs = max(opts.runs, 5)
        rows["_httpx"] = {"import_ms": statistics.median(_importtime("httpx", plain) for _ in range(runs)) / 1000}
    except (subprocess.CalledProcessError, RuntimeError) as error:
        rows["_httpx"] = {"error": str(error)[:200]}
    results["import"] = rows


def opc_ica_models(opts: argparse.Namespace) -> Path:
    """openapi-python-client's package for specs/ica_v3.yaml (for its models), as .bench/work/decode/opc_ica_v3."""
    parent = WORK / "decode"
    parent.mkdir(parents=True, exist_ok=True)
    target = parent / "opc_ica_v3"
    subprocess.run(
        [str(VENV / "bin" / "openapi-python-client"), "generate", "--path", str(ROOT / "specs" / "ica_v3.yaml"),
         "--output-path", str(target), "--meta", "none", "--overwrite"],
        env=tool_env("opc", None), capture_output=True, check=True,
    )  # fmt: skip
    return parent


def bench_decode(opts: argparse.Namespace, results: dict[str, Any]) -> None:
    import fakedata

    data_file = WORK / "decode" / "workflow_sessions.json"
    data_file.parent.mkdir(parents=True, exist_ok=True)
    data = fakedata.make_bytes()
    data_file.write_bytes(data)
    print(f"  {len(data):,} bytes of JSON, 10,000 WorkflowSessionV3 items", flush=True)
    try:
        opc_parent: Path | None = opc_ica_models(opts)
    except subprocess.CalledProcessError as error:
        opc_parent = None
        results.setdefault("notes", []).append(f"openapi-python-client failed on specs/ica_v3.yaml: {error}")
    env = tool_env("none", None)
    env["BENCH_GENERATED"] = str(WORK / "generated")
    reps = max(opts.runs, 9)  # per protocol; the collector makes single runs vary
    rows: dict[str, Any] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    variants = ["json"] + [f"{lib}-{mode}" for lib in ("plain", "ours", "libica", "opc") for mode in ("touch", "all")]
    for variant in variants:
        if variant.startswith("opc") and opc_parent is None:
            rows[variant] = {"error": "openapi-python-client could not generate specs/ica_v3.yaml"}
            continue
        command = [str(VENV_PYTHON), str(HERE / "decode_worker.py"), variant, str(data_file), str(reps)]
        if opc_parent is not None:
            command.append(str(opc_parent))
        done = subprocess.run(command, capture_output=True, text=True, env=env)
        if done.returncode != 0:
            rows[variant] = {"error": (done.stderr.strip().splitlines() or ["?"])[-1][:200]}
        else:
            rows[variant] = json.loads(done.stdout.strip().splitlines()[-1])
        shown, steady = rows[variant].get("median"), decode_median(rows[variant], "back_to_back")
        print(
            f"  decode {variant}: "
            + (
                f"{shown * 1000:.0f} ms, back to back {steady * 1000:.0f} ms"
                if shown and steady
                else rows[variant].get("error", "?")
            ),
            flush=True,
        )
    results["decode"] = rows


PROTOCOLS = (
    ("after", "each run right after a full collection (`gc.collect()`)"),
    ("back_to_back", "runs back to back, the collector's state carried over, as a client paging through results"),
)
DECODE_MODES = (("touch", "every item + 2 nested fields"), ("all", "every field of every item"))


def decode_median(entry: dict[str, Any], protocol: str) -> float | None:
    """A variant's median under one protocol ("after" a full collection, or "back_to_back")."""
    found = entry.get("back_to_back", {}) if protocol == "back_to_back" else entry
    median: float | None = found.get("median")
    return median


def _decode_table(decode: dict[str, Any], protocol: str, title: str) -> list[str]:
    out = [
        f"\nMedians, {title}:\n",
        "| reads | json.loads alone | the reads alone, plain objects | clientgen | libica 3.3 (pydantic)"
        " | openapi-python-client | clientgen ÷ json.loads | clientgen ÷ (json.loads + plain reads)"
        " | libica ÷ clientgen | opc ÷ clientgen |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]

    def show(entry: dict[str, Any], memory: bool = True) -> str:
        if entry.get("error"):
            return f"failed: {entry['error']}"
        median = decode_median(entry, protocol)
        if median is None:
            return "not run"
        return f"{median * 1000:,.0f} ms" + (f" · {_mb(entry['rss'])}" if memory else "")

    def ratio(a: float | None, b: float | None) -> str:
        return f"{a / b:.2f}×" if a and b else "—"

    base = decode_median(decode.get("json", {}), protocol)
    for mode, label in DECODE_MODES:
        cells = {lib: decode.get(f"{lib}-{mode}", {}) for lib in ("plain", "ours", "libica", "opc")}
        m = {lib: decode_median(entry, protocol) for lib, entry in cells.items()}
        floor = base + m["plain"] if base and m["plain"] else None
        out.append(
            f"| {label} | {show(decode.get('json', {}))} | {show(cells['plain'], memory=False)} | {show(cells['ours'])}"
            f" | {show(cells['libica'])} | {show(cells['opc'])} | {ratio(m['ours'], base)} | {ratio(m['ours'], floor)}"
            f" | {ratio(m['libica'], m['ours'])} | {ratio(m['opc'], m['ours'])} |"
        )
    return out


def variants_of(decode: dict[str, Any]) -> list[str]:
    """The decoding variants in a results entry, in the order they ran."""
    return [name for name, entry in decode.items() if isinstance(entry, dict) and "variant" in entry]


def bench_call(opts: argparse.Namespace, results: dict[str, Any]) -> None:
    env = tool_env("none", None)
    env["BENCH_GENERATED"] = str(WORK / "generated")
    rows = {}
    for variant in ("bare", "ours"):
        done = subprocess.run(
            [str(VENV_PYTHON), str(HERE / "call_worker.py"), variant, str(opts.calls), str(max(opts.runs, 5))],
            capture_output=True, text=True, env=env,
        )  # fmt: skip
        if done.returncode != 0:
            rows[variant] = {"error": (done.stderr.strip().splitlines() or ["?"])[-1][:200]}
        else:
            rows[variant] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"  call {variant}: {rows[variant].get('median_us', rows[variant].get('error'))}", flush=True)
    results["call"] = rows


# --------------------------------------------------------------------------- change report


def _load_module(name: str, path: Path) -> Any:
    """A module from a file outside the benchmarks folder (the tests' pinned GitHub spec fetcher)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bench_diff(opts: argparse.Namespace, results: dict[str, Any]) -> None:
    """``clientgen diff`` on GitHub's whole spec between two releases, both levels."""
    from measure import run

    github_specs = _load_module("github_specs", ROOT / "tests" / "github_specs.py")
    try:
        old, new = (github_specs.github_spec(version) for version in DIFF_VERSIONS)
    except github_specs.Unavailable as reason:
        results.setdefault("notes", []).append(f"clientgen diff row skipped: {reason}")
        return
    command = [
        str(VENV / "bin" / "clientgen"), "diff", str(old), str(new), "--package", "github_client",
        "--level", "both", "--format", "json", "--fail-on", "none",
    ]  # fmt: skip
    env = tool_env("clientgen", None)

    def once(i: int) -> Any:
        return run(command, env=env, timeout=opts.timeout)

    stat, runs = measured_series(once, opts.runs, 1, opts, "diff github")
    row: dict[str, Any] = asdict(stat)
    if runs:
        row["cpu"] = statistics.median(r.cpu for r in runs)
        data = json.loads(runs[-1].stdout)
        row["wire_entries"] = len(data["wire"])
        row["python_entries"] = len(data["python"])
        row["proposed"] = data["version"]["proposed"]
    results["diff"] = {"github": row}


# --------------------------------------------------------------------------- report


def machine() -> dict[str, str]:
    info: dict[str, str] = {}
    info["cores"] = str(os.cpu_count())
    try:
        cpu = Path("/proc/cpuinfo").read_text()
        model = re.search(r"^model name\s*:\s*(.+)$", cpu, re.M)
        info["cpu"] = model.group(1).strip() if model else platform.processor()
        mem = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        info["memory"] = f"{int(mem.group(1)) / 2**20:.1f} GiB" if mem else "?"
    except OSError:
        info["cpu"] = platform.processor()
    info["os"] = f"{platform.system()} {platform.release()}"
    info["python"] = platform.python_version()
    java = java_version()
    info["java"] = java[1] if java else "none"
    node = shutil.which("node")
    info["node"] = (
        subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip() if node else "none"
    )
    try:
        info["commit"] = subprocess.run(
            ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        info["commit"] = "?"
    return info


def load() -> str:
    try:
        return "load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "load average ?"


def _mb(value: int | None) -> str:
    return "?" if value is None else f"{value / 2**20:,.0f} MB"


def _secs(value: float | None) -> str:
    if value is None:
        return "?"
    return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def _cell(stat: dict[str, Any] | None) -> str:
    if stat is None:
        return "not run"
    if stat.get("error"):
        return f"failed: {stat['error']}".replace("|", "\\|")
    text = f"{_secs(stat['wall'])} · {_mb(stat['tree'])}"
    return text + (f" (n={stat['runs']})" if stat["runs"] != 5 else "")


def _ratio(alt: dict[str, Any] | None, ours: dict[str, Any] | None) -> str:
    if not alt or not ours or alt.get("error") or ours.get("error") or not ours.get("wall"):
        return "—"
    return f"{alt['wall'] / ours['wall']:.2f}× · {alt['tree'] / ours['tree']:.2f}×"


def report(results: dict[str, Any], opts: argparse.Namespace) -> str:
    out: list[str] = []
    info = results["machine"]
    out.append(f"## clientgen benchmarks ({results['date']})\n")
    out.append(
        f"Machine: {info['cores']} cores, {info['cpu']}, {info.get('memory', '?')} RAM, {info['os']}; "
        f"Python {info['python']}; {info['java']}; Node {info['node']}; commit {info['commit']}.  "
    )
    out.append(f"Load: {results['load_before']} before, {results['load_after']} after.  ")
    out.append(f"Command: `{results['command']}` (medians of {opts.runs} runs unless n= says otherwise).\n")
    for note in results.get("notes", []):
        out.append(f"- {note}")
    if results.get("notes"):
        out.append("")

    gen = results.get("generation", {})
    if gen:
        out.append("### Generation: wall time · peak memory of the process tree (median)\n")
        out.append(
            "| spec | case | clientgen | openapi-python-client | OpenAPI Generator | opc ÷ clientgen | OAG ÷ clientgen |"
        )
        out.append("|---|---|---|---|---|---|---|")
        for key, title in (("curated", "five curated specs"), ("ica", "full ICA v3"), ("github", "GitHub REST")):
            if key not in gen:
                continue
            for case in ("cold", "nothing changed", "one schema changed"):
                cells = {tool: gen[key].get(tool, {}).get(case) for tool in TOOLS}
                oag = cells["oag"] if "oag" in gen[key] else {"error": results.get("oag_skipped", "not run")}
                out.append(
                    f"| {title} | {case} | {_cell(cells['clientgen'])} | {_cell(cells['opc'])} | {_cell(oag)} "
                    f"| {_ratio(cells['opc'], cells['clientgen'])} | {_ratio(cells['oag'], cells['clientgen'])} |"
                )
        out.append(
            "\nRatios: the other tool's figure divided by clientgen's (time · memory); above 1 means clientgen"
            " is faster or smaller. The other generators have no cache, so their reruns redo everything."
            " Memory: the largest sum of resident sets over the process tree (sampled every 20 ms; pages"
            " shared by forked workers count once per worker); the largest single process is in results.json.\n"
        )
        out.append("### Lines of generated code (non-blank lines of .py files)\n")
        out.append("| spec | measure | clientgen | openapi-python-client | OpenAPI Generator | clientgen ÷ opc |")
        out.append("|---|---|---|---|---|---|")
        for key, title in (("curated", "five curated specs"), ("ica", "full ICA v3"), ("github", "GitHub REST")):
            if key not in gen:
                continue
            locs = {tool: gen[key].get(tool, {}).get("loc") for tool in TOOLS}

            def value(loc: dict[str, Any] | None, what: str) -> float | None:
                if not loc:
                    return None
                if what == "per op":
                    return loc["lines"] / loc["operations"] if loc["operations"] else None
                if what == "api per op":
                    return loc["api_lines"] / loc["operations"] if loc["operations"] else None
                if what == "model per model":
                    return loc["model_lines"] / loc["models"] if loc["models"] else None
                return float(loc[what])

            for what, label in (
                ("lines", "lines in all"),
                ("operations", "operations (own count)"),
                ("models", "models (own count)"),
                ("per op", "all lines per operation"),
                ("api per op", "API-module lines per operation"),
                ("model per model", "model lines per model"),
                ("support_lines", "runtime/support lines"),
            ):
                vals = {tool: value(locs[tool], what) for tool in TOOLS}
                shown = {
                    t: ("—" if v is None else (f"{v:,.0f}" if v >= 100 or v == int(v) else f"{v:.1f}"))
                    for t, v in vals.items()
                }
                ratio = (
                    f"{vals['clientgen'] / vals['opc']:.2f}" if vals["clientgen"] is not None and vals["opc"] else "—"
                )
                out.append(f"| {title} | {label} | {shown['clientgen']} | {shown['opc']} | {shown['oag']} | {ratio} |")
        out.append(
            "\nOperations and models are each output's own counts (see benchmarks/bench.py, count_lines):"
            " clientgen's from the spec; openapi-python-client's modules under api/ and models/ (it drops"
            " what it cannot handle, and makes a module per inline enum); OpenAPI Generator's public API"
            " methods (without the _with_http_info/_without_preload_content twins) and modules under models/,"
            " its package folder only (not test/ or setup.py).\n"
        )

    diff = results.get("diff", {}).get("github")
    if diff:
        versions = " → ".join(DIFF_VERSIONS)
        out.append(f"### Change report: `clientgen diff` on GitHub REST {versions} (whole spec, both levels)\n")
        out.append("| wall time | CPU time | peak memory | wire entries | Python entries | proposed version |")
        out.append("|---|---|---|---|---|---|")
        if diff.get("error"):
            out.append(f"| failed: {diff['error']} | | | | | |".replace("\n", " "))
        else:
            out.append(
                f"| {_secs(diff['wall'])} | {_secs(diff.get('cpu'))} | {_mb(diff['tree'])} "
                f"| {diff.get('wire_entries', '?')} | {diff.get('python_entries', '?')} | {diff.get('proposed', '?')} |"
            )
        out.append(
            "\nBoth specs come from the npm tarballs of @octokit/openapi, checked against pinned sha512"
            " integrities (tests/github_specs.py). CPU time is user + system of the command; memory as above.\n"
        )

    imports = results.get("import")
    if imports:
        out.append("### Import time of the generated clients (median, fresh interpreter each)\n")
        out.append(
            "| client | `import pkg` (-X importtime) | first use | upstream client | its `import` | its first use | upstream ÷ ours (import) |"
        )
        out.append("|---|---|---|---|---|---|---|")
        for _spec, row in imports.items():
            if _spec.startswith("_"):
                continue
            ours = row.get("ours", {})
            up = row.get("upstream")

            def ms(entry: dict[str, Any] | None, key: str) -> str:
                if not entry:
                    return "—"
                if entry.get("error"):
                    return f"failed: {entry['error']}"
                return f"{entry[key]:.1f} ms"

            ratio = (
                f"{up['import_ms'] / ours['import_ms']:.0f}×"
                if up and not up.get("error") and not ours.get("error") and ours.get("import_ms")
                else "—"
            )
            out.append(
                f"| {row['package']} | {ms(ours, 'import_ms')} | {ms(ours, 'first_use_ms')} "
                f"| {up['module'] if up else '—'} | {ms(up, 'import_ms')} | {ms(up, 'first_use_ms')} | {ratio} |"
            )
        httpx_row = imports.get("_httpx", {})
        if httpx_row.get("import_ms"):
            out.append(
                f"| (httpx alone, the generated clients' dependency) | {httpx_row['import_ms']:.1f} ms | | | | | |"
            )
        out.append(
            "\nFirst use: `from pkg import ApiClient, <API class>` (for libica and vidispine the same names"
            " from their packages), timed inside the interpreter; it includes httpx (ours) or pydantic/urllib3"
            " (upstream).\n"
        )

    decode = results.get("decode")
    if decode:
        out.append(f"### Decoding a 10,000-item ICA v3 workflow-session list ({decode['bytes'] / 1e6:.1f} MB of JSON)")
        for protocol, title in PROTOCOLS:
            out.extend(_decode_table(decode, protocol, title))
        gc_rows = [v for v in variants_of(decode) if decode[v].get("gc")]
        if gc_rows:
            out.append(
                "\nThe garbage collector during the median run of each protocol (it runs as in a caller's program;"
                " the suite only watches it): collections of the youngest, middle and oldest generation, and"
                " their time. A full (oldest-generation) collection walks every object alive, the decoded JSON"
                " included.\n"
            )
            out.append(
                "| variant | after a full collection: young · middle · full | time | back to back: young · middle · full | time |"
            )
            out.append("|---|---|---|---|---|")
            for variant in gc_rows:
                logs = []
                for log in (decode[variant]["gc"], decode[variant].get("back_to_back", {}).get("gc")):
                    if log:
                        young, middle, full = log["collections"]
                        logs.append(f"{young} · {middle} · {full} | {log['seconds'] * 1000:,.0f} ms")
                    else:
                        logs.append("— | —")
                out.append(f"| {variant} | {' | '.join(logs)} |")
        out.append(
            "\nEach from the bytes: clientgen `WorkflowSessionPagedListV3.from_dict(json.loads(b))`, libica"
            " `WorkflowSessionPagedListV3.from_json(b.decode())`, openapi-python-client `from_dict(json.loads(b))`"
            ' (its client generated from specs/ica_v3.yaml), then the reads. "Plain objects" is the reads'
            " alone on `SimpleNamespace` objects built before the clock starts: what the reads cost by"
            " themselves, which no library that returns objects avoids; json.loads plus that is the floor."
            " Memory: peak RSS of the process (interpreter, imports, the bytes and one decoded copy)."
            " Fake data: benchmarks/fakedata.py (seeded).\n"
        )

    call = results.get("call")
    if call:
        bare, ours = call.get("bare", {}), call.get("ours", {})
        out.append("### One call over a mock transport (client-side overhead)\n")
        out.append("| | bare httpx + json.loads | clientgen (ica_v3_client) | clientgen ÷ bare |")
        out.append("|---|---|---|---|")
        if bare.get("median_us") and ours.get("median_us"):
            out.append(
                f"| µs per call | {bare['median_us']:.0f} µs | {ours['median_us']:.0f} µs "
                f"| {ours['median_us'] / bare['median_us']:.2f}× |"
            )
        else:
            out.append(
                f"| µs per call | {bare.get('median_us', bare.get('error'))} | {ours.get('median_us', ours.get('error'))} | — |"
            )
        out.append(
            f"\n`get_workflow_session_inputs` against `client.get(url)` + `json.loads`, one httpx.Client with the"
            f" same MockTransport; median of {max(opts.runs, 5)} batches of {opts.calls} calls.\n"
        )

    out.append("### Targets\n")
    out.append("| target | measured | met |")
    out.append("|---|---|---|")
    for target, measured, met in targets(results):
        out.append(f"| {target} | {measured} | {met} |")
    return "\n".join(out) + "\n"


def targets(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    gen = results.get("generation", {})
    rows: list[tuple[str, str, str]] = []

    def stat(key: str, tool: str, case: str) -> dict[str, Any] | None:
        found: dict[str, Any] | None = gen.get(key, {}).get(tool, {}).get(case)
        return found

    def twice_as_fast(mine: dict[str, Any]) -> Callable[[dict[str, Any]], tuple[str, bool]]:
        """The test that ``mine`` took at most half the wall time of the other tool's run."""

        def test(other: dict[str, Any]) -> tuple[str, bool]:
            ratio = other["wall"] / mine["wall"]
            return f"{_secs(mine['wall'])} vs {_secs(other['wall'])}: {ratio:.2f}×", ratio >= 2

        return test

    def check(target: str, value: dict[str, Any] | None, test: Callable[[dict[str, Any]], tuple[str, bool]]) -> None:
        if value is None:
            rows.append((target, "not run", "?"))
        elif value.get("error"):
            rows.append((target, f"failed: {value['error']}", "no"))
        else:
            text, ok = test(value)
            rows.append((target, text, "yes" if ok else "**no**"))

    check(
        "five curated specs, cold ≤ 1.5 s",
        stat("curated", "clientgen", "cold"),
        lambda s: (_secs(s["wall"]), s["wall"] <= 1.5),
    )
    check(
        "five curated specs, nothing changed ≤ 0.3 s",
        stat("curated", "clientgen", "nothing changed"),
        lambda s: (_secs(s["wall"]), s["wall"] <= 0.3),
    )
    ours = stat("ica", "clientgen", "cold")
    for tool in ("opc", "oag"):
        other = stat("ica", tool, "cold")
        check(
            f"full ICA v3 cold ≥ 2× faster than {TOOL_NAMES[tool]}",
            ours if ours is None or ours.get("error") else other,
            twice_as_fast(ours or {}),
        )
    check(
        "full ICA v3 nothing changed ≤ 0.5 s",
        stat("ica", "clientgen", "nothing changed"),
        lambda s: (_secs(s["wall"]), s["wall"] <= 0.5),
    )
    check(
        "full ICA v3 peak memory ≤ 250 MB",
        ours,
        lambda s: (_mb(s["tree"]) + f" (largest process {_mb(s['rss'])})", s["tree"] <= 250 * 2**20),
    )
    gh = stat("github", "clientgen", "cold")
    check("GitHub spec generates", gh, lambda s: (_secs(s["wall"]), True))
    gh_opc = stat("github", "opc", "cold")
    check(
        "GitHub spec ≥ 2× faster than openapi-python-client",
        gh if gh is None or gh.get("error") else gh_opc,
        twice_as_fast(gh or {}),
    )
    check(
        "GitHub spec peak memory ≤ 1 GB",
        gh,
        lambda s: (_mb(s["tree"]) + f" (largest process {_mb(s['rss'])})", s["tree"] <= 2**30),
    )
    for key, title in (("curated", "five curated"), ("ica", "full ICA v3"), ("github", "GitHub")):
        mine = (stat(key, "clientgen", "loc") or {}) if key in gen else None
        theirs = gen.get(key, {}).get("opc", {}).get("loc")
        if mine is None or not theirs or not mine:
            if key in gen:
                rows.append((f"{title}: lines per operation ≤ ½ of openapi-python-client's", "no output to count", "?"))
            continue
        a = mine["lines"] / mine["operations"]
        b = theirs["lines"] / theirs["operations"]
        rows.append(
            (
                f"{title}: lines per operation ≤ ½ of openapi-python-client's",
                f"{a:.0f} vs {b:.0f} (all .py lines ÷ operations): {a / b:.2f}",
                "yes" if a <= b / 2 else "**no**",
            )
        )
    for spec, row in (results.get("import") or {}).items():
        if spec.startswith("_"):
            continue
        entry = row.get("ours", {})
        goal = row.get("goal_ms", 30)
        if entry.get("error"):
            rows.append((f"import {row['package']} ≤ {goal} ms", f"failed: {entry['error']}", "no"))
        elif entry:
            rows.append(
                (
                    f"import {row['package']} ≤ {goal} ms",
                    f"{entry['import_ms']:.1f} ms (first use {entry['first_use_ms']:.1f} ms)",
                    "yes" if entry["import_ms"] <= goal else "**no**",
                )
            )
    decode = results.get("decode")
    if decode and decode.get("json", {}).get("median"):
        for mode, label in (("touch", "touching every item"), ("all", "reading every field")):
            ours_d = decode.get(f"ours-{mode}", {})
            for protocol, when in (("after", "after a full collection"), ("back_to_back", "back to back")):
                base, ours_m = decode_median(decode["json"], protocol), decode_median(ours_d, protocol)
                if not base or not ours_m:
                    continue
                r = ours_m / base
                plain = decode_median(decode.get(f"plain-{mode}", {}), protocol)
                floor = f"; json.loads + the reads on plain objects: {(base + plain) / base:.2f}×" if plain else ""
                rows.append(
                    (f"decoding ≤ 2× json.loads ({label}, {when})", f"{r:.2f}×{floor}", "yes" if r <= 2 else "**no**")
                )
            ours_m = decode_median(ours_d, "after")
            for lib, name in (("libica", "libica"), ("opc", "openapi-python-client")):
                theirs_m = decode_median(decode.get(f"{lib}-{mode}", {}), "after")
                if ours_m and theirs_m:
                    rows.append(
                        (
                            f"decoding faster than {name} ({label})",
                            f"{ours_m * 1000:.0f} ms vs {theirs_m * 1000:.0f} ms",
                            "yes" if ours_m < theirs_m else "**no**",
                        )
                    )
    call = results.get("call")
    if call and call.get("bare", {}).get("median_us") and call.get("ours", {}).get("median_us"):
        r = call["ours"]["median_us"] / call["bare"]["median_us"]
        rows.append(("per-call overhead ≤ 1.5× a bare httpx call", f"{r:.2f}×", "yes" if r <= 1.5 else "**no**"))
    return rows


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="benchmarks/bench.py", description=__doc__.split("\n\n")[0])
    env = os.environ.get
    parser.add_argument(
        "--runs", type=int, default=int(env("BENCH_RUNS", "5")), help="measured runs per case (default 5)"
    )
    parser.add_argument(
        "--slow-runs",
        type=int,
        default=int(env("BENCH_SLOW_RUNS", "3")),
        help="runs for a case whose first run is slow (default 3)",
    )
    parser.add_argument("--slow-after", type=float, default=15.0, help="seconds that make a run slow (default 15)")
    parser.add_argument(
        "--single-after", type=float, default=90.0, help="seconds past which a case runs once (default 90)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=float(env("BENCH_TIMEOUT", "1800")),
        help="seconds per run before it counts as failed",
    )
    parser.add_argument("--calls", type=int, default=2000, help="calls per batch in the per-call benchmark")
    parser.add_argument(
        "--only",
        default=env("BENCH_ONLY", ",".join(SECTIONS)),
        help=f"comma-separated sections (default all): {','.join(SECTIONS)}",
    )
    parser.add_argument("--tools", default=",".join(TOOLS), help="generators to compare (default clientgen,opc,oag)")
    parser.add_argument(
        "--rows",
        help="only issue 16's alternating rows (benchmarks/genrows.py): generation, memory (comma-separated);"
        " e.g. --rows generation --runs 3 takes minutes",
    )
    parser.add_argument("--in-env", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def bench_rows(rows: str, opts: argparse.Namespace) -> str:
    """The alternating generation and memory rows of benchmarks/genrows.py, as Markdown."""
    import genrows

    return genrows.main(["--rows", rows, "--runs", str(opts.runs), "--work", str(WORK / "genrows")])


def main(argv: Sequence[str]) -> int:
    opts = parse_args(argv)
    # every measured command runs as on a user's machine, where the first run leaves .pyc files
    # behind (the warm-up runs do that here); a shell that turns them off must not turn them off here
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    if not opts.in_env:
        ensure_environment()
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), str(Path(__file__).resolve()), "--in-env", *argv])
    sys.path.insert(0, str(HERE))
    if opts.rows:
        text = bench_rows(opts.rows, opts)
        (BENCH / "rows.md").write_text(text, encoding="utf-8")
        print("\n" + text + "\n(also written to .bench/rows.md)")
        return 0
    sections = [s.strip() for s in opts.only.split(",") if s.strip()]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        print(
            f"bench: unknown section(s) {', '.join(sorted(unknown))}; choose from {', '.join(SECTIONS)}",
            file=sys.stderr,
        )
        return 2
    tools = [t for t in opts.tools.split(",") if t]
    shown_args = [a for a in argv if a != "--in-env"]
    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "make bench" + (f' BENCH_ARGS="{" ".join(shown_args)}"' if shown_args else ""),
        "machine": machine(),
        "load_before": load(),
    }
    java = java_version()
    if "oag" in tools and (java is None or java[0] < 11):
        tools.remove("oag")
        results["oag_skipped"] = "skipped: needs Java 11+ (" + ("no java on PATH" if java is None else java[1]) + ")"
        results.setdefault("notes", []).append(f"OpenAPI Generator {results['oag_skipped']}")
    WORK.mkdir(parents=True, exist_ok=True)
    # the generated clients are imported from a copy, so no __pycache__ lands in generated/
    shutil.rmtree(WORK / "generated", ignore_errors=True)
    shutil.copytree(ROOT / "generated", WORK / "generated", ignore=shutil.ignore_patterns("__pycache__"))

    print(f"bench: {results['machine']['cores']} cores, {results['load_before']}", flush=True)
    if "gen-curated" in sections:
        print("generation: five curated specs", flush=True)
        curated = WORK / "specs" / "curated"
        shutil.rmtree(curated, ignore_errors=True)
        shutil.copytree(ROOT / "specs", curated / "specs")
        specs = SpecSet(
            "curated", "five curated specs", curated,
            [(f"specs/{name}.yaml", CURATED[name][0]) for name in CURATED],
            schema_edit(curated / "specs" / "ica_v3.yaml", "WorkflowSessionV3"), warmup=1,
        )  # fmt: skip
        bench_generation(specs, tools, opts, results)
    ica_source: tuple[Path, str] | None = None
    if "gen-ica" in sections:
        try:
            ica_source = upstream_ica_spec()
        except FileNotFoundError as error:
            results.setdefault("notes", []).append(f"full ICA v3 rows skipped: {error}")
    if ica_source is not None:
        source, shown = ica_source
        print(f"generation: full ICA v3 ({shown})", flush=True)
        results["ica_spec"] = shown
        if "no repository copy" in shown:
            results.setdefault("notes", []).append(f"full ICA v3 spec read from {shown}")
        folder = WORK / "specs" / "ica"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        target = folder / "openapi_public.yaml"
        target.write_text(
            inject_settings(source.read_text(encoding="utf-8"), False, "ica_full_client"), encoding="utf-8"
        )
        specs = SpecSet(
            "ica", "full ICA v3", folder, [("openapi_public.yaml", "ica_full_client")],
            schema_edit(target, "WorkflowSessionV3"), warmup=1,
        )  # fmt: skip
        bench_generation(specs, tools, opts, results)
    if "gen-github" in sections:
        if not GITHUB_SPEC.is_file():
            results.setdefault("notes", []).append(
                "GitHub spec rows skipped: @octokit/openapi is not installed (needs npm)"
            )
        else:
            print("generation: GitHub REST (@octokit/openapi generated/api.github.com.json)", flush=True)
            folder = WORK / "specs" / "github"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            target = folder / "api.github.com.json"
            target.write_text(
                inject_settings(GITHUB_SPEC.read_text(encoding="utf-8"), True, "github_client"), encoding="utf-8"
            )
            specs = SpecSet(
                "github", "GitHub REST", folder, [("api.github.com.json", "github_client")],
                schema_edit(target, "simple-user"), warmup=0,
            )  # fmt: skip
            bench_generation(specs, tools, opts, results)
    if "diff-github" in sections:
        print(f"change report: clientgen diff, GitHub REST {' -> '.join(DIFF_VERSIONS)}", flush=True)
        bench_diff(opts, results)
    if "import" in sections:
        print("import time", flush=True)
        bench_imports(opts, results)
    if "decode" in sections:
        print("decoding", flush=True)
        bench_decode(opts, results)
    if "call" in sections:
        print("per-call overhead", flush=True)
        bench_call(opts, results)
    rows = ",".join(name for key, name in (("gen-rows", "generation"), ("memory", "memory")) if key in sections)
    extra = bench_rows(rows, opts) if rows else ""
    results["load_after"] = load()
    text = report(results, opts) + ("\n## Alternating rows (benchmarks/genrows.py)\n\n" + extra if extra else "")
    (BENCH / "results.md").write_text(text, encoding="utf-8")
    (BENCH / "results.json").write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    print("\n" + text)
    print("(also written to .bench/results.md; raw figures in .bench/results.json)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
