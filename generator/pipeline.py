"""The pipeline, one direction: load -> validate -> normalize -> render -> format.

``generate_many`` runs the first four stages spec by spec, then formats every package's Python
in one batch (so a worker pool can share the work), adds the files a package carries about
itself (its spec, CHANGES.md and the manifest over the final bytes), and keeps each finished
package in the cache keyed by everything that decides it (the recipe and changes file beside
the spec included): when nothing changed, a run reads the answer back instead of redoing the
work, and the stages are not even imported.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import Cache, digest, generator_fingerprint
from .limits import MAX_SPEC_BYTES
from .options import Options

if TYPE_CHECKING:
    from .errors import SpecError


@dataclass(frozen=True)
class GeneratedPackage:
    spec: str  # as shown to the user
    package: str  # folder name under the output directory
    files: dict[str, bytes]
    operations: int
    models: int
    warnings: tuple[str, ...] = ()  # violations let through by --allow-invalid, as printable text


@dataclass(frozen=True)
class _Rendered:
    spec: str
    package: str
    texts: dict[str, str]
    raw: frozenset[str]  # files that need no formatting
    operations: int
    models: int
    version: str  # of the generated package
    deps: dict[str, str]  # other files the spec's $refs read, with their hashes
    warnings: tuple[str, ...] = ()
    later: tuple[SpecError, ...] = ()  # the later stages' findings, until _settle words them


def _warning_text(problem: Any) -> str:
    """A violation as a warning: where and what, and the fix without "pass --allow-invalid"."""
    from dataclasses import replace

    return str(replace(problem, hint=problem.hint.split(", or pass --allow-invalid")[0]))


class _Warnings:
    """Violations let through by --allow-invalid, as printable text: one per place, in order."""

    def __init__(self) -> None:
        self._texts: list[str] = []
        self._places: set[tuple[str, str]] = set()

    def add(self, problem: SpecError) -> None:
        if (problem.file, problem.pointer) not in self._places:
            self._places.add((problem.file, problem.pointer))
            self._texts.append(_warning_text(problem))

    def texts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self._texts))


def display_path(path: Path) -> str:
    """The path as a user would type it: relative to the working directory when possible."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class _Inputs:
    """What decides a package besides the spec's content and the options: read once per run."""

    spec: bytes | None  # None when unreadable (the loader reports it)
    source: str  # the spec's name in headers and the manifest (see manifest.source_name)
    recipe: bytes | None
    recipe_shown: str
    changes: bytes | None

    def key(self, shown: str, options: Options) -> str | None:
        if self.spec is None:
            return None
        absent = b"\0absent"  # no file at all, never the same as an empty one
        recipe = self.recipe if self.recipe is not None else absent
        changes = self.changes if self.changes is not None else absent
        return digest("package", generator_fingerprint(), shown, self.source, repr(options), self.spec, recipe, changes)


def _inputs(path: Path, output: Path) -> _Inputs:
    from .manifest import changes_path, read_optional, recipe_path, source_name

    try:
        spec: bytes | None = path.read_bytes()
    except OSError:
        spec = None
    return _Inputs(
        spec=spec,
        source=source_name(path, output),
        recipe=read_optional(recipe_path(path)),
        recipe_shown=display_path(recipe_path(path)),
        changes=read_optional(changes_path(path)),
    )


@dataclass(frozen=True)
class _Job:
    """A spec whose package is not in the cache: what its stages need to know about it."""

    position: int  # in the caller's list
    path: Path
    shown: str
    options: Options
    key: str | None  # the package cache key
    inputs: _Inputs


@dataclass(frozen=True)
class _Loaded:
    """A job whose spec was read and prepared for validation."""

    job: _Job
    index: int  # position among the jobs (the validator's numbering)
    doc: Any  # loader.Document, as read
    version: str  # "2.0", "3.0" or "3.1"
    loaded: frozenset[Path]  # files its $refs read


@dataclass(frozen=True)
class _Loads:
    """The jobs read in order up to the first spec that cannot be read, if any: that error is
    raised only after the specs before it have reported theirs."""

    loaded: list[_Loaded]
    unreadable: SpecError | None


def _load(index: int, job: _Job) -> _Loaded:
    from .loader import load_document, track_loads
    from .validate import prepare

    with track_loads() as loaded:
        doc = load_document(job.path, job.shown)
        version = prepare(doc)
    return _Loaded(job, index, doc, version, frozenset(loaded))


def _load_all(jobs: list[_Job]) -> _Loads:
    from .errors import SpecError

    specs: list[_Loaded] = []
    for index, job in enumerate(jobs):
        try:
            specs.append(_load(index, job))
        except SpecError as error:
            return _Loads(specs, error)
    return _Loads(specs, None)


