#!/usr/bin/env python3
"""Issue 16's generation rows and issue 14's memory rows, measured by alternating runs.

    python benchmarks/genrows.py --runs 3                       # generation rows, minutes
    python benchmarks/genrows.py --rows memory                  # peak memory of two large specs
    python benchmarks/bench.py --rows generation --runs 3       # the same inside .bench/venv

Each round runs every tool once, in turn (clientgen, openapi-python-client where it is installed,
the floor = benchmarks/floor.py reading the spec and writing clientgen's files), so a load that
comes and goes hits them alike; ratios are taken round by round and their median reported beside
the medians. Wall time and CPU time (user + system of the process tree) are both printed, and the
rows run again pinned to one core (``taskset -c 0``), where the validator's process cannot hide
behind a free second core. "one schema changed" edits one schema's description (a new text each
round) and runs clientgen with the cache of its cold run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench import _load_module, inject_settings, schema_edit  # noqa: E402
from measure import Result, run  # noqa: E402

CURATED = ("cons3rt", "libtes", "etherpad", "vidispine", "ica_v3")


@dataclass
class Series:
    """The runs of one tool on one case."""

    rounds: list[Result | None] = field(default_factory=list)  # None: that round failed
    error: str | None = None

    @property
    def results(self) -> list[Result]:
        return [r for r in self.rounds if r is not None]

    def median(self, what: str) -> float | None:
        values = [getattr(r, what) for r in self.results]
        return statistics.median(values) if values else None


def _bin(name: str) -> Path | None:
    found = Path(sys.executable).parent / name
    if found.is_file():
        return found
    on_path = shutil.which(name)
    return Path(on_path) if on_path else None


def _prefix(one_core: bool) -> list[str]:
    return ["taskset", "-c", "0"] if one_core and shutil.which("taskset") else []


@dataclass
class SpecCase:
    title: str
    folder: Path  # commands run here
    specs: list[str]  # relative to folder
    edit_spec: Path
    edit_schema: str


def _github(work: Path, explicit: str | None) -> SpecCase | None:
    source = Path(explicit) if explicit else None
    if source is None:
        github_specs = _load_module("github_specs", ROOT / "tests" / "github_specs.py")

        try:
            source = github_specs.github_spec("23.0.2")
        except github_specs.Unavailable as reason:
            print(f"GitHub rows skipped: {reason}", flush=True)
            return None
    folder = work / "github"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "api.github.com.json"
    target.write_text(inject_settings(source.read_text(encoding="utf-8"), True, "github_client"), encoding="utf-8")
    return SpecCase("GitHub REST (1,223 operations)", folder, [target.name], target, "simple-user")


def _curated(work: Path) -> SpecCase:
    folder = work / "curated"
    shutil.copytree(ROOT / "specs", folder / "specs", dirs_exist_ok=True)
    specs = [f"specs/{name}.yaml" for name in CURATED]
    return SpecCase("five curated specs", folder, specs, folder / "specs" / "ica_v3.yaml", "WorkflowSessionV3")


def _clientgen(case: SpecCase, out: Path, cache: Path, one_core: bool) -> Result:
    clientgen = _bin("clientgen")
    assert clientgen is not None, "clientgen is installed beside this Python"
    env = {"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin", "CLIENTGEN_CACHE_DIR": str(cache)}
    command = [*_prefix(one_core), str(clientgen), "generate", *case.specs, "-o", str(out)]
    return run(command, cwd=case.folder, env=env, timeout=1800)


def _opc(case: SpecCase, out: Path, one_core: bool) -> Result | None:
    opc = _bin("openapi-python-client")
    if opc is None:
        return None
    total: Result | None = None
    env = {"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin"}
    for spec in case.specs:
        command = [*_prefix(one_core), str(opc), "generate", "--path", spec, "--output-path",
                   str(out / Path(spec).stem), "--meta", "none", "--overwrite"]  # fmt: skip
        one = run(command, cwd=case.folder, env=env, timeout=1800)
        if total is None:
            total = one
        else:
            total.wall += one.wall
            total.cpu += one.cpu
            total.tree = max(total.tree, one.tree)
            total.rss = max(total.rss, one.rss)
            total.returncode = total.returncode or one.returncode
            total.stderr += one.stderr
    return total


def _floor(case: SpecCase, reference: Path, out: Path, one_core: bool) -> Result:
    command = [*_prefix(one_core), sys.executable, str(HERE / "floor.py"), str(reference), str(out), *case.specs]
    return run(command, cwd=case.folder, timeout=600)


def generation(case: SpecCase, work: Path, runs: int, one_core: bool) -> dict[str, Series]:
    """Alternating rounds of clientgen cold, openapi-python-client, the floor, clientgen with one
    schema changed."""
    series = {name: Series() for name in ("clientgen cold", "opc", "floor", "one schema changed")}
    edit = schema_edit(case.edit_spec, case.edit_schema)
    base = work / ("one-core" if one_core else "all-cores") / case.folder.name
    try:
        for number in range(runs):
            shutil.rmtree(base, ignore_errors=True)
            base.mkdir(parents=True)
            cold = _clientgen(case, base / "out", base / "cache", one_core)
            outcomes: dict[str, Result | None] = {"clientgen cold": cold}
            outcomes["opc"] = _opc(case, base / "opc", one_core)
            outcomes["floor"] = _floor(case, base / "out", base / "floor", one_core)
            edit.write(number)
            outcomes["one schema changed"] = _clientgen(case, base / "out", base / "cache", one_core)
            edit.write(None)
            for name, result in outcomes.items():
                if result is None:
                    series[name].error = "not installed"
                elif not result.ok:
                    series[name].error = result.first_error_line()
                series[name].rounds.append(result if result is not None and result.ok else None)
            line = ", ".join(
                f"{name} {r.wall:.2f} s wall / {r.cpu:.2f} s CPU" for name, r in outcomes.items() if r is not None
            )
            print(f"  {case.title}{' (one core)' if one_core else ''} round {number + 1}/{runs}: {line}", flush=True)
    finally:
        edit.write(None)
    return series


def _pairs(a: Series, b: Series, what: str) -> float | None:
    """The median over rounds of a's figure divided by b's."""
    pairs = zip(a.rounds, b.rounds, strict=True)
    ratios = [
        getattr(x, what) / getattr(y, what) for x, y in pairs if x is not None and y is not None and getattr(y, what)
    ]
    return statistics.median(ratios) if ratios else None


def _fmt(value: float | None, unit: str = " s") -> str:
    return "—" if value is None else f"{value:.2f}{unit}"


def _goal(ok: bool | None, text: str) -> str:
    return f"{text}: " + ("not measured" if ok is None else "**met**" if ok else "**not met**")


def generation_table(title: str, rows: dict[str, Series], one_core: bool, curated: bool) -> list[str]:
    gen, opc, floor, changed = (rows[k] for k in ("clientgen cold", "opc", "floor", "one schema changed"))
    lines = [
        f"### {title}{', one core (taskset -c 0)' if one_core else ''}",
        "",
        "| run | wall (median) | CPU (median) | peak memory, tree | runs |",
        "|---|---|---|---|---|",
    ]
    for name, s in rows.items():
        tree = s.median("tree")
        memory = "—" if tree is None else f"{tree / 2**20:.0f} MB"
        shown = (
            s.error if s.error and not s.results else f"{_fmt(s.median('wall'))} | {_fmt(s.median('cpu'))} | {memory}"
        )
        lines.append(
            f"| {name} | {shown} | {len(s.results)} |"
            if not (s.error and not s.results)
            else f"| {name} | {shown} | | | 0 |"
        )
    vs_opc_wall, vs_opc_cpu = _pairs(opc, gen, "wall"), _pairs(opc, gen, "cpu")
    vs_floor_wall, vs_floor_cpu = _pairs(gen, floor, "wall"), _pairs(gen, floor, "cpu")
    changed_share = _pairs(changed, gen, "cpu")
    lines += [
        "",
        "Ratios, median of the rounds' pairs: openapi-python-client / clientgen "
        f"{_fmt(vs_opc_wall, '×')} wall, {_fmt(vs_opc_cpu, '×')} CPU; clientgen / floor {_fmt(vs_floor_wall, '×')} wall, "
        f"{_fmt(vs_floor_cpu, '×')} CPU; one schema changed / cold {_fmt(changed_share and changed_share * 100, '%')} of CPU.",
        "",
    ]
    goals: list[str] = []
    if curated:
        cpu = gen.median("cpu")
        goals.append(_goal(None if cpu is None else cpu <= 0.6, f"cold ≤ 0.6 s CPU ({_fmt(cpu)})"))
    else:
        need = 3.0 if one_core else 5.0
        goals.append(_goal(None if vs_opc_wall is None else vs_opc_wall >= need, f"≥ {need:.0f}× faster than OPC"))
        if not one_core:
            goals.append(_goal(None if vs_floor_wall is None else vs_floor_wall <= 6, "≤ 6× the floor (wall)"))
    goals.append(_goal(None if changed_share is None else changed_share <= 0.3, "one schema changed ≤ 30% of cold CPU"))
    return lines + [f"- {g}" for g in goals] + [""]


# --------------------------------------------------------------------------- memory


def _memory_specs(work: Path) -> list[tuple[str, Path]]:
    """A curated spec with a 10 MB description, and a 60 MB spec (600 schemas with 100 KB of
    description each), both built here from specs/etherpad.yaml's settings."""
    import yaml

    base = yaml.safe_load((ROOT / "specs" / "etherpad.yaml").read_text(encoding="utf-8"))
    folder = work / "memory"
    folder.mkdir(parents=True, exist_ok=True)
    words = "lorem ipsum dolor sit amet " * 8 + "\n"
    one = dict(base)
    one["info"] = dict(base["info"], description=words * (10 * 2**20 // len(words)))
    many = dict(base)
    schemas = dict(base.get("components", {}).get("schemas", {}))
    for n in range(600):
        schemas[f"Padded{n}"] = {
            "type": "object",
            "description": words * (100 * 2**10 // len(words)),
            "properties": {"name": {"type": "string"}},
        }
    many["components"] = dict(base.get("components", {}), schemas=schemas)
    out = []
    for name, doc in (("description-10mb.json", one), ("spec-60mb.json", many)):
        path = folder / name
        path.write_text(json.dumps(doc, indent=1), encoding="utf-8")
        out.append((name, path))
    return out


def memory(work: Path) -> list[str]:
    clientgen = _bin("clientgen")
    assert clientgen is not None
    lines = [
        "### Peak memory on large inputs (cold, empty cache)",
        "",
        "| input | size | wall | CPU | peak memory, tree | largest process | × the input (tree) | ≤ 10× |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, path in _memory_specs(work):
        out, cache = work / "memory" / f"out-{name}", work / "memory" / f"cache-{name}"
        for folder in (out, cache):
            shutil.rmtree(folder, ignore_errors=True)
        env = {"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin", "CLIENTGEN_CACHE_DIR": str(cache)}
        result = run([str(clientgen), "generate", path.name, "-o", str(out)], cwd=path.parent, env=env, timeout=1800)
        size = path.stat().st_size
        if not result.ok:
            lines.append(f"| {name} | {size / 2**20:.0f} MB | failed: {result.first_error_line()} | | | | | |")
            continue
        times = result.tree / size
        lines.append(
            f"| {name} | {size / 2**20:.1f} MB | {result.wall:.2f} s | {result.cpu:.2f} s | "
            f"{result.tree / 2**20:.0f} MB | {result.rss / 2**20:.0f} MB | {times:.1f}× | {'**met**' if times <= 10 else '**not met**'} |"
        )
        print(f"  memory {name}: {result.tree / 2**20:.0f} MB for {size / 2**20:.1f} MB", flush=True)
    return [*lines, ""]


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="benchmarks/genrows.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="generation,memory", help="generation, memory (comma-separated)")
    parser.add_argument("--runs", type=int, default=3, help="alternating rounds per case (default 3)")
    parser.add_argument("--specs", default="curated,github", help="curated, github (comma-separated)")
    parser.add_argument("--github-spec", help="api.github.com.json to use instead of tests/github_specs.py's")
    parser.add_argument("--no-one-core", action="store_true", help="skip the runs pinned to one core")
    parser.add_argument("--work", default=str(ROOT / ".bench" / "genrows"), help="scratch folder")
    return parser.parse_args(argv)


def main(argv: Sequence[str]) -> str:
    opts = parse_args(argv)
    work = Path(opts.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    rows = {r.strip() for r in opts.rows.split(",")}
    wanted = {s.strip() for s in opts.specs.split(",")}
    out: list[str] = []
    if "generation" in rows:
        cases: list[tuple[SpecCase, bool]] = []
        if "curated" in wanted:
            cases.append((_curated(work), True))
        if "github" in wanted:
            github = _github(work, opts.github_spec)
            if github is not None:
                cases.append((github, False))
        for case, curated in cases:
            for one_core in (False,) if opts.no_one_core else (False, True):
                series = generation(case, work, opts.runs, one_core)
                out += generation_table(case.title, series, one_core, curated)
    if "memory" in rows:
        out += memory(work)
    return "\n".join(out)


if __name__ == "__main__":
    print("\n" + main(sys.argv[1:]))
