"""Validation: the document is OpenAPI 3.x or Swagger 2.0, its $refs are safe, and
openapi-spec-validator agrees.

openapi-spec-validator reports its semantic findings (a default outside its enum, a duplicate
operationId, a path parameter nobody declares, ...) without saying where they are. We run it
with its keyword validators wrapped so that every finding keeps the node it was found at, and
turn that into a JSON pointer and a line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, ClassVar

from . import ecma
from .errors import SpecError
from .loader import Document, pointer_of, split_pointer
from .refs import Resolver, check_refs

ALLOW_INVALID_HINT = "or pass --allow-invalid to generate anyway (each violation is then reported as a warning)"


def check_document(doc: Document) -> str:
    """Is this an OpenAPI 3.0/3.1 or Swagger 2.0 document at all? Returns "2.0", "3.0" or "3.1"."""
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
            if str(data["swagger"]) != "2.0":
                raise doc.error(
                    "/swagger",
                    f"Swagger {data['swagger']!r} is not supported",
                    "use Swagger 2.0 or OpenAPI 3.0.x/3.1.x",
                )
            return "2.0"
        raise doc.error("", "no 'openapi' field: this is not an OpenAPI document", "add 'openapi: 3.0.3' at the top")
    if not isinstance(version, str) or not version.startswith(("3.0", "3.1")):
        raise doc.error(
            "/openapi",
            f"OpenAPI version {version!r} is not supported",
            "use OpenAPI 3.0.x or 3.1.x (as a quoted string) or Swagger 2.0",
        )
    return version[:3]


@dataclass
class _Where:
    keyword: str  # the keyword validator that reported the finding
    parts: tuple[Any, ...]  # the node it was looking at (a logical path; $refs not followed)


class _Seen(list[int]):
    """A list of ids with constant-time membership.

    openapi-spec-validator's schema validator remembers the schemas it has checked in plain
    lists and asks ``id in list`` for every schema it meets, which made large specs quadratic
    (GitHub's spec spent most of its validation time there)."""

    def __init__(self) -> None:
        super().__init__()
        self._ids: set[int] = set()

    def append(self, item: int) -> None:
        self._ids.add(item)
        super().append(item)

    def __contains__(self, item: object) -> bool:
        return item in self._ids


@lru_cache(maxsize=1)
def _draft4_meta() -> Any:
    """jsonschema-rs's validator for the meta-schema OpenAPI 3.0 schemas are checked against
    (JSON Schema draft 4), formats off; None where jsonschema-rs is missing."""
    try:
        import jsonschema_rs
        from openapi_schema_validator import OAS30Validator

        return jsonschema_rs.validator_for(dict(OAS30Validator.META_SCHEMA), validate_formats=False)
    except Exception:  # an optional speed-up: the pure-Python check remains
        return None


def _patterns_compile(value: Any) -> bool:
    """The one format the meta-schema checks: every ``pattern`` is an ECMA-262 regular expression."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            pattern = node.get("pattern")
            if isinstance(pattern, str) and not ecma.is_valid(pattern):
                return False
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return True


def _accepts(fast: Any, value: Any) -> bool:
    """Whether jsonschema-rs finds ``value`` valid; False where it cannot take it (non-string keys, ...)."""
    try:
        return bool(fast.is_valid(value))
    except Exception:
        return False


def _fast_first(slow: Callable[[Any], None]) -> Callable[[Any], None]:
    """A meta-schema check that asks jsonschema-rs first and jsonschema only for schemas it
    rejects: the same findings (jsonschema words them), about ten times faster on large specs."""
    fast = _draft4_meta()
    if fast is None:
        return slow

    def check(value: Any) -> None:
        if not (_accepts(fast, value) and _patterns_compile(value)):
            slow(value)

    return check


class _DocumentCheck:
    """The whole document against the OpenAPI JSON Schema: jsonschema-rs says whether it is
    valid; only an invalid document goes through jsonschema, whose errors carry the detail
    (the alternatives of a oneOf) the messages are made of. (openapi-spec-validator would use
    jsonschema-rs alone once it is installed, and lose that detail.)"""

    def __init__(self, schema: Any) -> None:
        from jsonschema.validators import validator_for  # type: ignore[import-untyped]

        self.schema = dict(schema)
        self._slow = validator_for(self.schema)(self.schema)
        try:
            import jsonschema_rs

            self._fast: Any = jsonschema_rs.validator_for(self.schema, validate_formats=False)
        except Exception:  # an optional speed-up
            self._fast = None

    def iter_errors(self, instance: Any) -> Iterator[Any]:
        if self._fast is not None and _accepts(self._fast, instance):
            return iter(())
        return iter(self._slow.iter_errors(instance))


def _located(cls: type[Any], keyword: str) -> type[Any]:
    """A keyword validator that tags each finding with the node it was checking."""
    from jsonschema_path import SchemaPath
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
    from openapi_spec_validator.validation.keywords import OpenAPIV30SchemaValidator

    draft4 = issubclass(cls, OpenAPIV30SchemaValidator)  # Swagger 2.0 and OpenAPI 3.0

    class Located(cls):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            for name in ("visited_schema_ids", "meta_checked_schema_ids"):
                if isinstance(getattr(self, name, None), list):
                    setattr(self, name, _Seen())

        def _get_schema_checker(self, *args: Any) -> Callable[[Any], None]:
            plain: Callable[[Any], None] = super()._get_schema_checker(*args)

            def checker(value: Any) -> None:
                # jsonschema reads patterns with re: it sees ECMA-only syntax in Python form; a
                # schema it still rejects is checked as written, so findings quote the spec itself
                translated = ecma.with_python_patterns(value)
                if translated is value:
                    plain(value)
                    return
                try:
                    plain(translated)
                except Exception:
                    plain(value)

            return _fast_first(checker) if draft4 else checker

        def __call__(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
            node = next((a for a in args if isinstance(a, SchemaPath)), None)
            try:
                for error in super().__call__(*args, **kwargs):
                    if not isinstance(error, OpenAPIValidationError):
                        error = OpenAPIValidationError.create_from(error)
                    if node is not None and getattr(error, "clientgen_where", None) is None:
                        error.clientgen_where = _Where(keyword, tuple(node.parts))
                    yield error
            except (RecursionError, KeyboardInterrupt):
                raise
            except Exception as exc:  # the validator itself failed on this node (e.g. non-ASCII base64)
                failure = OpenAPIValidationError(
                    f"openapi-spec-validator cannot check it ({type(exc).__name__}: {exc})"
                )
                failure.clientgen_where = _Where(keyword, tuple(node.parts) if node is not None else ())
                yield failure

    Located.__name__ = cls.__name__
    return Located


@cache  # one class per version: its document check compiles the OpenAPI schema
def _validator(version: str) -> type[Any]:
    from .regexrisk import bound_library_regexes

    bound_library_regexes()  # a spec's pattern must not backtrack for ever on the spec's own default
    from openapi_spec_validator import OpenAPIV2SpecValidator, OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    base: type[Any] = {"2.0": OpenAPIV2SpecValidator, "3.0": OpenAPIV30SpecValidator}.get(
        version, OpenAPIV31SpecValidator
    )

    class Validator(base):  # type: ignore[misc]
        keyword_validators: ClassVar[dict[str, Any]] = {
            key: _located(cls, key) for key, cls in base.keyword_validators.items()
        }
        schema_validator = _DocumentCheck(base.schema_validator.schema)

    return Validator


def _physical(doc: Document, parts: tuple[Any, ...]) -> str:
    """The pointer of the node at a logical path, following local $refs on the way."""
    node: Any = doc.data
    pointer: list[str] = []
    for part in parts:
        hops = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and part not in node and hops < 50:
            ref = node["$ref"]
            if not ref.startswith("#"):
                return pointer_of([*pointer, *parts[len(pointer) :]])
            target: Any = doc.data
            for piece in split_pointer(ref[1:]):
                target = target.get(piece) if isinstance(target, dict) else None
            if target is None:
                break
            node, pointer = target, split_pointer(ref[1:])
            hops += 1
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            node = None
        pointer.append(str(part))
    return pointer_of(pointer)


def _tag_pointer(doc: Document, message: str) -> str:
    """The second tag with a duplicated name."""
    seen: set[str] = set()
    for index, tag in enumerate(doc.data.get("tags") or []):
        name = tag.get("name") if isinstance(tag, dict) else None
        if isinstance(name, str):
            if name in seen and f"'{name}'" in message:
                return f"/tags/{index}/name"
            seen.add(name)
    return "/tags"


def _leaves(error: Any) -> list[Any]:
    context = getattr(error, "context", None)
    if not context:
        return [error]
    return [leaf for child in context for leaf in _leaves(child)]


def _best(error: Any) -> tuple[Any, str]:
    """The most specific finding inside a oneOf/anyOf failure and its message: the deepest
    ones, not counting the alternative "a $ref instead" that every OpenAPI object has; enum
    findings of several alternatives at one place are merged ("not one of [a, b, c]")."""
    from jsonschema.exceptions import best_match  # type: ignore[import-untyped]

    leaves = [e for e in _leaves(error) if e.message != "'$ref' is a required property"]
    if not leaves or leaves == [error]:
        return error, str(getattr(error, "message", error)).strip()
    deepest = max(len(e.absolute_path) for e in leaves)
    leaves = [e for e in leaves if len(e.absolute_path) == deepest]
    if all(e.validator == "enum" for e in leaves):
        allowed = [v for e in leaves for v in e.validator_value if isinstance(e.validator_value, list)]
        return leaves[0], f"{leaves[0].instance!r} is not one of {list(dict.fromkeys(allowed))!r}"
    best = best_match(leaves) or leaves[0]
    return best, str(best.message).strip()


def _duplicate(error: Any) -> tuple[list[Any], str] | None:
    """For a uniqueItems failure: the path of the second of two equal items, and the item."""
    if getattr(error, "validator", None) != "uniqueItems" or not isinstance(error.instance, list):
        return None
    items = error.instance
    for index, item in enumerate(items):
        if item in items[:index]:
            return [*error.absolute_path, index], repr(item)[:100]
    return None


def _describe(doc: Document, error: Any) -> SpecError:
    """One finding as a SpecError with a pointer, a line, what is wrong and what to do."""
    where: _Where | None = getattr(error, "clientgen_where", None)
    relative = [*getattr(error, "absolute_path", [])]
    message = str(getattr(error, "message", error)).strip()
    hint = "fix the spec at that place (see the OpenAPI specification), " + ALLOW_INVALID_HINT
    if where is None:
        detail, detail_message = _best(error)
        if detail is not error:
            relative = [*getattr(detail, "absolute_path", relative)]
            message = detail_message or message
        unknown = re.match(r"'([^']*)' does not match any of the regexes", message)
        if unknown and getattr(detail, "validator", None) == "additionalProperties":
            relative = [*relative, unknown.group(1)]  # point at the key itself
        duplicate = _duplicate(detail)
        if duplicate is not None:
            relative, item = duplicate
            message = f"{item} is already in this list (it must not repeat)"
        pointer = pointer_of(relative)
        what = "invalid OpenAPI"
    else:
        node = _physical(doc, where.parts)
        name = type(error).__name__
        if where.keyword == "default":
            pointer = node + "/default" + pointer_of(relative)
            what = "the default value does not match its schema"
            hint = "make the default one of the values the schema allows, " + ALLOW_INVALID_HINT
        elif name == "DuplicateOperationIDError":
            pointer = node + "/operationId"
            what = "duplicate operationId"
            hint = "give every operation its own operationId, " + ALLOW_INVALID_HINT
        elif name == "UnresolvableParameterError":
            pointer = node
            what = "path parameters do not match the path template"
            hint = "declare every {name} of the path as an 'in: path' parameter and no others, " + ALLOW_INVALID_HINT
        elif name == "ExtraParametersError":
            pointer = node + "/required"
            what = "required names a property the schema does not have"
            hint = "add the property or remove it from required, " + ALLOW_INVALID_HINT
        elif where.keyword == "tags":
            pointer = _tag_pointer(doc, message)
            what = "duplicate tag"
        else:
            pointer = node + pointer_of(relative)
            what = "invalid schema"
    if len(message) > 300:
        message = message[:300] + "..."
    return doc.error(pointer, f"{what}: {message}", hint)


def validate_schema(doc: Document, version: str) -> list[SpecError]:
    """openapi-spec-validator's findings, each with a pointer and a line."""
    validator = _validator(version)(doc.data, base_uri=doc.path.resolve().as_uri())
    found: list[SpecError] = []
    seen: set[str] = set()
    errors = validator.iter_errors()
    while True:
        try:
            error = next(errors)
        except StopIteration:
            break
        except RecursionError:
            raise
        except Exception as exc:  # a failure of the validator outside any node we know
            found.append(
                doc.error(
                    "",
                    f"openapi-spec-validator cannot check this spec ({type(exc).__name__}: {str(exc)[:200]})",
                    "check the spec with another OpenAPI validator, " + ALLOW_INVALID_HINT,
                )
            )
            break
        described = _describe(doc, error)
        key = f"{described.pointer}\0{described.message}"
        if key not in seen:
            seen.add(key)
            found.append(described)
    return found


Warn = Callable[[SpecError], None]


def prepare(doc: Document) -> str:
    """The checks before openapi-spec-validator: the version ("2.0", "3.0" or "3.1") and safe $refs."""
    version = check_document(doc)
    check_refs(Resolver(doc))
    return version


def schema_findings(doc: Document, version: str) -> list[SpecError]:
    """openapi-spec-validator's findings; a spec too deep to check at all is raised."""
    try:
        return validate_schema(doc, version)
    except RecursionError:
        raise doc.error("", "the spec nests too deeply to validate", "flatten it with named components") from None


def report(findings: list[SpecError], allow_invalid: bool, warn: Warn | None) -> None:
    """Without ``allow_invalid`` raise the first finding (saying how many more there are);
    with it, pass each to ``warn``."""
    if findings and not allow_invalid:
        first = findings[0]
        if len(findings) > 1:
            first.message += f" ({len(findings) - 1} more violation{'s' if len(findings) > 2 else ''} after this one)"
        raise first
    for finding in findings:
        if warn is not None:
            warn(finding)


def openapi3(doc: Document, version: str) -> Document:
    """The document to normalize: Swagger 2.0 converted to OpenAPI 3."""
    if version == "2.0":
        from .swagger2 import convert

        return convert(doc)
    return doc


def validate(doc: Document, allow_invalid: bool = False, warn: Warn | None = None) -> Document:
    """Run every check that does not need the IR; returns the OpenAPI 3 document to normalize.

    Without ``allow_invalid`` the first violation is raised (saying how many more there are);
    with it, each is passed to ``warn`` and generation goes on. Problems that make generation
    impossible (unreadable, unresolvable or unsafe ``$ref``s) are always errors.
    """
    version = prepare(doc)
    report(schema_findings(doc, version), allow_invalid, warn)
    return openapi3(doc, version)
