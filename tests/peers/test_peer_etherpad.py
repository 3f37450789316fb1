"""The generated Etherpad client against a real Etherpad 1.8.14, directly and through Prism's proxy.

A group and an author are made with plain HTTP; the session functions then go through the generated
client (sync and async, GET and POST variants) and the real values must come back: the group and
author ids, ``validUntil`` as an int. The server's error conventions must come out as the client
promises: a wrong API key is HTTP 401 with ``{code: 4}`` (``UnauthorizedError`` with the decoded
``ApiErrorResponse``), an unknown or deleted session is HTTP 200 with ``{code: 1}`` (``ApiResultError``).

Through the proxy (``prism proxy specs/etherpad.yaml <etherpad>/api/1.2.15 --errors``) the same calls
must pass Prism's validation both ways: the requests against the spec, and the real server's answers
against the spec, with no ``sl-violations`` at all.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import etherpad_client as ep
import httpx
import pytest
import yaml
from etherpad_client import errors, models
from peerlib import (
    ROOT,
    SPECS,
    Etherpad,
    Ledger,
    Peer,
    answers_http,
    free_port,
    prism_argv,
    request_violations,
    start_all,
    violations_of,
)

VERBS = ("get", "post")


def check_validated(exchanges: list[tuple[httpx.Request, httpx.Response]]) -> None:
    """Prism (proxy, --errors) found nothing wrong: not with the request, not with the real answer."""
    for request, response in exchanges:
        where = f"{request.method} {request.url.path}"
        assert not violations_of(response), (where, violations_of(response))
        assert not request_violations(response), (where, response.text)
        assert "problem+json" not in response.headers.get("content-type", ""), (where, response.text)


class Driver:
    """Calls SessionApi methods through the sync or the async client, recording every HTTP exchange.

    Through the proxy each call's exchanges are checked for violations as soon as it returns or raises.
    """

    def __init__(self, base_url: str, api_key: str, is_async: bool, via_proxy: bool) -> None:
        self.is_async = is_async
        self.via_proxy = via_proxy
        self.exchanges: list[tuple[httpx.Request, httpx.Response]] = []
        options: dict[str, Any] = {"api_key": api_key, "max_retries": 0, "timeout": 30.0}
        if not is_async:

            def hook(response: httpx.Response) -> None:
                self.exchanges.append((response.request, response))

            self._http: Any = httpx.Client(trust_env=False, event_hooks={"response": [hook]})
            self._client: Any = ep.ApiClient(base_url, http_client=self._http, **options)
            self._api: Any = ep.SessionApi(self._client)
            return

        async def ahook(response: httpx.Response) -> None:
            self.exchanges.append((response.request, response))

        self._loop = asyncio.new_event_loop()

        async def make() -> None:
            self._http = httpx.AsyncClient(trust_env=False, event_hooks={"response": [ahook]})
            self._client = ep.AsyncApiClient(base_url, http_client=self._http, **options)
            self._api = ep.AsyncSessionApi(self._client)

        self._loop.run_until_complete(make())

    def __call__(self, method: str, **kwargs: Any) -> Any:
        bound = getattr(self._api, method)
        first = len(self.exchanges)
        try:
            if not self.is_async:
                return bound(**kwargs)
            return self._loop.run_until_complete(bound(**kwargs))
        finally:
            assert len(self.exchanges) == first + 1, "one call, one HTTP exchange (no retries)"
            if self.via_proxy:
                check_validated(self.exchanges[first:])

    def close(self) -> None:
        if not self.is_async:
            self._client.close()
            self._http.close()
            return

        async def shut() -> None:
            await self._client.aclose()
            await self._http.aclose()

        self._loop.run_until_complete(shut())
        self._loop.close()


@pytest.fixture(params=["direct", "proxy"])
def target(request: pytest.FixtureRequest, etherpad: Etherpad) -> str:
    """Where the client points: Etherpad's API itself, or Prism's validating proxy in front of it."""
    if request.param == "direct":
        return etherpad.api
    return str(request.getfixturevalue("etherpad_proxy"))


@pytest.fixture(params=[False, True], ids=["sync", "async"])
def drive(
    request: pytest.FixtureRequest, target: str, etherpad: Etherpad, ledger: Ledger
) -> Iterator[Callable[..., Driver]]:
    """Makes drivers for the target; closes them afterwards and counts the calls they made."""
    made: list[Driver] = []
    via_proxy = target != etherpad.api

    def make(api_key: str | None = None) -> Driver:
        driver = Driver(target, etherpad.api_key if api_key is None else api_key, request.param, via_proxy)
        made.append(driver)
        return driver

    yield make
    for driver in made:
        driver.close()
    where = "Etherpad via Prism proxy (--errors)" if via_proxy else "Etherpad direct"
    ledger.count(f"{where} ({'async' if request.param else 'sync'} client)", sum(len(d.exchanges) for d in made))


def future() -> int:
    return int(time.time()) + 3600


@pytest.mark.parametrize("verb", VERBS)
def test_session_round_trip(verb: str, drive: Callable[..., Driver], etherpad_ids: dict[str, str]) -> None:
    call = drive()
    valid_until = future()
    created = call(
        f"create_session_using_{verb}",
        group_id=etherpad_ids["group_id"],
        author_id=etherpad_ids["author_id"],
        valid_until=str(valid_until),
    )
    assert isinstance(created, models.CreateSessionUsingGET200Response)
    assert (created.code, created.message) == (0, "ok")
    assert isinstance(created.data, models.CreateSessionUsingGET200ResponseData)
    session_id = created.data.session_id
    assert isinstance(session_id, str) and session_id.startswith("s."), session_id

    for info_verb in VERBS:  # what was made with one verb reads back with both
        info = call(f"get_session_info_using_{info_verb}", session_id=session_id)
        assert isinstance(info, models.GetSessionInfoUsingGET200Response)
        assert (info.code, info.message) == (0, "ok")
        assert isinstance(info.data, models.SessionInfo)
        assert info.data.group_id == etherpad_ids["group_id"]
        assert info.data.author_id == etherpad_ids["author_id"]
        assert type(info.data.valid_until) is int and info.data.valid_until == valid_until
        record = {"groupID": etherpad_ids["group_id"], "authorID": etherpad_ids["author_id"], "validUntil": valid_until}
        assert info.to_dict() == {"code": 0, "message": "ok", "data": record}

    deleted = call(f"delete_session_using_{verb}", session_id=session_id)
    assert isinstance(deleted, models.AppendChatMessageUsingGET200Response)
    assert (deleted.code, deleted.message, deleted.data) == (0, "ok", None)

    for info_verb in VERBS:  # a deleted session is gone: HTTP 200 with code 1
        with pytest.raises(errors.ApiResultError) as caught:
            call(f"get_session_info_using_{info_verb}", session_id=session_id)
        assert_code_1(caught.value, "sessionID does not exist", models.GetSessionInfoUsingGET200Response)

    with pytest.raises(errors.ApiResultError) as caught:  # and cannot be deleted twice
        call(f"delete_session_using_{verb}", session_id=session_id)
    assert_code_1(caught.value, "sessionID does not exist", models.AppendChatMessageUsingGET200Response)


def assert_code_1(error: errors.ApiResultError, message: str, model: type) -> None:
    assert error.status == 200
    assert error.code == 1
    assert error.result_message == message
    assert message in str(error)
    assert isinstance(error.model, model)
    assert error.model.data is None
    assert error.model.to_dict() == {"code": 1, "message": message, "data": None}


@pytest.mark.parametrize("verb", VERBS)
def test_unknown_session_is_a_result_error(verb: str, drive: Callable[..., Driver]) -> None:
    call = drive()
    unknown = "s.0123456789abcdef0123456789abcdef"
    with pytest.raises(errors.ApiResultError) as caught:
        call(f"get_session_info_using_{verb}", session_id=unknown)
    assert_code_1(caught.value, "sessionID does not exist", models.GetSessionInfoUsingGET200Response)
    with pytest.raises(errors.ApiResultError) as caught:
        call(f"delete_session_using_{verb}", session_id=unknown)
    assert_code_1(caught.value, "sessionID does not exist", models.AppendChatMessageUsingGET200Response)


@pytest.mark.parametrize("verb", VERBS)
def test_bad_valid_until_is_a_result_error(
    verb: str, drive: Callable[..., Driver], etherpad_ids: dict[str, str]
) -> None:
    call = drive()
    with pytest.raises(errors.ApiResultError) as caught:
        call(f"create_session_using_{verb}", **etherpad_ids, valid_until=str(int(time.time()) - 60))
    assert_code_1(caught.value, "validUntil is in the past", models.CreateSessionUsingGET200Response)


@pytest.mark.parametrize(
    "method",
    [f"{op}_using_{verb}" for op in ("create_session", "get_session_info", "delete_session") for verb in VERBS],
)
def test_wrong_api_key_is_unauthorized(method: str, drive: Callable[..., Driver], etherpad_ids: dict[str, str]) -> None:
    call = drive(api_key="not-the-" + "key")
    kwargs: dict[str, Any] = (
        {**etherpad_ids, "valid_until": str(future())}
        if method.startswith("create")
        else {"session_id": "s.0123456789abcdef0123456789abcdef"}
    )
    with pytest.raises(errors.UnauthorizedError) as caught:
        call(method, **kwargs)
    error = caught.value
    assert error.status == 401
    assert isinstance(error.model, models.ApiErrorResponse)
    assert (error.model.code, error.model.message, error.model.data) == (4, "no or wrong API Key", None)
    assert "not-the-key" not in str(error) and "not-the-key" not in error.url  # the key never shows


# Controls: the proxy really validates, so "no violations" above means something.


def test_proxy_rejects_a_request_that_breaks_the_spec(etherpad_proxy: str) -> None:
    """Without the API key the spec's security requirement fails: Prism answers itself, Etherpad never sees it."""
    with httpx.Client(trust_env=False, timeout=30.0) as http:
        response = http.get(etherpad_proxy + "/getSessionInfo", params={"sessionID": "s.0123"})
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"].endswith("#UNAUTHORIZED")


