"""Where the templates are: beside generator/ in a checkout, inside the package when installed."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent
TEMPLATES = _HERE / "templates" if (_HERE / "templates" / "header.j2").is_file() else _HERE.parent / "templates"
