"""Which regular expressions can backtrack without bound, and a ``re`` that will not run them long.

Python's ``re`` backtracks: ``^(a+)+$`` against ``"aaaa…!"`` tries every way to split the a's,
2**n of them. The danger is an unbounded repeat whose body can match one string in more than
one way: a repeat inside it (``(a+)+``, ``(\\d+\\.?)*``) or alternatives that may start alike.
Such a pattern is matched in a forked child with a CPU-time limit (MAX_PATTERN_SECONDS) for any
value longer than a few characters, so no base of the exponential can make it hang; past the
limit the check is refused with a clear error. Which patterns are risky is a heuristic over the
parsed pattern: two single-character parts overlap unless both are distinct literals (a class,
``\\w`` or ``.`` counts as overlapping anything), so ``(\\d|\\d\\d)+`` and ``(a|a)*`` are caught;
alternatives that start alike make a repeat's body ambiguous wherever they stand in it.
"""

from __future__ import annotations

import os
import re
import select
import signal
from functools import lru_cache
from typing import Any

from .limits import MAX_PATTERN_SECONDS

try:  # the parser's name since Python 3.11
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c
    import sre_parse as _p

_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT}
_MANY = 10  # a repeat bounded above this counts as unbounded (``{1,1000}`` backtracks as ``+`` does)
# values this short are matched in-process even by a risky pattern: (bases of 10 and more)**4 steps
# still end at once, and a fork costs more
_SHORT = 4
# the parent waits this many times the child's CPU limit in wall-clock time (a loaded machine)
_WALL_FACTOR = 10


class CostlyPattern(Exception):
    """A risky pattern did not finish matching a value within MAX_PATTERN_SECONDS of CPU time."""


def _unbounded(high: int) -> bool:
    return bool(high == _c.MAXREPEAT or high > _MANY)


def _items(sequence: Any) -> list[tuple[Any, Any]]:
    """The items of a parsed sequence with plain groups opened (a group in a sequence is just its items)."""
    out: list[tuple[Any, Any]] = []
    for op, av in sequence:
        if op is _c.SUBPATTERN:
            out.extend(_items(av[-1]))
        else:
            out.append((op, av))
    return out


_ONE_CHARACTER = {_c.LITERAL, _c.NOT_LITERAL, _c.IN, _c.ANY, _c.CATEGORY}


def _overlap(a: tuple[Any, Any], b: tuple[Any, Any]) -> bool:
    """Whether two single-character parts may match one character (only two distinct literals cannot)."""
    return not (a[0] is _c.LITERAL and b[0] is _c.LITERAL and a[1] != b[1])


def _optional_firsts(body: Any) -> list[tuple[Any, Any]]:
    """The single-character parts an optional part of ``body`` (``x?``, ``(|x)``) can start with."""
    out: list[tuple[Any, Any]] = []
    for op, av in _items(body):
        if op in _REPEATS and av[0] == 0:
            first = _items(av[2])[:1]
        elif op is _c.BRANCH and any(not _items(b) for b in av[1]):
            first = [f for b in av[1] for f in _items(b)[:1]]
        else:
            continue
        out.extend(f for f in first if f[0] in _ONE_CHARACTER)
    return out


def _branches_overlap(branches: list[Any]) -> bool:
    """Whether two alternatives may start alike (or match nothing), so one string has two parses."""
    firsts = [_items(b)[:1] for b in branches]
    if not all(f and f[0][0] in _ONE_CHARACTER for f in firsts):
        return True
    return any(_overlap(a[0], b[0]) for i, a in enumerate(firsts) for b in firsts[i + 1 :])


def _ambiguous(body: Any) -> bool:
    """Whether a repeated body can match one string in several ways: it holds an unbounded
    repeat (or overlapping alternatives) and everything else in it may match nothing, or an
    optional part of it can take a character a required literal of it takes (``(a|aa)+`` is
    ``(a(|a))+``, ``(a?a)+``)."""
    items = _items(body)
    required = [(op, av) for op, av in items if op in _ONE_CHARACTER]
    if any(_overlap(r, o) for r in required for o in _optional_firsts(body)):
        return True
    if any(op is _c.BRANCH and _branches_overlap(av[1]) for op, av in items):
        return True
    found = False
    for op, av in _items(body):
        if op in _REPEATS:
            low, high, inner = av
            if _unbounded(high) or _ambiguous(inner):
                found = True
            elif low > 0:
                return False
        elif op is _c.BRANCH:
            branches = av[1]
            if any(_ambiguous(b) for b in branches):
                found = True
            elif not any(not _items(b) for b in branches):
                return False
        elif op is _c.AT:  # an anchor matches nothing
            continue
        else:
            return False
    return found


