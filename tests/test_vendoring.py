"""The generated packages work where users put them: vendored inside an app, or pip-installed.

Both tests run each package in a separate interpreter that cannot see generated/, and make one
call through an ``httpx.MockTransport`` that checks the request and decodes a model.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "generated"
PACKAGES = ["cons3rt_client", "etherpad_client", "ica_v3_client", "libtes_client", "vidispine_client"]

# Run as: python -I driver.py <sys.path entry or ""> <import prefix> <package> <expected folder>
DRIVER = r'''
import base64
import datetime
import importlib
import importlib.abc
import json
import sys
from pathlib import Path

PATH, PREFIX, PACKAGE, FOLDER = sys.argv[1:5]
if PATH:
    sys.path.insert(0, PATH)


class RefuseTopLevel(importlib.abc.MetaPathFinder):
    """A vendored package must never import itself by its top-level name."""

    def find_spec(self, name, path=None, target=None):
        if PREFIX and (name == PACKAGE or name.startswith(PACKAGE + ".")):
            raise ImportError(f"{name} imported by its absolute name from a vendored copy")
        return None


sys.meta_path.insert(0, RefuseTopLevel())

import httpx  # noqa: E402 - from the interpreter's own site-packages

pkg = importlib.import_module(PREFIX + PACKAGE)
models = importlib.import_module(PREFIX + PACKAGE + ".models")
assert Path(pkg.__file__).resolve().parent == Path(FOLDER).resolve(), (pkg.__file__, FOLDER)
seen = []


def client(reply, **credentials):
    def handler(request):
        seen.append(request)
        return reply

    return pkg.ApiClient(http_client=httpx.Client(transport=httpx.MockTransport(handler)), **credentials)


def only_request():
    assert len(seen) == 1, seen
    return seen[0]


def check_etherpad_client():
    body = {"code": 0, "message": "ok", "data": {"groupID": "g.1", "authorID": "a.1", "validUntil": 1700000000}}
    with client(httpx.Response(200, json=body), api_key="secret") as c:
        result = pkg.SessionApi(c).get_session_info_using_get(session_id="s.1")
    assert isinstance(result, models.GetSessionInfoUsingGET200Response), type(result)
    assert result.code == 0 and result.message == "ok"
    assert isinstance(result.data, models.SessionInfo), type(result.data)
    assert (result.data.group_id, result.data.author_id, result.data.valid_until) == ("g.1", "a.1", 1700000000)
    request = only_request()
    assert (request.method, request.url.host, request.url.path) == ("GET", "localhost", "/api/1.2.15/getSessionInfo")
    assert request.url.params["sessionID"] == "s.1"
    assert request.url.params["apikey"] == "secret"


def check_libtes_client():
    body = {"id": "tv.1", "version": "1.0.0", "timeCreated": "2024-01-02T03:04:05Z", "acl": ["wid:x"]}
    with client(httpx.Response(200, json=body), access_token="tok") as c:
        result = pkg.TaskVersionsApi(c).get_task_version("task.1", "ver.1")
    assert isinstance(result, models.TaskVersion), type(result)
    assert (result.id, result.version, result.acl) == ("tv.1", "1.0.0", ["wid:x"])
    assert result.time_created == datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    request = only_request()
    assert (request.method, request.url.path) == ("GET", "/v1/tasks/task.1/versions/ver.1")
    assert request.headers["Authorization"] == "Bearer tok"


def check_vidispine_client():
    body = {"jobId": "VX-1", "status": "FINISHED", "priority": "MEDIUM", "type": "IMPORT", "totalSteps": 3}
    with client(httpx.Response(200, json=body), username="admin", password="pw") as c:
        result = pkg.JobApi(c).get_job("VX-1", field=["a", "b"])
    assert isinstance(result, models.JobType), type(result)
    assert (result.job_id, result.status, result.priority, result.type, result.total_steps) == (
        "VX-1", "FINISHED", "MEDIUM", "IMPORT", 3
    )
    request = only_request()
    assert (request.method, request.url.path) == ("GET", "/API/job/VX-1")
    assert request.url.params["field"] == "a,b"  # explode: false
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(b"admin:pw").decode()


def check_ica_v3_client():
    body = json.dumps({"items": [{"code": "in1"}, {"code": "in2", "analysisData": None}]}).encode()
    reply = httpx.Response(200, content=body, headers={"content-type": "application/vnd.illumina.v3+json"})
    with client(reply, api_key="key") as c:
        result = pkg.ProjectWorkflowSessionApi(c).get_workflow_session_inputs("p.1", "w.1")
    assert isinstance(result, models.WorkflowSessionInputList), type(result)
    assert [type(item).__name__ for item in result.items] == ["WorkflowSessionInput"] * 2
    assert [item.code for item in result.items] == ["in1", "in2"]
    assert result.items[1].analysis_data is None
    request = only_request()
    assert request.url.path == "/ica/rest/api/projects/p.1/workflowSessions/w.1/inputs"
    assert request.headers["X-API-Key"] == "key"
    assert "Authorization" not in request.headers


def check_cons3rt_client():
    body = [{"type": "ActiveCompositionStatus", "id": 1, "name": "c1"}, {"type": "InactiveCompositionStatus", "id": 2}]
    with client(httpx.Response(200, json=body), token="t", username="u") as c:
        result = pkg.ClientApi(c).list_composition_status()
    assert [type(item).__name__ for item in result] == ["ActiveCompositionStatus", "InactiveCompositionStatus"]
    assert all(isinstance(item, models.AbstractCompositionStatus) for item in result)
    assert (result[0].id, result[0].name, result[1].id) == (1, "c1", 2)
    request = only_request()
    assert (request.method, request.url.host, request.url.path) == ("GET", "api.dev.cons3rt.io", "/rest/api/client")
    assert (request.headers["token"], request.headers["username"]) == ("t", "u")


globals()["check_" + PACKAGE]()
print("ok", PREFIX + PACKAGE)
'''


def run_driver(python: Path | str, tmp_path: Path, path: str, prefix: str, package: str, folder: Path) -> None:
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    result = subprocess.run(
        [str(python), "-I", str(driver), path, prefix, package, str(folder)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, f"{package} failed:\n{result.stdout}\n{result.stderr}"
    assert result.stdout.strip() == f"ok {prefix}{package}"


def test_every_generated_package_is_covered() -> None:
    assert sorted(p.name for p in GENERATED.iterdir() if (p / "__init__.py").is_file()) == PACKAGES


@pytest.mark.parametrize("package", PACKAGES)
def test_vendored_copy_imports_and_calls(tmp_path: Path, package: str) -> None:
    app = tmp_path / "app"
    vendor = app / "myapp" / "_vendor"
    vendor.mkdir(parents=True)
    (app / "myapp" / "__init__.py").write_text("", encoding="utf-8")
    (vendor / "__init__.py").write_text("", encoding="utf-8")
    shutil.copytree(GENERATED / package, vendor / package, ignore=shutil.ignore_patterns("__pycache__"))
    run_driver(sys.executable, tmp_path, str(app), "myapp._vendor.", package, vendor / package)


def _project(package: str) -> tuple[str, str]:
    """Distribution name and version from the package's pyproject.toml."""
    text = (GENERATED / package / "pyproject.toml").read_text(encoding="utf-8")
    section = text.split("[project]", 1)[1].split("\n[", 1)[0]
    name = re.search(r'^name = "([^"]+)"$', section, re.M)
    version = re.search(r'^version = "([^"]+)"$', section, re.M)
    assert name and version, section
    return name.group(1), version.group(1)


