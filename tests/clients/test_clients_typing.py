"""``mypy --strict`` on user code written against a generated client: clean where the code is
right (``UNSET`` narrows, the new features type-check), and errors where it is wrong."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

GENERATED = Path(__file__).resolve().parents[2] / "generated"

GOOD = """
import copy
import pickle

from libtes_client import (
    UNSET,
    ApiClient,
    ApiError,
    ClientClosedError,
    InvalidRequestError,
    NotFoundError,
    TaskVersionsApi,
    Unset,
)
from libtes_client.models import Execution, Image, TaskVersion
from libtes_client import RequestOptions
from libtes_client.testing import FakeServer
from ica_v3_client import ProjectWorkflowSessionApi, first_page
from ica_v3_client.models import WorkflowSessionPagedListV4


def tag_of(image: Image) -> str:
    tag = image.tag
    if tag is UNSET:
        return "latest"
    return tag.upper()


def described(image: Image) -> str:
    if image.tag is not UNSET:
        return image.tag
    return ""


def version_name(api: TaskVersionsApi) -> str | None:
    try:
        return api.get_task_version("tsk.1", "tvn.1").version or None
    except NotFoundError as error:
        return error.text
    except (InvalidRequestError, ClientClosedError):
        return None
    except ApiError:
        raise


def copies(execution: Execution) -> tuple[Execution, Execution, Execution, str]:
    changed: Execution = execution.model_copy(command="sh")
    shallow: Execution = copy.copy(execution)
    back: Execution = pickle.loads(pickle.dumps(execution))
    return changed, shallow, back, execution.to_json(indent=2)


def maybe(value: str | Unset) -> int:
    return 0 if isinstance(value, Unset) else len(value)


with ApiClient("http://127.0.0.1:1", access_token="t") as client:
    print(repr(TaskVersionsApi(client)))


def features(client: ApiClient) -> int:
    patient: ApiClient = client.with_options(max_retries=5, timeout=30.0, headers={"X-A": "b"})
    api = TaskVersionsApi(patient)
    options: RequestOptions = {
        "extra_headers": {"X-Trace": "1"},
        "extra_query": {"beta": True},
        "extra_body": {"x": 1},
        "timeout": 5.0,
        "max_retries": 1,
        "idempotency_key": "k",
    }
    api.launch_task_run("t", "v", request_options=options)
    raw = api.with_raw_response.get_task_version("t", "v")
    seconds: float = raw.elapsed.total_seconds()
    with api.with_streaming_response.get_task_version("t", "v") as response:
        size = sum(len(chunk) for chunk in response.iter_bytes())
    return size + int(seconds)


def paging(api: ProjectWorkflowSessionApi) -> list[str]:
    page = first_page(api.search_workflow_sessions, "p1", page_size="10")
    ids = [str(s.id) for s in page.items]
    while page.has_next_page():
        page = page.next_page()
        ids += [str(s.id) for s in page.items]
    data: WorkflowSessionPagedListV4 = page.data
    return ids if data is not None else []


def faked() -> TaskVersion:
    fake = FakeServer()
    fake.get_task_version.returns(TaskVersion(id="tvn.1"))
    with fake.client() as client:
        return TaskVersionsApi(client).get_task_version("t", "v")
"""

BAD = """
from libtes_client.models import Image


def tag_of(image: Image) -> str:
    return image.tag.upper()  # not narrowed: may be UNSET


def wrong_answer() -> None:
    from libtes_client.models import TaskRun
    from libtes_client.testing import FakeServer

    FakeServer().get_task_version.returns(TaskRun(id="trn.1"))  # not a TaskVersion
"""


def _mypy(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "user_code.py"
    script.write_text(textwrap.dedent(source), encoding="utf-8")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / "cache"),
            str(script),
        ],
        capture_output=True,
        text=True,
        cwd=GENERATED,
        env={"MYPYPATH": str(GENERATED), "PATH": "/usr/bin:/bin"},
        check=False,
    )


def test_user_code_using_the_features_is_clean_under_mypy_strict(tmp_path: Path) -> None:
    result = _mypy(tmp_path, GOOD)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_catches_an_unnarrowed_unset(tmp_path: Path) -> None:
    result = _mypy(tmp_path, BAD)
    assert result.returncode == 1
    assert 'Item "Unset" of "str | Unset" has no attribute "upper"' in result.stdout
    assert 'Argument 1 to "returns" of "OperationFake" has incompatible type "TaskRun"' in result.stdout
