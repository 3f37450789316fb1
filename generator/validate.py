"""Validation: the document is OpenAPI 3.x, its $refs are safe, and openapi-spec-validator agrees."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .errors import SpecError
from .loader import Document, pointer_of
from .refs import Resolver, check_refs


def check_document(doc: Document) -> None:
    """Is this an OpenAPI 3.0/3.1 document at all? (Before the schema validator runs.)"""
    data = doc.data
    if not isinstance(data, dict):
        raise doc.error(
            "",
            "the document is not a mapping, so it is not an OpenAPI document",
            "start the file with 'openapi: 3.0.3'",
        )
    version = data.get("openapi")
    if version is None:
        if "swagger" in data:
            raise doc.error(
                "/swagger",
                f"Swagger {data['swagger']} documents are not supported",
                "convert it to OpenAPI 3.x (for example with swagger2openapi) and curate the result",
            )
        raise doc.error("", "no 'openapi' field: this is not an OpenAPI document", "add 'openapi: 3.0.3' at the top")
    if not isinstance(version, str) or not version.startswith(("3.0", "3.1")):
        raise doc.error("/openapi", f"OpenAPI version {version!r} is not supported", "use OpenAPI 3.0.x or 3.1.x")


def _validator_errors(doc: Document) -> Iterator[Any]:
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    validator_class = OpenAPIV31SpecValidator if str(doc.data["openapi"]).startswith("3.1") else OpenAPIV30SpecValidator
    validator = validator_class(doc.data, base_uri=doc.path.resolve().as_uri())
    return iter(validator.iter_errors())


def validate_schema(doc: Document) -> list[SpecError]:
    """openapi-spec-validator's findings, each with a pointer and line where it gives a path."""
    found: list[SpecError] = []
    for error in _validator_errors(doc):
        path = list(getattr(error, "absolute_path", []) or [])
        pointer = pointer_of(path)
        message = str(getattr(error, "message", error)).splitlines()[0]
        if len(message) > 400:
            message = message[:400] + "..."
        found.append(
            doc.error(
                pointer, f"invalid OpenAPI: {message}", "fix the spec at that place (see the OpenAPI specification)"
            )
        )
    return found


def validate(doc: Document) -> Resolver:
    """Run every check that does not need the IR; the first problem is raised."""
    check_document(doc)
    resolver = Resolver(doc)
    check_refs(resolver)
    errors = validate_schema(doc)
    if errors:
        raise errors[0]
    return resolver
