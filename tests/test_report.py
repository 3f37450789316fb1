"""The change report (generator/report.py, changelink.py, accepted.py, versioning.py) and
``clientgen diff`` end to end: links, accepted changes, formats, version proposal, exit codes."""

from __future__ import annotations

import copy
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from apidifflib import base_spec, ir_of, write_spec

from generator.accepted import load_accepted
from generator.apidiff import ApiChange, diff_packages
from generator.cli import main
from generator.errors import SpecError
from generator.report import Side, build_report, md, render
from generator.specdiff.diff import diff_documents
from generator.specdiff.model import WireChange
from generator.versioning import propose_version, version_too_low


def _edited() -> tuple[dict[str, Any], dict[str, Any]]:
    """A response maxLength change, a removed response field, a removed parameter, an enum value."""
    old = base_spec()
    new = copy.deepcopy(old)
    new["components"]["schemas"]["Pet"]["properties"]["name"]["maxLength"] = 80
    del new["components"]["schemas"]["Pet"]["properties"]["tag"]
    new["paths"]["/pets"]["get"]["parameters"].pop(2)
    return old, new


def _report(tmp_path: Path, old: dict[str, Any], new: dict[str, Any], **options: Any) -> Any:
    old_ir, new_ir = ir_of(tmp_path, "old.json", old), ir_of(tmp_path, "new.json", new)
    python = diff_packages(old_ir, new_ir)
    wire = diff_documents(old, new)
    sides = Side("old.json", old_ir.package, old_ir.version), Side("new.json", new_ir.package, new_ir.version)
    return build_report(*sides, wire, python, old_ir, new_ir, **options)


def _wire(report: Any, method: str, path: str, subject: str) -> Any:
    (entry,) = [w for w in report.wire if (w.change.method, w.change.path, w.change.subject) == (method, path, subject)]
    return entry


def _python(report: Any, python_name: str) -> Any:
    (entry,) = [p for p in report.python if p.change.python_name == python_name]
    return entry


# ---- links ------------------------------------------------------------------------------------


def test_parameter_and_property_entries_link_both_ways(tmp_path: Path) -> None:
    report = _report(tmp_path, *_edited())
    removed = _python(report, "PetApi.list_pets(sort)")
    sort = _wire(report, "GET", "/pets", "sort")
    assert sort.python == (removed.ref,) and removed.wire == (sort.ref,)
    field = _python(report, "models.Pet.tag")
    tag_entries = [w for w in report.wire if w.change.subject in ("tag", "items/tag")]
    assert len(tag_entries) == 3  # GET /pets (items/tag), POST /pets, GET /pets/{petId}
    assert all(w.python == (field.ref,) for w in tag_entries)
    assert set(field.wire) == {w.ref for w in tag_entries}


def test_a_response_constraint_has_no_client_impact(tmp_path: Path) -> None:
    report = _report(tmp_path, *_edited())
    length = _wire(report, "GET", "/pets", "items/name")
    assert length.change.level == "ERR" and length.python == ()
    assert length.impact == "no client impact: the client does not enforce response constraints"
    # the Python level decides: that ERR alone does not fail
    assert length.ref not in report.failing


def test_a_python_entry_without_a_wire_cause_says_so() -> None:
    change = ApiChange(
        "breaking",
        "body-removed",
        "ReposApi",
        "repos_get_content",
        "ReposApi.repos_get_content(body)",
        "repos/get-content",
        "GET",
        "/repos/{owner}/{repo}/contents/{path}",
        "application/json",
        "gone",
    )
    report = build_report(Side("a", "p", "1.0.0"), Side("b", "p", "1.0.0"), [], [change], None, None)
    assert report.python[0].wire == ()
    assert report.python[0].cause.startswith("no wire-level cause")
    # and a request-body-removed entry on that operation is its cause
    wire = WireChange(
        "ERR",
        "request-body-removed",
        "GET",
        "/repos/{owner}/{repo}/contents/{path}",
        "repos/get-content",
        "",
        "",
        "request body removed",
    )
    linked = build_report(Side("a", "p", "1.0.0"), Side("b", "p", "1.0.0"), [wire], [change], None, None)
    assert linked.python[0].wire == ("W1",) and linked.wire[0].python == ("P1",)


