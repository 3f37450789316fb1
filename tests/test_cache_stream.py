"""A package cache entry written a file at a time has the bytes of the whole entry written at once."""

from __future__ import annotations

from pathlib import Path

from generator.cache import Cache


def test_put_mapping_writes_what_put_writes(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    head = {"package": "p", "operations": 1, "models": 2, "deps": {"/a.yaml": "ab"}, "warnings": ['wä "q"']}
    files = {"a.py": 'x = "ä"\n\\', "b/README.md": "", "openapi.json": "\udcff raw byte"}
    cache.put("package", "aa01", dict(head, files=files))
    cache.put_mapping("package", "aa02", head, "files", iter(files.items()))
    whole = (tmp_path / "package" / "aa" / "aa01.json").read_bytes()
    streamed = (tmp_path / "package" / "aa" / "aa02.json").read_bytes()
    assert streamed == whole
    assert cache.get("package", "aa02") == dict(head, files=files)


def test_put_mapping_with_no_items(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.put_mapping("package", "aa03", {"package": "p"}, "files", iter([]))
    assert cache.get("package", "aa03") == {"package": "p", "files": {}}
