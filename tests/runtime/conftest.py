"""The runtime's own tests import ``templates/runtime`` as the package ``runtime``, without
generating anything."""

from __future__ import annotations

import sys
from pathlib import Path

from slow_server import slow_server

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
if str(TEMPLATES) not in sys.path:
    sys.path.insert(0, str(TEMPLATES))

__all__ = ["slow_server"]  # the fixture
