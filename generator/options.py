"""What the command line adds to a spec's own settings (kept free of heavy imports: the
pipeline reads it before deciding whether the stages have to run at all)."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from .errors import UsageError
from .limits import MAX_PACKAGE_NAME
from .reserved import shadowed_module

# PEP 440 (the canonical pattern from the PEP's appendix), so pip can install the package
_VERSION = re.compile(
    r"""^v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*
    (?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?[0-9]*)?
    (?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?
    (?:[-_.]?dev[-_.]?[0-9]*)?
    (?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$""",
    re.I | re.X,
)


@dataclass(frozen=True)
class Options:
    package: str | None = None  # --package: the import name (for a spec without x-python-client)
    version: str | None = None  # --package-version: the version of the generated package
    allow_invalid: bool = False  # --allow-invalid: report violations as warnings and go on


def check_options(options: Options) -> None:
    """Command-line settings that could never work are a usage error (exit code 2)."""
    package = options.package
    if package is not None and (
        not package.isidentifier()
        or not package.isascii()
        or keyword.iskeyword(package)
        or package.startswith("_")
        or package != package.lower()
    ):
        raise UsageError(f"--package must be a lower-case Python identifier like my_api_client, got {package!r}")
    shadowed = shadowed_module(package) if package is not None else None
    if shadowed is not None:
        raise UsageError(
            f"--package {package} would shadow {shadowed}; use a more specific name, e.g. {package}_client"
        )
    if package is not None and len(package) > MAX_PACKAGE_NAME:
        raise UsageError(f"--package is {len(package)} characters long; the limit is {MAX_PACKAGE_NAME}")
    if options.version is not None and not _VERSION.match(options.version):
        raise UsageError(f"--package-version must be a PEP 440 version like 1.0.0, got {options.version!r}")
