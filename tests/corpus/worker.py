"""One spec of the corpus: generate its package, start Prism's validating mock on the spec, call every
operation through the generated client and write what happened as JSON.

Usage: python tests/corpus/worker.py SPEC WORKDIR PACKAGE RESULT.json [--node NODE]

Run by ``tests/corpus/run.py`` in its own process group (so a hang is ended with the mock server).
Every operation is called through the sync client, every fifth also through the async one, with the
required parameters, about half of the optional ones, a body built from its schema and a credential
for every scheme the client takes. Outcomes per call: ``ok``, ``request-violation`` (Prism's 422 or a
``request`` entry in ``sl-violations``), ``decode-failure`` (a field the client refuses that Prism did
not flag), ``typed-error`` (an ApiError explained by Prism's own report on its answer), ``error``
(anything else, the harness failing to build arguments included) and the cause of each.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import enum
import importlib
import inspect
import json
import random
import socket
import subprocess
import sys
import time
import traceback
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
from fake import Faker, Unbuildable  # noqa: E402

PRISM = ROOT / "node_modules" / "@stoplight" / "prism-cli" / "dist" / "index.js"
START_TIMEOUT = 90.0
CALL_TIMEOUT = 20.0
ASYNC_EVERY = 5
STANDARD_KWARGS = {"base_url", "timeout", "max_retries", "headers", "http_client"}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def generate(spec: Path, workdir: Path, package: str) -> tuple[Any, list[str]]:
    """The package's IR and the generation warnings; the files written under ``workdir``."""
    from generator.loader import load_document
    from generator.normalize import normalize
    from generator.options import Options
    from generator.pipeline import generate as generate_package
    from generator.settings import read_settings
    from generator.validate import openapi3, prepare

    generated = generate_package(spec, None, Options(package=package, allow_invalid=True), workdir)
    for name, content in generated.files.items():
        target = workdir / package / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    doc = load_document(spec, spec.name)
    converted = openapi3(doc, prepare(doc))
    options = Options(package=package, allow_invalid=True)
    ir = normalize(converted, read_settings(converted, options), spec.name, True, lambda _problem: None)
    return (ir, converted.data), list(generated.warnings)


