"""Decode a 10,000-item ICA v3 workflow-session page one way, several times; print JSON timings.

Usage: python decode_worker.py VARIANT DATA_FILE REPS [OPC_PARENT_DIR]

Run by bench.py in a fresh interpreter per variant, so each library's import and memory stay apart.
Variants (each timed from the raw bytes to the end of the reads, except ``plain``):

- ``json``: ``json.loads`` alone.
- ``plain-touch``, ``plain-all``: the reads alone, on plain Python objects (``SimpleNamespace``)
  built before the clock starts, without ``json.loads``: what the reads cost by themselves, which
  no library that returns objects can avoid. ``json`` plus this is the floor for any such library.
- ``<lib>-touch``: decode into the library's models, then touch every item and two nested fields
  (``item.id``, ``item.workflow.code``, ``item.status``) -- what a caller listing sessions does.
- ``<lib>-all``: decode, then read every field of every item, recursively (lists element by
  element), so lazy decoding cannot hide its cost.

``<lib>`` is ``ours`` (generated/ica_v3_client), ``libica`` (PyPI libica 3.3, pydantic models,
``from_json``) or ``opc`` (openapi-python-client's models generated from specs/ica_v3.yaml,
``from_dict``).

Each variant runs twice over: REPS runs that each start right after a full collection
(``gc.collect()``), then REPS runs back to back, as a client paging through results decodes them,
with the collector's state carried from one run to the next. The first protocol repeats exactly;
the second is the steady state of a program that decodes many pages.
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GENERATED = Path(os.environ.get("BENCH_GENERATED") or ROOT / "generated")  # bench.py passes a copy

SESSION = (
    "id",
    "time_created",
    "owner_id",
    "tenant_id",
    "tenant_name",
    "user_reference",
    "status",
    "start_date",
    "end_date",
    "summary",
)
WORKFLOW = ("id", "code", "urn", "description")
LANGUAGE = ("id", "name", "language", "status")
STORAGE = ("id", "time_created", "time_modified", "owner_id", "tenant_id", "tenant_name", "name", "description")


def _strings(values: Any) -> int:
    count = 0
    for value in values or ():
        count += value is not None
    return count


def read_all(page: Any) -> int:
    """Read every field of every item by attribute (the names are the same in all three libraries)."""
    seen = 0
    seen += page.next_page_token is not None
    seen += page.remaining_records is not None
    seen += page.total_item_count is not None
    for item in page.items:
        for name in SESSION:
            seen += getattr(item, name) is not None
        workflow = item.workflow
        for name in WORKFLOW:
            seen += getattr(workflow, name) is not None
        language = workflow.language_version
        if language:
            for name in LANGUAGE:
                seen += getattr(language, name) is not None
        workflow_tags = workflow.workflow_tags
        if workflow_tags:
            seen += _strings(workflow_tags.technical_tags)
        storage = workflow.analysis_storage
        for name in STORAGE:
            seen += getattr(storage, name) is not None
        tags = item.tags
        seen += _strings(tags.technical_tags)
        seen += _strings(tags.user_tags)
    return seen


def peak_rss() -> int:
    """This process's peak resident set (VmHWM; ru_maxrss would include the parent's, see measure.py)."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def touch(page: Any) -> int:
    seen = 0
    for item in page.items:
        seen += item.id is not None
        seen += item.workflow.code is not None
        seen += item.status is not None
    return seen


def _plain_copy(value: Any, names: tuple[str, ...]) -> Any:
    return SimpleNamespace(**{name: getattr(value, name) for name in names}) if value else value


def plain_page(page: Any) -> Any:
    """A copy of a decoded page as plain objects (SimpleNamespace), holding exactly what ``read_all`` reads."""
    items = []
    for item in page.items:
        copy = _plain_copy(item, SESSION)
        workflow = item.workflow
        copy.workflow = _plain_copy(workflow, WORKFLOW)
        copy.workflow.language_version = _plain_copy(workflow.language_version, LANGUAGE)
        copy.workflow.workflow_tags = _plain_copy(workflow.workflow_tags, ("technical_tags",))
        copy.workflow.analysis_storage = _plain_copy(workflow.analysis_storage, STORAGE)
        copy.tags = _plain_copy(item.tags, ("technical_tags", "user_tags"))
        items.append(copy)
    names = ("next_page_token", "remaining_records", "total_item_count")
    return SimpleNamespace(items=items, **{name: getattr(page, name) for name in names})


