"""Per-spec generator settings, read from the spec's root key ``x-python-client``."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from .loader import Document

KEY = "x-python-client"
# PEP 440 (the canonical pattern from the PEP's appendix), so pip can install the package
_VERSION = re.compile(
    r"""^v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*
    (?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?[0-9]*)?
    (?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?
    (?:[-_.]?dev[-_.]?[0-9]*)?
    (?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$""",
    re.I | re.X,
)
_PROJECT = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")


@dataclass(frozen=True)
class Settings:
    package: str  # import name, also the folder under the output directory
    project: str  # distribution name
    version: str


def read_settings(doc: Document) -> Settings:
    """The generator settings of a spec; every problem is reported with its pointer."""
    raw = doc.data.get(KEY)
    pointer = "/" + KEY
    example = f"add to the spec's root:\n  {KEY}:\n    package: my_api_client\n    version: 1.0.0"
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
