"""Fixtures for the peer tests: the generated clients against servers nobody here wrote.

* Prism (``@stoplight/prism-cli``), a mock server that validates every request against the spec and
  says what breaks it (status 422 or a documented 4xx, and an ``sl-violations`` header), in static
  mode (examples built from the schemas) and dynamic mode (random data, ``--seed`` for repeatability);
* a real Etherpad 1.8.14 (``ep_etherpad-lite``) with a throwaway ``dirty`` database;
* Prism in proxy mode in front of that Etherpad, validating requests and responses (``--errors``).

Everything listens on 127.0.0.1 on ports found by binding port 0; every process runs in its own
process group and is stopped by that group in a finalizer, whether the tests pass or not.

The node packages come from the repository's ``package.json``/``package-lock.json`` (``npm ci``, which
``make test`` runs when npm is there). Without Node or the packages the peer tests skip and say why;
with ``CLIENTGEN_REQUIRE_PEERS=1`` (set by ``.ci/run``) they fail instead.
"""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from peerlib import (
    LEDGER,
    MODES,
    PRISM_SEED,
    ROOT,
    SPEC_NAMES,
    SPECS,
    Etherpad,
    Ledger,
    Peer,
    answers_http,
    free_port,
    make_etherpad_root,
    node_problem,
    prism_argv,
    start_all,
    unavailable,
    write_etherpad_settings,
)


@pytest.fixture(scope="session")
def node_tools() -> str:
    """The ``node`` executable; skips (or fails, when required) when the node side is not installed."""
    problem = node_problem()
    if problem is not None:
        unavailable(problem)
    node = shutil.which("node")
    assert node is not None
    return node


@pytest.fixture(scope="session")
def prism_mocks(node_tools: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[tuple[str, str], str]]:
    """Base URLs of ten Prism mock servers by (spec, mode): the five specs, static and dynamic."""
    logs = tmp_path_factory.mktemp("prism")
    peers: dict[tuple[str, str], Peer] = {}
    for spec in SPEC_NAMES:
        for mode in MODES:
            port = free_port()
            extra = ["-d", "--seed", PRISM_SEED] if mode == "dynamic" else []
            argv = prism_argv(
                node_tools, "mock", "-h", "127.0.0.1", "-p", str(port), *extra, str(SPECS / f"{spec}.yaml")
            )
            peers[spec, mode] = Peer(f"prism mock {spec} ({mode})", argv, ROOT, logs / f"{spec}-{mode}.log", port)
    try:
        start_all(list(peers.values()), answers_http)
        yield {key: peer.url for key, peer in peers.items()}
    finally:
        for peer in peers.values():
            peer.stop()


@pytest.fixture(scope="session")
def etherpad(node_tools: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Etherpad]:
    """A real Etherpad 1.8.14 on 127.0.0.1 with a fresh database and a random API key."""
    root = tmp_path_factory.mktemp("etherpad")
    port = free_port()
    api_key = secrets.token_hex(24)
    make_etherpad_root(root, port, api_key)
    # Its update check (and anything else that would leave the machine) goes to a closed local port.
    dead = f"http://127.0.0.1:{free_port()}"
    env = {name: dead for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")}
    env.update({"no_proxy": "", "NO_PROXY": "", "NODE_ENV": "production"})
    argv = [node_tools, "src/node/server.js", "--settings", "settings.json", "--apikey", "APIKEY.txt"]
    peer = Peer("etherpad", argv, root, root / "etherpad.log", port, env)
    peer.on_new_port = lambda p: write_etherpad_settings(root, p.port)

    def ready(p: Peer) -> Any:
        def probe(http: httpx.Client) -> bool:
            response = http.get(p.url + "/api/")
            return response.status_code == 200 and "currentVersion" in response.json()

        return probe

    try:
        start_all([peer], ready)
        yield Etherpad(peer.url, api_key)
    finally:
        peer.stop()


@pytest.fixture(scope="session")
def etherpad_ids(etherpad: Etherpad) -> dict[str, str]:
    """A group and an author made with plain HTTP (not through the generated client)."""
    with httpx.Client(base_url=etherpad.api, timeout=30.0, trust_env=False) as http:
        group = http.get("/createGroup", params={"apikey": etherpad.api_key}).json()
        author = http.get("/createAuthor", params={"apikey": etherpad.api_key, "name": "Ada Lovelace"}).json()
    assert group["code"] == 0, group
    assert author["code"] == 0, author
    return {"group_id": group["data"]["groupID"], "author_id": author["data"]["authorID"]}


@pytest.fixture(scope="session")
def etherpad_proxy(node_tools: str, etherpad: Etherpad, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Prism in proxy mode in front of the real Etherpad, validating both ways; its base URL.

    The client's base URL is the proxy's root: Prism matches the request path against the spec's
    paths (``/createSession``) and appends it to the upstream URL, which carries ``/api/1.2.15``.
    ``--errors`` turns any request or response violation into an error answer.
    """
    logs = tmp_path_factory.mktemp("prism-proxy")
    port = free_port()
    argv = prism_argv(
        node_tools, "proxy", "-h", "127.0.0.1", "-p", str(port), "--errors", str(SPECS / "etherpad.yaml"), etherpad.api
    )
    peer = Peer("prism proxy -> etherpad", argv, ROOT, logs / "proxy.log", port)
    try:
        start_all([peer], answers_http)
        yield peer.url
    finally:
        peer.stop()


@pytest.fixture(scope="session")
def ledger() -> Ledger:
    return LEDGER


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not LEDGER.calls:
        return
    tr = terminalreporter
    tr.section("peer calls")
    for target, n in sorted(LEDGER.calls.items()):
        tr.write_line(f"{n:5d}  {target}")
    if LEDGER.response_violations:
        tr.write_line("")
        tr.write_line("response violations Prism reported about its own mock data (recorded, not the client's fault):")
        for key, n in sorted(LEDGER.response_violations.items()):
            tr.write_line(f"{n:5d}  {key}")