def _render(spec: _Loaded, code_cache: Path | None = None) -> _Rendered:
    """Normalize and render one spec (its validation runs meanwhile, see ``_settle``)."""
    from .loader import track_loads
    from .normalize import normalize
    from .render import STATIC_FILES, render_package
    from .settings import read_settings
    from .validate import openapi3

    later: list[SpecError] = []  # the later stages' warnings, shown after the validator's
    with track_loads() as loaded:
        doc = openapi3(spec.doc, spec.version)  # Swagger 2.0 is converted
        settings = read_settings(doc, spec.job.options)
        package = normalize(doc, settings, spec.job.inputs.source, spec.job.options.allow_invalid, later.append)
    texts = render_package(package, code_cache)
    root = spec.job.path.resolve()
    deps = {str(p): _sha(p) for p in sorted(spec.loaded | set(loaded)) if p != root}
    return _Rendered(
        spec=spec.job.shown,
        package=package.package,
        texts=texts,
        raw=frozenset(name for name in texts if not name.endswith(".py") or name in STATIC_FILES),
        operations=sum(len(api.operations) for api in package.apis),
        models=len(package.models),
        version=package.version,
        deps=deps,
        later=tuple(later),
    )


def _settle(spec: _Loaded, rendered: _Rendered | None, checks: Any) -> _Rendered | None:
    """The spec's validation outcome: its first violation is raised (unless --allow-invalid),
    before whatever went wrong later on the invalid document; else the warnings, in order."""
    from .validate import report

    warnings = _Warnings()
    report(checks.findings(spec.index, spec.doc, spec.version), spec.job.options.allow_invalid, warnings.add)
    if rendered is None:
        return None
    for problem in rendered.later:
        warnings.add(problem)
    return replace(rendered, warnings=warnings.texts(), later=())


def _cached(entry: Any, shown: str) -> GeneratedPackage | None:
    """A package from a cache entry, if the files its spec references are unchanged.

    The cache is untrusted input: an entry of the wrong shape, with a package or file name that
    is not a plain relative path inside the package, or with a dependency that is not a regular
    file, is a miss and is recomputed.
    """
    if not _well_formed(entry):
        return None
    for dep, sha in entry["deps"].items():
        path = Path(dep)
        try:
            if not path.is_file() or path.stat().st_size > MAX_SPEC_BYTES or _sha(path) != sha:
                return None
        except (OSError, ValueError):
            return None
    files = {name: text.encode("utf-8", "surrogateescape") for name, text in entry["files"].items()}
    warnings = tuple(entry["warnings"])
    return GeneratedPackage(shown, entry["package"], files, entry["operations"], entry["models"], warnings)


