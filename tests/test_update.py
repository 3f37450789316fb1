"""``clientgen upstream update``: a real upstream release taken in one step, end to end.

The case is real: a project that curated the three Project Workflow Session operations of Illumina's
ICA v3 spec as released on 2024-02-21 takes the 2024-03-06 release, where ``searchWorkflowSessions``
appears, ``getWorkflowSessions`` becomes deprecated, and four schemas are renamed with the same structure.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
HISTORY = ROOT / "tests" / "data" / "history" / "ica_v3"
OLD = HISTORY / "openapi_public-20240221.yaml"
NEW = HISTORY / "openapi_public-20240306.yaml"

RECIPE = """\
clientgen-recipe: 1
upstream:
  file: upstream/ica_v3/openapi_public.yaml
  sha256: {sha}
  format: openapi-3.0
  api-version: '3'
  origin:
    repository: umccr/libica
    path: swagger/openapi_public.yaml
    commit: 5719a2be
select:
  operations:
  - getWorkflowSessions
  - getWorkflowSessionConfigurations
  - getWorkflowSessionInputs
  prune:
  - x-faker
  - unused-security-schemes
  - unused-tags
notes: |
  Illumina ICA v3, the Project Workflow Session operations.
overlay:
- target: $
  description: the package the generator writes
  update:
    x-python-client:
      package: ica_v3_client
      version: 1.0.0
"""


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project pinned at the 2024-02-21 release, derived and generated."""
    snapshot = tmp_path / "specs" / "upstream" / "ica_v3" / "openapi_public.yaml"
    snapshot.parent.mkdir(parents=True)
    snapshot.write_bytes(OLD.read_bytes())
    (tmp_path / "specs" / "ica_v3.recipe.yaml").write_text(RECIPE.format(sha=_sha(OLD)), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["upstream", "derive"]) == 0
    assert main(["generate"]) == 0
    return tmp_path


