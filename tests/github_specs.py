"""GitHub's REST spec at pinned versions of npm ``@octokit/openapi``, for the change-report tests.

The whole npm package unpacks to about 1 GB, so this fetches only its tarball (``npm pack``),
checks it against the sha512 integrity pinned below (from ``npm view @octokit/openapi@V
dist.integrity``), and extracts the one file the tests read, ``package/generated/api.github.com.json``,
into ``node_modules/.clientgen-octokit/<version>/`` (git ignores node_modules). Standard library
only, so the benchmarks can use it too::

    python tests/github_specs.py 23.0.2      # prints the path of the extracted spec
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "node_modules" / ".clientgen-octokit"
MEMBER = "package/generated/api.github.com.json"
INTEGRITY = {
    "22.0.0": "sha512-Rpif7FjTjFEBSU+amIRHUAIAHwgg+tVJdTiQuU2GEWDniZxmWjxZCgJ4V9GEp2GXnq/Bl+TrjEvwAl9PB29NAQ==",
    "23.0.0": "sha512-L2xEmq4+PFPm0oe8KL7HFxjjmuHlVDyYv+CXDzJiLoPdPz3Wi1cMcsmX6y01vwRDxgftMUfGiYV5/JPWMapAow==",
    "23.0.2": "sha512-pV8M7L9GY23AybNvTmo2nyjmpmnt6+2sRE/tqr0ZLQcPS4lnw7u5eZGNmwRNkBC3D7gZXbFx5AHzLUVRBXGDhg==",
}
REQUIRE_ENV = "CLIENTGEN_REQUIRE_PEERS"


class Unavailable(Exception):
    """The spec cannot be fetched here (no npm, no network); the message says why."""


def integrity_of(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def _tarball(version: str) -> Path:
    """The verified tarball of ``@octokit/openapi@version`` in the cache, fetched when missing."""
    folder = CACHE / version
    tarball = folder / f"octokit-openapi-{version}.tgz"
    if tarball.is_file() and integrity_of(tarball.read_bytes()) == INTEGRITY[version]:
        return tarball
    npm = shutil.which("npm")
    if npm is None:
        raise Unavailable("`npm` is not on PATH (install Node.js 20 with npm)")
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(  # fixed arguments, no shell
        [npm, "pack", f"@octokit/openapi@{version}", "--pack-destination", str(folder), "--silent"],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if done.returncode != 0 or not tarball.is_file():
        lines = (done.stderr or done.stdout).strip().splitlines()
        raise Unavailable(f"npm pack @octokit/openapi@{version} failed: {lines[-1] if lines else 'no output'}")
    found = integrity_of(tarball.read_bytes())
    if found != INTEGRITY[version]:
        tarball.unlink()
        raise RuntimeError(f"@octokit/openapi@{version}: integrity {found} is not the pinned {INTEGRITY[version]}")
    return tarball


def github_spec(version: str) -> Path:
    """The path of ``api.github.com.json`` of that version; raises Unavailable when it cannot be had."""
    if version not in INTEGRITY:
        raise KeyError(f"no pinned integrity for @octokit/openapi@{version}; pinned: {sorted(INTEGRITY)}")
    target = CACHE / version / "api.github.com.json"
    stamp = CACHE / version / "api.github.com.json.integrity"
    if target.is_file() and stamp.is_file() and stamp.read_text() == INTEGRITY[version]:
        return target
    tarball = _tarball(version)
    with tarfile.open(tarball, "r:gz") as archive:
        member = archive.getmember(MEMBER)
        source = archive.extractfile(member)
        if source is None:
            raise RuntimeError(f"{tarball.name}: {MEMBER} is not a file")
        partial = target.with_suffix(".partial")
        partial.write_bytes(source.read())
    partial.replace(target)
    stamp.write_text(INTEGRITY[version])
    return target


def required() -> bool:
    return os.environ.get(REQUIRE_ENV) == "1"


if __name__ == "__main__":
    for wanted in sys.argv[1:] or sorted(INTEGRITY):
        print(github_spec(wanted))