def test_documentation_only_wire_entry() -> None:
    wire = WireChange("INFO", "api-description-changed", "GET", "/x", "getX", "", "", "description changed", doc=True)
    report = build_report(Side("a", "p", "1.0.0"), Side("b", "p", "1.0.0"), [wire], [], None, None)
    assert report.wire[0].impact == "no client impact: documentation only"
    assert report.proposed_version == "1.0.0"


# ---- accepted changes -------------------------------------------------------------------------


def test_accepted_entries_print_marked_and_do_not_fail_and_stale_ones_are_reported(tmp_path: Path) -> None:
    accepted_file = tmp_path / "pets.accepted.yaml"
    accepted_file.write_text(
        "accepted:\n"
        "  - id: parameter-removed\n"
        "    python_name: PetApi.list_pets(sort)\n"
        "    reason: nobody sorted\n"
        "  - id: field-removed\n"
        "    python_name: models.Pet.tag\n"
        "    reason: tags moved to labels\n"
        "  - id: method-removed\n"
        "    operation: deletePet\n"
        "    reason: removed last year\n",
        encoding="utf-8",
    )
    accepted = load_accepted(accepted_file)
    report = _report(tmp_path, *_edited(), accepted=accepted)
    assert report.failing == ()
    assert _python(report, "PetApi.list_pets(sort)").accepted == "nobody sorted"
    assert [(e.operation, e.line) for e in report.stale] == [("deletePet", 8)]
    text = render(report, "text")
    assert "[accepted: nobody sorted]" in text
    assert "stale (line 8): id=method-removed, operation=deletePet: removed last year" in text
    unaccepted = _report(tmp_path, *_edited())
    assert len(unaccepted.failing) == 2


@pytest.mark.parametrize(
    ("content", "pointer", "line", "message"),
    [
        ("accepted:\n  - id: field-removed\n    python_name: models.Pet.tag\n", "/accepted/0", 2, "no reason"),
        ("accepted:\n  - reason: why\n", "/accepted/0", 2, "names no change"),
        (
            "accepted:\n  - id: x\n    operation: a\n    reason: r\n    colour: red\n",
            "/accepted/0/colour",
            5,
            "unknown key",
        ),
        ("accepted: 3\n", "/accepted", 1, "must be a list"),
        ("something: else\n", "", 1, "one key"),
    ],
)
def test_bad_accepted_file_is_a_located_error(
    tmp_path: Path, content: str, pointer: str, line: int | None, message: str
) -> None:
    path = tmp_path / "bad.accepted.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SpecError) as raised:
        load_accepted(path, "bad.accepted.yaml")
    assert raised.value.pointer == pointer and raised.value.line == line
    assert message in raised.value.message and raised.value.hint


# ---- version ----------------------------------------------------------------------------------


def _change(level: str) -> ApiChange:
    return ApiChange(level, "x", "", "", "n", "", "", "", "", "t")


@pytest.mark.parametrize(
    ("current", "levels", "proposed"),
    [
        ("1.2.3", ["breaking", "added"], "2.0.0"),
        ("1.2.3", ["type-breaking"], "2.0.0"),
        ("1.2.3", ["added", "doc"], "1.3.0"),
        ("1.2.3", ["behaviour"], "1.2.4"),
        ("1.2.3", ["doc"], "1.2.4"),
        ("1.2.3", [], "1.2.3"),
        ("0.4.1", ["breaking"], "0.5.0"),
        ("0.4.1", ["added"], "0.4.2"),
        ("0.4.1", ["doc"], "0.4.2"),
        ("2.0.0rc1", ["breaking"], "2.0.0"),
        ("3", ["added"], "3.1.0"),
    ],
)
def test_propose_version(current: str, levels: list[str], proposed: str) -> None:
    assert propose_version(current, [_change(level) for level in levels]) == proposed


def test_version_too_low() -> None:
    assert version_too_low("1.2.3", "2.0.0")
    assert version_too_low("2.0.0rc1", "2.0.0")
    assert not version_too_low("2.0.0", "2.0.0")
    assert not version_too_low("2.1.0", "2.0.0")
    assert not version_too_low("1.10.0", "1.9.0")


