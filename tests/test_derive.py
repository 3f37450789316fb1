"""Recipes and derived specs: every curated spec re-derives byte for byte from its pinned snapshot; hand
edits fail the check and are absorbed into the overlay; conflicts, missing targets and bad recipes are
located errors; the selection's closure follows $refs, discriminator mappings and security."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.cli import is_spec_file, main
from generator.errors import SpecError
from generator.loader import Document, load_document, parse_text
from generator.upstream.derive import derive, derive_from
from generator.upstream.overlay import get_node, parse_target
from generator.upstream.pin import pin
from generator.upstream.recipe import TODO_REASON, Selection, dump_recipe, load_recipe, parse_recipe_text
from generator.upstream.selection import Where, select

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
HISTORY = ROOT / "tests" / "data" / "history"
NAMES = ("cons3rt", "etherpad", "ica_v3", "libtes", "vidispine")


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of specs/ (recipes, snapshots, derived specs) as the working directory."""
    shutil.copytree(SPECS, tmp_path / "specs")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- the five specs ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_each_spec_is_its_recipes_derivation_byte_for_byte(name: str) -> None:
    derived = derive(SPECS / f"{name}.recipe.yaml")
    assert derived.conflicts == ()
    assert derived.text == (SPECS / f"{name}.yaml").read_text(encoding="utf-8")
    assert derived.data == load_document(SPECS / f"{name}.yaml").data


def test_every_spec_has_a_recipe_and_the_scan_skips_recipes() -> None:
    specs = sorted(p.name for p in SPECS.iterdir() if is_spec_file(p))
    assert specs == [f"{name}.yaml" for name in NAMES]
    assert sorted(p.name for p in SPECS.glob("*.recipe.yaml")) == [f"{name}.recipe.yaml" for name in NAMES]


def test_derive_check_passes_on_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, stdout, stderr = run(["upstream", "derive", "--check"])
    assert (code, stderr) == (0, "")
    assert stdout == "5 derived specs are up to date\n"


def test_derivation_is_the_same_under_other_hash_seeds() -> None:
    script = (
        "import hashlib, sys; from pathlib import Path; from generator.upstream.derive import derive\n"
        "for name in sys.argv[1:]:\n"
        "    print(hashlib.sha256(derive(Path('specs') / f'{name}.recipe.yaml').text.encode()).hexdigest())\n"
    )
    outputs = set()
    for seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-c", script, *NAMES],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.add(done.stdout)
    here = "".join(
        hashlib.sha256(derive(SPECS / f"{name}.recipe.yaml").text.encode()).hexdigest() + "\n" for name in NAMES
    )
    assert outputs == {here}


def test_derived_spec_says_how_to_change_it_and_carries_the_reasons() -> None:
    text = (SPECS / "ica_v3.yaml").read_text(encoding="utf-8")
    first, second = text.split("\n")[:2]
    assert first.startswith("# derived by clientgen from specs/upstream/ica_v3/openapi_public.yaml (")
    assert "do not edit by hand" in first
    assert "specs/ica_v3.recipe.yaml" in second and "clientgen upstream absorb ica_v3" in second
    comments = " ".join(line.strip()[1:].strip() for line in text.split("\n") if line.strip().startswith("#"))
    recipe = load_recipe(SPECS / "ica_v3.recipe.yaml")
    for action in recipe.actions:
        assert not action.description.startswith("TODO"), action
        if not action.remove:  # a removed node has no place for a comment; its reason stays in the recipe
            assert " ".join(action.description.split())[:60] in comments, action.target


def test_no_recipe_replaces_a_whole_upstream_list_or_mapping() -> None:
    for name in NAMES:
        for action in load_recipe(SPECS / f"{name}.recipe.yaml").actions:
            assert "replaces" not in action.description, (name, action.target)


# --- hand edits, absorb ---------------------------------------------------------------------------


