"""The base classes of the generated API classes, their raw and streaming views, and the pagers."""

from __future__ import annotations

import copy
import functools
import warnings
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Coroutine,
    Iterator,
    Mapping,
)
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar, cast

from ._operation import Operation, Pages, RequestOptions
from ._response import ApiResponse, AsyncStreamedResponse, StreamedResponse

__all__ = [
    "AsyncApi",
    "AsyncPage",
    "Page",
    "SyncApi",
    "afirst_page",
    "async_iterator",
    "async_method",
    "async_raw_method",
    "async_stream_method",
    "first_page",
    "raw_method",
    "stream_method",
]

if TYPE_CHECKING:  # only annotations: _transport imports this module
    from ._transport import AsyncTransport, SyncTransport

T = TypeVar("T")
P = ParamSpec("P")
A = TypeVar("A", bound="SyncApi")
AA = TypeVar("AA", bound="AsyncApi")


class SyncApi:
    """Base of the generated sync API classes.

    A generated method only builds its argument tuple and returns ``self._call(...)``, so the
    async class reuses it unchanged (``async_method``): there ``_call`` is a coroutine.
    """

    def __init__(self, client: SyncTransport) -> None:
        self._client = client
        self._raw = False
        self._capture = False  # _call returns what it would send (for first_page)
        self._stream = False  # _call returns the response unread

    def _call(
        self,
        op: Operation[T],
        args: Mapping[str, Any],
        body: Any,
        options: RequestOptions | None,
    ) -> T:
        if self._capture:
            return cast(T, _Captured(op, args, body, options))
        if op.deprecated:
            _warn_deprecated(op)
        if self._stream:
            return cast(T, self._client.call_stream(op, args, body, options))
        if self._raw:
            return cast(T, self._client.call_raw(op, args, body, options))
        return self._client.call(op, args, body, options)

    def _pages(
        self,
        op: Operation[Any],
        args: Mapping[str, Any],
        body: Any,
        options: RequestOptions | None,
    ) -> Iterator[Any]:
        """Every item of every page, fetched lazily."""
        pages = cast(Pages, op.pages)
        moving = dict(args)
        while True:
            page = self._call(op, moving, body, options)
            items = _page_items(pages, page)
            if items is None:
                return
            yield from items
            if not _next_page(pages, moving, page, len(items)):
                return

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._client!r})"

    def _raw_view(self: A) -> A:
        view = copy.copy(self)
        view._raw = True
        return view

    def _stream_view(self: A) -> A:
        view = copy.copy(self)
        view._stream = True
        return view


class AsyncApi:
    """Base of the generated async API classes."""

    def __init__(self, client: AsyncTransport) -> None:
        self._client = client
        self._raw = False
        self._capture = False  # _call returns what it would send (for first_page)
        self._stream = False  # _call returns the response unread

    async def _call(
        self,
        op: Operation[T],
        args: Mapping[str, Any],
        body: Any,
        options: RequestOptions | None,
    ) -> T:
        if self._capture:
            return cast(T, _Captured(op, args, body, options))
        if op.deprecated:
            _warn_deprecated(op)
        if self._stream:
            return cast(T, await self._client.call_stream(op, args, body, options))
        if self._raw:
            return cast(T, await self._client.call_raw(op, args, body, options))
        return await self._client.call(op, args, body, options)

    async def _pages(
        self,
        op: Operation[Any],
        args: Mapping[str, Any],
        body: Any,
        options: RequestOptions | None,
    ) -> AsyncIterator[Any]:
        """Every item of every page, fetched lazily."""
        pages = cast(Pages, op.pages)
        moving = dict(args)
        while True:
            page = await self._call(op, moving, body, options)
            items = _page_items(pages, page)
            if items is None:
                return
            for item in items:
                yield item
            if not _next_page(pages, moving, page, len(items)):
                return

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._client!r})"

    def _raw_view(self: AA) -> AA:
        view = copy.copy(self)
        view._raw = True
        return view

    def _stream_view(self: AA) -> AA:
        view = copy.copy(self)
        view._stream = True
        return view


@dataclass(frozen=True)
class _Captured:
    """An operation call, as ``_call`` would send it."""

    op: Operation[Any]
    args: Mapping[str, Any]
    body: Any
    options: RequestOptions | None


def _capture(method: Callable[..., Any]) -> tuple[Any, Callable[..., Any]]:
    """The API object of a bound paged method, and the method bound to a capturing view."""
    api = getattr(method, "__self__", None)
    function = getattr(method, "__func__", None)
    if not isinstance(api, (SyncApi, AsyncApi)) or function is None:
        raise TypeError(
            "first_page takes a method of an API object, e.g. api.list_things"
        )
    view = copy.copy(api)
    view._capture = True
    return api, functools.partial(function, view)


def _paged(captured: Any) -> _Captured:
    if not isinstance(captured, _Captured) or captured.op.pages is None:
        raise TypeError(
            "first_page takes an operation that pages (one with an iter_ method)"
        )
    return captured


class _PageBase(Generic[T]):
    """What sync and async pages share: the page's data and where the next one starts."""

    def __init__(self, call: _Captured, data: T) -> None:
        self._call, self.data = call, data

    @property
    def items(self) -> list[Any]:
        """The page's items (empty when it has none)."""
        return _page_items(cast(Pages, self._call.op.pages), self.data) or []

    def _next_call(self) -> _Captured | None:
        pages = cast(Pages, self._call.op.pages)
        items = _page_items(pages, self.data)
        moving = dict(self._call.args)
        if items is None or not _next_page(pages, moving, self.data, len(items)):
            return None
        return _Captured(self._call.op, moving, self._call.body, self._call.options)

    def has_next_page(self) -> bool:
        return self._next_call() is not None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._call.op.name}, items={len(self.items)})"