def decoder(variant: str, opc_parent: str | None, data: bytes) -> Any:
    lib, _, mode = variant.partition("-")
    if lib == "json":
        return json.loads
    if lib == "plain":
        sys.path.insert(0, str(GENERATED))
        from ica_v3_client import WorkflowSessionPagedListV3 as Ours  # type: ignore[import-not-found]

        prebuilt = plain_page(Ours.from_dict(json.loads(data)))
        gc.freeze()  # objects built before the clock are no work for the collector either

        def parse(data: bytes) -> Any:
            return prebuilt

    elif lib == "ours":
        sys.path.insert(0, str(GENERATED))
        from ica_v3_client import WorkflowSessionPagedListV3 as Ours

        def parse(data: bytes) -> Any:
            return Ours.from_dict(json.loads(data))

    elif lib == "libica":
        from libica.openapi.v3.models.workflow_session_paged_list_v3 import (  # type: ignore[import-not-found]
            WorkflowSessionPagedListV3 as Libica,
        )

        def parse(data: bytes) -> Any:
            return Libica.from_json(data.decode("utf-8"))

    elif lib == "opc":
        sys.path.insert(0, str(opc_parent))
        from opc_ica_v3.models import WorkflowSessionPagedListV3 as Opc  # type: ignore[import-not-found]

        def parse(data: bytes) -> Any:
            return Opc.from_dict(json.loads(data))

    else:
        raise SystemExit(f"unknown variant {variant}")
    reader = {"touch": touch, "all": read_all}[mode]

    def run(data: bytes) -> Any:
        page = parse(data)
        reader(page)
        return page

    return run


class GcLog:
    """The garbage collector's work during one run: collections per generation and their time.

    The collector runs as it would in a caller's program; this only watches it, because whether a
    full collection falls inside a run moves the figures by more than the decoding itself."""

    def __init__(self) -> None:
        self.collections = [0, 0, 0]
        self.seconds = 0.0
        self._started = 0.0
        gc.callbacks.append(self._event)

    def reset(self) -> None:
        self.collections = [0, 0, 0]
        self.seconds = 0.0

    def _event(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.collections[info["generation"]] += 1
            self.seconds += time.perf_counter() - self._started


def timed_runs(run: Any, data: bytes, reps: int, collect_first: bool) -> dict[str, Any]:
    """``reps`` timed runs; each result is dropped before the next run starts."""
    log = GcLog()
    times = []
    collections = []
    for _ in range(reps):
        if collect_first:
            gc.collect()
        log.reset()
        start = time.perf_counter()
        result = run(data)
        times.append(time.perf_counter() - start)
        collections.append({"collections": list(log.collections), "seconds": log.seconds})
        del result
    gc.callbacks.remove(log._event)
    median_run = sorted(range(reps), key=times.__getitem__)[reps // 2]
    return {
        "median": statistics.median(times),
        "times": times,
        "gc": collections[median_run],
        "gc_runs": collections,
    }


def main() -> None:
    variant, data_file, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
    opc_parent = sys.argv[4] if len(sys.argv) > 4 else None
    data = Path(data_file).read_bytes()
    before = peak_rss()
    run = decoder(variant, opc_parent, data)
    result = run(data)  # warm-up, and a check that the data decodes
    count = read_all(result) if variant != "json" else len(result["items"])
    del result
    after_collection = timed_runs(run, data, reps, collect_first=True)
    run(data)  # the first back-to-back run would start from the collection above; not counted
    back_to_back = timed_runs(run, data, reps, collect_first=False)
    print(
        json.dumps(
            {
                "variant": variant,
                **after_collection,
                "back_to_back": back_to_back,
                "rss": peak_rss(),
                "rss_before_import": before,
                "fields_read": count,
            }
        )
    )


if __name__ == "__main__":
    main()
