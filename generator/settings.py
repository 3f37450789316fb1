"""Per-spec generator settings, read from the spec's root key ``x-python-client``."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from .limits import MAX_PACKAGE_NAME
from .loader import Document
from .options import _VERSION, Options, check_options
from .reserved import shadowed_module

__all__ = ["KEY", "Options", "Settings", "check_options", "read_settings"]

KEY = "x-python-client"
_PROJECT = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")


@dataclass(frozen=True)
class Settings:
    package: str  # import name, also the folder under the output directory
    project: str  # distribution name
    version: str


def _from_options(doc: Document, options: Options) -> dict[str, object]:
    """Settings for a spec the user did not curate: the command line's, the rest defaulted."""
    raw = doc.data.get(KEY)
    out: dict[str, object] = dict(raw) if isinstance(raw, dict) else {}
    if options.package is not None:
        out["package"] = options.package
        out.pop("project", None)
    if options.version is not None:
        out["version"] = options.version
    elif "version" not in out:
        info = doc.data.get("info")
        api_version = info.get("version") if isinstance(info, dict) else None
        valid = isinstance(api_version, str) and _VERSION.match(api_version)
        out["version"] = api_version if valid else "0.1.0"
    return out


def read_settings(doc: Document, options: Options | None = None) -> Settings:
    """The generator settings of a spec; every problem is reported with its pointer."""
    raw = doc.data.get(KEY)
    pointer = "/" + KEY
    example = (
        f"add to the spec's root:\n  {KEY}:\n    package: my_api_client\n    version: 1.0.0\n"
        "  or pass --package my_api_client"
    )
    if options is not None and options.package is not None:
        raw = _from_options(doc, options)
        pointer = ""
    elif options is not None and options.version is not None and isinstance(raw, dict):
        raw = _from_options(doc, options)
    if not isinstance(raw, dict):
        raise doc.error(pointer if raw is not None else "", f"the spec has no '{KEY}' settings", example)
    package = raw.get("package")
    if (
        not isinstance(package, str)
        or not package.isidentifier()
        or not package.isascii()
        or keyword.iskeyword(package)
    ):
        raise doc.error(
            f"{pointer}/package",
            f"package must be a Python identifier, got {package!r}",
            "use lower-case letters, digits and underscores, e.g. my_api_client",
        )
    if package.startswith("_") or package != package.lower():
        raise doc.error(
            f"{pointer}/package", f"package {package!r} should be lower case and public", "e.g. my_api_client"
        )
    shadowed = shadowed_module(package)
    if shadowed is not None:
        raise doc.error(
            f"{pointer}/package",
            f"package {package!r} would shadow {shadowed}, so it could not be imported",
            f"use a more specific name, e.g. {package}_client",
        )
    if len(package) > MAX_PACKAGE_NAME:
        raise doc.error(
            f"{pointer}/package",
            f"package name of {len(package)} characters (the limit is {MAX_PACKAGE_NAME})",
            "use a shorter name, e.g. my_api_client",
        )
    version = raw.get("version")
    if isinstance(version, float):
        raise doc.error(
            f"{pointer}/version",
            f"version is the number {version!r}, not text (YAML reads 1.10 as 1.1)",
            'quote it: version: "1.10"',
        )
    if isinstance(version, int) and not isinstance(version, bool):
        version = str(version)
    if not isinstance(version, str) or not _VERSION.match(version):
        raise doc.error(
            f"{pointer}/version",
            f"version must be a PEP 440 version like 1.0.0 or 2.1rc1, got {version!r}",
            "use digits and dots, optionally a pre/post/dev release; quote it in YAML",
        )
    project = raw.get("project", package.replace("_", "-"))
    if not isinstance(project, str) or not _PROJECT.match(project):
        raise doc.error(
            f"{pointer}/project", f"project must be a distribution name, got {project!r}", "e.g. my-api-client"
        )
    unknown = sorted(set(raw) - {"package", "project", "version"})
    if unknown:
        raise doc.error(
            f"{pointer}/{unknown[0]}",
            f"unknown setting {unknown[0]!r}",
            "the settings are package, project and version",
        )
    return Settings(package=package, project=project, version=version)
