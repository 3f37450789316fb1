"""A fixed slice of the corpus harness (tests/corpus/, ``make test-corpus``) in the normal suite.

Each spec below goes through the harness's worker as in the full run: generated with
--allow-invalid, mocked by Prism, every operation called through the sync client (every fifth also
through the async one) with arguments built from the spec. The outcome of every call is pinned:
the specs in tests/data/corpus/ are shaped like the real ones whose faults the harness found (AWS
and Flickr path keys, Azure discriminator values, JSON under ``*/*``); the others are
@readme/oas-examples documents.

Needs node_modules (``npm ci``): without it the test is skipped, unless CLIENTGEN_REQUIRE_PEERS=1.
"""

from __future__ import annotations

import collections
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "corpus"))
from run import run_worker  # noqa: E402

DATA = ROOT / "tests" / "data" / "corpus"
EXAMPLES = ROOT / "node_modules" / "@readme" / "oas-examples"
PRISM = ROOT / "node_modules" / "@stoplight" / "prism-cli" / "dist" / "index.js"

# spec -> {outcome: calls}; "mock-limit" is Prism failing to build its own answer
SLICE: dict[Path, dict[str, int]] = {
    DATA / "path-keys.json": {"ok": 4},
    DATA / "azure-jobs.json": {"ok": 3},
    DATA / "wildcard.json": {"ok": 1, "mock-limit": 2},  # Prism cannot serialise an object under */*
    EXAMPLES / "3.0" / "json" / "petstore.json": {"ok": 15, "typed-error": 9},  # 9: no success documented
}


@pytest.fixture(scope="module")
def available() -> None:
    missing = [str(p) for p in (PRISM, EXAMPLES / "package.json") if not p.is_file()]
    if shutil.which("node") is None:
        missing.append("node on PATH")
    if missing:
        reason = f"the corpus slice needs {', '.join(missing)} (npm ci installs them)"
        if os.environ.get("CLIENTGEN_REQUIRE_PEERS") == "1":
            pytest.fail(reason + "; CLIENTGEN_REQUIRE_PEERS=1 requires it")
        pytest.skip(reason)


def _describe(result: dict[str, Any]) -> str:
    bad = [f"{c['operation']}: {c['outcome']}: {c['cause']}" for c in result["calls"] if c["outcome"] != "ok"]
    return "\n".join([str(result.get("mock") or result.get("harness") or ""), *bad])


@pytest.mark.parametrize("spec", sorted(SLICE), ids=lambda p: p.name)
def test_every_operation_of_the_slice(spec: Path, available: None, tmp_path: Path) -> None:
    for sub in ("packages", "results", "logs"):
        (tmp_path / sub).mkdir()
    result = run_worker(spec, f"slice_{spec.stem.replace('-', '_')}_client", tmp_path, timeout=240)
    assert result["generation"] == "ok", result
    assert not result.get("mock") and not result.get("harness"), _describe(result)
    outcomes = collections.Counter(c["outcome"] for c in result["calls"])
    assert dict(outcomes) == SLICE[spec], _describe(result)
