"""Every Python example in the generated READMEs and docs, and in the project's docs/*.md,
runs against the local server.

An example's base URL is pointed at the scripted server; the server answers the example's
operation with the smallest body its spec allows (built from the operation's own success
codec), so the example runs end to end: imports, client construction, the call, decoding,
printing. An example that no longer matches the client fails here, so docs cannot rot.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "generated"
PACKAGES = ("cons3rt_client", "libtes_client", "etherpad_client", "vidispine_client", "ica_v3_client")

_BLOCK = re.compile(r"```python\n(.*?)```", re.S)
_CALL = re.compile(r"api\.(?:with_raw_response\.|with_streaming_response\.)?(\w+)\(")
_PACKAGE = re.compile(r"^from (\w+_client)\b", re.M)


def _examples() -> list[tuple[str, str, int, str]]:
    found = []
    for package in PACKAGES:
        root = GENERATED / package
        for doc in sorted([root / "README.md", *sorted((root / "docs").glob("*.md"))]):
            for index, block in enumerate(_BLOCK.findall(doc.read_text(encoding="utf-8"))):
                found.append((package, doc.relative_to(GENERATED).as_posix(), index, block))
    for doc in sorted((ROOT / "docs").glob("*.md")):  # the project's guides: the package is the one imported
        for index, block in enumerate(_BLOCK.findall(doc.read_text(encoding="utf-8"))):
            imported = _PACKAGE.search(block)
            if imported is None:  # the generator's own API (change-report.md): see the test below
                continue
            found.append((imported.group(1), doc.relative_to(ROOT).as_posix(), index, block))
    return found


EXAMPLES = _examples()


def _minimal_json(codec: Any) -> Any:
    """The smallest JSON value the codec decodes: [] for arrays, {} for objects, and so on."""
    name = type(codec).__name__
    if name == "ListOf":
        return []
    if name in ("DictOf", "ModelOf", "_Object"):
        return {}
    return {"_Str": "text", "_Int": 1, "_Float": 1.5, "_Bool": True}.get(name, {})


def _reply_for(package: str, source: str) -> tuple[int, Any]:
    method = _CALL.search(source)
    assert method, "every example calls an API method"
    transport = importlib.import_module(f"{package}._transport")
    for module_name in [m.stem for m in (GENERATED / package).glob("*_api.py")]:
        module = importlib.import_module(f"{package}.{module_name}")
        for value in vars(module).values():
            if isinstance(value, transport.Operation) and value.name == method.group(1):
                response = next(iter((value.success or {}).values()), None)
                if response is None or response.codec is None:
                    return 200, None
                body = _minimal_json(response.codec)
                if response.envelope is not None and isinstance(body, dict):
                    body[response.envelope.code] = response.envelope.success[0]
                return 200, body
    raise AssertionError(f"no operation {method.group(1)!r} in {package}")


def test_the_project_docs_examples_of_the_generator_import() -> None:
    """Examples in docs/*.md that use no generated package name the generator's own API: they import."""
    blocks = [b for doc in sorted((ROOT / "docs").glob("*.md")) for b in _BLOCK.findall(doc.read_text("utf-8"))]
    for block in blocks:
        if _PACKAGE.search(block) is None:
            exec(compile(block, "docs", "exec"), {"__name__": "__example__"})
    assert any(doc.startswith("docs/clients.md") for _, doc, _, _ in EXAMPLES)


def test_every_package_has_examples() -> None:
    for package in PACKAGES:
        docs = {doc for pkg, doc, _, _ in EXAMPLES if pkg == package}
        assert f"{package}/README.md" in docs
        assert any(doc.startswith(f"{package}/docs/") for doc in docs)


@pytest.mark.parametrize(
    ("package", "doc", "index", "source"),
    EXAMPLES,
    ids=[f"{doc}#{index}" for _, doc, index, _ in EXAMPLES],
)
def test_example_runs(server: Any, package: str, doc: str, index: int, source: str) -> None:
    if source.startswith("# runs without a server"):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(source, f"{doc}#{index}", "exec"), {"__name__": "__example__"})
        assert not server.requests
        if "print(" in source:
            assert out.getvalue().strip(), "the example prints its result"
        return
    client = importlib.import_module(f"{package}.client")
    default = client.DEFAULT_BASE_URL
    assert default in source, "examples name the default base URL, so readers see where requests go"
    local = server.url + urlsplit(default).path
    status, body = _reply_for(package, source)
    server.reply(status, body) if body is not None else server.reply(status, body=b"")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source.replace(default, local), f"{doc}#{index}", "exec"), {"__name__": "__example__"})
    request = server.only_request()
    assert request.path.startswith(urlsplit(default).path), request.path
    if "print(" in source:
        assert out.getvalue().strip(), "the example prints its result"