# ---- formats ----------------------------------------------------------------------------------


HOSTILE = "a|b <script>alert(1)</script> [x](javascript:alert(1)) `tick` **bold** \x1b[31m\nline2 # h"


def _hostile_specs() -> tuple[dict[str, Any], dict[str, Any]]:
    old = base_spec()
    old["components"]["schemas"]["Pet"]["properties"][HOSTILE] = {"type": "string"}
    old["paths"]["/pets"]["get"]["parameters"].append({"name": HOSTILE, "in": "query", "schema": {"type": "string"}})
    new = copy.deepcopy(old)
    del new["components"]["schemas"]["Pet"]["properties"][HOSTILE]
    new["paths"]["/pets"]["get"]["parameters"].pop()
    new["paths"]["/pets"]["get"]["description"] = HOSTILE
    return old, new


def test_markdown_escapes_every_spec_string(tmp_path: Path) -> None:
    report = _report(tmp_path, *_hostile_specs())
    text = render(report, "markdown")
    assert "<script>" not in text and "\x1b" not in text
    assert not re.search(r"(?<!\\)\]\(javascript", text)  # no link: its bracket is escaped
    assert "`tick`" not in text and "**bold**" not in text
    for line in text.splitlines():
        if line.startswith("| P") or line.startswith("| W"):
            # five cells: six unescaped pipes, whatever the strings held
            assert len([i for i, c in enumerate(line) if c == "|" and (i == 0 or line[i - 1] != "\\")]) == 6, line
    assert md("a|b") == "a\\|b" and md("<b>") == "&lt;b&gt;"


def test_text_shows_control_characters_as_escapes(tmp_path: Path) -> None:
    text = render(_report(tmp_path, *_hostile_specs()), "text")
    assert "\x1b" not in text
    assert "\\x1b" in text


def test_json_has_the_documented_fields(tmp_path: Path) -> None:
    data = json.loads(render(_report(tmp_path, *_edited()), "json"))
    assert data["schema"] == "clientgen-change-report/1"
    assert data["version"] == {"current": "1.2.0", "proposed": "2.0.0"}
    for entry in data["wire"]:
        assert {"level", "id", "method", "path", "subject", "status", "text", "doc", "python", "impact"} <= set(entry)
    for entry in data["python"]:
        assert {"level", "id", "python_name", "text", "wire", "cause"} <= set(entry)
    refs = {e["ref"]: e for e in data["wire"] + data["python"]}
    for entry in data["wire"]:
        for ref in entry["python"]:
            assert entry["ref"] in refs[ref]["wire"]


@pytest.mark.parametrize("format", ["text", "markdown", "json"])
def test_every_format_is_byte_identical_across_runs(tmp_path: Path, format: str) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = render(_report(tmp_path / "a", *_hostile_specs()), format)
    second = render(_report(tmp_path / "b", *_hostile_specs()), format)
    assert first == second and len(first) > 200


# ---- the command ------------------------------------------------------------------------------


