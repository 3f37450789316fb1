"""The pipeline, one direction: load -> validate -> normalize -> render -> format."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .format import format_files
from .loader import load_document
from .normalize import normalize
from .render import render_package
from .settings import read_settings
from .validate import validate


@dataclass(frozen=True)
class GeneratedPackage:
    spec: str  # as shown to the user
    package: str  # folder name under the output directory
    files: dict[str, bytes]
    operations: int
    models: int


def display_path(path: Path) -> str:
    """The path as a user would type it: relative to the working directory when possible."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def generate(path: Path) -> GeneratedPackage:
    """Run the whole pipeline for one spec, in memory. Raises SpecError on bad input."""
    shown = display_path(path)
    doc = load_document(path, shown)
    validate(doc)
    settings = read_settings(doc)
    package = normalize(doc, settings, shown)
    texts = format_files(render_package(package), shown)
    return GeneratedPackage(
        spec=shown,
        package=package.package,
        files={name: text.encode("utf-8") for name, text in sorted(texts.items())},
        operations=sum(len(api.operations) for api in package.apis),
        models=len(package.models),
    )


def check_only(path: Path) -> GeneratedPackage:
    """Validate and normalize without rendering (the ``validate`` command)."""
    shown = display_path(path)
    doc = load_document(path, shown)
    validate(doc)
    settings = read_settings(doc)
    package = normalize(doc, settings, shown)
    return GeneratedPackage(
        shown, package.package, {}, sum(len(a.operations) for a in package.apis), len(package.models)
    )
