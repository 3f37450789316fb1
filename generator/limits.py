"""The documented limits on what the generator reads: each keeps time and memory bounded.

Going past one is a clear error naming the place, never a hang. They are far above what a
real API description needs (the largest public specs stay well below each).
"""

from __future__ import annotations

# a spec file, or a file its $refs read, larger than this is refused before it is read
MAX_SPEC_BYTES = 64 * 1024 * 1024
# YAML aliases (``*name``) may add at most this many nodes to the document when expanded
# (the "billion laughs" attack: a 1 KB file whose aliases expand to a billion nodes)
MAX_ALIAS_EXPANSION = 1_000_000
# the longest package name (a folder name: the file system allows 255 bytes, staging adds some)
MAX_PACKAGE_NAME = 100
# the longest chain of $refs to $refs (a -> b -> c ...) that is followed
MAX_REF_CHAIN = 100
# the most digits an integer literal in a spec may have (Python's own limit is 4300)
MAX_INT_DIGITS = 4300
# a `pattern` with an unbounded repeat over a body that can match one string in several ways
# (``(a+)+``, ``(\d+\.?)*``) can take exponential time: matching it against a value longer than a
# few characters runs in a forked child that gets this many CPU seconds, and is refused past them
MAX_PATTERN_SECONDS = 2
