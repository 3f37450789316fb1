"""Which regular expressions can backtrack without bound, and a ``re`` that will not run them long.

Python's ``re`` backtracks: ``^(a+)+$`` against ``"aaaa…!"`` tries every way to split the a's,
2**n of them. The danger is an unbounded repeat whose body can match one string in more than
one way: a repeat inside it (``(a+)+``, ``(\\d+\\.?)*``) or alternatives that do not start
with distinct characters. Such a pattern is only run against short strings (the length at
which even the worst of them ends at once, by how deeply they nest); for a longer one the
check is refused with a clear error. It is a heuristic over the parsed pattern: two
single-character parts overlap unless both are distinct literals (a class, ``\\w`` or ``.``
counts as overlapping anything), so ``(\\d|\\d\\d)+`` and ``(a|a)*`` are caught; alternatives
that start alike make a repeat's body ambiguous wherever they stand in it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .limits import MAX_NESTED_PATTERN_INPUT

try:  # the parser's name since Python 3.11
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c
    import sre_parse as _p

_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT}
_MANY = 10  # a repeat bounded above this counts as unbounded (``{1,1000}`` backtracks as ``+`` does)


class CostlyPattern(Exception):
    """A risky pattern was asked to match a string longer than its limit (MAX_NESTED_PATTERN_INPUT)."""


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


def longest_input(pattern: str) -> int | None:
    """The longest string ``pattern`` may be matched against, None for no limit."""
    depth = nesting(pattern)
    return None if depth == 0 else MAX_NESTED_PATTERN_INPUT.get(depth, MAX_NESTED_PATTERN_INPUT[0])


class BoundedRe:
    """Stands in for the ``re`` module where a library matches spec patterns against spec values."""

    def __getattr__(self, name: str) -> Any:
        return getattr(re, name)

    @staticmethod
    def search(pattern: Any, string: Any, flags: int = 0) -> Any:
        limit = longest_input(pattern) if isinstance(pattern, str) and isinstance(string, str) else None
        if limit is not None and len(string) > limit:
            raise CostlyPattern(
                f"the pattern {pattern!r} nests repeats, so matching can take exponential time; it is not "
                f"run against a value of {len(string)} characters (the limit is {limit}): rewrite it without "
                "a repeat inside a repeat (e.g. '^a+$' for '^(a+)+$'), or shorten the value"
            )
        return re.search(pattern, string, flags)


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
