"""Paging by hand: ``first_page(api.method, ...)`` gives a page with ``has_next_page()`` and
``next_page()``, sync and async, over real HTTP on 127.0.0.1."""

from __future__ import annotations

from typing import Any

import anyio
import ica_v3_client
import pytest
from ica_v3_client import afirst_page, first_page

JWT = "ica-JWT-s3cr3t"
SESSION = {"id": "ws-1", "status": "SUCCEEDED"}


def _script(server: Any) -> None:
    server.reply(200, {"items": [{**SESSION, "id": "ws-1"}, {**SESSION, "id": "ws-2"}], "nextPageToken": "t/2"})
    server.reply(200, {"items": [{**SESSION, "id": "ws-3"}]})


def test_sync_pages_by_hand(server: Any) -> None:
    _script(server)
    with ica_v3_client.ApiClient(server.url, access_token=JWT) as client:
        api = ica_v3_client.ProjectWorkflowSessionApi(client)
        page = first_page(api.search_workflow_sessions, "p1", page_size="2")
        assert [s.id for s in page.items] == ["ws-1", "ws-2"]
        assert page.data.next_page_token == "t/2"
        assert page.has_next_page()
        last = page.next_page()
        assert [s.id for s in last.items] == ["ws-3"]
        assert not last.has_next_page()
        with pytest.raises(StopIteration):
            last.next_page()
    assert [r.query for r in server.requests] == ["pageSize=2", "pageToken=t%2F2&pageSize=2"]
    assert server.unscripted == 0


def test_async_pages_by_hand(server: Any) -> None:
    _script(server)

    async def go() -> list[str]:
        async with ica_v3_client.AsyncApiClient(server.url, access_token=JWT) as client:
            api = ica_v3_client.AsyncProjectWorkflowSessionApi(client)
            page = await afirst_page(api.search_workflow_sessions, "p1", page_size="2")
            ids = [s.id for s in page.items]
            while page.has_next_page():
                page = await page.next_page()
                ids += [s.id for s in page.items]
            return ids

    assert anyio.run(go) == ["ws-1", "ws-2", "ws-3"]
    assert len(server.requests) == 2


def test_first_page_refuses_an_operation_that_does_not_page(server: Any) -> None:
    with ica_v3_client.ApiClient(server.url, access_token=JWT) as client:
        api = ica_v3_client.ProjectWorkflowSessionApi(client)
        with pytest.raises(TypeError, match="pages"):
            first_page(api.get_workflow_session_inputs, "p1", "ws1")
        with pytest.raises(TypeError, match="method of an API object"):
            first_page(len, "x")  # type: ignore[arg-type]
    assert server.requests == []