def _depth(sequence: Any) -> int:
    """How many ambiguous unbounded repeats nest in ``sequence`` (0: it backtracks linearly)."""
    deepest = 0
    for op, av in sequence:
        if op in _REPEATS:
            _, high, inner = av
            own = 1 if _unbounded(high) and _ambiguous(inner) else 0
            deepest = max(deepest, own + _depth(inner))
        elif op is _c.SUBPATTERN:
            deepest = max(deepest, _depth(av[-1]))
        elif op is _c.BRANCH:
            deepest = max([deepest, *(_depth(b) for b in av[1])])
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            deepest = max(deepest, _depth(av[1]))
    return deepest


@lru_cache(maxsize=1024)
def nesting(pattern: str) -> int:
    """How deeply ``pattern`` nests ambiguous unbounded repeats (0: safe to run on any input)."""
    try:
        return _depth(_p.parse(pattern))
    except (re.error, RecursionError, OverflowError, ValueError):
        return 0  # it does not compile: the caller's re reports that


class _Found:
    """What ``search`` answers for a match made in the child: truthy and not None, as a match is."""

    def __bool__(self) -> bool:
        return True


def _search_in_child(pattern: str, string: str, flags: int) -> bool | None:
    """Whether ``pattern`` matches, found in a forked child with a CPU-time limit; None when the
    child ran out of it (or died). The limit also ends the child if this process is killed."""
    import resource

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: match, answer one byte, leave without cleanup handlers
        try:
            os.close(read)
            resource.setrlimit(resource.RLIMIT_CPU, (MAX_PATTERN_SECONDS, MAX_PATTERN_SECONDS + 1))
            os.write(write, b"1" if re.search(pattern, string, flags) is not None else b"0")
        finally:
            os._exit(0)
    os.close(write)
    answer = b""
    try:
        ready, _, _ = select.select([read], [], [], MAX_PATTERN_SECONDS * _WALL_FACTOR)
        if ready:
            answer = os.read(read, 1)  # b"" when SIGXCPU ended the child
    finally:
        os.close(read)
        if not answer:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os.waitpid(pid, 0)
    return None if not answer else answer == b"1"


class BoundedRe:
    """Stands in for the ``re`` module where a library matches spec patterns against spec values."""

    def __getattr__(self, name: str) -> Any:
        return getattr(re, name)

    @staticmethod
    def search(pattern: Any, string: Any, flags: int = 0) -> Any:
        risky = isinstance(pattern, str) and isinstance(string, str) and len(string) > _SHORT and nesting(pattern)
        if not risky:
            return re.search(pattern, string, flags)
        found = _search_in_child(pattern, string, flags)
        if found is None:
            raise CostlyPattern(
                f"the pattern {pattern!r} can backtrack exponentially (a repeat over a body that matches one "
                f"string in several ways), and matching it against a value of {len(string)} characters did not "
                f"end within {MAX_PATTERN_SECONDS} CPU seconds: rewrite it so that each repeated part matches a "
                "string one way only (e.g. '^a+$' for '^(a+)+$', '^\\d+$' for '^(\\d|\\d\\d)+$'), or shorten the value"
            )
        return _Found() if found else None


# the modules that match spec patterns against spec values with ``re.search``
_LIBRARY_MODULES = (
    "jsonschema._keywords",
    "jsonschema._legacy_keywords",
    "jsonschema._utils",
    "openapi_schema_validator._regex",
)


def bound_library_regexes() -> None:
    """Give the validator libraries the bounded ``re`` (idempotent; a module that is missing is skipped)."""
    import importlib

    for name in _LIBRARY_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if getattr(module, "re", None) is re:
            module.re = BoundedRe()  # type: ignore[attr-defined]
