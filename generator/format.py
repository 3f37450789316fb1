"""Format generated Python with black, in-process. Other files pass through unchanged."""

from __future__ import annotations

import black
from black.mode import Mode, TargetVersion
from black.report import NothingChanged

from .errors import SpecError

MODE = Mode(target_versions={TargetVersion.PY310})


def format_files(files: dict[str, str], spec: str) -> dict[str, str]:
    """Black-format every ``.py`` file; a failure here is a generator bug, reported with its file."""
    out: dict[str, str] = {}
    for path, text in files.items():
        if not path.endswith(".py"):
            out[path] = text
            continue
        try:
            out[path] = black.format_str(text, mode=MODE)
        except NothingChanged:
            out[path] = text
        except Exception as exc:  # black raises several types for invalid code
            raise SpecError(
                spec,
                "",
                f"internal error: generated {path} is not valid Python ({type(exc).__name__}: {str(exc)[:300]})",
                "this is a generator bug; please report it with the spec",
            ) from None
    return out