class Mock:
    """``prism mock`` on the spec, in the worker's process group: when the runner ends a worker
    that ran out of time (killing its group), its mock server goes with it."""

    def __init__(self, spec: Path, log: Path, node: str) -> None:
        self.port = free_port()
        self.log = log
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(
                [node, str(PRISM), "mock", "-h", "127.0.0.1", "-p", str(self.port), str(spec)],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait(self) -> str | None:
        """None once it answers; else why not."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return "Prism exited: " + self.tail()
            text = self.log.read_text(encoding="utf-8", errors="replace")
            if "Prism is listening" in text:
                return None
            time.sleep(0.2)
        return "Prism did not start in time"

    def tail(self) -> str:
        lines = self.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        return " ".join(line.strip() for line in lines[-3:])[-300:]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=10)


def raw_operation(data: dict[str, Any], faker: Faker, path: str, method: str) -> tuple[dict[str, Any], list[Any]]:
    item = faker.resolve((data.get("paths") or {}).get(path) or {})
    operation = faker.resolve(item.get(method.lower()) or {})
    params: dict[tuple[str, str], Any] = {}
    for raw in [*(item.get("parameters") or []), *(operation.get("parameters") or [])]:
        raw = faker.resolve(raw)
        if isinstance(raw, dict):
            params[(str(raw.get("name")), str(raw.get("in")))] = raw
    return operation, list(params.values())


def param_schema(raw: dict[str, Any]) -> Any:
    if "schema" in raw:
        return raw["schema"]
    for media in (raw.get("content") or {}).values():
        return media.get("schema", {})
    return {}


def build_arguments(module: Any, op: Any, data: dict[str, Any], faker: Faker) -> dict[str, Any]:
    """Keyword arguments for the operation's method, from the spec's schemas."""
    operation, raws = raw_operation(data, faker, op.path, op.http_method)
    by_key = {(str(r.get("name")), str(r.get("in"))): r for r in raws}
    pkg = sys.modules[module.__name__.rsplit(".", 1)[0]]
    try:  # a package without models has no models module
        models = vars(importlib.import_module(f"{pkg.__name__}.models"))
    except ImportError:
        models = {}
    namespace = {**vars(pkg._model), **models, **vars(module)}
    kwargs: dict[str, Any] = {}
    for param in op.params:
        if not param.required and faker.rng.random() >= 0.5:
            continue
        raw = by_key.get((param.wire_name, param.location))
        if raw is None:
            if param.required:
                raise Unbuildable(f"parameter {param.wire_name} in {param.location} not found in the spec")
            continue
        value = faker.value(param_schema(raw))
        kwargs[param.python_name] = eval(param.type.codec, namespace).decode(value, param.python_name)
    if op.body is not None and (op.body.required or faker.rng.random() < 0.5):
        content = (faker.resolve(operation.get("requestBody") or {}).get("content")) or {}
        media = content.get(op.body.media_type) or next(iter(content.values()), {})
        if op.body.encoding == "binary":
            kwargs[op.body.python_name] = b"corpus"
        else:
            value = faker.value(media.get("schema", {}))
            if op.body.encoding == "text" and not isinstance(value, str):
                value = json.dumps(value)
            kwargs[op.body.python_name] = eval(op.body.type.codec, namespace).decode(value, op.body.python_name)
    return kwargs


def credentials(client_class: type) -> dict[str, str]:
    names = [
        p.name
        for p in inspect.signature(client_class.__init__).parameters.values()
        if p.kind is p.KEYWORD_ONLY and p.name not in STANDARD_KWARGS
    ]
    return {name: "corpus-credential" for name in names}


def read_everything(
    value: Any, path: tuple[str, ...], failures: list[tuple[tuple[str, ...], str]], error: type
) -> None:
    """Read every field of every model reachable from ``value`` (models decode on attribute access)."""
    if hasattr(value, "_fields") and hasattr(value, "to_dict"):
        for name, fld in type(value)._fields.items():
            where = (*path, fld.wire)
            try:
                item = getattr(value, name)
            except error as exc:
                failures.append((where, str(exc)))
                continue
            read_everything(item, where, failures, error)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            read_everything(item, (*path, str(index)), failures, error)
    elif isinstance(value, dict):
        for key, item in value.items():
            read_everything(item, (*path, str(key)), failures, error)
    elif not (
        value is None
        or type(value).__name__ == "Unset"
        or isinstance(value, (str, int, float, bool, bytes, dt.datetime, dt.date, dt.time, enum.Enum))
    ):
        failures.append((path, f"unexpected decoded value of type {type(value).__name__}"))


def violations(response: httpx.Response) -> list[dict[str, Any]]:
    raw = response.headers.get("sl-violations")
    with contextlib.suppress(ValueError):
        return list(json.loads(raw)) if raw else []
    return []


def request_violations(response: httpx.Response) -> list[dict[str, Any]]:
    found = [v for v in violations(response) if (v.get("location") or [None])[0] == "request"]
    if response.status_code == 422 and "problem+json" in response.headers.get("content-type", ""):
        with contextlib.suppress(ValueError):
            found += list(response.json().get("validation", []))
    return found


def prism_problem(response: httpx.Response) -> str:
    """The title of Prism's own failure to answer (a 5xx problem+json of its errors), or ""."""
    if response.status_code < 500 or "problem+json" not in response.headers.get("content-type", ""):
        return ""
    with contextlib.suppress(ValueError, AttributeError):
        body = response.json()
        if "stoplight.io/prism/errors" in str(body.get("type", "")):
            return str(body.get("title", "error"))[:120]
    return ""


def _where(v: dict[str, Any]) -> str:
    parts = [str(p) for p in v.get("location") or []]
    return ".".join("#" if p.isdigit() else p for p in parts[:3])


def explained(failure: tuple[str, ...], response_violations: list[dict[str, Any]]) -> bool:
    parent, wire = list(failure[:-1]), failure[-1] if failure else ""
    for v in response_violations:
        location = [str(p) for p in v.get("location") or []][2:]
        if location == list(failure) or (location and list(failure[: len(location)]) == location):
            return True
        if location == parent and v.get("code") == "required" and f"'{wire}'" in str(v.get("message", "")):
            return True
    return False


def classify(
    pkg: Any, op: Any, result: Any, error: BaseException | None, exchanges: list[httpx.Response]
) -> tuple[str, str]:
    """(outcome, cause) of one call."""
    req = [v for r in exchanges for v in request_violations(r)]
    if req:
        v = req[0]
        return "request-violation", f"{v.get('code')} at {_where(v) or 'request'}: {str(v.get('message'))[:100]}"
    limit = next((r for r in exchanges if prism_problem(r)), None)
    if limit is not None:
        return "mock-limit", f"Prism: {prism_problem(limit)}"
    resp = [v for r in exchanges for v in violations(r) if (v.get("location") or [None])[0] != "request"]
    if error is not None:
        if isinstance(error, pkg.errors.ApiError):
            if resp:
                return "typed-error", f"{type(error).__name__} on a mock answer Prism flags"
            status = exchanges[-1].status_code if exchanges else 0
            if status and not op.success and any(r.status in (str(status), "default") for r in op.errors):
                return "typed-error", f"HTTP {status}: the spec documents no success answer"
            return "error", f"{type(error).__name__} (HTTP {status}): {str(error).splitlines()[0][:120]}"
        return "error", f"{type(error).__name__}: {str(error).splitlines()[0][:120] if str(error) else ''}"
    failures: list[tuple[tuple[str, ...], str]] = []
    read_everything(result, (), failures, pkg.errors.DecodeError)
    unexplained = [f for f in failures if not explained(f[0], resp)]
    if unexplained:
        _where_failed, message = unexplained[0]
        return "decode-failure", f"{message.splitlines()[0][:140]}"
    if failures:
        return "typed-error", "DecodeError on fields Prism flags in its own answer"
    return "ok", ""


MARK = "/__corpus_key_"


def mock_spec(data: dict[str, Any], original: Path, workdir: Path, package: str) -> tuple[Path, dict[str, str]]:
    """The spec Prism mocks, and the extra path segment of each rewritten path key.

    A path key with a fragment (AWS ``/#X-Amz-Target=...``, ``/tags/{arn}#tagKeys``) or a query
    (Flickr ``/rest?method=...``) means a request to its path part; Prism routes on the whole key
    instead (and cannot read a template before a ``#``). So Prism gets a copy of the (OpenAPI 3)
    spec whose such keys are ``<path part>/__corpus_key_<n>``, and the harness adds that segment
    to the request the client sent, after checking that the client sent what the key means.
    """
    paths = data.get("paths") or {}
    odd = sorted(k for k in paths if "#" in k or "?" in k)
    if not odd:
        return original, {}
    marks = {key: f"{MARK}{n}" for n, key in enumerate(odd)}
    rewritten = {}
    for key, item in paths.items():
        if key in marks:
            rewritten[key.partition("#")[0].partition("?")[0].rstrip("/") + marks[key]] = item
        else:
            rewritten[key] = item
    copy = workdir / f"{package}.mock.json"
    copy.write_text(json.dumps({**data, "paths": rewritten}), encoding="utf-8")
    return copy, marks


def key_route(key: str, mark: str, wrong: list[str]) -> Any:
    """A request hook: checks the request against the path key, then routes it to Prism's copy."""
    fixed_query = key.partition("#")[0].partition("?")[2]

    def hook(request: httpx.Request) -> None:
        path, _, query = request.url.raw_path.decode("ascii").partition("?")
        if "%23" in path or "#" in path:
            wrong.append(f"path key fragment sent: {path[:100]}")
        if fixed_query and not query.startswith(quote(fixed_query, safe="=&")):
            wrong.append(f"path key query {fixed_query[:60]} not sent: {query[:60]}")
        routed = path.rstrip("/") + mark + ("?" + query if query else "")
        request.url = request.url.copy_with(raw_path=routed.encode("ascii"))

    return hook


def user_headers(op: Any, data: dict[str, Any], faker: Faker) -> dict[str, str]:
    """Headers a user passes through ``ApiClient(headers=...)``: a required ``Authorization``
    header parameter, which OpenAPI says clients ignore (the generated ones do) but Prism checks."""
    _, raws = raw_operation(data, faker, op.path, op.http_method)
    wanted = [r for r in raws if str(r.get("in")) == "header" and str(r.get("name")).lower() == "authorization"]
    return {"Authorization": "Bearer corpus-credential"} if any(r.get("required") for r in wanted) else {}


def call(
    pkg: Any,
    api_name: str,
    op: Any,
    kwargs: dict[str, Any],
    url: str,
    is_async: bool,
    marks: dict[str, str],
    headers: dict[str, str],
) -> tuple[str, str]:
    exchanges: list[httpx.Response] = []
    wrong: list[str] = []
    request_hooks = [key_route(op.path, marks[op.path], wrong)] if op.path in marks else []
    creds = credentials(pkg.ApiClient)
    options: dict[str, Any] = {"max_retries": 0, "timeout": CALL_TIMEOUT, "headers": headers or None}
    result: Any = None
    error: BaseException | None = None
    if not is_async:
        hooks = {"request": request_hooks, "response": [exchanges.append]}
        with httpx.Client(trust_env=False, event_hooks=hooks) as http:
            with pkg.ApiClient(url, **creds, http_client=http, **options) as client:
                try:
                    result = getattr(getattr(pkg, api_name)(client), op.method_name)(**kwargs)
                except Exception as exc:  # every failure is recorded with its cause
                    error = exc
                outcome = classify(pkg, op, result, error, exchanges)
        return ("request-violation", wrong[0]) if wrong else outcome

    async def hook(response: httpx.Response) -> None:
        exchanges.append(response)

    async def request_hook(request: httpx.Request) -> None:
        for each in request_hooks:
            each(request)

    async def go() -> tuple[str, str]:
        result: Any = None
        error: BaseException | None = None
        hooks = {"request": [request_hook], "response": [hook]}
        async with httpx.AsyncClient(trust_env=False, event_hooks=hooks) as http:
            async with pkg.AsyncApiClient(url, **creds, http_client=http, **options) as client:
                try:
                    result = await getattr(getattr(pkg, "Async" + api_name)(client), op.method_name)(**kwargs)
                except Exception as exc:
                    error = exc
                return classify(pkg, op, result, error, exchanges)

    outcome = asyncio.run(go())
    return ("request-violation", wrong[0]) if wrong else outcome


def run(spec: Path, workdir: Path, package: str, node: str) -> dict[str, Any]:
    result: dict[str, Any] = {"spec": str(spec), "package": package, "calls": []}
    started = time.monotonic()
    try:
        (ir, data), warned = generate(spec, workdir, package)
    except Exception as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        result["generation"] = f"{type(exc).__name__}: {first[:200]}"
        if type(exc).__name__ != "SpecError":
            result["traceback"] = traceback.format_exc()[-1500:]
        return result
    result["generation"] = "ok"
    result["warnings"] = len(warned)
    result["operations"] = sum(len(api.operations) for api in ir.apis)
    if result["operations"] == 0:
        return result
    mocked, marks = mock_spec(data, spec, workdir, package)
    mock = Mock(mocked, workdir / f"{package}.prism.log", node)
    try:
        problem = mock.wait()
        if problem is not None:
            result["mock"] = problem
            return result
        sys.path.insert(0, str(workdir))
        warnings.simplefilter("ignore")
        pkg = importlib.import_module(package)
        faker = Faker(data, seed=17)
        index = 0
        for api in ir.apis:
            module = importlib.import_module(f"{package}.{api.module}")
            api_name = api.class_name
            for op in api.operations:
                entry = {"operation": f"{op.http_method} {op.path}", "method": op.method_name}
                try:
                    kwargs = build_arguments(module, op, data, faker)
                    headers = user_headers(op, data, faker)
                except Exception as exc:  # a harness failure counts as a failure
                    entry.update(outcome="error", cause=f"arguments: {type(exc).__name__}: {str(exc)[:120]}")
                    result["calls"].append(entry)
                    continue
                for is_async in (False, True) if index % ASYNC_EVERY == 0 else (False,):
                    outcome, cause = call(pkg, api_name, op, kwargs, mock.url, is_async, marks, headers)
                    if outcome == "error" and "ApiConnectionError" in cause:
                        with contextlib.suppress(subprocess.TimeoutExpired):
                            mock.proc.wait(timeout=3)  # a dying mock drops the connection first
                    if not mock.alive():  # Prism crashed on this request: its fault, start it again
                        outcome, cause = "mock-crash", "Prism exited: " + mock.tail()[-160:]
                        mock.stop()
                        mock = Mock(mocked, workdir / f"{package}.prism.log", node)
                        if mock.wait() is not None:
                            result["mock"] = "Prism did not restart: " + mock.tail()
                            result["calls"].append({**entry, "async": is_async, "outcome": outcome, "cause": cause})
                            return result
                    result["calls"].append({**entry, "async": is_async, "outcome": outcome, "cause": cause})
                index += 1
    finally:
        mock.stop()
        result["seconds"] = round(time.monotonic() - started, 1)
    return result


def main() -> None:
    spec, workdir, package, out = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4])
    node = sys.argv[6] if len(sys.argv) > 6 and sys.argv[5] == "--node" else "node"
    random.seed(17)
    sys.setrecursionlimit(5000)
    workdir.mkdir(parents=True, exist_ok=True)
    result = run(spec.resolve(), workdir, package, node)
    out.write_text(json.dumps(result, indent=1, sort_keys=True), encoding="utf-8")


if __name__ == "__main__":
    main()