def test_proxy_rejects_an_answer_that_breaks_the_spec(
    etherpad: Etherpad, etherpad_ids: dict[str, str], node_tools: str, tmp_path: Path
) -> None:
    """A copy of the spec that types SessionInfo.validUntil as a string: the real (integer) answer fails."""
    spec = yaml.safe_load((SPECS / "etherpad.yaml").read_text(encoding="utf-8"))
    spec["components"]["schemas"]["SessionInfo"]["properties"]["validUntil"]["type"] = "string"
    mutated = tmp_path / "etherpad-mutated.json"
    mutated.write_text(json.dumps(spec), encoding="utf-8")
    port = free_port()
    argv = prism_argv(node_tools, "proxy", "-h", "127.0.0.1", "-p", str(port), "--errors", str(mutated), etherpad.api)
    peer = Peer("prism proxy (mutated spec)", argv, ROOT, tmp_path / "proxy.log", port)
    try:
        start_all([peer], answers_http)
        with httpx.Client(trust_env=False, timeout=30.0) as http:
            made = http.get(
                etherpad.api + "/createSession",
                params={"apikey": etherpad.api_key, **etherpad_ids_wire(etherpad_ids), "validUntil": str(future())},
            ).json()
            response = http.get(
                peer.url + "/getSessionInfo",
                params={"apikey": etherpad.api_key, "sessionID": made["data"]["sessionID"]},
            )
    finally:
        peer.stop()
    assert response.status_code == 500, response.text
    assert response.json()["type"].endswith("#VIOLATIONS")
    assert [(v["location"], v["code"]) for v in violations_of(response)] == [
        (["response", "body", "data", "validUntil"], "type")
    ]


def etherpad_ids_wire(ids: dict[str, str]) -> dict[str, str]:
    return {"groupID": ids["group_id"], "authorID": ids["author_id"]}
