"""openapi-spec-validator runs in a child process; the outcome must be as if it ran first."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator import background
from generator.errors import SpecError
from generator.loader import Document, load_document
from generator.options import Options
from generator.pipeline import generate_many
from generator.validate import prepare, schema_findings

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "data" / "bad"
VALIDATOR_CASES = sorted(BAD.glob("validator_*"))


def _docs(paths: list[Path]) -> tuple[list[Document], list[str]]:
    docs = [load_document(p, p.name) for p in paths]
    return docs, [prepare(d) for d in docs]


def test_child_findings_equal_those_found_in_process() -> None:
    paths = [*VALIDATOR_CASES, ROOT / "specs" / "etherpad.yaml"]
    docs, versions = _docs(paths)
    with background.SchemaChecks([(p, p.name) for p in paths]) as checks:
        assert checks._process is not None, "the validator runs in a child process on Linux"
        got = [checks.findings(i, d, v) for i, (d, v) in enumerate(zip(docs, versions, strict=True))]
    assert got == [schema_findings(d, v) for d, v in zip(docs, versions, strict=True)]
    assert all(got[:-1]) and got[-1] == []


def test_a_child_that_dies_costs_only_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(background, "_check_all", lambda *_: os._exit(1))
    docs, versions = _docs(VALIDATOR_CASES[:2])
    with background.SchemaChecks([(p, p.name) for p in VALIDATOR_CASES[:2]]) as checks:
        got = [checks.findings(i, d, v) for i, (d, v) in enumerate(zip(docs, versions, strict=True))]
    assert got == [schema_findings(d, v) for d, v in zip(docs, versions, strict=True)]


def test_a_violation_wins_over_what_later_stages_raise(tmp_path: Path) -> None:
    """An invalid document that also breaks normalization reports the validator's finding."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "openapi: 3.0.3\n"
        "info: {title: t, version: '1'}\n"
        "x-python-client: {package: t_client}\n"
        "paths:\n"
        "  /a:\n"
        "    get:\n"
        "      operationId: same\n"
        "      responses: {'200': {description: ok}}\n"
        "  /b:\n"
        "    get:\n"
        "      operationId: same\n"
        "      responses: {'200': {description: ok}}\n",
        encoding="utf-8",
    )
    with pytest.raises(SpecError) as caught:
        generate_many([spec])
    assert "duplicate operationId" in caught.value.message
    with pytest.raises(SpecError) as later:  # let through, the later stage's own error shows
        generate_many([spec], options=Options(allow_invalid=True))
    assert "duplicate operationId" not in later.value.message


def test_the_fast_first_passes_hide_no_finding(tmp_path: Path) -> None:
    """jsonschema-rs answers "valid" first; what only Python's checks reject must still be found:
    a pattern that is no regular expression (the meta-schema's one format, which jsonschema-rs
    does not check). ECMA-only syntax such as ``(?<name>x)`` is valid (tests/test_corpus_fixes.py)."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "openapi: 3.0.3\n"
        "info: {title: t, version: '1'}\n"
        "x-python-client: {package: t_client}\n"
        "paths:\n"
        "  /a:\n"
        "    get:\n"
        "      operationId: getA\n"
        "      responses:\n"
        "        '200':\n"
        "          description: ok\n"
        "          content:\n"
        "            application/json:\n"
        '              schema: {type: string, pattern: "(?<name>[x)"}\n',
        encoding="utf-8",
    )
    with pytest.raises(SpecError) as caught:
        generate_many([spec])
    assert caught.value.line == 13
    assert caught.value.pointer.endswith("/schema/pattern")
    assert "is not a 'regex'" in caught.value.message


def test_a_cached_verdict_skips_the_validator(tmp_path: Path) -> None:
    from generator.cache import Cache

    cache = Cache(tmp_path / "cache")
    paths = [*VALIDATOR_CASES[:2], ROOT / "specs" / "etherpad.yaml"]
    docs, versions = _docs(paths)
    with background.SchemaChecks([(p, p.name) for p in paths], cache) as checks:
        first = [checks.findings(i, d, v) for i, (d, v) in enumerate(zip(docs, versions, strict=True))]
    with background.SchemaChecks([(p, p.name) for p in paths], cache) as checks:
        assert checks._process is None, "every verdict came from the cache: no child starts"
        again = [checks.findings(i, d, v) for i, (d, v) in enumerate(zip(docs, versions, strict=True))]
    assert again == first == [schema_findings(d, v) for d, v in zip(docs, versions, strict=True)]


def test_a_changed_spec_or_a_poisoned_verdict_is_checked_again(tmp_path: Path) -> None:
    from generator.cache import Cache

    cache = Cache(tmp_path / "cache")
    spec = tmp_path / "spec.yaml"
    spec.write_bytes(VALIDATOR_CASES[0].read_bytes())
    docs, versions = _docs([spec])
    with background.SchemaChecks([(spec, "spec.yaml")], cache) as checks:
        expected = checks.findings(0, docs[0], versions[0])
    assert expected
    for entry in (tmp_path / "cache" / "findings").rglob("*.json"):
        entry.write_text('[["a", "b"]]')
    with background.SchemaChecks([(spec, "spec.yaml")], cache) as checks:
        assert checks._process is not None, "a wrong-shaped verdict is a miss"
        assert checks.findings(0, docs[0], versions[0]) == expected
    spec.write_bytes(spec.read_bytes() + b"\n# edited\n")
    with background.SchemaChecks([(spec, "spec.yaml")], cache) as checks:
        assert checks._process is not None, "an edited spec is checked again"


def test_a_spec_with_refs_to_other_files_is_always_checked(tmp_path: Path) -> None:
    assert background._local_refs_only({"a": [{"$ref": "#/x"}], "b": {"$ref": "#/y"}})
    assert not background._local_refs_only({"a": [{"$ref": "other.yaml#/x"}]})
    shared: dict[str, object] = {"$ref": "#/x"}
    assert background._local_refs_only({"a": [shared] * 1000, "b": shared})