def _files(tmp_path: Path) -> tuple[Path, Path]:
    old, new = _edited()
    return write_spec(tmp_path, "old.json", old), write_spec(tmp_path, "new.json", new)


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = _files(tmp_path)
    assert main(["diff", str(old), str(old)]) == 0
    assert "no changes" in capsys.readouterr().out
    assert main(["diff", str(old), str(new)]) == 1
    out = capsys.readouterr().out
    assert "P" in out and "PetApi.list_pets(sort) no longer exists" in out
    assert main(["diff", str(old), str(new), "--fail-on", "none"]) == 0
    capsys.readouterr()
    assert main(["diff", str(old), str(new), "--level", "wire", "--fail-on", "breaking"]) == 1  # wire ERR: maxLength
    capsys.readouterr()
    assert main(["diff", str(old), str(tmp_path / "missing.yaml")]) == 2
    assert "no such spec file" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:  # argparse's own usage errors exit 2 as well
        main(["diff", str(old), str(new), "--fail-on", "sometimes"])
    assert usage.value.code == 2
    capsys.readouterr()
    assert main(["diff", str(old), str(new), "--accepted", str(tmp_path / "none.yaml")]) == 2
    assert "no such accepted-changes file" in capsys.readouterr().err
    assert main(["diff", str(old), str(new), "--current-version", "banana"]) == 2
    capsys.readouterr()
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.0.3\ninfo: [\n", encoding="utf-8")
    assert main(["diff", str(old), str(broken)]) == 1
    assert "broken.yaml" in capsys.readouterr().err


def test_cli_accepted_file_and_version_proposal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = _files(tmp_path)
    accepted = tmp_path / "a.yaml"
    accepted.write_text(
        "accepted:\n"
        "  - {id: parameter-removed, python_name: PetApi.list_pets(sort), reason: r1}\n"
        "  - {id: field-removed, python_name: models.Pet.tag, reason: r2}\n",
        encoding="utf-8",
    )
    assert main(["diff", str(old), str(new), "--accepted", str(accepted), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["failing"] == [] and data["version"]["proposed"] == "2.0.0"
    assert main(["diff", str(old), str(new), "--current-version", "0.3.0", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["version"] == {"current": "0.3.0", "proposed": "0.4.0"}


def test_cli_reads_a_generated_package_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = _files(tmp_path)
    package = tmp_path / "vendored" / "pets_client"
    package.mkdir(parents=True)
    (package / "openapi.yaml").write_bytes(old.read_bytes())
    manifest = {"clientgen": "0", "package": "pets_client", "version": "1.4.0", "spec": {"file": "openapi.yaml"}}
    (package / "clientgen.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert main(["diff", str(package), str(new), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["old"]["source"].endswith("pets_client/openapi.yaml")
    assert data["version"] == {"current": "1.4.0", "proposed": "2.0.0"}
    (package / "clientgen.json").write_text("{}", encoding="utf-8")
    assert main(["diff", str(package), str(new)]) == 1
    assert "names no spec file" in capsys.readouterr().err
    assert main(["diff", str(tmp_path / "vendored"), str(new)]) == 2
    assert "without clientgen.json" in capsys.readouterr().err


def test_cli_reads_a_git_revision(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = _edited()
    repo = tmp_path / "repo"
    (repo / "specs").mkdir(parents=True)
    spec = write_spec(repo / "specs", "pets.json", old)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)

    package = repo / "generated" / "pets_client"
    package.mkdir(parents=True)
    (package / "openapi.yaml").write_bytes(spec.read_bytes())
    manifest = {"package": "pets_client", "version": "1.2.0", "spec": {"file": "openapi.yaml"}}
    (package / "clientgen.json").write_text(json.dumps(manifest), encoding="utf-8")
    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "old")
    spec.write_text(json.dumps(new, indent=1), encoding="utf-8")
    monkeypatch.chdir(repo)
    assert main(["diff", "HEAD:specs/pets.json", "specs/pets.json", "--level", "python"]) == 1
    out = capsys.readouterr().out
    assert "clientgen diff HEAD:specs/pets.json -> specs/pets.json" in out
    assert "models.Pet.tag no longer exists" in out
    assert main(["diff", "HEAD:generated/pets_client", "specs/pets.json", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["old"]["source"] == "HEAD:generated/pets_client/openapi.yaml"
    assert "models.Pet.tag" in {p["python_name"] for p in data["python"]}
    assert main(["diff", "nosuchrev:specs/pets.json", "specs/pets.json"]) == 2
    assert "nosuchrev" in capsys.readouterr().err


def test_cli_output_is_byte_identical_across_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = _files(tmp_path)
    outputs = []
    for _ in range(2):
        for format in ("text", "markdown", "json"):
            main(["diff", str(old), str(new), "--format", format])
            outputs.append(capsys.readouterr().out)
    assert outputs[:3] == outputs[3:]


def test_a_property_name_holding_a_slash_still_links(tmp_path: Path) -> None:
    report = _report(tmp_path, *_hostile_specs())
    field = _python(report, "models.Pet.a_b_script_alert_1_script_x_javascript_alert_1_tick_bold_31m_line2_h")
    removed = [w for w in report.wire if w.change.id == "response-optional-property-removed"]
    assert len(removed) == 3 and all(w.python == (field.ref,) for w in removed)


def test_the_documentation_lists_every_rule() -> None:
    from generator.apidiff import RULES

    text = (Path(__file__).resolve().parent.parent / "docs" / "change-report.md").read_text(encoding="utf-8")
    for rule, (level, meaning) in RULES.items():
        assert f"| `{rule}` | {level} | {meaning} |" in text, rule


def test_ica_history_pair_at_both_levels(capsys: pytest.CaptureFixture[str]) -> None:
    history = Path(__file__).resolve().parent / "data" / "history" / "ica_v3"
    kept = "getWorkflowSessions,getWorkflowSessionConfigurations,getWorkflowSessionInputs,"
    kept += "searchOrchestratedAnalyses,searchWorkflowSessions"
    argv = ["diff", str(history / "openapi_public-20240221.yaml"), str(history / "openapi_public-20240306.yaml")]
    main([*argv, "--package", "ica_v3_client", "--operations", kept, "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    wire = {(w["id"], w["operation_id"]): w for w in data["wire"]}
    python = {(p["id"], p["python_name"]): p for p in data["python"]}
    added = wire["endpoint-added", "searchWorkflowSessions"]
    deprecated = wire["endpoint-deprecated", "getWorkflowSessions"]
    method = python["method-added", "ProjectWorkflowSessionApi.search_workflow_sessions"]
    warning = python["method-deprecated", "ProjectWorkflowSessionApi.get_workflow_sessions"]
    assert method["ref"] in added["python"] and added["ref"] in method["wire"]
    assert warning["ref"] in deprecated["python"] and deprecated["ref"] in warning["wire"]
    # the new request model comes with the new endpoint
    assert added["ref"] in python["model-added", "models.AnalysisQueryParameters"]["wire"]
    assert not [w for w in data["wire"] if w["level"] == "ERR"]


def test_changes_section_and_append(tmp_path: Path) -> None:
    from generator.report import append_changes, changes_section

    report = _report(tmp_path, *_edited())
    section = changes_section(report, "2.0.0", "umccr/libica 3.3")
    assert section.startswith("## 2.0.0\n\nFrom old.json (1.2.0) to new.json, upstream umccr/libica 3.3.\n")
    assert "Breaking:\n\n- PetApi.list_pets(sort) no longer exists\n" in section
    existing = "# Changes\n\n## 1.2.0\n\nFirst generated.\n"
    updated = append_changes(existing, section)
    assert updated.startswith("# Changes\n\n## 2.0.0\n") and updated.endswith("## 1.2.0\n\nFirst generated.\n")
    assert append_changes("", section) == "# Changes\n\n" + section


def test_version_finding_for_check(tmp_path: Path) -> None:
    from generator.diffcmd import read_input, version_finding

    old, new = _edited()
    old_path, new_path = write_spec(tmp_path, "old.json", old), write_spec(tmp_path, "new.json", new)
    finding = version_finding(read_input(str(old_path)), read_input(str(new_path)))
    assert finding is not None and "1.2.0 is lower than 2.0.0" in finding and "breaking" in finding
    new["x-python-client"]["version"] = "2.0.0"
    raised = write_spec(tmp_path, "raised.json", new)
    assert version_finding(read_input(str(old_path)), read_input(str(raised))) is None


def test_python_level_alone_claims_no_wire_cause(tmp_path: Path) -> None:
    old, new = _edited()
    old_ir, new_ir = ir_of(tmp_path, "old.json", old), ir_of(tmp_path, "new.json", new)
    sides = Side("old.json", "p", "1.0.0"), Side("new.json", "p", "1.0.0")
    report = build_report(*sides, None, diff_packages(old_ir, new_ir), old_ir, new_ir)
    assert report.levels == ("python",) and report.wire == ()
    assert report.python and all(p.cause == "" and p.wire == () for p in report.python)
    assert "wire contract" not in render(report, "text")


def test_output_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    import os
    import sys

    old, new = _files(tmp_path)
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        argv = [sys.executable, "-m", "generator", "diff", str(old), str(new), "--format", "json"]
        done = subprocess.run(argv, capture_output=True, env=env, check=False)
        assert done.returncode == 1, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1
