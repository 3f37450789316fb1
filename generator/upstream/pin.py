"""Pin a new upstream snapshot: copy it in byte for byte and record its hash, origin and API version."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

from ..errors import SpecError
from ..pipeline import display_path
from .derive import sha256_hex
from .files import write_if_changed
from .recipe import dump_recipe, load_recipe, parse_recipe_text
from .selection import load_snapshot


def pin(recipe_path: Path, new_file: Path, origin: Mapping[str, str]) -> None:
    """Copy ``new_file`` over the recipe's snapshot; update ``sha256``, ``origin`` (merged) and ``api-version``.

    The new file must be a readable OpenAPI 3 or Swagger 2.0 document of the recipe's format; nothing
    is written otherwise. The overlay is left alone: ``derive`` reports its conflicts afterwards.
    """
    recipe = load_recipe(recipe_path)
    if recipe.upstream is None:
        raise SpecError(
            recipe.display, "/upstream", "the recipe has `upstream: none`", "give it an upstream block first"
        )
    try:
        raw = new_file.read_bytes()
    except OSError as error:
        raise SpecError(display_path(new_file), "", f"cannot read it: {error.strerror}", "check the path") from None
    doc = load_snapshot(new_file, display_path(new_file), raw)
    source = doc.source_version or str(doc.data.get("openapi", ""))[:3]
    found_format = "swagger-2.0" if source == "2.0" else f"openapi-{source}"
    if found_format != recipe.upstream.format:
        raise SpecError(
            display_path(new_file),
            "",
            f"the new file is {found_format}, the recipe's snapshot is {recipe.upstream.format}",
            "edit the recipe's upstream.format if upstream really changed format",
        )
    info = doc.data.get("info")
    version = info.get("version") if isinstance(info, dict) else None
    merged = dict(recipe.upstream.origin)
    merged.update({key: str(value) for key, value in origin.items() if value})
    upstream = dataclasses.replace(
        recipe.upstream,
        sha256=sha256_hex(raw),
        api_version=str(version) if version is not None else recipe.upstream.api_version,
        origin=tuple(merged.items()),
    )
    text = dump_recipe(dataclasses.replace(recipe, upstream=upstream))
    parse_recipe_text(text, recipe.path)  # never write a recipe that does not read back
    write_if_changed(recipe.snapshot_path, raw)
    write_if_changed(recipe.path, text.encode("utf-8"))