@pytest.mark.slow
def test_pip_install_into_a_fresh_venv(tmp_path: Path) -> None:
    """``pip install generated/<pkg>`` for all five, then import and call each in that venv."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    # install from copies: an in-tree build would leave build artefacts in generated/
    sources = []
    for package in PACKAGES:
        shutil.copytree(GENERATED / package, tmp_path / "src" / package, ignore=shutil.ignore_patterns("__pycache__"))
        sources.append(str(tmp_path / "src" / package))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PIP_"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", *sources],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert install.returncode == 0, f"pip install failed:\n{install.stdout}\n{install.stderr}"

    site = subprocess.run(
        [str(python), "-I", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    listing = subprocess.run(
        [str(python), "-I", "-m", "pip", "list", "--format=freeze"], capture_output=True, text=True, env=env, check=True
    ).stdout
    installed = dict(line.split("==", 1) for line in listing.split() if "==" in line)
    for package in PACKAGES:
        name, version = _project(package)
        assert installed.get(name) == version, (package, name, version, installed)
        folder = Path(site) / package
        assert (folder / "py.typed").is_file(), f"{package}: py.typed is not installed"
        assert (folder / "__init__.py").is_file()
        run_driver(python, tmp_path, "", "", package, folder)
        # every data file is installed too, so the installed copy checks clean against its manifest
        verify = subprocess.run(
            [str(python), "-I", "-m", package, "--verify"], capture_output=True, text=True, cwd=tmp_path
        )
        assert verify.returncode == 0, f"{package}: {verify.stdout}{verify.stderr}"
