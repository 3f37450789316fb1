"""Local ``$ref`` resolution and checks: no network, nothing outside the spec's folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .limits import MAX_REF_CHAIN
from .loader import Document, load_document, pointer_of, split_pointer


class Resolver:
    """Follows ``$ref``s within the spec and sibling files of its folder."""

    def __init__(self, root: Document) -> None:
        self.root = root
        self.folder = root.path.resolve().parent
        self._documents: dict[Path, Document] = {root.path.resolve(): root}

    def _document(self, ref: str, doc: Document, at: str) -> Document:
        if "\x00" in ref:
            raise doc.error(at, f"$ref {ref!r} holds a NUL character", "remove the NUL from the file name in the $ref")
        try:
            target = (doc.path.resolve().parent / ref).resolve()
            usable = target.is_file() if target.is_relative_to(self.folder) else True
        except (OSError, ValueError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            raise doc.error(
                at, f"$ref {ref!r}: cannot read that file ({reason})", "check the file name in the $ref"
            ) from None
        if not target.is_relative_to(self.folder):
            raise doc.error(
                at,
                f"$ref {ref!r} points outside the spec's folder",
                "copy the referenced file next to the spec; refs may not leave its folder",
            )
        if target not in self._documents:
            if not usable:
                raise doc.error(at, f"$ref {ref!r}: no such file", "check the file name in the $ref")
            display = str(Path(doc.display).parent / ref)
            self._documents[target] = load_document(target, display)
        return self._documents[target]

    def lookup(self, ref: str, doc: Document, at: str) -> tuple[Any, Document, str]:
        """The node a ``$ref`` string points to, with its document and pointer."""
        parts = urlsplit(ref)
        if parts.scheme or parts.netloc:
            raise doc.error(
                at,
                f"remote $ref {ref!r} is refused (the generator never uses the network)",
                "download the referenced document next to the spec and use a relative $ref",
            )
        file_part, _, fragment = ref.partition("#")
        target_doc = self._document(file_part, doc, at) if file_part else doc
        node: Any = target_doc.data
        for part in split_pointer(fragment):
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                raise doc.error(
                    at,
                    f"unresolved $ref {ref!r}: {target_doc.display} has nothing at {fragment or '/'}",
                    "fix the $ref or add the missing component",
                )
        return node, target_doc, fragment

    def deref(self, node: Any, doc: Document, pointer: str) -> tuple[Any, Document, str]:
        """Follow ``$ref`` chains from ``node`` to a node that is not a bare ``$ref``."""
        seen: list[str] = []
        start_doc, start = doc, pointer
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            key = f"{doc.path}#{pointer}"
            if key in seen:
                raise doc.error(
                    pointer,
                    f"$ref cycle: {' -> '.join(seen)} -> {key}",
                    "break the cycle: a $ref must lead to a schema, not back to itself",
                )
            if len(seen) == MAX_REF_CHAIN:  # also keeps the cycle check above cheap
                raise start_doc.error(
                    start,
                    f"a chain of more than {MAX_REF_CHAIN} $refs to $refs starts here (it is still going at {pointer})",
                    "point the $ref at the schema itself instead of at another $ref",
                )
            seen.append(key)
            node, doc, pointer = self.lookup(ref, doc, pointer_of([*split_pointer(pointer), "$ref"]))
        return node, doc, pointer


def check_refs(resolver: Resolver) -> None:
    """Resolve every ``$ref`` in the spec once, so a bad one is reported before anything else."""
    root = resolver.root
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(root.data, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not (len(path) >= 1 and path[-1] == "properties"):
                resolver.deref(node, root, pointer_of(path))
            for key, value in node.items():
                if key != "$ref" and isinstance(value, (dict, list)):
                    if key in ("example", "examples") or key.startswith("x-"):
                        continue
                    stack.append((value, (*path, key)))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                if isinstance(value, (dict, list)):
                    stack.append((value, (*path, index)))
