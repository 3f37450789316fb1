"""What the peer tests share besides fixtures: paths, server processes, free ports, the call ledger.

(A plain module, not ``conftest``, so that test modules can import it by a name no other test folder uses.)
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "generated"
if str(GENERATED) not in sys.path:
    sys.path.insert(0, str(GENERATED))

SPECS = ROOT / "specs"
NODE_MODULES = ROOT / "node_modules"
PRISM = NODE_MODULES / ".bin" / "prism"
ETHERPAD_PACKAGE = NODE_MODULES / "ep_etherpad-lite"
MIN_NODE_MAJOR = 18  # Prism 5.14 needs Node 18.20+; the project uses Node 20
REQUIRE_ENV = "CLIENTGEN_REQUIRE_PEERS"
ETHERPAD_API = "/api/1.2.15"
PRISM_SEED = "clientgen"  # dynamic mode: the same random data on every run
START_TIMEOUT = 120.0  # seconds for a server to answer (ten Prism instances start at once on 2 cores)

SPEC_NAMES = ("cons3rt", "libtes", "etherpad", "vidispine", "ica_v3")
MODES = ("static", "dynamic")


# --------------------------------------------------------------------------------------------
# Is the node side there?
# --------------------------------------------------------------------------------------------


def peers_required() -> bool:
    return os.environ.get(REQUIRE_ENV, "").strip().lower() not in ("", "0", "false", "no")


def unavailable(reason: str) -> None:
    """Skip (locally) or fail (CI sets CLIENTGEN_REQUIRE_PEERS=1) because a peer cannot run."""
    if peers_required():
        pytest.fail(f"peer tests cannot run: {reason} ({REQUIRE_ENV}=1 forbids skipping them)", pytrace=False)
    pytest.skip(f"peer tests need Node.js and the npm packages: {reason}")


def node_problem() -> str | None:
    """Why the node side cannot run here, or None when it can."""
    node = shutil.which("node")
    if node is None:
        return "`node` is not on PATH (install Node.js 20 with npm, then run `npm ci` in the repository root)"
    try:
        version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
        major = int(version.lstrip("v").split(".")[0])
    except (OSError, ValueError, subprocess.SubprocessError) as exc:
        return f"`node --version` failed: {exc}"
    if major < MIN_NODE_MAJOR:
        return f"Node.js {version} is too old (need {MIN_NODE_MAJOR} or newer; the project uses 20)"
    missing = [p for p in (PRISM, ETHERPAD_PACKAGE / "node" / "server.js") if not p.exists()]
    if missing:
        names = ", ".join(str(p.relative_to(ROOT)) for p in missing)
        return f"{names} missing: run `npm ci` in the repository root (`make test` does it when npm is available)"
    return None


# --------------------------------------------------------------------------------------------
# Server processes
# --------------------------------------------------------------------------------------------


_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A port nothing listens on right now (the kernel's pick for port 0), never the same one twice."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


@dataclass
class Peer:
    """One server process in its own process group, its output in a log file."""

    name: str
    argv: list[str]
    cwd: Path
    log: Path
    port: int
    env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None
    on_new_port: Callable[[Peer], None] | None = None  # rewrites config when the port is changed

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Peer:
        env = dict(os.environ)
        env.update(self.env)
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                self.argv,
                cwd=self.cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stop() ends it with its children
            )
        return self

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def wait_ready(self, probe: Callable[[httpx.Client], bool], timeout: float = START_TIMEOUT) -> None:
        """Poll ``probe`` until it returns True; raise with the log when the process dies or time runs out."""
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=5.0, trust_env=False) as http:
            while True:
                code = self.proc.poll()
                if code is not None:
                    raise RuntimeError(f"{self.name} exited with {code} before answering:\n{self.log_tail()}")
                with contextlib.suppress(httpx.HTTPError, ValueError):
                    if probe(http):
                        return
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{self.name} did not answer within {timeout:.0f} s:\n{self.log_tail()}")
                time.sleep(0.1)

    def restart_on_new_port(self) -> None:
        self.stop()
        old, self.port = self.port, free_port()
        self.argv = [str(self.port) if a == str(old) else a for a in self.argv]
        if self.on_new_port is not None:
            self.on_new_port(self)
        self.start()

    def stop(self) -> None:
        """SIGTERM to the process group, SIGKILL after 5 s; then reap the leader. Safe to call twice.

        The leader is left unreaped (a zombie keeps its pid, and so the group id, from being reused)
        until the final SIGKILL to the group has reached any member that ignored SIGTERM.
        """
        proc, self.proc = self.proc, None
        if proc is None or proc.returncode is not None:  # already reaped: its group id may be reused
            return
        pgid = proc.pid  # start_new_session: the leader's pid is the group id

        def signal_group(sig: int) -> None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pgid, sig)

        def exited() -> bool:
            info = os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            return info is not None

        signal_group(signal.SIGTERM)
        deadline = time.monotonic() + 5
        while not exited() and time.monotonic() < deadline:
            time.sleep(0.05)
        signal_group(signal.SIGKILL)
        proc.wait(timeout=10)


def start_all(peers: list[Peer], probe: Callable[[Peer], Callable[[httpx.Client], bool]]) -> None:
    """Start every peer at once, then wait for each; one that lost the race for its port gets another."""
    for peer in peers:
        peer.start()
    for peer in peers:
        for attempt in range(3):
            try:
                peer.wait_ready(probe(peer))
                break
            except RuntimeError:
                if attempt == 2 or "EADDRINUSE" not in peer.log_tail(200):
                    raise
                peer.restart_on_new_port()


def answers_http(peer: Peer) -> Callable[[httpx.Client], bool]:
    """Ready once the port answers HTTP at all (Prism answers an unknown path with 404)."""

    def probe(http: httpx.Client) -> bool:
        http.get(peer.url + "/__clientgen_probe__")
        return True

    return probe


def prism_argv(node: str, *args: str) -> list[str]:
    """Prism's CLI run by the given node (the .bin shim would pick whatever `node` is first on PATH)."""
    return [node, str(PRISM.resolve()), *args]


