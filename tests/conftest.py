"""Fixtures shared by the generator's tests (the client tests have their own in tests/clients/)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "slow: takes minutes: a fresh virtual environment from PyPI, the oas-examples corpus, the full "
        "upstream specs (deselect with -m 'not slow'; make test runs them)",
    )


@pytest.fixture(scope="session", autouse=True)
def isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every test session starts with an empty clientgen cache of its own (never ~/.cache)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLIENTGEN_CACHE_DIR", str(tmp_path_factory.mktemp("clientgen-cache")))
        yield


@pytest.fixture(scope="session")
def black_memo() -> Iterator[None]:
    """Memoize ``black.format_str`` for the session.

    black is a pure function of its input and dominates the generator's run time (about 9 s for
    the five specs), so tests that generate the whole repository several times share its results.
    Everything before black (load, validate, normalize, render) still runs every time, and black
    still runs for any input it has not seen.
    """
    import black

    original = black.format_str
    cache: dict[tuple[str, str], str] = {}

    def format_str(src_contents: str, *, mode: Any, **kwargs: Any) -> str:
        key = (src_contents, repr(mode) + repr(sorted(kwargs.items())))
        if key not in cache:
            cache[key] = original(src_contents, mode=mode, **kwargs)
        return cache[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(black, "format_str", format_str)
        yield


@pytest.fixture
def write_spec(tmp_path: Path) -> Callable[..., Path]:
    """Write a spec text (dedented) to ``tmp_path/<name>`` and return its path."""

    def write(text: str, name: str = "spec.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write
