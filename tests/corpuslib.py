"""Helpers for the corpus tests (real-world specs): generate many packages, then check them
together (one import process, one mypy, one ruff and one black process)."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.errors import SpecError
from generator.options import Options
from generator.pipeline import GeneratedPackage, check_only, generate_many
from generator.wirepath import wire_path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass
class Outcome:
    spec: Path
    package: str
    status: str  # "generated", "generated with --allow-invalid", or the error
    error: str = ""  # the first violation, for documents that need --allow-invalid
    operations: int = 0
    generated: GeneratedPackage | None = None


def operations_of(spec: Path) -> Counter[tuple[str, str]]:
    """(METHOD, path as sent) of every operation the document describes, with how many share it
    (path keys that differ only in a fragment, AWS's ``/#X-Amz-Target=...``, share ``POST /``)."""
    text = spec.read_text(encoding="utf-8")
    data = json.loads(text) if spec.suffix == ".json" else yaml.safe_load(text)
    found: Counter[tuple[str, str]] = Counter()
    for path, item in (data.get("paths") or {}).items():
        if isinstance(item, dict) and isinstance(item.get("$ref"), str) and item["$ref"].startswith("#/"):
            target: object = data
            for part in item["$ref"][2:].split("/"):  # a path item shared by reference
                target = target.get(part.replace("~1", "/").replace("~0", "~")) if isinstance(target, dict) else None
            item = target
        if isinstance(item, dict):
            for method in HTTP_METHODS:
                if isinstance(item.get(method), dict):
                    found[(method.upper(), wire_path(path))] += 1
    return found


def _outcome(spec: Path, name: str) -> Outcome:
    """What one document gives: as it is, else with --allow-invalid when the spec is invalid."""
    try:
        check_only(spec, Options(package=name))
        return Outcome(spec, name, "generated")
    except SpecError as strict:
        if "unsupported:" in strict.message:
            return Outcome(spec, name, str(strict).splitlines()[0])
        try:
            check_only(spec, Options(package=name, allow_invalid=True))
        except SpecError as error:
            return Outcome(spec, name, str(error).splitlines()[0])
        return Outcome(spec, name, "generated with --allow-invalid", str(strict).splitlines()[0])


def generate_corpus(specs: Sequence[Path], names: Sequence[str], invalid: set[Path]) -> list[Outcome]:
    """Generate the documents in one batch (``invalid`` ones with --allow-invalid).

    The documents expected to be invalid are checked to be so; when the batch fails, each
    document is tried on its own so that the outcome of every one is known.
    """
    outcomes = []
    for spec, name in zip(specs, names, strict=True):
        if spec in invalid:
            outcomes.append(_outcome(spec, name))
        else:
            outcomes.append(Outcome(spec, name, "generated"))
    todo = [o for o in outcomes if o.status.startswith("generated")]
    options = [Options(package=o.package, allow_invalid=o.status != "generated") for o in todo]
    try:
        packages = generate_many([o.spec for o in todo], None, options)
    except SpecError:
        outcomes = [_outcome(spec, name) for spec, name in zip(specs, names, strict=True)]
        todo = [o for o in outcomes if o.status.startswith("generated")]
        options = [Options(package=o.package, allow_invalid=o.status != "generated") for o in todo]
        packages = generate_many([o.spec for o in todo], None, options)
    for outcome, package in zip(todo, packages, strict=True):
        outcome.generated = package
        outcome.operations = package.operations
    return outcomes


def write(outcomes: Sequence[Outcome], folder: Path) -> list[str]:
    packages = []
    for outcome in outcomes:
        if outcome.generated is None:
            continue
        for name, content in outcome.generated.files.items():
            target = folder / outcome.package / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        packages.append(outcome.package)
    return packages


def generated_operations(package: Path) -> Counter[tuple[str, str]]:
    """(METHOD, path) of every ``Operation`` constant of a generated package's API modules, counted."""
    found: Counter[tuple[str, str]] = Counter()
    for module in package.glob("*_api*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Operation":
                method, path = (arg.value for arg in node.args[1:3] if isinstance(arg, ast.Constant))
                found[(str(method), str(path))] += 1
    return found


def public_methods(package: Path) -> int:
    """Methods of the sync API classes (iterators and helpers not counted)."""
    count = 0
    for module in package.glob("*_api*.py"):
        for node in ast.parse(module.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and node.name.endswith("Api") and not node.name.startswith("Async"):
                count += sum(
                    isinstance(item, ast.FunctionDef)
                    and not item.name.startswith(("_", "iter_", "with_raw_response", "with_streaming_response"))
                    for item in node.body
                )
    return count


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "MYPY"))}


IMPORT_ALL = r"""
import importlib, pkgutil, sys
for name in sys.argv[1:]:
    package = importlib.import_module(name)
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(name + "." + module.name)
    for export in package.__all__:
        getattr(package, export)
print("imported", len(sys.argv) - 1)
"""


def check_packages(folder: Path, packages: Sequence[str], cache: Path) -> dict[str, subprocess.CompletedProcess[str]]:
    """Import every package; mypy --strict, ruff and black --check over all of them: four processes at once.

    black checks that the format stage's output is what black itself gives (the stage runs black
    only over the statements it cannot split itself)."""
    commands = {
        "import": [sys.executable, "-c", IMPORT_ALL, *packages],
        "mypy": [str(BIN / "mypy"), "--strict", "--cache-dir", str(cache), *packages],
        "ruff": [str(BIN / "ruff"), "check", "--no-cache", "--config", str(ROOT / "pyproject.toml"), *packages],
        "black": [str(BIN / "black"), "--check", "--diff", "--quiet", "--target-version", "py310", *packages],
    }
    started = {
        name: subprocess.Popen(args, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
        for name, args in commands.items()
    }
    results = {}
    for name, process in started.items():
        stdout, stderr = process.communicate(timeout=1200)
        results[name] = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    return results


def report(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}:\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}"


def package_name(prefix: str, spec: Path) -> str:
    return re.sub(r"\W", "_", f"{prefix}_{spec.stem}").lower() + "_client"