def _well_formed(entry: Any) -> bool:
    """Whether a package cache entry has exactly the shape ``generate_many`` writes, with safe names."""
    from .outdir import is_package_name
    from .writer import is_safe_relative

    def count(value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0

    def path_text(value: Any) -> bool:
        return isinstance(value, str) and "\x00" not in value

    if not isinstance(entry, dict) or set(entry) != {"package", "operations", "models", "deps", "warnings", "files"}:
        return False
    files, deps, warnings = entry["files"], entry["deps"], entry["warnings"]
    return (
        isinstance(entry["package"], str)
        and is_package_name(entry["package"])
        and count(entry["operations"])
        and count(entry["models"])
        and isinstance(files, dict)
        and bool(files)
        and all(is_safe_relative(name) and isinstance(text, str) for name, text in files.items())
        and all(_encodable(text) for text in files.values())
        and isinstance(deps, dict)
        and all(path_text(dep) and Path(dep).is_absolute() and isinstance(sha, str) for dep, sha in deps.items())
        and isinstance(warnings, list)
        and all(isinstance(w, str) for w in warnings)
    )


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: the entry was not written by the generator
        return False
    return True


def _formatted(rendered: list[_Rendered], cache: Cache) -> list[dict[str, str]]:
    """Every package's texts, its Python black-formatted: all packages in one batch (so a worker
    pool shares the work), each result put back under the package and file it came from."""
    from .format import format_sources

    places = [(number, name) for number, r in enumerate(rendered) for name in r.texts if name not in r.raw]
    items = [(f"{rendered[number].spec}::{name}", rendered[number].texts[name]) for number, name in places]
    texts = [dict(r.texts) for r in rendered]
    for (number, name), text in zip(places, format_sources(items, cache), strict=True):
        texts[number][name] = text
    return texts


def _finish(spec: _Loaded, r: _Rendered, texts: dict[str, str], cache: Cache) -> GeneratedPackage:
    """The package with the files it carries about itself, kept in the cache."""
    from .manifest import complete_package

    job = spec.job
    # the manifest hashes the final bytes, so it comes after formatting
    # popped while encoded: the text and its bytes of one file at a time, not of the whole package
    files = complete_package(
        {name: texts.pop(name).encode("utf-8") for name in list(texts)},
        package=r.package,
        version=r.version,
        spec=job.path,
        spec_bytes=job.inputs.spec if job.inputs.spec is not None else job.path.read_bytes(),
        source=job.inputs.source,
        recipe=job.inputs.recipe,
        recipe_shown=job.inputs.recipe_shown,
        changes=job.inputs.changes,
    )
    if job.key is not None:
        head = {
            "package": r.package,
            "operations": r.operations,
            "models": r.models,
            "deps": r.deps,
            "warnings": list(r.warnings),
        }
        # the shipped spec is UTF-8 (the loader decoded it); surrogates keep any byte exact.
        # Decoded one file at a time as the entry is written, never the whole package at once.
        texts_of = ((name, content.decode("utf-8", "surrogateescape")) for name, content in files.items())
        cache.put_mapping("package", job.key, head, "files", texts_of)
    return GeneratedPackage(r.spec, r.package, files, r.operations, r.models, r.warnings)


def generate_many(
    paths: Sequence[Path],
    cache: Cache | None = None,
    options: Options | Sequence[Options] | None = None,
    output: Path = Path("generated"),
) -> list[GeneratedPackage]:
    """Run the pipeline for several specs, in memory. Raises SpecError on bad input.

    ``options`` apply to every spec, or (a sequence) one per spec. ``output`` is the folder the
    packages go to: the specs are named relative to its parent, whatever the working directory.
    """
    from .background import SchemaChecks
    from .errors import SpecError

    cache = cache or Cache(None)
    per_spec = list(options) if isinstance(options, Sequence) else [options or Options()] * len(paths)
    done: dict[int, GeneratedPackage] = {}
    jobs: list[_Job] = []
    for position, path in enumerate(paths):
        shown = display_path(path)
        inputs = _inputs(path, output)
        key = inputs.key(shown, per_spec[position]) if cache.folder is not None else None
        hit = _cached(cache.get("package", key), shown) if key else None
        if hit is not None:
            done[position] = hit
        else:
            jobs.append(_Job(position, path, shown, per_spec[position], key, inputs))

    # the validator starts first, in its own process; it reads the specs itself
    with SchemaChecks([(job.path, job.shown) for job in jobs], cache) as checks:
        loads = _load_all(jobs)
        rendered: list[_Rendered] = []
        for spec in loads.loaded:
            try:
                rendered.append(_render(spec, cache.folder))
            except Exception:
                _settle(spec, None, checks)  # a violation explains it better
                raise
        try:
            texts = _formatted(rendered, cache)
        except SpecError:
            for spec in loads.loaded:
                _settle(spec, None, checks)  # a violation explains it better
            raise
        # the unformatted texts are not needed any more: keeping them costs the size of models.py
        rendered = [replace(r, texts={}) for r in rendered]
        settled = [_settle(spec, r, checks) or r for spec, r in zip(loads.loaded, rendered, strict=True)]
    if loads.unreadable is not None:
        raise loads.unreadable
    for spec, r, package_texts in zip(loads.loaded, settled, texts, strict=True):
        done[spec.job.position] = _finish(spec, r, package_texts, cache)
    return [done[i] for i in range(len(paths))]


def generate(
    path: Path, cache: Cache | None = None, options: Options | None = None, output: Path = Path("generated")
) -> GeneratedPackage:
    """Run the whole pipeline for one spec, in memory. Raises SpecError on bad input."""
    return generate_many([path], cache, options, output)[0]


def check_only(path: Path, options: Options | None = None) -> GeneratedPackage:
    """Validate and normalize without rendering (the ``validate`` command)."""
    from .loader import load_document
    from .normalize import normalize
    from .settings import read_settings
    from .validate import validate

    options = options or Options()
    warnings = _Warnings()
    shown = display_path(path)
    doc = validate(load_document(path, shown), options.allow_invalid, warnings.add)
    settings = read_settings(doc, options)
    package = normalize(doc, settings, shown, options.allow_invalid, warnings.add)
    operations = sum(len(a.operations) for a in package.apis)
    return GeneratedPackage(shown, package.package, {}, operations, len(package.models), warnings.texts())
