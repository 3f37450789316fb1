"""Find the YAML comments of a hand-written spec: the file's leading block, and the comment of each node.

A node's comment is the trailing comment on its first line, or the block of comment lines just above
it (blank lines end the block). Lines inside multi-line scalars are text, never comments.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..loader import Document, pointer_of
from .overlay import Action, get_node
from .treediff import identical

Path_ = tuple[str | int, ...]


@dataclass
class SpecComments:
    """The comments of one YAML text, by line; ``used`` records the lines a caller has taken."""

    leading: list[str]  # the file's header comment, without "# "
    trailing: dict[int, str]  # 1-based line -> comment after content on that line
    block_above: dict[int, list[str]]  # 1-based line -> comment lines just above it
    used: set[int] = field(default_factory=set)

    def exactly_at(self, doc: Document, path: Path_) -> str:
        """The comment on or just above the first line of the node at ``path``; "" when none."""
        line = doc.line_of(pointer_of(path))
        return self._line(line) if line is not None else ""

    def _line(self, line: int) -> str:
        parts = list(self.block_above.get(line, []))
        if line in self.trailing:
            parts.append(self.trailing[line])
        if parts:
            self.used.add(line)
        return _joined(parts)

    def texts(self) -> set[str]:
        """Every comment of the text, as ``exactly_at`` returns them."""
        return {self._peek(line) for line in set(self.trailing) | set(self.block_above)}

    def unused(self) -> list[tuple[int, str]]:
        """Comments no node took: (line, text), for the recipe's notes so no reason is lost."""
        out: list[tuple[int, str]] = []
        for line in sorted(set(self.trailing) | set(self.block_above)):
            if line not in self.used:
                out.append((line, self._peek(line)))
        return out

    def _peek(self, line: int) -> str:
        parts = [*self.block_above.get(line, []), *([self.trailing[line]] if line in self.trailing else [])]
        return _joined(parts)


def _joined(parts: list[str]) -> str:
    """Comment lines as one reason: wrapped lines joined with spaces."""
    return " ".join(part.strip() for part in parts if part.strip())


def read_comments(text: str) -> SpecComments:
    lines = text.split("\n")
    inside = _scalar_lines(text)
    leading: list[str] = []
    index = 0
    while index < len(lines) and lines[index].lstrip().startswith("#"):
        leading.append(_comment_text(lines[index].lstrip()))
        index += 1
    trailing: dict[int, str] = {}
    block_above: dict[int, list[str]] = {}
    pending: list[str] = []
    for number, raw in enumerate(lines[index:], start=index + 1):
        if number in inside:
            continue
        stripped = raw.strip()
        if not stripped:
            pending = []
        elif stripped.startswith("#"):
            pending.append(_comment_text(stripped))
        else:
            if pending:
                block_above[number] = pending
                pending = []
            comment = _trailing_comment(raw)
            if comment is not None:
                trailing[number] = comment
    return SpecComments(leading, trailing, block_above)


def _comment_text(stripped: str) -> str:
    """``#   - item`` -> ``  - item``: one space after the ``#`` is syntax, more is indentation."""
    text = stripped[1:].rstrip()
    return text[1:] if text.startswith(" ") else text


def _trailing_comment(line: str) -> str | None:
    """The text after a `` #`` that is outside quotes, or None."""
    quote = ""
    for position, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"" and (position == 0 or line[position - 1] in " :[{,-"):
            quote = char
        elif char == "#" and position > 0 and line[position - 1] in " \t":
            return line[position + 1 :].strip()
    return None


def _scalar_lines(text: str) -> set[int]:
    """1-based lines that continue a multi-line scalar (block or flow): their ``#`` is text."""
    inside: set[int] = set()
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return inside
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            first, last = node.start_mark.line + 1, node.end_mark.line + 1
            if node.end_mark.column == 0:
                last -= 1  # a block scalar ends at the start of the next line
            inside.update(range(first + 1, last + 1))
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return inside


def comments_for(
    comments: SpecComments, doc: Document, data: Any, action: Action, skip: Set[str] = frozenset()
) -> list[str]:
    """The comments at the nodes ``action`` sets in ``data`` (the document ``doc`` holds), else at its
    target node; comments in ``skip`` (already there before the edit) are not the edit's reason."""
    path = action.path
    if action.remove:
        places = [path]
    else:
        target = get_node(data, path)
        if isinstance(target, list):  # appended: the new element is the last one equal to it
            found = [i for i, item in enumerate(target) if identical(item, action.update)]
            places = _subtree_paths((*path, found[-1] if found else len(target) - 1), action.update)
        elif isinstance(action.update, dict):
            places = [p for key, value in action.update.items() for p in _subtree_paths((*path, key), value)]
        else:
            places = [path]
    texts: list[str] = []
    for place in places:
        text = comments.exactly_at(doc, place)
        if text and text not in texts and text not in skip:
            texts.append(text)
    if not texts:  # an edit below a commented node, e.g. a changed key of a commented schema
        text = comments.exactly_at(doc, path)
        if text and text not in skip:
            texts.append(text)
    return texts


def _subtree_paths(path: Path_, value: Any) -> list[Path_]:
    """``path`` and every node below it in ``value`` (an added subtree: all its comments belong to the edit)."""
    out = [path]
    stack: list[tuple[Path_, Any]] = [(path, value)]
    while stack:
        where, node = stack.pop()
        children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, child in children:
            out.append((*where, key))
            stack.append(((*where, key), child))
    return sorted(out, key=lambda p: [str(part) for part in p])


def unused_note_lines(text: str, comments: SpecComments, skip: Set[str] = frozenset()) -> list[str]:
    """The comments no edit took (and not in ``skip``), as note lines naming the line they were on or above."""
    lines = text.split("\n")
    out: list[str] = []
    for line, comment in comments.unused():
        if comment and comment not in skip:
            where = lines[line - 1].split(" #")[0].strip() if line <= len(lines) else ""
            out.append(f"- at `{where}`: {comment}" if where else f"- {comment}")
    return out
