"""The files every package carries about itself: the manifest ``clientgen.json``, the spec it
was generated from (shipped byte for byte) and ``CHANGES.md``.

The manifest hashes every other file of the package, so a vendored copy can be checked for
edited, missing and extra files (``clientgen verify``, or ``python -m <package> --verify``
with the standard library alone), and two copies can be compared without this repository.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import SpecError

MANIFEST_NAME = "clientgen.json"
CHANGES_NAME = "CHANGES.md"
# the recipe keys the manifest repeats; everything else in a recipe is the derivation's business
_UPSTREAM_KEYS = (("origin", "origin"), ("api-version", "api_version"), ("sha256", "sha256"), ("file", "file"))


def source_name(spec: Path, output: Path) -> str:
    """The spec as the package names it: its path relative to the output folder's parent when it
    lies below it (``specs/ica_v3.yaml`` for ``generated/``), else its file name; never the cwd's view."""
    base = output.resolve().parent
    try:
        return spec.resolve().relative_to(base).as_posix()
    except ValueError:
        return spec.name


def shipped_spec_name(spec: Path) -> str:
    """The name of the spec's copy inside the package."""
    return "openapi.json" if spec.name.lower().endswith(".json") else "openapi.yaml"


def recipe_path(spec: Path) -> Path:
    """``specs/<name>.recipe.yaml`` beside ``specs/<name>.yaml``."""
    return spec.with_name(f"{spec.stem}.recipe.yaml")


def changes_path(spec: Path) -> Path:
    """``specs/<name>.changes.md`` beside ``specs/<name>.yaml`` (the update flow appends to it)."""
    return spec.with_name(f"{spec.stem}.changes.md")


def read_optional(path: Path) -> bytes | None:
    """A companion file's bytes, or None when there is none."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise SpecError(str(path), "", f"cannot read the file: {error.strerror}", "check its permissions") from None


def file_digest(content: bytes) -> str:
    return "sha256:" + hashlib.sha256(content).hexdigest()


def tree_digest(hashes: Mapping[str, str]) -> str:
    """One hash for the sorted (path, hash) list: sha256 over ``<hash> <path>\\n`` lines."""
    lines = "".join(f"{hashes[path]} {path}\n" for path in sorted(hashes))
    return file_digest(lines.encode("utf-8"))


def _json_value(value: Any, shown: str, pointer: str) -> Any:
    """A recipe value as JSON data; anything JSON cannot hold is an error at its place."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    if isinstance(value, list):
        return [_json_value(item, shown, f"{pointer}/{index}") for index, item in enumerate(value)]
    if isinstance(value, dict):
        return {str(key): _json_value(item, shown, f"{pointer}/{key}") for key, item in value.items()}
    raise SpecError(shown, pointer, f"{value!r} cannot be written to the manifest", "write it as a string")


def read_upstream(recipe: bytes, shown: str) -> dict[str, Any] | None:
    """The provenance a recipe records (its ``upstream`` mapping's origin, api-version, sha256
    and file), or None when it records none (``upstream: none``, or no ``upstream`` at all)."""
    from .loader import parse_text

    try:
        text = recipe.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SpecError(shown, "", f"not UTF-8 text (byte {error.start})", "save the recipe as UTF-8") from None
    data = parse_text(text, shown)
    if data is None:
        return None
    if not isinstance(data, dict):
        raise SpecError(shown, "", "a recipe is a mapping", "start it with `clientgen-recipe: 1`")
    upstream = data.get("upstream")
    if upstream is None or upstream == "none":
        return None
    if not isinstance(upstream, dict):
        raise SpecError(
            shown, "/upstream", "upstream must be a mapping or `none`", "give origin, api-version, sha256 and file"
        )
    found = {
        name: _json_value(upstream[key], shown, f"/upstream/{key}") for key, name in _UPSTREAM_KEYS if key in upstream
    }
    return found or None  # a mapping that records none of them says no more than `none`


def default_changes(version: str, source: str) -> str:
    """CHANGES.md for a spec that has no changes file: one entry for the current version."""
    from .escape import markdown_code

    return f"# Changes\n\n## {version}\n\nFirst generated from {markdown_code(source)}.\n"


def manifest_bytes(
    *, package: str, version: str, source: str, spec_file: str, spec: bytes, upstream: Any, files: Mapping[str, bytes]
) -> bytes:
    """``clientgen.json`` for a package whose other files are ``files``."""
    from . import __version__

    hashes = {path: file_digest(files[path]) for path in sorted(files)}
    manifest = {
        "clientgen": __version__,
        "package": package,
        "version": version,
        "spec": {"path": source, "file": spec_file, "sha256": hashlib.sha256(spec).hexdigest()},
        "upstream": upstream,
        "files": hashes,
        "tree": tree_digest(hashes),
    }
    return (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")


def complete_package(
    files: Mapping[str, bytes],
    *,
    package: str,
    version: str,
    spec: Path,
    spec_bytes: bytes,
    source: str,
    recipe: bytes | None,
    recipe_shown: str,
    changes: bytes | None,
) -> dict[str, bytes]:
    """The package's files plus its shipped spec, CHANGES.md and the manifest over all of them."""
    upstream = read_upstream(recipe, recipe_shown) if recipe is not None else None
    spec_file = shipped_spec_name(spec)
    complete = dict(files)
    complete[spec_file] = spec_bytes
    complete[CHANGES_NAME] = changes if changes is not None else default_changes(version, source).encode("utf-8")
    complete[MANIFEST_NAME] = manifest_bytes(
        package=package,
        version=version,
        source=source,
        spec_file=spec_file,
        spec=spec_bytes,
        upstream=upstream,
        files=complete,
    )
    return {name: complete[name] for name in sorted(complete)}
