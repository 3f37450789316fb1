"""Deterministic fake ICA v3 data: a WorkflowSessionPagedListV3 page of 10,000 WorkflowSessionV3 items.

Every item follows specs/ica_v3.yaml (WorkflowSessionV3 -> WorkflowV3 -> PipelineLanguageVersion,
PipelineTag, AnalysisStorageV3; WorkflowSessionTag): all required fields, most optional ones, some
``null`` where the spec allows it, realistic lengths. The same seed gives the same bytes on any
machine (random.Random only; no clock, no uuid4).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from typing import Any

STATUSES = ["REQUESTED", "AWAITINGINPUT", "INPROGRESS", "SUCCEEDED", "FAILED", "FAILEDFINAL", "ABORTED"]
LANGUAGES = ["CWL", "NEXTFLOW"]
LANGUAGE_STATUS = ["SUPPORTED", "DEPRECATED", "NOTSUPPORTED"]
WORDS = (
    "alignment variant calling germline somatic tumor normal dragen bcl convert fastq qc metrics "
    "demultiplex rna expression panel exome genome sample library lane run batch pipeline"
).split()
BASE = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _time(rng: random.Random, after: dt.datetime | None = None) -> str:
    start = after or BASE
    moment = start + dt.timedelta(
        seconds=rng.randrange(1, 3 * 86400 if after else 300 * 86400), microseconds=rng.randrange(0, 1000) * 1000
    )
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _parse(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def make_session(
    rng: random.Random, index: int, tenants: list[tuple[str, str]], owners: list[str], workflow: dict[str, Any]
) -> dict[str, Any]:
    tenant_id, tenant_name = rng.choice(tenants)
    created = _time(rng)
    status = rng.choice(STATUSES)
    started = None if status in ("REQUESTED", "AWAITINGINPUT") else _time(rng, _parse(created))
    ended = (
        _time(rng, _parse(started)) if started and status in ("SUCCEEDED", "FAILED", "FAILEDFINAL", "ABORTED") else None
    )
    item: dict[str, Any] = {
        "id": _uuid(rng),
        "timeCreated": created,
        "ownerId": rng.choice(owners),
        "tenantId": tenant_id,
        "tenantName": tenant_name,
        "userReference": f"run-{index:05d}-{rng.choice(WORDS)}-{rng.randrange(10**6):06d}",
        "workflow": workflow,
        "status": status,
        "startDate": started,
        "endDate": ended,
        "summary": None if rng.random() < 0.4 else _words(rng, rng.randrange(2, 6)),
        "tags": {
            "technicalTags": [f"{rng.choice(WORDS)}-{rng.randrange(100)}" for _ in range(rng.randrange(0, 4))],
            "userTags": None if rng.random() < 0.2 else [rng.choice(WORDS) for _ in range(rng.randrange(1, 4))],
        },
    }
    return item


def make_workflow(rng: random.Random, tenants: list[tuple[str, str]]) -> dict[str, Any]:
    workflow_id = _uuid(rng)
    code = f"{rng.choice(WORDS)}_{rng.choice(WORDS)}_v{rng.randrange(1, 5)}"
    tenant_id, tenant_name = rng.choice(tenants)
    storage_created = _time(rng)
    workflow: dict[str, Any] = {
        "id": workflow_id,
        "code": code,
        "urn": f"urn:ilmn:ica:workflow:{workflow_id}#{code}",
        "description": _words(rng, rng.randrange(3, 7)).capitalize() + ".",
        "languageVersion": {
            "id": _uuid(rng),
            "name": f"{rng.randrange(20, 24)}.{rng.randrange(1, 12):02d}.0",
            "language": rng.choice(LANGUAGES),
            "status": rng.choice(LANGUAGE_STATUS),
        },
        "workflowTags": {"technicalTags": [rng.choice(WORDS) for _ in range(rng.randrange(0, 4))]},
        "analysisStorage": {
            "id": _uuid(rng),
            "timeCreated": storage_created,
            "timeModified": _time(rng),
            "ownerId": _uuid(rng),
            "tenantId": tenant_id,
            "tenantName": tenant_name,
            "name": rng.choice(["Small", "Medium", "Large", "XLarge"]),
            "description": None if rng.random() < 0.5 else _words(rng, 3),
        },
    }
    # optional parts are sometimes absent altogether (not null), as servers do
    if rng.random() < 0.4:
        del workflow["languageVersion"]
    if rng.random() < 0.3:
        del workflow["workflowTags"]
    if rng.random() < 0.5:
        del workflow["analysisStorage"]["tenantName"]
        del workflow["analysisStorage"]["description"]
    return workflow


def make_page(count: int = 10_000, seed: int = 20240101) -> dict[str, Any]:
    rng = random.Random(seed)
    tenants = [(_uuid(rng), f"tenant-{i}") for i in range(8)]
    owners = [_uuid(rng) for _ in range(50)]
    items = []
    for index in range(count):
        # each item carries its own copy of a workflow (as the server sends it), with fresh ids
        workflow = make_workflow(rng, tenants)
        items.append(make_session(rng, index, tenants, owners, workflow))
    return {"items": items, "nextPageToken": "", "remainingRecords": 0, "totalItemCount": count}


def make_bytes(count: int = 10_000, seed: int = 20240101) -> bytes:
    return json.dumps(make_page(count, seed), separators=(",", ":")).encode("utf-8")


if __name__ == "__main__":
    data = make_bytes()
    print(f"{len(data):,} bytes")
