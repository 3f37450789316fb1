"""Broken specs get clear errors: a corpus of bad specs (tests/data/bad/) through the CLI.

For each: the exit code (1 for a bad spec, 2 for bad usage), the message (file, line, JSON
pointer, what is wrong, and a ``fix:`` line saying what to do), no traceback, and an output
folder (a copy of generated/) that is byte-for-byte untouched.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import io
import shutil
import sys
from pathlib import Path

import pytest

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "data" / "bad"

# file: (line, pointer, words in the message, words in the fix); the exit code is 1 for all
CASES: dict[str, tuple[int | None, str, list[str], list[str]]] = {
    # the file cannot be read as YAML or JSON: line and column, no pointer
    "invalid_yaml.yaml": (9, "", ["invalid YAML at line 9, column 1"], ["indentation or quoting"]),
    "invalid_json.json": (5, "", ["invalid JSON at line 5, column 67"], ["syntax"]),
    # not an OpenAPI document at all
    "not_openapi.yaml": (2, "", ["no 'openapi' field", "not an OpenAPI document"], ["openapi: 3.0.3"]),
    "not_a_mapping.yaml": (1, "", ["not a mapping"], ["openapi: 3.0.3"]),
    "unsupported_version.yaml": (1, "/openapi", ["OpenAPI version '4.0.0' is not supported"], ["3.0", "2.0"]),
    # each kind of openapi-spec-validator finding: the OpenAPI schema itself ...
    "validator_bad_location.yaml": (
        10,
        "/paths/~1things/get/parameters/0/in",
        ["invalid OpenAPI", "'querystring' is not one of ['path', 'query', 'header', 'cookie']"],
        ["--allow-invalid"],
    ),
    "validator_missing_field.yaml": (2, "/info", ["'version' is a required property"], ["--allow-invalid"]),
    "validator_unknown_field.yaml": (8, "/paths/~1things/get/summery", ["'summery' does not match"], []),
    "validator_bad_status.yaml": (9, "/paths/~1things/get/responses/2000", ["'2000' does not match"], []),
    "validator_duplicate_tag.yaml": (7, "/tags/2", ["{'name': 'things'} is already in this list"], []),
    # ... and its semantic checks, which it reports without a place: we find the place
    "validator_default_not_in_enum.yaml": (
        13,
        "/paths/~1metrics/get/parameters/0/schema/default",
        ["the default value does not match its schema", "'HOURS' is not one of ['Minutes', 'Hours', 'Days']"],
        ["make the default one of the values the schema allows", "--allow-invalid"],
    ),
    "validator_duplicate_operation_id.yaml": (
        12,
        "/paths/~1other-things/get/operationId",
        ["duplicate operationId", "'things'"],
        ["its own operationId"],
    ),
    "validator_undeclared_path_parameter.yaml": (
        6,
        "/paths/~1things~1{thingId}/get",
        ["path parameters do not match the path template", "'thingId'"],
        ["'in: path' parameter"],
    ),
    "validator_required_not_a_property.yaml": (
        14,
        "/components/schemas/Thing/required",
        ["required names a property the schema does not have", "['name']"],
        ["add the property or remove it from required"],
    ),
    "validator_bad_schema_31.yaml": (
        14,
        "/paths/~1numbers/get/parameters/0/schema/exclusiveMaximum",
        ["invalid schema", "True is not of type 'number'"],
        [],
    ),
    # $refs: unresolved, remote (no network), leaving the spec's folder, cycles
    "unresolved_ref.yaml": (
        14,
        "/paths/~1things/get/responses/200/content/application~1json/schema/$ref",
        ["unresolved $ref '#/components/schemas/Missing'"],
        ["add the missing component"],
    ),
    "unresolved_ref_in_tabbed_json.json": (  # lines found without YAML (tabs, "\\/")
        12,
        "/paths/~1things/get/responses/200/content/application~1json/schema/$ref",
        ["unresolved $ref '#/components/schemas/Missing'"],
        [],
    ),
    "remote_ref.yaml": (
        14,
        "/paths/~1things/get/responses/200/content/application~1json/schema/$ref",
        ["remote $ref 'https://example.com/schemas.yaml#/Thing' is refused", "never uses the network"],
        ["download"],
    ),
    "escaping_ref.yaml": (
        14,
        "/paths/~1things/get/responses/200/content/application~1json/schema/$ref",
        ["points outside the spec's folder"],
        ["copy the referenced file next to the spec"],
    ),
    "ref_cycle.yaml": (9, "/components/schemas/Pong", ["$ref cycle"], ["break the cycle"]),
    "recursive_alias.yaml": (
        16,
        "/components/schemas/Tree",
        ["refers to itself without an object in between"],
        ["object property"],
    ),
    # names that collide after snake_case / PascalCase
    "method_name_collision.yaml": (
        12,
        "/paths/~1things~1all/get/operationId",
        ["'getThings' (GET /things) and 'get_things' (GET /things/all) both become DefaultApi.get_things()"],
        ["different operationId"],
    ),
    "model_name_collision.yaml": (
        11,
        "/components/schemas/PetStatus",
        ["class name 'PetStatus' is used twice", "/components/schemas/pet_status"],
        ["rename one of the schemas"],
    ),
    # constructs we do not support: named, with their place
    "unsupported_security.yaml": (
        14,
        "/components/securitySchemes/digest",
        ["unsupported: security scheme type http 'digest' at /components/securitySchemes/digest"],
        ["apiKey"],
    ),
    "unsupported_collection_format.json": (
        10,
        "/paths/~1things/get/parameters/0/collectionFormat",
        ["unsupported: collectionFormat 'tsv' at /paths/~1things/get/parameters/0/collectionFormat"],
        ["csv"],
    ),
    # no settings and no --package
    "no_settings.yaml": (1, "", ["no 'x-python-client' settings"], ["--package"]),
}


def tree_digest(folder: Path) -> str:
    """A hash of every path and byte below ``folder``."""
    hasher = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        hasher.update(path.relative_to(folder).as_posix().encode())
        if path.is_file():
            hasher.update(path.read_bytes())
    return hasher.hexdigest()


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of generated/ that every bad spec is generated into (and must leave alone)."""
    folder = tmp_path_factory.mktemp("out") / "generated"
    shutil.copytree(ROOT / "generated", folder, ignore=shutil.ignore_patterns("__pycache__", ".*cache"))
    return folder


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_every_file_in_the_corpus_has_a_case() -> None:
    assert sorted(p.name for p in BAD.iterdir() if p.name != "names.yaml") == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("command", ["generate", "validate"])
