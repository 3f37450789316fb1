"""Client-side cost of one call over a mock transport: generated client vs a bare httpx request.

Usage: python call_worker.py VARIANT CALLS BATCHES

Both variants use one ``httpx.Client`` with the same ``httpx.MockTransport`` that answers every
request with the same small JSON body (a WorkflowSessionInputList with one input), so what is
measured is everything on the client's side of the wire:

- ``bare``: ``client.get(url, headers=auth)`` then ``json.loads(response.content)``;
- ``ours``: ``ProjectWorkflowSessionApi(ApiClient(base, access_token=..., http_client=client))
  .get_workflow_session_inputs(project_id, session_id)`` (path templating, auth header, Accept,
  status and content-type checks, decoding into the model), then reading ``items[0].code``.

Prints JSON: the median over BATCHES of the mean microseconds per call within a batch of CALLS.
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
GENERATED = Path(os.environ.get("BENCH_GENERATED") or ROOT / "generated")  # bench.py passes a copy
BASE = "https://ica.example.test/ica/rest"
BODY = json.dumps(
    {
        "items": [
            {
                "code": "reference",
                "analysisData": [
                    {
                        "dataId": "fil.0123456789abcdef0123456789abcdef",
                        "format": {
                            "id": "6f0a3c1e-6f39-4a8e-9d2b-8d1c3b9a0e11",
                            "timeCreated": "2024-01-01T00:00:00Z",
                            "timeModified": "2024-01-01T00:00:00Z",
                            "ownerId": "5a6b7c8d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
                            "tenantId": "0f1e2d3c-4b5a-4697-8877-665544332211",
                            "code": "FASTA",
                        },
                        "name": "genome.fa",
                        "dataType": "FILE",
                        "mountPath": "/mnt/inputs/genome.fa",
                    }
                ],
                "externalData": None,
            }
        ]
    }
).encode()
HEADERS = {"content-type": "application/vnd.illumina.v3+json"}


def handler(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=BODY, headers=HEADERS)


def main() -> None:
    variant, calls, batches = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    client = httpx.Client(transport=httpx.MockTransport(handler))
    project, session = "d1b1b1b1-aaaa-4bbb-8ccc-000000000001", "ws-000042"
    if variant == "bare":
        url = f"{BASE}/api/projects/{project}/workflowSessions/{session}/inputs"
        auth = {"Authorization": "Bearer token", "Accept": "application/vnd.illumina.v3+json"}

        def call() -> object:
            response = client.get(url, headers=auth)
            return json.loads(response.content)["items"][0]["code"]

    elif variant == "ours":
        sys.path.insert(0, str(GENERATED))
        from ica_v3_client import ApiClient, ProjectWorkflowSessionApi  # type: ignore[import-not-found]

        api = ProjectWorkflowSessionApi(ApiClient(BASE, access_token="token", http_client=client))

        def call() -> object:
            return api.get_workflow_session_inputs(project, session).items[0].code

    else:
        raise SystemExit(f"unknown variant {variant}")
    assert call() == "reference"
    for _ in range(min(calls, 500)):  # warm-up
        call()
    means = []
    for _ in range(batches):
        gc.collect()
        start = time.perf_counter()
        for _ in range(calls):
            call()
        means.append((time.perf_counter() - start) / calls * 1e6)
    print(json.dumps({"variant": variant, "median_us": statistics.median(means), "batches_us": means}))


if __name__ == "__main__":
    main()
