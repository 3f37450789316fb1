"""An operation whose spec documents an ``Idempotency-Key`` header sends one when it is retried."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from generator.options import Options
from generator.pipeline import generate_many

SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Payments", "version": "1"},
    "servers": [{"url": "https://payments.invalid"}],
    "paths": {
        "/charges": {
            "post": {
                "operationId": "createCharge",
                "parameters": [{"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}}],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Charge"}}},
                },
                "responses": {
                    "201": {
                        "description": "made",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Charge"}}},
                    }
                },
            }
        },
        "/refunds": {
            "post": {
                "operationId": "createRefund",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Charge"}}},
                },
                "responses": {
                    "201": {
                        "description": "made",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Charge"}}},
                    }
                },
            }
        },
    },
    "components": {"schemas": {"Charge": {"type": "object", "properties": {"amount": {"type": "integer"}}}}},
}


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    folder = tmp_path_factory.mktemp("idempotency")
    spec = folder / "payments.json"
    spec.write_text(json.dumps(SPEC), encoding="utf-8")
    (package,) = generate_many([spec], None, [Options(package="payments_idem_client")])
    for name, content in package.files.items():
        (folder / package.package / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / package.package / name).write_bytes(content)
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("payments_idem_client")
    finally:
        sys.path.remove(str(folder))
        for key in [k for k in sys.modules if k.startswith("payments_idem_client")]:
            del sys.modules[key]


def _api(pkg: ModuleType, replies: list[httpx.Response], seen: list[httpx.Request]) -> Any:
    def answer(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return replies.pop(0)

    client = pkg.ApiClient(http_client=httpx.Client(transport=httpx.MockTransport(answer)))
    names = [n for n in pkg.__all__ if n.endswith("Api") and not n.startswith("Async") and "Raw" not in n]
    return getattr(pkg, names[0])(client)


def test_the_documented_header_is_sent_with_the_same_key_on_every_retry(pkg: ModuleType) -> None:
    seen: list[httpx.Request] = []
    api = _api(pkg, [httpx.Response(503), httpx.Response(201, json={"amount": 5})], seen)
    charge = pkg.models.Charge(amount=5)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(importlib.import_module("payments_idem_client._transport"), "sleep", lambda seconds: None)
        result = api.create_charge(charge, request_options={"retry_non_idempotent": True})
    assert result.amount == 5
    first, second = seen
    assert len(first.headers["Idempotency-Key"]) == 36  # a UUID
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"]


def test_a_key_the_caller_passes_wins(pkg: ModuleType) -> None:
    seen: list[httpx.Request] = []
    api = _api(pkg, [httpx.Response(201, json={"amount": 1})], seen)
    api.create_charge(
        pkg.models.Charge(amount=1), idempotency_key="mine", request_options={"retry_non_idempotent": True}
    )
    assert seen[0].headers["Idempotency-Key"] == "mine"


def test_no_key_where_the_operation_documents_none_or_is_not_retried(pkg: ModuleType) -> None:
    seen: list[httpx.Request] = []
    api = _api(pkg, [httpx.Response(201, json={"amount": 1}), httpx.Response(201, json={"amount": 1})], seen)
    api.create_refund(pkg.models.Charge(amount=1), request_options={"retry_non_idempotent": True})
    api.create_charge(pkg.models.Charge(amount=1))  # not retried: no key needed
    assert "Idempotency-Key" not in seen[0].headers
    assert "Idempotency-Key" not in seen[1].headers


def test_the_readme_says_which_methods_send_a_key(pkg: ModuleType) -> None:
    readme = (Path(pkg.__file__).parent / "README.md").read_text(encoding="utf-8")
    assert "on without configuration for `DefaultApi.create_charge`" in readme
