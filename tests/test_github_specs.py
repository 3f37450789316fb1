"""The pinned fetcher of GitHub's spec (tests/github_specs.py): integrity checked, one file extracted."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import github_specs
import pytest


def _tarball(content: bytes) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in ((github_specs.MEMBER, content), ("package/other.json", b"{}")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_a_cached_tarball_with_the_pinned_integrity_gives_the_one_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _tarball(b'{"openapi": "3.0.3"}')
    monkeypatch.setattr(github_specs, "CACHE", tmp_path)
    monkeypatch.setitem(github_specs.INTEGRITY, "9.9.9", github_specs.integrity_of(data))
    (tmp_path / "9.9.9").mkdir()
    (tmp_path / "9.9.9" / "octokit-openapi-9.9.9.tgz").write_bytes(data)
    monkeypatch.setattr(github_specs.shutil, "which", lambda name: None)  # no download needed
    path = github_specs.github_spec("9.9.9")
    assert path.read_bytes() == b'{"openapi": "3.0.3"}'
    assert sorted(p.name for p in (tmp_path / "9.9.9").iterdir()) == [
        "api.github.com.json",
        "api.github.com.json.integrity",
        "octokit-openapi-9.9.9.tgz",
    ]


def test_a_tampered_tarball_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(github_specs, "CACHE", tmp_path)
    monkeypatch.setitem(github_specs.INTEGRITY, "9.9.9", github_specs.integrity_of(_tarball(b"{}")))
    (tmp_path / "9.9.9").mkdir()
    (tmp_path / "9.9.9" / "octokit-openapi-9.9.9.tgz").write_bytes(_tarball(b'{"evil": true}'))
    monkeypatch.setattr(github_specs.shutil, "which", lambda name: None)
    with pytest.raises(github_specs.Unavailable, match="npm"):
        github_specs.github_spec("9.9.9")
    assert not (tmp_path / "9.9.9" / "api.github.com.json").exists()


def test_unpinned_versions_are_refused() -> None:
    with pytest.raises(KeyError, match="no pinned integrity"):
        github_specs.github_spec("0.0.1")


def test_the_pins_are_sha512_integrities() -> None:
    assert set(github_specs.INTEGRITY) >= {"22.0.0", "23.0.0", "23.0.2"}
    for value in github_specs.INTEGRITY.values():
        assert value.startswith("sha512-") and len(value) == len("sha512-") + 88