class Page(_PageBase[T]):
    """One page of a paged operation: ``data`` (the page as the operation returns it) and
    ``items``; ``has_next_page()`` and ``next_page()`` page by hand."""

    def __init__(self, api: SyncApi, call: _Captured, data: T) -> None:
        super().__init__(call, data)
        self._api = api

    def next_page(self) -> Page[T]:
        """The following page; ``StopIteration`` after the last."""
        call = self._next_call()
        if call is None:
            raise StopIteration("this is the last page")
        data = self._api._call(call.op, call.args, call.body, call.options)
        return Page(self._api, call, data)


class AsyncPage(_PageBase[T]):
    """``Page`` for the async clients: ``await page.next_page()``."""

    def __init__(self, api: AsyncApi, call: _Captured, data: T) -> None:
        super().__init__(call, data)
        self._api = api

    async def next_page(self) -> AsyncPage[T]:
        """The following page; ``StopAsyncIteration`` after the last."""
        call = self._next_call()
        if call is None:
            raise StopAsyncIteration("this is the last page")
        data = await self._api._call(call.op, call.args, call.body, call.options)
        return AsyncPage(self._api, call, data)


def first_page(method: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Page[T]:
    """The first page of a paged operation: ``first_page(api.list_things, arg, ...)`` takes
    the method and its arguments; then ``page.has_next_page()`` / ``page.next_page()``.
    """
    api, bound = _capture(method)
    call = _paged(bound(*args, **kwargs))
    return Page(api, call, api._call(call.op, call.args, call.body, call.options))


async def afirst_page(
    method: Callable[P, Awaitable[T]], /, *args: P.args, **kwargs: P.kwargs
) -> AsyncPage[T]:
    """``first_page`` for an async API: ``await afirst_page(api.list_things, ...)``."""
    api, bound = _capture(method)
    call = _paged(await bound(*args, **kwargs))
    data = await api._call(call.op, call.args, call.body, call.options)
    return AsyncPage(api, call, data)


def _warn_deprecated(op: Operation[Any]) -> None:
    # stacklevel 4 names the caller: it sits above the method and ``_call`` (or ``_pages``),
    # and above the coroutine ``async_method`` made for an async call
    warnings.warn(f"{op.name} is deprecated", DeprecationWarning, stacklevel=4)


def _page_items(pages: Pages, page: Any) -> list[Any] | None:
    """A page's items; None when it has none, which ends the paging."""
    if page.get(pages.items_wire) is None:
        return None
    items = getattr(page, pages.items)
    return items if isinstance(items, list) and items else None


def _next_page(pages: Pages, args: dict[str, Any], page: Any, count: int) -> bool:
    """Move ``args`` past a page that held ``count`` items; False after the last page."""
    if pages.cursor:
        token = page.get(pages.next_cursor)
        if not isinstance(token, str) or not token:
            return False
        args[pages.cursor] = token
        return True
    args[pages.offset] = (args.get(pages.offset) or 0) + count
    limit = args.get(pages.limit) if pages.limit else None
    return not (isinstance(limit, int) and count < limit)


def raw_method(method: Callable[P, T]) -> Callable[P, ApiResponse[T]]:
    """Type a method of a raw view: same parameters, returns ``ApiResponse``."""
    return cast("Callable[P, ApiResponse[T]]", method)


def stream_method(method: Callable[P, Any]) -> Callable[P, StreamedResponse]:
    """Type a method of a streaming view: same parameters, returns ``StreamedResponse``."""
    return cast("Callable[P, StreamedResponse]", method)


def async_stream_method(
    method: Callable[P, Awaitable[Any]],
) -> Callable[P, Awaitable[AsyncStreamedResponse]]:
    """Type an async method of a streaming view: ``await`` gives ``AsyncStreamedResponse``."""
    return cast("Callable[P, Awaitable[AsyncStreamedResponse]]", method)


def async_raw_method(
    method: Callable[P, Awaitable[T]],
) -> Callable[P, Awaitable[ApiResponse[T]]]:
    """Type an async method of a raw view: same parameters, returns ``ApiResponse``."""
    return cast("Callable[P, Awaitable[ApiResponse[T]]]", method)


def async_method(
    method: Callable[Concatenate[Any, P], T],
) -> Callable[Concatenate[Any, P], Coroutine[Any, Any, T]]:
    """The async twin of a sync API method: same parameters and docstring, awaitable.

    The sync method only returns ``self._call(...)``; on an async API that is a coroutine.
    """

    async def twin(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return await cast("Awaitable[T]", method(self, *args, **kwargs))

    functools.update_wrapper(twin, method)
    return twin


def async_iterator(
    method: Callable[Concatenate[Any, P], Iterator[T]],
) -> Callable[Concatenate[Any, P], AsyncIterator[T]]:
    """The async twin of a sync ``iter_`` method: same parameters and docstring, ``async for``.

    The sync method only returns ``self._pages(...)``; on an async API that is an async generator.
    """

    def twin(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> AsyncIterator[T]:
        return cast("AsyncIterator[T]", method(self, *args, **kwargs))

    functools.update_wrapper(twin, method)
    return twin
