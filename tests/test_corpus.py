"""Complete on real specs: the example documents of the npm package @readme/oas-examples.

Every document gives a package that imports, passes mypy --strict and ruff and has a method
for every operation, or a specific "unsupported: X at POINTER" error. At least 95% of the
OpenAPI 3.0 and 3.1 documents must generate fully. The Swagger 2.0 documents and the 3.0
"openapi-workshop" ones are held to the same standard (outside the bar's count).

The corpus comes from node_modules/ (pinned in package.json). Without it the test is skipped,
unless CLIENTGEN_REQUIRE_PEERS=1 (as in CI), where a missing corpus is a failure.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from corpuslib import (
    ROOT,
    Outcome,
    check_packages,
    generate_corpus,
    generated_operations,
    operations_of,
    package_name,
    public_methods,
    report,
    write,
)

CORPUS = ROOT / "node_modules" / "@readme" / "oas-examples"
VERSION = "8.2.2"  # the expectations below are for this version

# Documents that openapi-spec-validator rejects: they generate with --allow-invalid (each
# violation a warning). Everything else generates as it is.
INVALID = {
    # a security requirement names a scheme that components/securitySchemes does not declare
    "3.0/json/response-http-behavior.json",
    # parameter defaults that do not match their schemas ("12345" for an integer, ...)
    "3.0/json/schema-validation.json",
    # ... and 3.0's boolean exclusiveMaximum in a 3.1 document
    "3.1/json/schema-validation-local.json",
    "3.1/json/schema-validation-top-level.json",
    # an operation with an empty responses object
    "3.0/json/openapi-workshop/post.json",
}
UNSUPPORTED: dict[str, str] = {}  # document -> "unsupported: ..." (none in this version)
BAR = 0.95


def _documents() -> list[tuple[str, str]]:
    """(document relative to the corpus, package name prefix)."""
    docs = [(f"3.0/json/{p.name}", "c30") for p in sorted((CORPUS / "3.0" / "json").glob("*.json"))]
    docs += [(f"3.1/json/{p.name}", "c31") for p in sorted((CORPUS / "3.1" / "json").glob("*.json"))]
    docs += [(f"2.0/json/{p.name}", "c20") for p in sorted((CORPUS / "2.0" / "json").glob("*.json"))]
    workshop = CORPUS / "3.0" / "json" / "openapi-workshop"
    docs += [(f"3.0/json/openapi-workshop/{p.name}", "c30w") for p in sorted(workshop.glob("*.json"))]
    return docs


@pytest.fixture(scope="module")
def corpus() -> Path:
    if not (CORPUS / "package.json").is_file():
        reason = f"@readme/oas-examples is not installed in {CORPUS.parent} (npm ci installs it)"
        if os.environ.get("CLIENTGEN_REQUIRE_PEERS") == "1":
            pytest.fail(reason + "; CLIENTGEN_REQUIRE_PEERS=1 requires it")
        pytest.skip(reason)
    version = json.loads((CORPUS / "package.json").read_text(encoding="utf-8"))["version"]
    assert version == VERSION, f"the expectations here are for @readme/oas-examples {VERSION}, found {version}"
    return CORPUS


@pytest.fixture(scope="module")
def outcomes(
    corpus: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Outcome], Path, dict[str, object]]:
    docs = _documents()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(corpus)  # the package headers name the documents by their short paths
        results = generate_corpus(
            [Path(d) for d, _ in docs],
            [package_name(prefix, Path(d)) for d, prefix in docs],
            {Path(d) for d in INVALID},
        )
    folder = tmp_path_factory.mktemp("corpus")
    packages = write(results, folder)
    checks = check_packages(folder, packages, tmp_path_factory.mktemp("mypy-cache"))
    by_doc = {d: r for (d, _), r in zip(docs, results, strict=True)}
    print("\n" + table(by_doc))
    return by_doc, folder, dict(checks)


def table(outcomes: dict[str, Outcome]) -> str:
    lines = ["| document | result | operations |", "|---|---|---|"]
    for doc, outcome in outcomes.items():
        status = outcome.status
        if outcome.error:
            status += f" ({outcome.error.split(': ', 1)[-1][:120]})"
        lines.append(f"| {doc} | {status} | {outcome.operations} |")
    return "\n".join(lines)


@pytest.mark.slow
def test_every_document_generates_or_names_what_is_unsupported(
    outcomes: tuple[dict[str, Outcome], Path, dict[str, object]],
) -> None:
    by_doc, _, _ = outcomes
    for doc, outcome in by_doc.items():
        if doc in UNSUPPORTED:
            assert outcome.status == UNSUPPORTED[doc], (doc, outcome.status)
        elif doc in INVALID:
            assert outcome.status == "generated with --allow-invalid", (doc, outcome.status)
        else:
            assert outcome.status == "generated", (doc, outcome.status)


@pytest.mark.slow
def test_the_bar(outcomes: tuple[dict[str, Outcome], Path, dict[str, object]]) -> None:
    """At least 95% of the 3.0 and 3.1 documents generate fully (openapi-python-client: 36 of 53)."""
    by_doc, _, _ = outcomes
    openapi3 = {d: o for d, o in by_doc.items() if d.startswith(("3.0/json/", "3.1/json/")) and "workshop" not in d}
    assert len(openapi3) == 53
    full = [d for d, o in openapi3.items() if o.status.startswith("generated")]
    as_is = [d for d, o in openapi3.items() if o.status == "generated"]
    assert len(full) / len(openapi3) >= BAR, f"{len(full)}/{len(openapi3)} generate fully"
    assert len(as_is) >= 49, f"{len(as_is)}/{len(openapi3)} generate without --allow-invalid"


@pytest.mark.slow
def test_a_method_for_every_operation(outcomes: tuple[dict[str, Outcome], Path, dict[str, object]]) -> None:
    by_doc, folder, _ = outcomes
    for doc, outcome in by_doc.items():
        if outcome.generated is None:
            continue
        expected = operations_of(CORPUS / doc)
        package = folder / outcome.package
        assert generated_operations(package) == expected, doc
        assert public_methods(package) == expected.total() == outcome.operations, doc


@pytest.mark.slow
@pytest.mark.parametrize("check", ["import", "mypy", "ruff", "black"])
def test_every_package_imports_and_is_clean(
    check: str, outcomes: tuple[dict[str, Outcome], Path, dict[str, object]]
) -> None:
    _, _, checks = outcomes
    result = checks[check]
    assert result.returncode == 0, report(result)  # type: ignore[arg-type]
