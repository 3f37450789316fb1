"""Secrets and redaction: credentials never print, and no log line or error message shows one."""

from __future__ import annotations

import logging
import re
from urllib.parse import quote

import httpx

from ._settings import ERROR_EXCERPT_CHARS

__all__ = [
    "NOT_HEADER_TEXT",
    "REDACT",
    "Secret",
    "excerpt",
    "redacted_url",
]


class Secret:
    """A credential: usable by the transport, shown as ``'***'`` everywhere else."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


class _RedactQueryCredentials(logging.Filter):
    """Masks API keys sent in the query string: httpx logs every request URL at INFO level.

    Only the values of the query parameters that carry credentials are masked
    (``apikey=...`` becomes ``apikey=***``), so no other text in a log line changes.
    """

    def __init__(self) -> None:
        super().__init__()
        self._names: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def add(self, name: str) -> None:
        if name not in self._names:
            self._names.add(name)
            names = "|".join(re.escape(quote(n, safe="")) for n in sorted(self._names))
            self._pattern = re.compile(rf"([?&](?:{names})=)[^&#\s\"']*")

    def filter(self, record: logging.LogRecord) -> bool:
        if self._pattern is not None:
            message = record.getMessage()
            redacted = self._pattern.sub(r"\1***", message)
            if redacted != message:
                record.msg = redacted
                record.args = ()
        return True


REDACT = _RedactQueryCredentials()
logging.getLogger("httpx").addFilter(REDACT)


def redacted_url(url: httpx.URL) -> str:
    """The URL without its query string, which may carry an API key."""
    return str(url.copy_with(query=None))


NOT_HEADER_TEXT = re.compile(r"[^\t\x20-\x7e]")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def excerpt(body: bytes, secrets: tuple[str, ...]) -> str:
    """What the server said, for an error message: bounded, one line, no control characters
    (so a body cannot forge log lines) and no credential of this client."""
    text = body[: ERROR_EXCERPT_CHARS * 4].decode("utf-8", errors="replace")
    text = " ".join(_UNPRINTABLE.sub(" ", text).split())
    for secret in secrets:
        text = text.replace(secret, "***")
    if len(text) > ERROR_EXCERPT_CHARS:
        text = text[:ERROR_EXCERPT_CHARS] + "…"
    return text
