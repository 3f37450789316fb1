"""The format stage and the cache: they may skip work, never change the output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import black
import pytest
from black.mode import Mode, TargetVersion

from generator.cache import Cache
from generator.pipeline import generate_many
from generator.render import STATIC_FILES, TEMPLATES

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted((ROOT / "specs").glob("*.yaml"))
MODE = Mode(target_versions={TargetVersion.PY310})


@pytest.mark.parametrize("name", STATIC_FILES)
def test_runtime_templates_are_already_black_formatted(name: str) -> None:
    """The format stage skips the runtime modules, so their templates must be in black's style."""
    text = (TEMPLATES / "package" / f"{name}.j2").read_text(encoding="utf-8")
    first, _, body = text.partition("\n")
    assert first == '{% include "header.j2" %}', "the header is the only template code in a runtime module"
    assert "{{" not in body and "{%" not in body
    source = "# header line 1\n# header line 2\n" + body
    assert black.format_str(source, mode=MODE) == source, f"run black over templates/package/{name}.j2"


def test_cache_gives_the_same_bytes_as_no_cache(tmp_path: Path) -> None:
    plain = generate_many(SPECS, Cache(None))
    cache = Cache(tmp_path / "cache")
    cold = generate_many(SPECS, cache)
    warm = generate_many(SPECS, cache)
    assert [p.files for p in plain] == [p.files for p in cold] == [p.files for p in warm]
    assert any((tmp_path / "cache" / "package").rglob("*.json")), "packages were cached"
    assert any((tmp_path / "cache" / "black").rglob("*.json")), "formatted sources were cached"


def test_corrupt_cache_entries_are_recomputed(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    expected = generate_many(SPECS[:1], cache)[0].files
    for entry in (tmp_path / "cache").rglob("*.json"):
        entry.write_text("{not json", encoding="utf-8")
    assert generate_many(SPECS[:1], cache)[0].files == expected
    for entry in (tmp_path / "cache").rglob("*.json"):
        entry.write_text(json.dumps({"files": "wrong shape"}), encoding="utf-8")
    assert generate_many(SPECS[:1], cache)[0].files == expected


def test_unwritable_cache_only_costs_speed(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    result = generate_many(SPECS[:1], Cache(blocker / "cache"))
    assert result[0].files == generate_many(SPECS[:1], Cache(None))[0].files


def test_a_changed_ref_target_invalidates_the_cached_package(tmp_path: Path) -> None:
    """The package cache is keyed by the spec's bytes; files its $refs read are checked too."""
    folder = tmp_path / "specs"
    folder.mkdir()
    shutil.copy(ROOT / "specs" / "etherpad.yaml", folder / "etherpad.yaml")
    spec = folder / "etherpad.yaml"
    text = spec.read_text(encoding="utf-8")
    marker = "    SessionInfo:\n      type: object\n"
    assert marker in text
    spec.write_text(
        text.replace(
            marker, "    SessionInfo:\n      $ref: 'session.yaml#/SessionInfo'\n    Unused:\n      type: object\n"
        ),
        encoding="utf-8",
    )
    (folder / "session.yaml").write_text(
        "SessionInfo:\n  type: object\n  properties:\n    groupID:\n      type: string\n", encoding="utf-8"
    )
    cache = Cache(tmp_path / "cache")
    first = generate_many([spec], cache)[0].files["models.py"].decode()
    (folder / "session.yaml").write_text(
        "SessionInfo:\n  type: object\n  properties:\n    renamedID:\n      type: string\n", encoding="utf-8"
    )
    second = generate_many([spec], cache)[0].files["models.py"].decode()
    assert "renamedID" not in first and "renamedID" in second


def test_a_spec_edit_that_changes_only_the_headers_formats_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file's header names the spec's hash; the formatted text below it is cached apart."""
    from generator import format as format_stage

    spec = tmp_path / "etherpad.yaml"
    shutil.copy(ROOT / "specs" / "etherpad.yaml", spec)
    cache = Cache(tmp_path / "cache")
    first = generate_many([spec], cache)[0].files
    spec.write_text(spec.read_text(encoding="utf-8") + "# an edit that changes the hash alone\n", encoding="utf-8")
    formatted: list[str] = []
    real_layout = format_stage._layout

    def spy(sources: list[str]) -> list[str | None]:
        formatted.extend(sources)
        return real_layout(sources)

    monkeypatch.setattr(format_stage, "_layout", spy)
    second = generate_many([spec], cache)[0].files
    assert formatted == [], "only headers changed, so every formatted body came from the cache"
    python = [name for name in first if name.endswith(".py")]
    assert python and all(first[name] != second[name] for name in python)
    assert all(first[name].split(b"\n", 2)[2] == second[name].split(b"\n", 2)[2] for name in python)
    monkeypatch.undo()
    assert second == generate_many([spec], Cache(None))[0].files