def test_a_hand_edit_fails_the_check_and_absorb_keeps_it(project: Path) -> None:
    spec = project / "specs" / "ica_v3.yaml"
    text = spec.read_text(encoding="utf-8")
    assert text.count("description: The name of the pipeline\n") == 1
    spec.write_text(text.replace("description: The name of the pipeline\n", "description: Edited by hand\n"))

    code, stdout, stderr = run(["upstream", "derive", "--check", "ica_v3"])
    assert code == 1
    assert "--- a/specs/ica_v3.yaml\n+++ b/specs/ica_v3.yaml\n" in stdout
    assert "-" + " " * 10 + "description: Edited by hand\n" in stdout
    assert "+" + " " * 10 + "description: The name of the pipeline\n" in stdout
    assert "clientgen upstream absorb" in stderr

    before = len(load_recipe(project / "specs" / "ica_v3.recipe.yaml").actions)
    code, stdout, _ = run(["upstream", "absorb", "ica_v3"])
    assert code == 0 and "absorbed 1 edit(s)" in stdout
    recipe = load_recipe(project / "specs" / "ica_v3.recipe.yaml")
    assert len(recipe.actions) == before + 1
    added = recipe.actions[-1]
    assert added.description == TODO_REASON
    assert parse_target(added.target) == ("components", "schemas", "PipelineV4", "properties", "name")
    assert added.update == {"description": "Edited by hand"}
    assert added.base is not None  # it overwrites an upstream value, so a later upstream change conflicts

    code, stdout, stderr = run(["upstream", "derive", "--check", "ica_v3"])
    assert code == 0, stdout
    assert "the reason is a TODO" in stderr
    data = load_document(spec).data
    assert data["components"]["schemas"]["PipelineV4"]["properties"]["name"]["description"] == "Edited by hand"


def test_absorb_takes_the_comment_written_at_the_edit_as_its_reason(project: Path) -> None:
    spec = project / "specs" / "libtes.yaml"
    text = spec.read_text(encoding="utf-8")
    old = "  title: Task Execution Service\n"
    assert text.count(old) == 1
    spec.write_text(text.replace(old, "  # the vendor's product name\n  title: TES\n"), encoding="utf-8")
    code, _, _ = run(["upstream", "absorb", "libtes"])
    assert code == 0
    added = load_recipe(project / "specs" / "libtes.recipe.yaml").actions[-1]
    assert (added.target, added.update, added.description) == (
        "$['info']",
        {"title": "TES"},
        "the vendor's product name",
    )
    code, _, stderr = run(["upstream", "derive", "--check", "libtes"])
    assert (code, stderr) == (0, "")
    assert "  # the vendor's product name\n  title: TES\n" in spec.read_text(encoding="utf-8")


def test_absorb_without_an_edit_changes_nothing(project: Path) -> None:
    recipe = project / "specs" / "libtes.recipe.yaml"
    before = recipe.read_bytes()
    code, stdout, _ = run(["upstream", "absorb", "libtes"])
    assert code == 0 and "nothing to absorb" in stdout
    assert recipe.read_bytes() == before


def test_derive_rewrites_a_stale_spec_and_only_then(project: Path) -> None:
    spec = project / "specs" / "libtes.yaml"
    original = spec.read_text(encoding="utf-8")
    spec.write_text(original.replace("title: Task Execution Service", "title: Stale"), encoding="utf-8")
    code, stdout, _ = run(["upstream", "derive", "libtes"])
    assert code == 0 and "(written)" in stdout
    assert spec.read_text(encoding="utf-8") == original
    code, stdout, _ = run(["upstream", "derive", "libtes"])
    assert code == 0 and "(unchanged)" in stdout


# --- conflicts and errors -------------------------------------------------------------------------


def _ica_action(recipe_path: Path, target: str) -> tuple[int, Any]:
    for index, action in enumerate(load_recipe(recipe_path).actions):
        if action.target == target:
            return index, action
    raise AssertionError(target)