def test_bad_spec(name: str, command: str, output: Path, monkeypatch: pytest.MonkeyPatch, black_memo: None) -> None:
    line, pointer, words, fixes = CASES[name]
    monkeypatch.chdir(BAD)
    before = tree_digest(output)
    argv = [command, name] if command == "validate" else [command, name, "-o", str(output), "--no-cache"]
    code, stdout, stderr = run(argv)
    assert code == 1, stderr
    assert stdout == ""
    assert "Traceback" not in stderr and "internal error" not in stderr
    where = name + (f":{line}" if line is not None else "") + (f" at {pointer}:" if pointer else ":")
    first, _, rest = stderr.partition("\n")
    assert first.startswith(f"error: {where} "), stderr
    for word in words:
        assert word in first, (word, stderr)
    assert rest.startswith("  fix: "), stderr  # what to do
    for word in fixes:
        assert word in rest, (word, stderr)
    assert tree_digest(output) == before  # nothing written, nothing removed


def test_allow_invalid_turns_violations_into_warnings(
    output: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, black_memo: None
) -> None:
    monkeypatch.chdir(BAD)
    spec = "validator_default_not_in_enum.yaml"
    code, stdout, stderr = run(["generate", spec, "-o", str(tmp_path), "--no-cache", "--allow-invalid"])
    assert code == 0, stderr
    assert stderr.startswith(f"warning: {spec}:13 at /paths/~1metrics/get/parameters/0/schema/default: "), stderr
    assert "'HOURS' is not one of" in stderr
    assert (tmp_path / "broken_client" / "__init__.py").is_file()
    assert f"{spec} -> " in stdout


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["generate", "nope.yaml"], "no such spec file: nope.yaml"),
        (["generate", "no_settings.yaml", "--package", "Not-A-Name"], "--package must be a lower-case"),
        (["generate", "no_settings.yaml", "--package", "class"], "--package must be a lower-case"),
        (["generate", "no_settings.yaml", "--package", "ok_client", "--package-version", "one"], "PEP 440"),
        (["generate", "no_settings.yaml", "names.yaml", "--package", "ok_client"], "exactly one SPEC"),
        (["generate", "--frobnicate"], "unrecognized arguments"),
        (["validate", "-o", "x"], "unrecognized arguments"),
    ],
)
def test_bad_usage_exits_2(argv: list[str], words: str, output: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    before = tree_digest(output)
    argv = [*argv, "-o", str(output)] if argv[0] == "generate" and "--frobnicate" not in argv else argv
    code, stdout, stderr = run(argv)
    assert code == 2, stderr
    assert stdout == ""
    assert words in stderr
    assert "Traceback" not in stderr
    assert tree_digest(output) == before


def test_keywords_builtins_digits_and_non_ascii_names_generate(tmp_path: Path, black_memo: None) -> None:
    """Such names are not errors: they get stable escaped Python names (wire names unchanged)."""
    code, _, stderr = run(["generate", str(BAD / "names.yaml"), "-o", str(tmp_path), "--no-cache"])
    assert code == 0, stderr
    package = tmp_path / "names_client"
    models = (package / "models.py").read_text(encoding="utf-8")
    for python, wire in [
        ("import_", "import"),
        ("class_", "class"),
        ("str_", "str"),
        ("list_", "list"),
        ("self_", "self"),
        ("get_", "get"),
        ("field_1st", "1st"),
        ("naive", "na\\xefve"),
        ("u65e5_u672c", "\\u65e5\\u672c"),
        ("id", "id"),  # harmless builtins stay
        ("type", "type"),
        ("field", "field"),  # kept: declared last in its class
    ]:
        lines = [line for line in models.splitlines() if line.startswith(f"    {python}: ")]
        assert len(lines) == 1, python
        # the wire name is written only where it is not the attribute's own name
        assert (f', "{wire}"' in lines[0]) == (python != wire), lines[0]
    assert models.rstrip().endswith("field: str | Unset = field(STR, default=UNSET)")
    assert "class ResponseModel(Model):" in models  # "Response" is a runtime name
    api = (package / "default_api.py").read_text(encoding="utf-8")
    assert "    def list_(" in api
    for name in [
        "class_: str,",
        "from_: str | None",
        "len: int | None",  # the method bodies use no builtin, so only type names are renamed
        "items: str | None",
        "param_2x:",
        "unicode:",
    ]:
        assert name in api, name
    sys.path.insert(0, str(tmp_path))
    try:
        module = importlib.import_module("names_client.models")
        thing = module.Thing(import_="x", class_="c", field="f", field_1st="1")
        assert thing.to_dict() == {"import": "x", "class": "c", "field": "f", "1st": "1"}
    finally:
        sys.path.remove(str(tmp_path))
        for key in [k for k in sys.modules if k.startswith("names_client")]:
            del sys.modules[key]
