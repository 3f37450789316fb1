"""``mypy --strict`` over the runtime as plain Python, and over user code that relies on the
runtime's types: ``with ApiClient(...) as client`` gives the generated client class (sync and
async), and the fake server's clients and recorded calls are typed."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

USER_CODE = """
from typing_extensions import assert_type

from libtes_client import ApiClient, AsyncApiClient, StreamedResponse, TaskVersionsApi
from libtes_client.models import TaskVersion
from libtes_client.testing import Call, FakeServer


def sync() -> str | None:
    with ApiClient("http://127.0.0.1:1", access_token="t") as client:
        assert_type(client, ApiClient)
        with TaskVersionsApi(client).with_streaming_response.get_task_version("t", "v") as streamed:
            assert_type(streamed, StreamedResponse)
        version = TaskVersionsApi(client).get_task_version("t", "v")
        assert_type(version, TaskVersion)
        return None


async def asynchronous() -> None:
    async with AsyncApiClient("http://127.0.0.1:1") as client:
        assert_type(client, AsyncApiClient)


def fake() -> None:
    server = FakeServer()
    with server.client() as client:
        assert_type(client, ApiClient)
    async_client = server.async_client()
    assert_type(async_client, AsyncApiClient)
    call = server.get_task_version.calls[0]
    assert_type(call, Call)
"""


def test_the_runtime_and_code_using_its_types_are_clean_under_mypy_strict(tmp_path: Path) -> None:
    script = tmp_path / "user_code.py"
    script.write_text(textwrap.dedent(USER_CODE), encoding="utf-8")
    paths = f"{ROOT / 'generated'}:{ROOT / 'templates'}"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / "cache"),
            str(ROOT / "templates" / "runtime"),
            str(script),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"MYPYPATH": paths, "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found in" in result.stdout
