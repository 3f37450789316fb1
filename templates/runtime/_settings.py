"""Settings every client reads: the environment, logging, the User-Agent and timeouts."""

from __future__ import annotations

import logging
import os
import platform
import sys

import httpx

from . import __version__
from ._model import Unset
from .errors import InvalidRequestError

__all__ = [
    "DEFAULT_TIMEOUT",
    "DEFAULT_TOTAL_TIMEOUT",
    "ENV_PREFIX",
    "ERROR_EXCERPT_CHARS",
    "MAX_REDIRECTS",
    "USER_AGENT",
    "TimeoutTypes",
    "check_timeout",
    "env",
    "total_timeout",
]

TimeoutTypes = float | httpx.Timeout | None
logger = logging.getLogger(__package__)
# settings read from the environment are named ``<PACKAGE>_<SETTING>``, e.g. ``<PACKAGE>_BASE_URL``
ENV_PREFIX = (__package__ or "client").upper() + "_"
USER_AGENT = (
    f"{__package__}/{__version__} Python/{platform.python_version()} "
    f"httpx/{httpx.__version__}"
)
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
# the most one attempt may take in all (a body that trickles in never ends otherwise): a
# number given as ``timeout`` is the total too; the default and an ``httpx.Timeout`` use this
DEFAULT_TOTAL_TIMEOUT = 600.0
MAX_REDIRECTS = 10  # same-origin redirects followed per call
ERROR_EXCERPT_CHARS = 500  # how much of an error body an error message quotes


def env(name: str) -> str | None:
    """The setting ``<PACKAGE>_<name>`` from the environment; unset or empty is None."""
    return os.environ.get(ENV_PREFIX + name) or None


def _configure_logging_from_env() -> None:
    """``<PACKAGE>_LOG=debug`` (or ``info``) logs each request and response line to stderr."""
    level = env("LOG")
    if level is None or level.upper() not in ("DEBUG", "INFO"):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s")
    )
    logger.addHandler(handler)
    logger.setLevel(level.upper())


_configure_logging_from_env()


def check_timeout(timeout: TimeoutTypes | Unset) -> None:
    """A negative or NaN timeout is the caller's error, found before anything is sent."""
    if isinstance(timeout, httpx.Timeout):
        values = [timeout.connect, timeout.read, timeout.write, timeout.pool]
    elif isinstance(timeout, (int, float)) and not isinstance(timeout, bool):
        values = [timeout]
    elif timeout is None or isinstance(timeout, Unset):
        return
    else:
        raise InvalidRequestError(
            f"timeout must be seconds, an httpx.Timeout or None, got {type(timeout).__name__}"
        )
    for value in values:
        if value is not None and not value >= 0:  # NaN too
            raise InvalidRequestError(
                f"timeout must be 0 or more seconds, got {value!r}"
            )


def total_timeout(timeout: TimeoutTypes | Unset) -> float | None:
    if isinstance(timeout, (int, float)):
        return float(timeout)
    if timeout is None:
        return None
    return DEFAULT_TOTAL_TIMEOUT