def _state(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _update(*extra: str) -> list[str]:
    return ["upstream", "update", "ica_v3", "--from", str(NEW), "--commit", "ea998c17", *extra]


def test_dry_run_reports_both_levels_and_writes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _state(project)
    assert main([*_update("--select", "searchWorkflowSessions", "--dry-run", "--format", "json")]) == 0
    report = json.loads(capsys.readouterr().out)
    assert _state(project) == before
    wire = {(e["id"], e["operation_id"]) for e in report["wire"]}
    assert ("endpoint-added", "searchWorkflowSessions") in wire
    assert ("endpoint-deprecated", "getWorkflowSessions") in wire
    assert not [e for e in report["wire"] if e["level"] == "ERR"]
    python = {(e["id"], e["python_name"]) for e in report["python"]}
    assert ("method-added", "ProjectWorkflowSessionApi.search_workflow_sessions") in python
    assert ("method-deprecated", "ProjectWorkflowSessionApi.get_workflow_sessions") in python
    # the renamed schemas keep their Python names, so nothing breaks for callers
    assert not [e for e in report["python"] if e["level"] in ("breaking", "type-breaking")]
    assert report["version"]["proposed"] == "1.1.0"
    # the report's new side is the spec as it will ship: with the version the update gives it
    assert report["new"]["version"] == "1.1.0" and report["old"]["version"] == "1.0.0"


def test_update_pins_derives_bumps_logs_and_regenerates(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_update("--select", "searchWorkflowSessions")) == 0
    out = capsys.readouterr().out
    assert "kept: models.WorkflowSession " in out
    snapshot = project / "specs" / "upstream" / "ica_v3" / "openapi_public.yaml"
    assert snapshot.read_bytes() == NEW.read_bytes()
    recipe = (project / "specs" / "ica_v3.recipe.yaml").read_text(encoding="utf-8")
    assert _sha(NEW) in recipe and "commit: ea998c17" in recipe and "searchWorkflowSessions" in recipe
    assert "x-python-name: WorkflowSession\n" in recipe
    spec = (project / "specs" / "ica_v3.yaml").read_text(encoding="utf-8")
    assert "version: 1.1.0" in spec
    changes = (project / "specs" / "ica_v3.changes.md").read_text(encoding="utf-8")
    assert changes.startswith("# Changes\n\n## 1.1.0\n")
    assert "search_workflow_sessions" in changes
    package = project / "generated" / "ica_v3_client"
    assert "def search_workflow_sessions(" in (package / "project_workflow_session_api.py").read_text("utf-8")
    assert "class WorkflowSession(" in (package / "models.py").read_text("utf-8")
    assert (package / "CHANGES.md").read_text("utf-8") == changes
    manifest = json.loads((package / "clientgen.json").read_text("utf-8"))
    assert manifest["version"] == "1.1.0"
    assert manifest["upstream"]["sha256"] == _sha(NEW)
    # afterwards everything is consistent: the derived spec and the package are fresh
    assert main(["upstream", "derive", "--check"]) == 0
    assert main(["check"]) == 0
    verify = subprocess.run(
        [sys.executable, "-m", "ica_v3_client", "--verify"], cwd=project / "generated", capture_output=True
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_without_select_the_new_operation_is_news(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_update("--dry-run")) == 0
    out = capsys.readouterr().out
    assert "upstream added searchWorkflowSessions (tags: Project Workflow Session): not selected" in out


def test_take_new_names_follows_the_renames_as_breaking(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_update("--take-new-names", "--dry-run", "--format", "json")) == 0
    report = json.loads(capsys.readouterr().out)
    renamed = {e["python_name"] for e in report["python"] if e["id"] == "model-renamed"}
    assert "models.WorkflowSession" in " ".join(sorted(renamed))
    assert report["version"]["proposed"] == "2.0.0"


def test_missing_operation_stops_and_writes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Going to a release that lacks a selected operation needs the curator: nothing is written."""
    assert main(_update("--select", "searchWorkflowSessions")) == 0
    capsys.readouterr()
    before = _state(project)
    assert main(["upstream", "update", "ica_v3", "--from", str(OLD)]) == 1
    err = capsys.readouterr().err
    assert "has no operation 'searchWorkflowSessions'" in err
    assert "nothing was written" in err
    assert _state(project) == before


def test_update_reports_are_byte_identical(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outputs = []
    for _ in range(2):
        assert main(_update("--select", "searchWorkflowSessions", "--dry-run", "--format", "markdown")) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert "search_workflow_sessions" in outputs[0]
    assert "- kept: models.WorkflowSession " in outputs[0]


def test_a_changed_target_is_a_conflict_with_its_three_values(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A curator's edit of a node upstream changed since is not applied blindly: the update stops and shows
    the base (the node in the pinned release), the node upstream has now, and the curator's value."""
    from generator.loader import parse_text
    from generator.upstream.overlay import get_node, node_hash

    path = ("paths", "/api/projects/{projectId}/workflowSessions", "get")
    spec = parse_text((project / "specs" / "ica_v3.yaml").read_text("utf-8"), "ica_v3.yaml")
    base = node_hash(get_node(spec, path))
    recipe = project / "specs" / "ica_v3.recipe.yaml"
    recipe.write_text(
        recipe.read_text("utf-8")
        + "- target: $['paths']['/api/projects/{projectId}/workflowSessions']['get']\n"
        + "  description: a curated summary\n"
        + "  update:\n    summary: List the sessions of a project\n"
        + f"  x-base: '{base}'\n",
        encoding="utf-8",
    )
    assert main(["upstream", "derive"]) == 0
    assert main(["generate"]) == 0
    capsys.readouterr()
    before = _state(project)
    assert main(_update("--select", "searchWorkflowSessions")) == 1
    err = capsys.readouterr().err
    assert _state(project) == before
    assert "conflict: specs/ica_v3.recipe.yaml:" in err and "changed upstream since it was written" in err
    assert f"base:            {base} {{" in err  # the hash and the node itself, from the pinned release
    assert '"deprecated": true' in err.split("upstream now:")[1].split("curator's value:")[0]
    assert 'curator\'s value: {"summary": "List the sessions of a project"}' in err
    assert "nothing was written" in err
