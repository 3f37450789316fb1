"""The retry policy: which answers are retried, and how long to wait before the next attempt."""

from __future__ import annotations

import datetime
import email.utils
import random
import time

import httpx

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "INITIAL_RETRY_DELAY",
    "MAX_RETRY_AFTER",
    "MAX_RETRY_DELAY",
    "RETRY_STATUSES",
    "async_sleep",
    "retry_delay",
    "sleep",
]

DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


def _retry_after(headers: httpx.Headers) -> float | None:
    """Seconds from ``Retry-After`` (seconds or HTTP date) or ``retry-after-ms``, if sensible."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return float(millis) / 1000.0
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None  # not a date either: fall back to backoff
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed.timestamp() - time.time()


def retry_delay(retry: int, headers: httpx.Headers | None) -> float:
    """How long to wait before retry number ``retry`` (0-based): ``Retry-After`` or backoff."""
    if headers is not None:
        after = _retry_after(headers)
        if after is not None and 0 <= after <= MAX_RETRY_AFTER:
            return after
    delay = min(INITIAL_RETRY_DELAY * (2.0**retry), MAX_RETRY_DELAY)
    return delay * (1.0 - 0.25 * random.random())  # noqa: S311 - jitter, not a secret


def sleep(seconds: float) -> None:
    """Wait between retries (a module function so tests can replace it)."""
    time.sleep(seconds)


async def async_sleep(seconds: float) -> None:
    """Wait between retries in async code (a module function so tests can replace it).

    anyio (an httpx dependency) sleeps in whichever event loop runs: asyncio or trio.
    """
    import anyio

    await anyio.sleep(seconds)
