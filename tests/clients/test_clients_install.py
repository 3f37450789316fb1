"""Installing a generated package from its folder leaves the folder exactly as generated."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

GENERATED = Path(__file__).resolve().parents[2] / "generated"
PACKAGES = ("libtes_client", "etherpad_client")


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize("package", PACKAGES)
def test_pip_install_leaves_the_package_folder_unchanged(package: str, tmp_path: Path) -> None:
    folder = GENERATED / package
    before = _snapshot(folder)
    target = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert _snapshot(folder) == before
    assert not (folder / "build").exists()
    assert not list(folder.glob("*.egg-info"))
    installed = target / package
    assert (installed / "client.py").read_bytes() == (folder / "client.py").read_bytes()
    verify = subprocess.run(
        [sys.executable, "-m", package, "--verify"],
        cwd=target,
        capture_output=True,
        text=True,
        check=False,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