# --------------------------------------------------------------------------------------------
# Etherpad
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Etherpad:
    url: str  # http://127.0.0.1:port
    api_key: str

    @property
    def api(self) -> str:
        return self.url + ETHERPAD_API


def write_etherpad_settings(root: Path, port: int) -> None:
    settings = {
        "title": "clientgen peer test",
        "ip": "127.0.0.1",
        "port": port,
        "dbType": "dirty",
        "dbSettings": {"filename": str(root / "var" / "dirty.db")},
        "loglevel": "WARN",
        "minify": False,
        "requireAuthentication": False,
        "requireAuthorization": False,
        "showSettingsInAdminPage": False,
        "skinName": "colibris",
    }
    (root / "settings.json").write_text(json.dumps(settings, indent=2), encoding="utf-8")


def make_etherpad_root(root: Path, port: int, api_key: str) -> None:
    """An Etherpad 1.8 installation in ``root``; the server finds its root by a folder named ``src``.

    ``src`` is a copy of the package; ``node_modules`` is a real folder with a symlink to every other
    installed package plus ``ep_etherpad-lite -> ../src``, so the package's own ``require`` calls and
    ``require('ep_etherpad-lite/...')`` both resolve.
    """
    shutil.copytree(ETHERPAD_PACKAGE, root / "src", symlinks=True)
    modules = root / "node_modules"
    modules.mkdir()
    for entry in sorted(NODE_MODULES.iterdir()):
        if entry.name != "ep_etherpad-lite":
            (modules / entry.name).symlink_to(entry.resolve())
    (modules / "ep_etherpad-lite").symlink_to(Path("..") / "src")
    (root / "var").mkdir()
    write_etherpad_settings(root, port)
    (root / "APIKEY.txt").write_text(api_key, encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Bookkeeping: how many calls went where, and what Prism said about its own mock data
# --------------------------------------------------------------------------------------------


def _generalize(where: str) -> str:
    return ".".join("#" if part.isdigit() else part for part in where.split("."))


class Ledger:
    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.response_violations: Counter[str] = Counter()

    def count(self, target: str, n: int = 1) -> None:
        self.calls[target] += n

    def note_response_violations(self, key: str, violations: list[dict[str, Any]]) -> None:
        for v in violations:
            where = ".".join(str(p) for p in v.get("location", [])[2:]) or "(body)"
            self.response_violations[f"{key}: {v.get('code')} at {_generalize(where)}"] += 1


LEDGER = Ledger()


def violations_of(response: httpx.Response) -> list[dict[str, Any]]:
    """The ``sl-violations`` header Prism adds when a request or response breaks the spec."""
    raw = response.headers.get("sl-violations")
    return list(json.loads(raw)) if raw else []


def request_violations(response: httpx.Response) -> list[dict[str, Any]]:
    """Everything Prism found wrong with the request.

    Prism reports it in two ways: with a documented error response (400, 401, ...) and the
    ``sl-violations`` header (entries located under ``request``), or, when the spec documents no
    such response, as its own 422 problem+json whose ``validation`` list holds the violations.
    """
    found = [v for v in violations_of(response) if v.get("location", [None])[0] == "request"]
    if response.status_code == 422 and "problem+json" in response.headers.get("content-type", ""):
        with contextlib.suppress(ValueError):
            found += list(response.json().get("validation", []))
    return found