def test_an_upstream_change_under_an_action_is_a_conflict_with_the_three_values(project: Path) -> None:
    recipe_path = project / "specs" / "ica_v3.recipe.yaml"
    target = "$['components']['schemas']['PipelineV4']['properties']['code']"
    index, action = _ica_action(recipe_path, target)
    assert action.base is not None
    snapshot = project / "specs" / "upstream" / "ica_v3" / "openapi_public.yaml"
    data = parse_text(snapshot.read_text(encoding="utf-8"), "snapshot")
    data["components"]["schemas"]["PipelineV4"]["properties"]["code"]["maxLength"] = 300  # upstream moved on
    new_file = project / "new_upstream.json"
    new_file.write_text(json.dumps(data), encoding="utf-8")
    pin(recipe_path, new_file, {"version": "3.9", "retrieved": "2026-12-02"})
    recipe = load_recipe(recipe_path)
    assert recipe.upstream is not None
    assert recipe.upstream.sha256 == hashlib.sha256(new_file.read_bytes()).hexdigest()
    assert dict(recipe.upstream.origin)["version"] == "3.9"
    assert snapshot.read_bytes() == new_file.read_bytes()

    derived = derive(recipe_path)
    assert [c.index for c in derived.conflicts] == [index]
    conflict = derived.conflicts[0]
    assert conflict.expected == action.base
    assert conflict.now["maxLength"] == 300  # type: ignore[index]
    assert conflict.curator == action.update

    spec_before = (project / "specs" / "ica_v3.yaml").read_bytes()
    code, _, stderr = run(["upstream", "derive", "ica_v3"])
    assert code == 1
    assert f"action {index} on {target}" in stderr
    assert f"base:            {action.base}" in stderr
    assert '"maxLength": 300' in stderr and '"maxLength": 296' in stderr
    assert "nothing was written" in stderr
    assert (project / "specs" / "ica_v3.yaml").read_bytes() == spec_before


def test_a_changed_snapshot_without_pin_is_refused_naming_both_hashes(project: Path) -> None:
    snapshot = project / "specs" / "upstream" / "libtes" / "tes.json"
    snapshot.write_bytes(snapshot.read_bytes() + b"\n")
    with pytest.raises(SpecError) as caught:
        derive(project / "specs" / "libtes.recipe.yaml")
    error = caught.value
    assert (error.pointer, error.line) == ("/upstream/sha256", 4)
    assert hashlib.sha256(snapshot.read_bytes()).hexdigest() in error.message
    assert "ca565bbd1c7d12bd3c8c4524640db1bf2084686e5a748f72d8399da570e0c3b9" in error.message
    assert "clientgen upstream pin libtes" in error.hint


def test_a_target_that_matches_nothing_is_a_located_error(project: Path) -> None:
    recipe_path = project / "specs" / "libtes.recipe.yaml"
    text = recipe_path.read_text(encoding="utf-8")
    text += "- target: $['components']['schemas']['NoSuchSchema']\n  description: gone\n  update:\n    a: 1\n"
    recipe_path.write_text(text, encoding="utf-8")
    count = len(load_recipe(recipe_path).actions)
    with pytest.raises(SpecError) as caught:
        derive(recipe_path)
    error = caught.value
    assert error.file == "specs/libtes.recipe.yaml"
    assert error.pointer == f"/overlay/{count - 1}"
    assert error.line == text.count("\n") - 3
    assert "matches no node" in error.message and error.hint


def test_the_earlier_ica_releases_derive_with_their_conflicts_listed() -> None:
    recipe = load_recipe(SPECS / "ica_v3.recipe.yaml")
    older, newer = sorted((HISTORY / "ica_v3").glob("*.yaml"))
    first = derive_from(recipe, older.read_bytes(), lenient=True)
    second = derive_from(recipe, newer.read_bytes(), lenient=True)
    # searchWorkflowSessions appears between the two releases; searchOrchestratedAnalyses is later still
    assert first.missing == ("searchOrchestratedAnalyses", "searchWorkflowSessions")
    assert second.missing == ("searchOrchestratedAnalyses",)
    assert "/api/projects/{projectId}/workflowSessions:search" in second.data["paths"]
    assert second.data["paths"]["/api/projects/{projectId}/workflowSessions"]["get"].get("deprecated") is True
    for derived in (first, second):
        assert derived.conflicts  # the libica 3.3 drift targets schemas these releases do not have yet
        assert all(c.found == "" and c.now is None for c in derived.conflicts)
        assert derived.text.startswith("# derived by clientgen from ")
    with pytest.raises(SpecError) as caught:
        derive_from(recipe, older.read_bytes())
    assert caught.value.pointer == "/select/operations/3" and caught.value.line is not None


