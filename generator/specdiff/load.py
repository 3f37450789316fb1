"""Load a spec file (or its bytes) for diffing: any OpenAPI 3.x as it is, Swagger 2.0 converted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import SpecError
from ..loader import Document, load_document, parse_text
from ..validate import openapi3, prepare, report, schema_findings


def load_for_diff(source: Path | str | bytes, display: str) -> dict[str, Any]:
    """The OpenAPI 3 document in ``source`` (a path, or the file's bytes), as plain data.

    A Swagger 2.0 file is validated first (the converter relies on a valid input) and converted
    with the generator's own converter, so both sides of a diff read the way generation reads them.
    """
    if isinstance(source, bytes):
        try:
            text = source.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SpecError(display, "", f"not UTF-8 text (byte {exc.start})", "save the spec as UTF-8") from None
        doc = Document(path=Path(display), data=parse_text(text, display), text=text, display=display)
    else:
        doc = load_document(Path(source), display)
    version = prepare(doc)
    if version == "2.0":
        report(schema_findings(doc, version), allow_invalid=False, warn=None)
    data = openapi3(doc, version).data
    if not isinstance(data, dict):
        raise SpecError(
            display, "", "the document is not a mapping", "give an OpenAPI document (a JSON or YAML object)"
        )
    return data
