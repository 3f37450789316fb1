"""The compiled templates kept in the cache: used when safe, ignored when not, never changing output."""

from __future__ import annotations

import marshal
import os
from pathlib import Path

import jinja2

from generator.jinjacache import TemplateCodeCache
from generator.render import environment

NAME = "package/client.py.j2"


def _compiles(cache: Path) -> int:
    """How many templates a fresh environment over ``cache`` compiles to get ``NAME``."""
    env = environment.__wrapped__(cache)
    compiled: list[object] = []
    original = env.compile

    def counting(*args: object, **kwargs: object) -> object:
        compiled.append(args)
        return original(*args, **kwargs)  # type: ignore[call-overload]

    env.compile = counting  # type: ignore[method-assign,assignment]
    env.get_template(NAME)
    return len(compiled)


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("jinja/*/*.bytecode"))


def test_a_second_run_loads_the_compiled_templates(tmp_path: Path) -> None:
    assert _compiles(tmp_path) == 1  # the header it includes is loaded when it renders
    assert len(_entries(tmp_path)) == 1
    assert _compiles(tmp_path) == 0, "they came from the cache, not the compiler"


def test_a_poisoned_entry_is_compiled_again(tmp_path: Path) -> None:
    _compiles(tmp_path)
    for payload in (b"\x00garbage", marshal.dumps({"not": "code"}), b""):
        for entry in _entries(tmp_path):
            entry.write_bytes(entry.read_bytes()[:40] + payload)
        assert _compiles(tmp_path) == 1


def test_a_folder_others_can_write_is_not_read(tmp_path: Path) -> None:
    _compiles(tmp_path)
    (folder,) = {entry.parent for entry in _entries(tmp_path)}
    os.chmod(folder, 0o777)
    try:
        assert _compiles(tmp_path) == 1
    finally:
        os.chmod(folder, 0o700)


def test_a_cache_that_cannot_be_written_only_costs_speed(tmp_path: Path) -> None:
    (tmp_path / "jinja").write_text("a file where the folder goes", encoding="utf-8")  # fails for root too
    assert _compiles(tmp_path) == 1
    assert _compiles(tmp_path) == 1  # nothing was kept, so it compiles again
    assert (tmp_path / "jinja").read_text(encoding="utf-8") == "a file where the folder goes"


def test_the_cache_folder_is_named_by_the_generator(tmp_path: Path) -> None:
    from generator.cache import generator_fingerprint

    assert isinstance(
        jinja2.Environment(bytecode_cache=TemplateCodeCache.under(tmp_path)).bytecode_cache, TemplateCodeCache
    )
    assert TemplateCodeCache.under(tmp_path).folder == tmp_path / "jinja" / generator_fingerprint()[:32]