def test_the_earlier_tes_releases_derive() -> None:
    recipe = load_recipe(SPECS / "libtes.recipe.yaml")
    for release in sorted((HISTORY / "libtes").glob("*.json")):
        derived = derive_from(recipe, release.read_bytes())
        assert derived.conflicts == ()
        assert set(derived.data["paths"]) == set(derive(SPECS / "libtes.recipe.yaml").data["paths"])


def test_upstream_none_refuses_a_spec_that_claims_to_be_derived(project: Path) -> None:
    spec = project / "specs" / "vidispine.yaml"
    spec.write_text("# derived by clientgen from somewhere\n" + spec.read_text(encoding="utf-8"), encoding="utf-8")
    code, _, stderr = run(["upstream", "derive", "--check", "vidispine"])
    assert code == 1
    assert "specs/vidispine.yaml:1: the spec says it is derived" in stderr


# --- recipe checks -------------------------------------------------------------------------------

GOOD = """\
clientgen-recipe: 1
upstream:
  file: upstream/x.yaml
  sha256: {sha}
  format: openapi-3.0
  api-version: '1'
  origin:
    repository: example/x
select:
  operations: [listPets]
overlay:
- target: $['info']
  description: why
  update:
    title: T
"""


@pytest.mark.parametrize(
    ("change", "pointer", "line", "message"),
    [
        (("clientgen-recipe: 1", "clientgen-recipe: 2"), "/clientgen-recipe", 1, "unknown recipe format"),
        (("  format: openapi-3.0", "  format: raml"), "/upstream/format", 5, "unknown format"),
        (("  sha256: " + "a" * 64, "  sha256: abc"), "/upstream/sha256", 4, "not a sha256"),
        (("select:", "selekt:"), "/selekt", 9, "unknown key 'selekt'"),
        (("  operations: [listPets]", "  operations: []"), "/select/operations", 10, "not a non-empty list"),
        (("- target: $['info']", "- target: $.info"), "/overlay/0/target", 12, "not a single-node normalized path"),
        (("  description: why", "  description: ''"), "/overlay/0/description", 13, "not a non-empty string"),
        (("    repository: example/x", "    commit: abc"), "/upstream/origin", 7, "origin names no source"),
        (
            ("    repository: example/x", "    repository: x\n    version: 3.10"),
            "/upstream/origin/version",
            9,
            "plain text",
        ),
        (("  operations: [listPets]", "  operations: [listPets, listPets]"), "/select/operations/1", 10, "twice"),
    ],
)
def test_bad_recipes_are_located_errors(change: tuple[str, str], pointer: str, line: int, message: str) -> None:
    text = GOOD.format(sha="a" * 64)
    assert change[0] in text
    with pytest.raises(SpecError) as caught:
        parse_recipe_text(text.replace(change[0], change[1]), Path("specs/x.recipe.yaml"))
    error = caught.value
    assert (error.file, error.pointer, error.line) == ("specs/x.recipe.yaml", pointer, line)
    assert message in error.message and error.hint


def test_upstream_none_needs_a_reason_and_nothing_to_select() -> None:
    with pytest.raises(SpecError) as caught:
        parse_recipe_text("clientgen-recipe: 1\nupstream: none\n", Path("specs/x.recipe.yaml"))
    assert "needs a reason" in caught.value.message
    with pytest.raises(SpecError) as caught:
        parse_recipe_text(
            "clientgen-recipe: 1\nupstream: none\nreason: r\nselect: {operations: [a]}\n", Path("specs/x.recipe.yaml")
        )
    assert caught.value.pointer == "/select" and caught.value.line == 4


# --- selection and closure ------------------------------------------------------------------------

