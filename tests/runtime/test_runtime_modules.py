"""Each runtime module on its own: serialisation, retry policy, redaction, the API base class
(arguments by name, paging by the cursor's name), idempotency keys, and the fake's decoding."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Any

import httpx
from runtime._auth import Secret, excerpt, redacted_url
from runtime._base import SyncApi
from runtime._fake import BaseFakeServer
from runtime._model import STR, UNSET, EnumOf, ListOf, Model, ModelOf, Unset, field
from runtime._operation import Body, Operation, Pages, Param, Response
from runtime._retry import MAX_RETRY_DELAY, retry_delay
from runtime._serialize import form_fields, path_value, query_pairs
from runtime._transport import AsyncTransport, SyncTransport


class Color(Enum):
    RED = "red"
    BLUE = "blue"


class Thing(Model):
    name: str | Unset = field(STR, default=UNSET)
    next_token: str | Unset = field(STR, "nextToken", default=UNSET)
    items: list[str] | Unset = field(ListOf(STR), default=UNSET)


COLOR = EnumOf(Color)
LIST_THINGS: Operation[Thing] = Operation(
    "list_things",
    "GET",
    "/things/{thingId}",
    params={
        "thing_id": Param("thingId", "path"),
        "color": Param("color", "query", COLOR),
        "count": Param("count", "query"),
        "tags": Param("tag", "query"),
        "page_token": Param("pageToken", "query"),
    },
    success={"200": Response(ModelOf(lambda: Thing))},
    pages=Pages("items", "items", cursor="page_token", next_cursor="nextToken"),
)
MAKE_THING: Operation[Thing] = Operation(
    "make_thing",
    "POST",
    "/things",
    body=Body("application/json", ModelOf(lambda: Thing)),
    success={"200": Response(ModelOf(lambda: Thing))},
    idempotency_header="Idempotency-Key",
)


class ThingApi(SyncApi):
    def list_things(
        self,
        thing_id: str,
        *,
        color: Color | None = None,
        count: int | None = None,
        tags: list[str] | None = None,
        page_token: str | None = None,
    ) -> Thing:
        args = {"thing_id": thing_id, "color": color, "count": count, "tags": tags, "page_token": page_token}
        return self._call(LIST_THINGS, args, None, None)

    def make_thing(self, body: Thing, *, retry: bool = False) -> Thing:
        return self._call(MAKE_THING, {}, body, {"retry_non_idempotent": True} if retry else None)


def client_for(handler: Any, **options: Any) -> SyncTransport:
    http = httpx.Client(transport=httpx.MockTransport(handler))
    settings: dict[str, Any] = {"credentials": {}, "timeout": UNSET, "max_retries": 0, "headers": None}
    return SyncTransport("http://api.test", http_client=http, **{**settings, **options})


def test_query_styles_and_path_values() -> None:
    assert query_pairs(Param("ids", "query"), [1, 2]) == ["ids=1", "ids=2"]
    assert query_pairs(Param("ids", "query", explode=False), ["a,b", "c"]) == ["ids=a%2Cb,c"]
    assert query_pairs(Param("f", "query", style="deepObject"), {"a": True}) == ["f%5Ba%5D=true"]
    assert path_value(Param("id", "path"), "a/b c") == "a%2Fb%20c"
    assert path_value(Param("id", "path", style="matrix"), [1, 2]) == ";id=1;id=2"
    assert form_fields({"tags": ["x", "y"], "meta": {"k": 1}, "gone": None}) == {"tags": ["x", "y"], "meta": '{"k":1}'}


def test_retry_delay_follows_retry_after_and_backs_off_within_bounds() -> None:
    assert retry_delay(0, httpx.Headers({"retry-after": "3"})) == 3.0
    assert retry_delay(0, httpx.Headers({"retry-after-ms": "250"})) == 0.25
    assert 0 < retry_delay(0, None) <= 0.5
    assert retry_delay(30, httpx.Headers({"retry-after": "not a date"})) <= MAX_RETRY_DELAY


def test_secrets_never_show() -> None:
    assert repr(Secret("hunter2")) == str(Secret("hunter2")) == "Secret('***')"
    # one line (a body cannot forge log lines), without this client's credentials
    assert excerpt(b"bad token hunter2\r\nINFO forged line", ("hunter2",)) == "bad token *** INFO forged line"
    assert redacted_url(httpx.URL("http://h/p?apikey=k")) == "http://h/p"


def test_arguments_go_by_name_and_pages_move_the_named_cursor() -> None:
    seen: list[httpx.URL] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        token = request.url.params.get("pageToken")
        page = {"items": ["a", "b"], "nextToken": "p2"} if token is None else {"items": ["c"]}
        return httpx.Response(200, json=page)

    with client_for(handler) as client:
        api = ThingApi(client)
        items = list(api._pages(LIST_THINGS, {"thing_id": "t/1", "color": Color.RED, "page_token": None}, None, None))
    assert items == ["a", "b", "c"]
    assert [u.raw_path for u in seen] == [b"/things/t%2F1?color=red", b"/things/t%2F1?color=red&pageToken=p2"]


def test_an_operation_that_documents_an_idempotency_header_sends_one_when_retried() -> None:
    sent: list[httpx.Headers] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers)
        return httpx.Response(200, json={"name": "made"})

    with client_for(handler, max_retries=1) as client:
        api = ThingApi(client)
        api.make_thing(Thing(name="x"))  # not retried: no key needed
        api.make_thing(Thing(name="x"), retry=True)
    assert "idempotency-key" not in sent[0]
    assert len(sent[1]["idempotency-key"]) == 36  # a UUID, the same on every retry


def test_without_the_flag_nothing_changes() -> None:
    op = Operation("make_thing", "POST", "/things", body=Body("application/json"))
    assert op.idempotency_header is None
    sent: list[httpx.Headers] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers)
        return httpx.Response(204)

    with client_for(handler, max_retries=1) as client:
        client.call(op, {}, {"a": 1}, {"retry_non_idempotent": True})
    assert "idempotency-key" not in sent[0]


class ThingClient(SyncTransport):
    def __init__(self, base_url: str, *, http_client: httpx.Client, max_retries: int = 0) -> None:
        super().__init__(
            base_url, credentials={}, timeout=UNSET, max_retries=max_retries, headers=None, http_client=http_client
        )


class ThingFake(BaseFakeServer[ThingClient, AsyncTransport]):
    _clients = (ThingClient, AsyncTransport)


def test_the_fake_records_typed_parameters_and_the_body_model() -> None:
    fake = ThingFake(modules=[sys.modules[__name__]])
    fake.list_things.returns(Thing(name="one"))
    fake.make_thing.returns(Thing(name="two"))
    with fake.client() as client:
        api = ThingApi(client)
        api.list_things("T 1", color=Color.BLUE, count=3, tags=["x", "y"])
        api.make_thing(Thing(name="new"))
    listed, made = fake.calls
    assert listed.params == {"thing_id": "T 1", "color": Color.BLUE, "count": 3, "tags": ["x", "y"]}
    assert listed.wire_params == {"thingId": "T 1", "color": "blue", "count": "3", "tag": ["x", "y"]}
    assert isinstance(made.body, Thing) and made.body.name == "new"
    assert fake.make_thing.calls == [made]