SNAPSHOT = """\
openapi: 3.0.3
info: {title: Pets, version: '1'}
security:
- key: []
tags:
- name: pets
- name: admin
paths:
  /pets/{petId}:
    parameters:
    - $ref: '#/components/parameters/PetId'
    get:
      operationId: getPet
      tags: [pets]
      responses:
        '200':
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
        default: {$ref: '#/components/responses/Error'}
    delete:
      operationId: deletePet
      tags: [admin]
      security:
      - admin: []
      responses:
        '204': {description: gone}
  /owners:
    get:
      operationId: listOwners
      x-faker: owners
      responses:
        '200':
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Owner'}
components:
  parameters:
    PetId: {name: petId, in: path, required: true, schema: {type: string}}
  responses:
    Error:
      description: error
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Problem'}
  schemas:
    Pet:
      type: object
      properties:
        kind: {type: string}
        x-faker: {type: string}
      discriminator:
        propertyName: kind
        mapping:
          cat: '#/components/schemas/Cat'
          dog: Dog
    Cat: {allOf: [{$ref: '#/components/schemas/Pet'}]}
    Dog: {allOf: [{$ref: '#/components/schemas/Pet'}, {$ref: '#/components/schemas/Collar'}]}
    Collar: {type: object, x-faker: collar}
    Problem: {type: object}
    Owner: {type: object}
    Unused: {type: object}
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
    admin: {type: http, scheme: basic}
"""


def _select(operations: tuple[str, ...], prune: tuple[str, ...] = (), keep: tuple[str, ...] = ()) -> dict[str, Any]:
    doc = Document(path=Path("snap.yaml"), data=parse_text(SNAPSHOT, "snap.yaml"), text=SNAPSHOT, display="snap.yaml")
    return select(doc, Selection(operations, keep, prune), Where("specs/x.recipe.yaml"))


def test_closure_follows_refs_discriminator_mappings_and_prunes_security_and_tags() -> None:
    out = _select(("getPet",), prune=("unused-security-schemes", "unused-tags", "x-faker"))
    assert list(out["paths"]) == ["/pets/{petId}"]
    assert list(out["paths"]["/pets/{petId}"]) == ["parameters", "get"]  # path-level parameters kept, delete gone
    components = out["components"]
    assert list(components["parameters"]) == ["PetId"]
    assert list(components["responses"]) == ["Error"]
    # upstream order; Cat by a $ref mapping, Dog by a bare name, Collar through Dog, Problem through Error
    assert list(components["schemas"]) == ["Pet", "Cat", "Dog", "Collar", "Problem"]
    assert list(components["securitySchemes"]) == ["key"]  # admin was only used by the dropped deletePet
    assert out["tags"] == [{"name": "pets"}]
    assert "x-faker" in components["schemas"]["Pet"]["properties"]  # a property of that name stays
    assert "x-faker" not in components["schemas"]["Collar"]


def test_without_prune_rules_security_schemes_and_tags_stay() -> None:
    out = _select(("GET /owners",))
    assert list(out["components"]) == ["schemas", "securitySchemes"]
    assert list(out["components"]["schemas"]) == ["Owner"]
    assert list(out["components"]["securitySchemes"]) == ["key", "admin"]
    assert [t["name"] for t in out["tags"]] == ["pets", "admin"]
    assert out["paths"]["/owners"]["get"]["x-faker"] == "owners"


def test_keep_adds_a_component_nothing_references() -> None:
    out = _select(("listOwners",), keep=("#/components/schemas/Unused",))
    assert list(out["components"]["schemas"]) == ["Owner", "Unused"]
    with pytest.raises(SpecError) as caught:
        _select(("listOwners",), keep=("#/components/schemas/Nope",))
    assert caught.value.pointer == "/select/keep/0"


def test_an_unknown_operation_names_near_matches() -> None:
    with pytest.raises(SpecError) as caught:
        _select(("getPets",))
    error = caught.value
    assert error.pointer == "/select/operations/0"
    assert "no operation 'getPets'" in error.message
    assert "getPet" in error.hint


def test_selection_is_a_copy_the_snapshot_is_untouched() -> None:
    doc = Document(path=Path("s.yaml"), data=parse_text(SNAPSHOT, "s.yaml"), text=SNAPSHOT, display="s.yaml")
    before = json.dumps(doc.data)
    out = select(doc, Selection(("getPet",), (), ("x-faker",)), Where("r"))
    out["components"]["schemas"]["Pet"]["type"] = "changed"
    assert json.dumps(doc.data) == before
    assert get_node(out, ("paths", "/pets/{petId}", "get", "operationId")) == "getPet"


def test_init_creates_a_recipe_that_round_trips(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    upstream = tmp_path / "pets.yaml"
    upstream.write_text(SNAPSHOT, encoding="utf-8")
    curated = _select(("getPet",), prune=("unused-security-schemes", "unused-tags"))
    from generator.upstream.emit import dump

    text = dump(curated).replace("title: Pets", "title: Pets API   # the seed's title")
    text = "# Pets, getPet only.\n" + text.replace("        kind:\n", "        # the discriminator\n        kind:\n")
    text += "x-python-client:\n  package: pets_client\n  version: 1.0.0\n"
    (specs / "pets.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    init_args = ["pets", "--from", str(upstream), "--operations", "getPet", "--repository", "example/pets"]
    code, _, stderr = run(["upstream", "init", *init_args, "--prune", "unused-security-schemes", "unused-tags"])
    assert code == 0, stderr
    recipe = load_recipe(specs / "pets.recipe.yaml")
    assert recipe.upstream is not None and recipe.upstream.file == "upstream/pets/pets.yaml"
    assert (specs / "upstream" / "pets" / "pets.yaml").read_text(encoding="utf-8") == SNAPSHOT
    reasons = {action.target: action.description for action in recipe.actions}
    assert reasons["$['info']"] == "the seed's title"
    assert recipe.notes.startswith("Pets, getPet only.")
    assert "the discriminator" in recipe.notes  # a comment on a node no edit touches is kept in the notes
    assert load_document(specs / "pets.yaml").data == parse_text(text, "x")
    code, _, _ = run(["upstream", "derive", "--check"])
    assert code == 0


def test_status_lists_each_recipe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, stdout, _ = run(["upstream", "status"])
    assert code == 0
    lines = stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == list(NAMES)
    ica = lines[NAMES.index("ica_v3")]
    assert "repository umccr/libica" in ica and "api-version 3" in ica and "fresh" in ica
    assert "0 TODO reasons, 0 conflicts" in ica
    assert "upstream none" in lines[0]


def test_usage_errors_exit_2(project: Path) -> None:
    code, _, stderr = run(["upstream", "absorb", "nosuch"])
    assert code == 2 and "no recipe specs/nosuch.recipe.yaml" in stderr
    code, _, stderr = run(["upstream", "init", "ica_v3", "--from", "x.yaml", "--operations", "a", "--repository", "r"])
    assert code == 2 and "exists already" in stderr


def test_help_mentions_every_subcommand() -> None:
    code, stdout, _ = run_help(["upstream", "--help"])
    assert code == 0
    for name in ("status", "derive", "absorb", "init", "pin"):
        assert name in stdout


def run_help(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as done:
            code = int(done.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_recipe_text_is_canonical_yaml() -> None:
    for name in NAMES:
        path = SPECS / f"{name}.recipe.yaml"
        text = path.read_text(encoding="utf-8")
        assert text.endswith("\n") and "\t" not in text
        assert parse_recipe_text(text, path) == load_recipe(path)


# --- the generator extensions that keep a curated order -----------------------------------------

ORDER_SPEC = """
openapi: 3.0.3
info: {title: Order, version: '1'}
x-python-client: {package: order_client, version: 1.0.0}
paths:
  /things:
    get:
      operationId: getThing
      x-python-response-order: ['200', '400', '404']
      responses:
        '404': {description: missing}
        '400': {description: bad}
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Thing:
      type: object
      x-python-property-order: [zeta, alpha]
      properties:
        alpha: {type: string}
        mid: {type: string}
        zeta: {type: string}
"""


def test_property_and_response_order_extensions(write_spec: Any) -> None:
    from generator.pipeline import generate

    def generated(text: str) -> tuple[str, str]:
        files = generate(write_spec(text)).files
        return files["models.py"].decode(), next(v.decode() for k, v in files.items() if k.endswith("_api.py"))

    models, api = generated(ORDER_SPEC)
    assert models.index("    zeta: ") < models.index("    alpha: ") < models.index("    mid: ")
    assert api.index('"400": ') < api.index('"404": ')
    plain_models, plain_api = generated(
        ORDER_SPEC.replace("x-python-property-order: [zeta, alpha]", "").replace(
            "x-python-response-order: ['200', '400', '404']", ""
        )
    )
    assert plain_models.index("    alpha: ") < plain_models.index("    mid: ") < plain_models.index("    zeta: ")
    assert plain_api.index('"404": ') < plain_api.index('"400": ')


@pytest.mark.parametrize(
    ("old", "new", "pointer"),
    [
        ("[zeta, alpha]", "[zeta, nope]", "/components/schemas/Thing/x-python-property-order/1"),
        ("[zeta, alpha]", "[zeta, zeta]", "/components/schemas/Thing/x-python-property-order/1"),
        ("['200', '400', '404']", "'200'", "/paths/~1things/get/x-python-response-order"),
    ],
)
def test_order_extensions_name_only_what_is_there(write_spec: Any, old: str, new: str, pointer: str) -> None:
    from generator.pipeline import generate

    with pytest.raises(SpecError) as caught:
        generate(write_spec(ORDER_SPEC.replace(old, new)))
    assert caught.value.pointer == pointer and caught.value.hint


def test_a_copy_action_reads_back_and_applies(project: Path) -> None:
    recipe_path = project / "specs" / "libtes.recipe.yaml"
    text = recipe_path.read_text(encoding="utf-8")
    text += "- target: $['info']\n  description: copied\n  copy: $['servers'][0]\n"
    recipe_path.write_text(text, encoding="utf-8")
    recipe = load_recipe(recipe_path)
    assert recipe.actions[-1].copy == "$['servers'][0]"
    assert parse_recipe_text(dump_recipe(recipe), recipe_path) == recipe
    derived = derive(recipe_path)
    assert derived.data["info"]["url"] == derived.data["servers"][0]["url"]


def test_pin_on_the_command_line_then_derive(project: Path) -> None:
    release = HISTORY / "libtes" / "tes-20211022.json"
    code, stdout, _ = run(["upstream", "pin", "libtes", "--file", str(release), "--commit", "4187a77b"])
    assert code == 0 and "now run `clientgen upstream derive`" in stdout
    assert (project / "specs" / "upstream" / "libtes" / "tes.json").read_bytes() == release.read_bytes()
    code, stdout, _ = run(["upstream", "status", "libtes"])
    assert code == 1 and "STALE" in stdout and "commit 4187a77b" in stdout
    assert run(["upstream", "derive", "libtes"])[0] == 0
    code, stdout, _ = run(["upstream", "status", "libtes"])
    assert code == 0 and "fresh" in stdout
    code, _, stderr = run(["upstream", "pin", "ica_v3", "--file", str(release)])
    assert code == 1 and "the new file is swagger-2.0, the recipe's snapshot is openapi-3.0" in stderr


def test_absorb_keeps_a_comment_that_is_no_edits_reason_in_the_notes(project: Path) -> None:
    spec = project / "specs" / "etherpad.yaml"
    text = spec.read_text(encoding="utf-8")
    assert text.count("\npaths:\n") == 1
    spec.write_text(text.replace("\npaths:\n", "\n# ask upstream about POST bodies\npaths:\n"), encoding="utf-8")
    assert run(["upstream", "derive", "--check", "etherpad"])[0] == 1
    code, stdout, _ = run(["upstream", "absorb", "etherpad"])
    assert code == 0 and "kept 1 added comment(s) in the notes" in stdout
    recipe = load_recipe(project / "specs" / "etherpad.recipe.yaml")
    assert recipe.notes.endswith("- at `paths:`: ask upstream about POST bodies\n")
    assert run(["upstream", "derive", "--check", "etherpad"])[0] == 0
    assert "ask upstream about POST bodies" in spec.read_text(encoding="utf-8")
