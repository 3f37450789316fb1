"""Spec document -> IR. The only stage that reads the raw document; it decides every name.

Schemas in ``components/schemas`` become models (objects), enums, or aliases (anything else,
inlined where used). Inline objects and enums get names from where they appear. Operations
are grouped into API classes by their first tag.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from . import __version__, ir, typeexpr
from .errors import SpecError
from .escape import py_literal, py_str
from .examples import call_arguments
from .loader import Document, escape_pointer_part
from .naming import class_name, dedupe, enum_member_name, identifier, pascal_case, snake_case
from .pyname import KEY as PYTHON_NAME
from .pyname import requested_class_name
from .pysort import import_key, isort_key
from .refs import Resolver
from .runtime_names import AMBIGUOUS, CLASS_RESERVED, RUNTIME_EXPORTS, TRANSPORT_NAMES
from .settings import Settings
from .wirepath import wire_path

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SCHEMAS = "/components/schemas/"
# A spec name that would shadow a name the generated code uses in the same scope gets a "_".
# Other builtins (``id``, ``type``, ``format``) stay: shadowing them there is harmless.
TYPE_NAMES = frozenset({"str", "int", "float", "bool", "list", "dict", "bytes", "datetime"})
# model attributes: what a model instance already has, and the names its class body reads
# (``field`` is kept: a property called ``field`` is declared last in its class instead)
MODEL_RESERVED = frozenset({"to_dict", "from_dict", "additional_properties", "get", "self"}) | TYPE_NAMES | AMBIGUOUS
# method parameters: what the method bodies use
METHOD_RESERVED = frozenset({"self", "request_options"}) | TYPE_NAMES | AMBIGUOUS
# method names: what an API class already has, and the names later signatures read
# (and the decorators an API module imports: a method of that name would hide them from the
# methods after it in the class body)
OPERATION_RESERVED = (
    frozenset(
        {"with_raw_response", "with_streaming_response", "async_method", "async_raw_method", "raw_method"}
        | {"async_iterator"}
    )
    | TYPE_NAMES
    | AMBIGUOUS
)
CLIENT_RESERVED = (
    frozenset({"self", "super", "base_url", "timeout", "max_retries", "headers", "http_client"})
    | frozenset({"idempotency_header", "env"})
    | AMBIGUOUS
)
# header parameters the OpenAPI specification says to ignore (the client sets these itself)
IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
JSON_MEDIA = re.compile(r"^(application/json|text/json|application/[^;]*\+json)(;.*)?$", re.I)
# keywords that give a schema a shape; a union member without any of them only adds constraints
SHAPE_KEYWORDS = frozenset(
    {"type", "$ref", "properties", "items", "enum", "const", "allOf", "oneOf", "anyOf", "additionalProperties"}
)
Warn = Callable[[SpecError], None]
# the names ruff's S105 (hardcoded password) looks for
_SECRET_NAME = re.compile(r"(^|_)(pas+wo?r?d|pass(phrase)?|pwd|token|secrete?)($|_)", re.I)


def _is_json(media: str) -> bool:
    return bool(JSON_MEDIA.match(media))


def _is_wildcard(media: str) -> bool:
    return media.split(";", 1)[0].strip().lower() in ("*/*", "application/*")


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


@dataclass
class _ModelDraft:
    name: str
    pointer: str
    schema: dict[str, Any]
    doc: Document
    files: bool = False  # part of a form or multipart body: binary strings are files


class _Placed(NamedTuple):
    """An operation with the place it comes from, for the checks across operations."""

    op: ir.Operation
    raw: dict[str, Any]
    pointer: str
    doc: Document


@dataclass
class _State:
    """Everything the normalizer collects while it walks the spec."""

    models: dict[str, ir.Model] = field(default_factory=dict)
    enums: dict[str, ir.Enum] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # class name -> pointer that owns it
    by_pointer: dict[str, str] = field(default_factory=dict)  # schema pointer -> class name
    requested: dict[str, str] = field(default_factory=dict)  # component pointer -> its x-python-name
    drafts: dict[str, _ModelDraft] = field(default_factory=dict)
    building: set[str] = field(default_factory=set)


class Normalizer:
    def __init__(
        self, doc: Document, settings: Settings, spec_file: str, allow_invalid: bool = False, warn: Warn | None = None
    ) -> None:
        self.doc = doc
        self.data: dict[str, Any] = doc.data
        self.settings = settings
        self.spec_file = spec_file
        self.resolver = Resolver(doc)
        self.state = _State()
        self.allow_invalid = allow_invalid
        self._warn = warn
        self.files = False  # typing a form or multipart body (binary strings are files)
        self.mutual_tls = False  # an operation accepts mutual TLS
        self.at = ""  # the operation or schema being normalized, for unexpected failures

    def problem(self, error: SpecError) -> None:
        """A violation we can work around: an error, or a warning with ``--allow-invalid``."""
        if not self.allow_invalid:
            raise error
        if self._warn is not None:
            self._warn(error)

    # ---------------------------------------------------------------- names

    def _claim(self, name: str, pointer: str, doc: Document, inline: bool = False) -> str:
        """Register a class name for a schema.

        Two named schemas (``components/schemas``) may not end up with one name; an inline
        schema, whose name we made up, takes the next free ``<Name>2``, ``<Name>3``, ...
        """
        if name in CLASS_RESERVED:
            name += "Model"
        owner = self.state.names.get(name)
        if owner is not None and owner != pointer and inline:
            number = 2
            while f"{name}{number}" in self.state.names or f"{name}{number}" in CLASS_RESERVED:
                number += 1
            name = f"{name}{number}"
        elif owner is not None and owner != pointer:
            first, second = doc.source_pointer(owner), doc.source_pointer(pointer)
            message = f"class name {name!r} is used twice: by {first} and by {second}"
            # point at the curator's x-python-name when there is one: that is the name to change
            for chosen in (pointer, owner):
                if chosen in self.state.requested:
                    raise doc.error(
                        f"{chosen}/{PYTHON_NAME}", message, f"choose a {PYTHON_NAME} no other schema's class has"
                    )
            raise doc.error(pointer, message, "rename one of the schemas (names collide after PascalCase)")
        self.state.names[name] = pointer
        self.state.by_pointer[pointer] = name
        return name

    # ---------------------------------------------------------------- schemas

    def _schema_kind(self, schema: dict[str, Any]) -> str:
        """model, enum or alias: what a named schema turns into."""
        kind = _main_type(schema)
        if "enum" in schema and kind in ("string", "integer", "number", None):
            values = schema["enum"]
            if isinstance(values, list) and all(
                (isinstance(v, (str, int, float)) and not isinstance(v, bool)) or v is None for v in values
            ):
                if any(v is not None for v in values):
                    return "enum"
        if self._union_members(schema) and not schema.get("properties") and "allOf" not in schema:
            return "alias"
        if kind == "object" or "properties" in schema or "allOf" in schema:
            if kind == "object" and "properties" not in schema and "allOf" not in schema:
                if "discriminator" not in schema:
                    return "alias"  # a free-form or typed map
            if isinstance(schema.get("type"), list) and len([t for t in schema["type"] if t != "null"]) > 1:
                return "alias"  # object or something else: a union
            return "model"
        return "alias"

    def _wanted_name(self, pointer: str, doc: Document, hint: str) -> str:
        """The class name for a schema: its ``x-python-name``, else one made from ``hint``."""
        requested = self.state.requested.get(pointer) if doc is self.doc else None
        return requested if requested is not None else class_name(hint)

    def _is_alias_allof(self, schema: dict[str, Any]) -> bool:
        """``allOf: [$ref]`` (with annotations like ``nullable`` or ``description`` beside it, or
        in parts of their own) just renames or annotates a schema."""
        parts = schema.get("allOf")
        if not isinstance(parts, list) or schema.get("properties") or "discriminator" in schema:
            return False
        refs = [p for p in parts if isinstance(p, dict) and "$ref" in p]
        rest = [p for p in parts if not (isinstance(p, dict) and "$ref" in p)]
        return len(refs) == 1 and all(isinstance(p, dict) and not (SHAPE_KEYWORDS & set(p)) for p in rest)

    def _union_members(self, schema: dict[str, Any]) -> tuple[str, list[tuple[int, Any]], bool] | None:
        """``oneOf``/``anyOf`` of a schema: the keyword, the members that give a shape (with
        their index), and whether one of them allows ``null``. None when there is no real union."""
        for keyword in ("oneOf", "anyOf"):
            members = schema.get(keyword)
            if not isinstance(members, list) or not members:
                continue
            shaped: list[tuple[int, Any]] = []
            nullable = False
            for index, member in enumerate(members):
                if _is_null_schema(member):
                    nullable = True
                elif member is True or (isinstance(member, dict) and SHAPE_KEYWORDS & set(member)):
                    shaped.append((index, member))
            if shaped:
                return keyword, shaped, nullable
        return None

    def type_of(self, schema: Any, pointer: str, doc: Document, hint: str) -> ir.TypeExpr:
        """The Python type of a schema; ``hint`` names inline objects and enums."""
        if not isinstance(schema, dict):
            if schema is True or schema == {} or schema is None or schema is False:
                return typeexpr.ANY
            raise doc.error(pointer, "a schema must be an object", "write the schema as a mapping")
        if "$ref" in schema:
            target, target_doc, target_pointer = self.resolver.deref(schema, doc, pointer)
            return self._named_type(target, target_pointer, target_doc)
        return self._inline_type(schema, pointer, doc, hint)

    def _named_type(self, schema: Any, pointer: str, doc: Document) -> ir.TypeExpr:
        """The type of a schema reached through a ``$ref``."""
        if not isinstance(schema, dict):
            return typeexpr.ANY
        name_source = pointer[len(SCHEMAS) :] if pointer.startswith(SCHEMAS) and doc is self.doc else ""
        if name_source and "/" not in name_source:
            kind = self._schema_kind(schema)
            name = self.state.by_pointer.get(pointer)
            if name is not None:
                return self._class_type(name)
            if kind == "alias":
                return self._alias_type(
                    schema, pointer, doc, self._wanted_name(pointer, doc, name_source.replace("~1", "/"))
                )
        if pointer in self.state.by_pointer:
            return self._class_type(self.state.by_pointer[pointer])
        return self._alias_type(schema, pointer, doc, class_name(pointer.rsplit("/", 1)[-1] or "Schema"))

    def _alias_type(self, schema: dict[str, Any], pointer: str, doc: Document, hint: str) -> ir.TypeExpr:
        """A referenced schema that is not a class is inlined where it is used (once per use)."""
        if pointer in self.state.building:
            raise doc.error(
                pointer,
                "this schema refers to itself without an object in between, which has no Python type here",
                "let the recursion go through an object property (e.g. a model with a list of children)",
            )
        self.state.building.add(pointer)
        try:
            return self._inline_type(schema, pointer, doc, hint)
        finally:
            self.state.building.discard(pointer)

    def _class_type(self, name: str) -> ir.TypeExpr:
        enum = self.state.enums.get(name)
        if enum is not None:
            return typeexpr.enum(name, enum.value_type)
        return typeexpr.model(name)

    def _inline_type(self, schema: dict[str, Any], pointer: str, doc: Document, hint: str) -> ir.TypeExpr:
        union = self._union_members(schema)
        if union is not None and not schema.get("properties") and "allOf" not in schema:
            return self._union(schema, union, pointer, doc, hint)
        if "allOf" in schema:
            if self._is_alias_allof(schema):
                index = next(i for i, p in enumerate(schema["allOf"]) if isinstance(p, dict) and "$ref" in p)
                return self.type_of(schema["allOf"][index], f"{pointer}/allOf/{index}", doc, hint)
            return self._model_type(schema, pointer, doc, hint)
        kind = self._schema_kind(schema)
        if kind == "enum":
            return self._enum_type(schema, pointer, doc, hint)
        if kind == "model":
            return self._model_type(schema, pointer, doc, hint)
        declared = schema.get("type")
        if isinstance(declared, list):
            choices = [t for t in declared if isinstance(t, str) and t != "null"]
            if len(choices) > 1:  # OpenAPI 3.1: type: [string, integer]
                members = [
                    self._inline_type({**schema, "type": t}, pointer, doc, f"{hint}{pascal_case(t)}") for t in choices
                ]
                return typeexpr.one_of(members)
        schema_type = _main_type(schema)
        if schema_type is None and "const" in schema:
            schema_type = _json_type(schema["const"])
        fmt = schema.get("format")
        if schema_type == "string":
            if fmt == "date-time":
                return typeexpr.DATETIME
            if fmt == "date":
                return typeexpr.DATE
            if self.files and (fmt == "binary" or _binary_content(schema)):
                return typeexpr.FILE
            return typeexpr.STR
        if schema_type == "integer":
            return typeexpr.INT
        if schema_type == "number":
            return typeexpr.FLOAT
        if schema_type == "boolean":
            return typeexpr.BOOL
        if schema_type == "array":
            items = schema.get("items", {})
            if isinstance(items, list):  # tuple validation (not OpenAPI): items of any type
                items = {}
            return typeexpr.list_of(self.type_of(items, f"{pointer}/items", doc, hint + "Item"))
        if schema_type == "object" or "additionalProperties" in schema:
            extra = schema.get("additionalProperties", True)
            if isinstance(extra, dict) and extra:
                return typeexpr.dict_of(self.type_of(extra, f"{pointer}/additionalProperties", doc, hint + "Value"))
            return typeexpr.OBJECT
        return typeexpr.ANY

    def _union(
        self,
        schema: dict[str, Any],
        union: tuple[str, list[tuple[int, Any]], bool],
        pointer: str,
        doc: Document,
        hint: str,
    ) -> ir.TypeExpr:
        """``oneOf``/``anyOf``: a union of its members, with the discriminator's mapping."""
        keyword, members, _ = union
        typed: list[ir.TypeExpr] = []
        implicit: list[tuple[str, ir.TypeExpr]] = []
        for index, member in members:
            member_pointer = f"{pointer}/{keyword}/{index}"
            expr = self.type_of(member, member_pointer, doc, f"{hint}Option{index + 1}")
            typed.append(expr)
            if isinstance(member, dict) and isinstance(member.get("$ref"), str):
                _, target_doc, target_pointer = self.resolver.deref(member, doc, member_pointer)
                if target_pointer.startswith(SCHEMAS) and target_doc is self.doc:
                    implicit.append((target_pointer[len(SCHEMAS) :].replace("~1", "/").replace("~0", "~"), expr))
        disc = schema.get("discriminator")
        if not isinstance(disc, dict) or not isinstance(disc.get("propertyName"), str):
            return typeexpr.one_of(typed)
        mapping: list[tuple[str, ir.TypeExpr]] = []
        explicit = disc.get("mapping")
        for value, ref in (explicit if isinstance(explicit, dict) else {}).items():
            ref_pointer = f"{pointer}/discriminator/mapping/{escape_pointer_part(str(value))}"
            if not isinstance(ref, str):
                raise doc.error(ref_pointer, "a discriminator mapping value must be a $ref string", "")
            target_ref = ref if ref.startswith("#") or "/" in ref else f"#/components/schemas/{ref}"
            target, target_doc, target_pointer = self.resolver.lookup(target_ref, doc, ref_pointer)
            mapping.append((str(value), self._named_type(target, target_pointer, target_doc)))
        mapped = {expr.annotation for _, expr in mapping}
        for value, expr in implicit:
            if expr.annotation not in mapped and all(v != value for v, _ in mapping):
                mapping.append((value, expr))
        return typeexpr.one_of(typed, disc["propertyName"], mapping)

    def _enum_type(self, schema: dict[str, Any], pointer: str, doc: Document, hint: str) -> ir.TypeExpr:
        name = self.state.by_pointer.get(pointer)
        if name is None:
            name = self._claim(self._wanted_name(pointer, doc, hint), pointer, doc, inline=not _is_component(pointer))
            self.state.enums[name] = self._build_enum(name, schema)
        return typeexpr.enum(name, self.state.enums[name].value_type)

    def _build_enum(self, name: str, schema: dict[str, Any]) -> ir.Enum:
        values = [v for v in schema["enum"] if v is not None]
        unique = _unique(values, lambda v: (type(v), v))
        if all(isinstance(v, str) for v in unique):
            value_type = "str"
        elif all(isinstance(v, int) and not isinstance(v, bool) for v in unique):
            value_type = "int"
        else:
            value_type = "float" if all(isinstance(v, (int, float)) for v in unique) else "str"
            unique = [v if value_type == "float" else str(v) for v in unique]
            unique = _unique(unique, lambda v: v)
        names = dedupe([enum_member_name(v) for v in unique])
        members = tuple(
            ir.EnumMember(n, v, "S105" if isinstance(v, str) and _SECRET_NAME.search(n) else "")
            for n, v in zip(names, unique, strict=True)
        )
        return ir.Enum(name, _text(schema.get("description")), value_type, members)

    def _model_type(self, schema: dict[str, Any], pointer: str, doc: Document, hint: str) -> ir.TypeExpr:
        name = self.state.by_pointer.get(pointer)
        if name is None:
            title = schema.get("title")
            wanted = self._wanted_name(pointer, doc, hint)
            component = _is_component(pointer) and doc is self.doc
            if isinstance(title, str) and title.strip() and not pointer.startswith(SCHEMAS):
                wanted = class_name(title)
            name = self._claim(wanted, pointer, doc, inline=not component)
            self.state.drafts[name] = _ModelDraft(name, pointer, schema, doc, self.files)
        return typeexpr.model(name)

    # ---------------------------------------------------------------- models

    def _register_components(self) -> None:
        """Claim a class name for every named object and enum schema, before any is built."""
        schemas = (self.data.get("components") or {}).get("schemas") or {}
        if not isinstance(schemas, dict):
            raise self.doc.error("/components/schemas", "components/schemas must be a mapping", "")
        # every x-python-name first: aliases and $ref entries claim no name, and a bad value is
        # reported even where nothing uses the schema
        for key, schema in schemas.items():
            pointer = SCHEMAS + escape_pointer_part(key)
            requested = requested_class_name(schema, pointer, self.doc, CLASS_RESERVED)
            if requested is not None:
                self.state.requested[pointer] = requested
        for key, schema in schemas.items():
            pointer = SCHEMAS + escape_pointer_part(key)
            if not isinstance(schema, dict) or "$ref" in schema:
                continue
            kind = self._schema_kind(schema)
            if kind == "model":
                self._model_type(schema, pointer, self.doc, key)
            elif kind == "enum":
                self._enum_type(schema, pointer, self.doc, key)

    def _build_models(self) -> None:
        done: set[str] = set()
        while len(done) < len(self.state.drafts):
            for draft in list(self.state.drafts.values()):
                if draft.name not in done:
                    done.add(draft.name)
                    self._build_model(draft, set())

    def _build_model(self, draft: _ModelDraft, visiting: set[str]) -> ir.Model:
        existing = self.state.models.get(draft.name)
        if existing is not None:
            return existing
        if draft.name in visiting:
            raise draft.doc.error(
                draft.pointer,
                f"allOf cycle: {draft.name} includes itself",
                "remove the allOf $ref that leads back to this schema",
            )
        visiting = visiting | {draft.name}
        files, at = self.files, self.at
        self.files, self.at = draft.files, draft.pointer
        try:
            return self._build_model_fields(draft, visiting)
        finally:
            self.files, self.at = files, at

    def _build_model_fields(self, draft: _ModelDraft, visiting: set[str]) -> ir.Model:
        schema, doc, pointer = draft.schema, draft.doc, draft.pointer
        base: ir.Model | None = None
        properties: list[tuple[str, Any, str, Document]] = []  # (wire, schema, pointer, doc)
        required: set[str] = set()
        parts = schema.get("allOf") or []
        if not isinstance(parts, list):
            raise doc.error(f"{pointer}/allOf", "allOf must be a list", "list the schemas to combine")
        for index, part in enumerate(parts):
            part_pointer = f"{pointer}/allOf/{index}"
            if isinstance(part, dict) and "$ref" in part:
                target, target_doc, target_pointer = self.resolver.deref(part, doc, part_pointer)
                parent = self.state.drafts.get(self.state.by_pointer.get(target_pointer, ""))
                if parent is not None:
                    self._build_model(parent, visiting)  # reports allOf cycles
                    if base is None:
                        base = self.state.models[parent.name]  # the first model part is the base class
                        continue
                # further parts are flattened into this model
                self._collect(target, target_pointer, target_doc, properties, required, visiting)
            elif isinstance(part, dict):
                self._collect(part, part_pointer, doc, properties, required, visiting)
        self._collect(schema, pointer, doc, properties, required, visiting, own_only=True)

        inherited_wire = {f.wire_name for f in base.init_fields} if base else set()
        taken = {f.python_name for f in base.init_fields} if base else set()
        fields: list[ir.Field] = []
        seen_wire: set[str] = set()
        for wire, prop, prop_pointer, prop_doc in properties:
            if wire in seen_wire:
                continue
            seen_wire.add(wire)
            if wire in inherited_wire and base is not None:
                # a subtype restating a parent property: its own type where it is a different one
                inherited = next(f for f in base.init_fields if f.wire_name == wire)
                own = self._field(
                    draft.name, wire, inherited.python_name, prop, prop_pointer, prop_doc, wire in required
                )
                free_form = own.type.annotation.startswith(("Any", "dict[str, Any]"))
                if own.annotation != inherited.annotation and not free_form:
                    fields.append(replace(own, overrides=True))
                continue
            python = identifier(snake_case(wire), "field_", MODEL_RESERVED)
            while python in taken:
                python += "_"
            taken.add(python)
            fields.append(self._field(draft.name, wire, python, prop, prop_pointer, prop_doc, wire in required))
        # a property called "field" would shadow the field() calls after it in the class body
        fields.sort(key=lambda f: f.python_name == "field")
        narrowed = {f.wire_name: f for f in fields if f.overrides}
        inherited_fields = tuple(narrowed.get(f.wire_name, f) for f in (base.init_fields if base else ()))
        init_fields = inherited_fields + tuple(f for f in fields if not f.overrides)
        # required fields first in __init__ so the keyword-only signature reads naturally
        init_fields = tuple(f for f in init_fields if f.required) + tuple(f for f in init_fields if not f.required)
        model = ir.Model(
            name=draft.name,
            description=_text(schema.get("description")) or _text(schema.get("title")),
            base=base.name if base else None,
            fields=tuple(fields),
            init_fields=init_fields,
            discriminator=None,
            source=pointer,
        )
        self.state.models[draft.name] = model
        return model

    def _collect(
        self,
        schema: Any,
        pointer: str,
        doc: Document,
        properties: list[tuple[str, Any, str, Document]],
        required: set[str],
        visiting: set[str],
        own_only: bool = False,
    ) -> None:
        """Gather the properties and required names of a schema (and of its allOf parts)."""
        if not isinstance(schema, dict):
            return
        if not own_only:
            for index, part in enumerate(schema.get("allOf") or []):
                part_pointer = f"{pointer}/allOf/{index}"
                if isinstance(part, dict) and "$ref" in part:
                    target, target_doc, target_pointer = self.resolver.deref(part, doc, part_pointer)
                    self._collect(target, target_pointer, target_doc, properties, required, visiting)
                else:
                    self._collect(part, part_pointer, doc, properties, required, visiting)
        props = schema.get("properties") or {}
        if not isinstance(props, dict):
            raise doc.error(f"{pointer}/properties", "properties must be a mapping", "")
        for wire in _property_order(schema, props, pointer, doc):
            properties.append((wire, props[wire], f"{pointer}/properties/{escape_pointer_part(wire)}", doc))
        names = schema.get("required") or []
        if isinstance(names, list):
            required.update(n for n in names if isinstance(n, str))

    def _field(
        self, model: str, wire: str, python: str, prop: Any, pointer: str, doc: Document, required: bool
    ) -> ir.Field:
        target = prop
        if isinstance(prop, dict) and "$ref" in prop:
            target, _, _ = self.resolver.deref(prop, doc, pointer)
        expr = self.type_of(prop, pointer, doc, model + pascal_case(wire))
        read_only = bool(isinstance(target, dict) and target.get("readOnly")) or bool(
            isinstance(prop, dict) and prop.get("readOnly")
        )
        write_only = bool(isinstance(target, dict) and target.get("writeOnly")) or bool(
            isinstance(prop, dict) and prop.get("writeOnly")
        )
        # a read-only property is not sent in requests and a write-only one does not come back
        # in responses: one model serves both, so neither is required
        required = required and not (read_only or write_only)
        nullable = _nullable(prop) or _nullable(target)
        if isinstance(prop, dict) and isinstance(prop.get("allOf"), list):
            nullable = nullable or any(_nullable(self.resolver.deref(p, doc, pointer)[0]) for p in prop["allOf"])
        annotation = expr.annotation + ("" if required else " | Unset") + (" | None" if nullable else "")
        # a model or enum class made from this very schema (inline or referenced) carries its
        # description; a scalar or array schema, or a description beside the $ref, describes the field
        own_class = expr.annotation.split(" | ")[0]  # of "Model", or of "Enum | str" (an open enum)
        if expr.union or expr.models != (own_class,):
            own_class = ""
        if (
            isinstance(prop, dict)
            and prop.get("description")
            and ("$ref" in prop or self.state.by_pointer.get(pointer) != own_class)
        ):
            description = _text(prop["description"])
        elif own_class:
            description = ""
        else:
            description = _text(target.get("description") if isinstance(target, dict) else None)
        fmt = target.get("format") if isinstance(target, dict) else None
        return ir.Field(
            python_name=python,
            wire_name=wire,
            type=expr,
            required=required,
            nullable=nullable,
            description=description,
            annotation=annotation,
            default=None if required else "UNSET",
            read_only=read_only,
            write_only=write_only,
            secret=fmt == "password",
        )

    def _finish_models(self) -> tuple[ir.Model, ...]:
        """Attach discriminators (explicit mapping, then implicit subtypes) and order the models."""
        models = dict(self.state.models)
        children: dict[str, list[str]] = {}
        for model in models.values():
            if model.base:
                children.setdefault(model.base, []).append(model.name)
        for draft in self.state.drafts.values():
            disc = draft.schema.get("discriminator")
            if not isinstance(disc, dict):
                continue
            prop = disc.get("propertyName")
            if not isinstance(prop, str):
                raise draft.doc.error(f"{draft.pointer}/discriminator", "discriminator needs a propertyName", "")
            cases: list[ir.DiscriminatorCase] = []
            mapping = disc.get("mapping") or {}
            if not isinstance(mapping, dict):
                raise draft.doc.error(
                    f"{draft.pointer}/discriminator/mapping",
                    "a discriminator mapping must be a mapping of values to $refs",
                    "write it as 'value: '#/components/schemas/Name'' lines, or leave it out",
                )
            for value, ref in mapping.items():
                ref_pointer = f"{draft.pointer}/discriminator/mapping/{escape_pointer_part(value)}"
                if not isinstance(ref, str):
                    raise draft.doc.error(ref_pointer, "a discriminator mapping value must be a $ref string", "")
                target_ref = ref if ref.startswith("#") or "/" in ref else f"#/components/schemas/{ref}"
                _, _, target_pointer = self.resolver.lookup(target_ref, draft.doc, ref_pointer)
                target_name = self.state.by_pointer.get(target_pointer)
                if target_name is None or target_name not in models:
                    self.problem(
                        draft.doc.error(
                            ref_pointer,
                            f"discriminator maps {value!r} to a schema that is not an object",
                            "map each value to an object schema (one that lists properties or allOf)",
                        )
                    )
                    continue
                cases.append(ir.DiscriminatorCase(str(value), target_name))
            mapped = {c.model for c in cases}
            for child in children.get(draft.name, []):
                if child not in mapped:
                    cases.append(ir.DiscriminatorCase(self._implicit_value(models[child]), child))
            model = models[draft.name]
            subtypes = tuple(c for c in cases if _descends(models, c.model, draft.name))
            models[draft.name] = replace(model, discriminator=ir.Discriminator(prop, tuple(cases)), subtypes=subtypes)
            for case in subtypes:
                if case.model != draft.name and sum(c.model == case.model for c in subtypes) == 1:
                    # a subtype redeclares the discriminator with its value as the default, so
                    # constructing it fills the value in
                    sub = models[case.model]
                    parent = next((f for f in sub.init_fields if f.wire_name == prop), None)
                    if parent is None or "str" not in parent.type.annotation.split(" | "):
                        continue
                    default = replace(parent, default=py_literal(case.value))
                    own = tuple(f for f in sub.fields if f.wire_name != prop)
                    init = tuple(default if f.wire_name == prop else f for f in sub.init_fields)
                    models[case.model] = replace(sub, fields=(default, *own), init_fields=init)
        return _topological(models)

    def _implicit_value(self, model: ir.Model) -> str:
        """The discriminator value of a subtype no mapping names: Azure's ``x-ms-discriminator-value``
        where the schema gives one, else the schema's name (the OpenAPI rule)."""
        draft = self.state.drafts.get(model.name)
        value = draft.schema.get("x-ms-discriminator-value") if draft is not None else None
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
            return str(value)
        return model.source.rsplit("/", 1)[-1]

    # ---------------------------------------------------------------- operations

    def _operations(self) -> list[tuple[str, ir.Operation, dict[str, Any], str, Document]]:
        paths = self.data.get("paths") or {}
        if not isinstance(paths, dict):
            raise self.doc.error("/paths", "paths must be a mapping", "")
        out: list[tuple[str, ir.Operation, dict[str, Any], str, Document]] = []
        for path, item in paths.items():
            item_pointer = "/paths/" + escape_pointer_part(str(path))
            if not isinstance(item, dict):
                continue
            item_doc = self.doc
            if "$ref" in item:
                item, item_doc, item_pointer = self.resolver.deref(item, self.doc, item_pointer)
                if not isinstance(item, dict):
                    continue
            shared = item.get("parameters") or []
            if not isinstance(shared, list):
                raise item_doc.error(f"{item_pointer}/parameters", "parameters must be a list", "")
            for method in HTTP_METHODS:
                op = item.get(method)
                if not isinstance(op, dict):
                    continue
                op_pointer = f"{item_pointer}/{method}"
                self.at = op_pointer
                tags = op.get("tags")
                tag = tags[0] if isinstance(tags, list) and tags and isinstance(tags[0], str) else "Default"
                built = self._operation(str(path), method, op, op_pointer, item_doc, shared, item_pointer)
                out.append((tag, built, op, op_pointer, item_doc))
        return out

    def _parameters(
        self, op: dict[str, Any], op_pointer: str, doc: Document, shared: list[Any], item_pointer: str
    ) -> list[tuple[dict[str, Any], str, Document]]:
        """Path-level parameters overridden by operation-level ones, ``$ref``s resolved."""
        merged: dict[tuple[str, str], tuple[dict[str, Any], str, Document]] = {}
        own = op.get("parameters") or []
        if not isinstance(own, list):
            raise doc.error(f"{op_pointer}/parameters", "parameters must be a list", "")
        sources = [(p, f"{item_pointer}/parameters/{i}") for i, p in enumerate(shared)]
        sources += [(p, f"{op_pointer}/parameters/{i}") for i, p in enumerate(own)]
        for param, pointer in sources:
            resolved, param_doc, resolved_pointer = self.resolver.deref(param, doc, pointer)
            if (
                not isinstance(resolved, dict)
                or not isinstance(resolved.get("name"), str)
                or not isinstance(resolved.get("in"), str)
            ):
                raise doc.error(pointer, "a parameter needs a 'name' and an 'in' (both strings)", "")
            if resolved["in"] == "header" and resolved["name"].lower() in IGNORED_HEADERS:
                continue  # the specification says to ignore these; the client sets them
            merged[(resolved["name"], resolved["in"])] = (resolved, resolved_pointer, param_doc)
        return list(merged.values())

    def _operation(
        self,
        path: str,
        method: str,
        op: dict[str, Any],
        op_pointer: str,
        doc: Document,
        shared: list[Any],
        item_pointer: str,
    ) -> ir.Operation:
        operation_id = op.get("operationId")
        if not isinstance(operation_id, str) or not operation_id.strip():
            operation_id = method + "_" + "_".join(re.sub(r"[{}]", "", p) for p in path.split("/") if p)
        method_name = identifier(snake_case(operation_id), "op_", OPERATION_RESERVED | {"self", "request_options"})
        hint = pascal_case(operation_id) or "Operation"

        params: list[ir.Parameter] = []
        for param, pointer, param_doc in self._parameters(op, op_pointer, doc, shared, item_pointer):
            params.append(self._parameter(param, pointer, param_doc, hint))
        names = dedupe([p.python_name for p in params])
        params = [replace(p, python_name=n) for p, n in zip(params, names, strict=True)]

        body = self._body(op, op_pointer, doc, hint, {p.python_name for p in params})
        required = [p for p in params if p.required]
        optional = [p for p in params if not p.required]
        ordered = required + optional
        body_position = len(required) if body is not None and body.required else len(ordered)

        success, errors = self._responses(op, op_pointer, doc, hint)
        body_types = [r.type for r in success if r.type is not None]
        if body_types and any(r.type is None for r in success):
            body_types.append(typeexpr.NONE)  # a success status without a body returns None
        return_type = typeexpr.union(body_types) if body_types else typeexpr.NONE
        accept: list[str] = []
        for response in (*success, *errors):
            for media in response.media_types[:1]:
                if media not in accept:
                    accept.append(media)
        return ir.Operation(
            method_name=method_name,
            operation_id=operation_id,
            http_method=method.upper(),
            path=path,
            summary=_text(op.get("summary")),
            description=_text(op.get("description")),
            deprecated=bool(op.get("deprecated")),
            params=tuple(ordered),
            body=body,
            body_position=body_position,
            return_type=return_type,
            success=tuple(success),
            errors=tuple(errors),
            security=self._requirements(op, op_pointer, doc),
            accept=", ".join(accept),
            pagination=None,
            constant_name="_" + method_name.upper().rstrip("_"),
            wire_path=wire_path(path),
            idempotency_header=_idempotency_header(ordered),
        )

    def _requirements(self, op: dict[str, Any], op_pointer: str, doc: Document) -> tuple[tuple[str, ...], ...]:
        """The operation's security alternatives, each a tuple of scheme keys the client fills in.

        Mutual TLS needs nothing on the request (the caller configures the certificate on the
        httpx client), so it drops out of its alternatives.
        """
        security = op.get("security", self.data.get("security") or [])
        where = f"{op_pointer}/security" if "security" in op else "/security"
        if not isinstance(security, list):
            self.problem(doc.error(where, "security must be a list of requirements", ""))
            return ()
        components = self.data.get("components")
        declared = components.get("securitySchemes") if isinstance(components, dict) else None
        declared = declared if isinstance(declared, dict) else {}
        alternatives: list[tuple[str, ...]] = []
        for requirement in security:
            if not isinstance(requirement, dict):
                continue
            keys: list[str] = []
            usable = True
            for key in requirement:
                if key not in declared:
                    self.problem(
                        doc.error(
                            where,
                            f"security requirement names {key!r}, which components/securitySchemes does not declare",
                            "declare the scheme under components/securitySchemes or fix the name",
                        )
                    )
                    usable = False
                    continue
                scheme = self.resolver.deref(declared[key], self.doc, "/components/securitySchemes/" + key)[0]
                if isinstance(scheme, dict) and scheme.get("type") == "mutualTLS":
                    self.mutual_tls = True
                    continue
                keys.append(key)
            if usable and tuple(keys) not in alternatives:
                alternatives.append(tuple(keys))
        return tuple(alternatives)

    def _parameter(self, param: dict[str, Any], pointer: str, doc: Document, hint: str) -> ir.Parameter:
        wire = param["name"]
        location = param["in"]
        if location not in ("path", "query", "header", "cookie"):
            raise doc.error(
                f"{pointer}/in",
                f"unsupported: parameter location {location!r} at {pointer}/in",
                "use path, query, header or cookie",
            )
        schema = param.get("schema")
        style = param.get("style") if isinstance(param.get("style"), str) else None
        schema_pointer = f"{pointer}/schema"
        content = param.get("content")
        if schema is None and isinstance(content, dict) and content:
            media_type = next(iter(content))
            media: Any = content[media_type]
            schema = media.get("schema") if isinstance(media, dict) else None
            schema_pointer = f"{pointer}/content/{escape_pointer_part(str(media_type))}/schema"
            if _is_json(str(media_type)):
                style = "json"  # serialized as JSON text
            elif schema is None:
                schema = {"type": "string"}
        expr = self.type_of(schema if schema is not None else {}, schema_pointer, doc, hint + pascal_case(wire))
        resolved = self.resolver.deref(schema, doc, schema_pointer)[0] if isinstance(schema, dict) else {}
        required = bool(param.get("required")) or location == "path"
        default = None
        # enum and date defaults are applied by the server; plain values become Python defaults
        if isinstance(resolved, dict) and "default" in resolved:
            value = resolved["default"]
            plain = not expr.converts or expr.annotation.startswith("list[")
            fits = _fits(value, expr.annotation)
            if plain and fits is True:
                default = _literal(value)
            elif plain and fits is False:
                self.problem(
                    doc.error(
                        f"{schema_pointer}/default",
                        f"the default {value!r} is not a value of the parameter's type {expr.annotation}",
                        "make the default a value of the schema's type",
                    )
                )
        style = style or ("simple" if location in ("path", "header") else "form")
        explode = param.get("explode", style == "form")
        annotation = expr.annotation
        if annotation.startswith("list["):
            annotation = "Sequence[" + annotation[len("list[") :]
            if default is not None and default.startswith("["):
                default = "(" + default[1:-1] + ("," if default.count(",") == 0 and default != "[]" else "") + ")"
        if not required and default is None:
            annotation += " | None"
            default = "None"
        python = identifier(snake_case(wire), "param_", METHOD_RESERVED)
        return ir.Parameter(
            python_name=python,
            wire_name=wire,
            location=location,
            type=expr,
            required=required and param.get("default") is None,
            default=None if required else default,
            annotation=annotation,
            style=style,
            explode=bool(explode),
            description=_text(param.get("description")),
            deprecated=bool(param.get("deprecated")),
            example=param.get("example", resolved.get("example") if isinstance(resolved, dict) else None),
        )

    def _body(self, op: dict[str, Any], op_pointer: str, doc: Document, hint: str, taken: set[str]) -> ir.Body | None:
        if "requestBody" not in op:
            return None
        body, body_doc, body_pointer = self.resolver.deref(op["requestBody"], doc, f"{op_pointer}/requestBody")
        content = body.get("content") if isinstance(body, dict) else None
        if not isinstance(content, dict) or not content:
            return None
        media_types = tuple(str(m) for m in content)
        media, encoding = _choose_request_media(media_types)
        media_pointer = f"{body_pointer}/content/{escape_pointer_part(media)}"
        media_obj = content[media] if isinstance(content[media], dict) else {}
        schema = media_obj.get("schema", {})
        if encoding == "binary":
            expr = typeexpr.BYTES
        elif encoding == "text":
            expr = typeexpr.STR
        else:
            files = self.files
            self.files = encoding in ("form", "multipart")
            try:
                expr = self.type_of(schema, f"{media_pointer}/schema", body_doc, hint + "Request")
            finally:
                self.files = files
        name = op.get("x-codegen-request-body-name")
        if not isinstance(name, str) or not name:
            ref = schema.get("$ref") if isinstance(schema, dict) else None
            name = self._schema_name(ref) if isinstance(ref, str) else "body"
        python = identifier(snake_case(name), "body_", METHOD_RESERVED)
        while python in taken:
            python += "_"
        required = bool(body.get("required"))
        annotation = expr.annotation if required else f"{expr.annotation} | None"
        return ir.Body(
            python_name=python,
            type=expr,
            annotation=annotation,
            required=required,
            media_type=media,
            media_types=media_types,
            encoding=encoding,
            description=_text(body.get("description")),
        )

    def _responses(
        self, op: dict[str, Any], op_pointer: str, doc: Document, hint: str
    ) -> tuple[list[ir.Response], list[ir.Response]]:
        responses = op.get("responses") or {}
        if not isinstance(responses, dict):
            raise doc.error(f"{op_pointer}/responses", "responses must be a mapping of status codes", "")
        success: list[ir.Response] = []
        errors: list[ir.Response] = []
        has_2xx = any(str(code).startswith("2") for code in responses)
        for code in _listed_order(op, "x-python-response-order", list(responses), op_pointer, doc, "response"):
            response = responses[code]
            status = str(code).upper()
            pointer = f"{op_pointer}/responses/{escape_pointer_part(str(code))}"
            if not re.fullmatch(r"[1-5](?:[0-9]{2}|XX)|DEFAULT", status):
                self.problem(doc.error(pointer, f"{code!r} is not a status code", "use e.g. 200, 4XX or default"))
                continue
            resolved, response_doc, resolved_pointer = self.resolver.deref(response, doc, pointer)
            if not isinstance(resolved, dict):
                continue
            is_success = status.startswith("2") or (status == "DEFAULT" and not has_2xx)
            label = "Response" if is_success else "Error"
            key = "default" if status == "DEFAULT" else status
            decoded = self._response(key, resolved, resolved_pointer, response_doc, f"{hint}{status.title()}{label}")
            (success if is_success else errors).append(decoded)
            if status == "DEFAULT" and not has_2xx:
                errors.append(decoded)
        return success, errors

    def _structured(self, media_obj: Any, doc: Document, pointer: str) -> bool:
        """Whether a media type object's schema describes JSON structure (an object, array, number,
        boolean), not a string or bytes."""
        schema = media_obj.get("schema") if isinstance(media_obj, dict) else None
        if not isinstance(schema, dict):
            return False
        target, _, _ = self.resolver.deref(schema, doc, pointer)
        if not isinstance(target, dict):
            return False
        kind = target.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), None)
        if kind is None:
            return any(key in target for key in ("properties", "allOf", "oneOf", "anyOf", "items"))
        return kind in ("object", "array", "integer", "number", "boolean")

    def _response(self, status: str, response: dict[str, Any], pointer: str, doc: Document, hint: str) -> ir.Response:
        description = _text(response.get("description"))
        content = response.get("content")
        if not isinstance(content, dict) or not content or status == "204":
            # 204 No Content has no body whatever the spec says (AWS specs give it a schema)
            return ir.Response(status, description, None, (), "empty")
        media_types = tuple(str(m) for m in content)
        json_media = [m for m in media_types if _is_json(m)]
        text_media = [m for m in media_types if m.lower().startswith("text/")]
        if not json_media:  # a JSON schema under */* (Bungie, Google Mirror): decoded as JSON
            json_media = [
                m
                for m in media_types
                if _is_wildcard(m)
                and self._structured(content[m], doc, f"{pointer}/content/{escape_pointer_part(m)}/schema")
            ]
        if json_media:
            media = json_media[0]
            media_obj = content[media] if isinstance(content[media], dict) else {}
            schema = media_obj.get("schema")
            if schema is None:
                return ir.Response(status, description, typeexpr.ANY, (media,), "json")
            schema_pointer = f"{pointer}/content/{escape_pointer_part(media)}/schema"
            expr = self.type_of(schema, schema_pointer, doc, hint)
            target, target_doc, target_pointer = self.resolver.deref(schema, doc, schema_pointer)
            envelope = _envelope(target, target_doc, target_pointer) if status.startswith("2") else None
            return ir.Response(status, description, expr, (media,), "json", envelope)
        if text_media:
            return ir.Response(status, description, typeexpr.STR, (text_media[0],), "text")
        return ir.Response(status, description, typeexpr.BYTES, (media_types[0],), "binary")

    def _pagination(
        self,
        op: dict[str, Any],
        pointer: str,
        doc: Document,
        op_name: str,
        params: list[ir.Parameter],
        return_type: ir.TypeExpr,
    ) -> ir.Pagination | None:
        spec = op.get("x-pagination")
        if spec is None:
            return None
        where = f"{pointer}/x-pagination"
        if not isinstance(spec, dict) or not isinstance(spec.get("items"), str):
            raise doc.error(
                where, "x-pagination needs 'items': the response property holding the items", "see specs/README.md"
            )
        model = self.state.models.get(return_type.annotation)
        if model is None:
            raise doc.error(where, "x-pagination needs an operation that returns an object", "")
        by_wire = {f.wire_name: f for f in model.init_fields}

        def prop(key: str) -> ir.Field | None:
            wire = spec.get(key)
            if wire is None:
                return None
            if wire not in by_wire:
                raise doc.error(
                    f"{where}/{key}", f"{model.name} has no property {wire!r}", "name a property of the response"
                )
            return by_wire[wire]

        def param(key: str) -> str | None:
            wire = spec.get(key)
            if wire is None:
                return None
            for p in params:
                if p.wire_name == wire:
                    return p.python_name
            raise doc.error(f"{where}/{key}", f"the operation has no parameter {wire!r}", "name one of its parameters")

        items = prop("items")
        assert items is not None
        if not items.type.annotation.startswith("list["):
            raise doc.error(f"{where}/items", f"{model.name}.{items.wire_name} is not an array", "")
        item_annotation = items.type.annotation[len("list[") : -1]
        item_type = ir.TypeExpr(item_annotation, "ANY", item_annotation, items.type.models)
        next_token = prop("next-token")
        token_param = param("token-param")
        offset_param = param("offset-param")
        if (next_token is None) != (token_param is None):
            raise doc.error(where, "cursor paging needs both 'next-token' and 'token-param'", "see specs/README.md")
        if next_token is None and offset_param is None:
            raise doc.error(
                where, "x-pagination needs 'next-token' + 'token-param' or 'offset-param'", "see specs/README.md"
            )
        limit_param = param("limit-param")
        return ir.Pagination(
            method_name="iter_" + op_name,
            items=items.python_name,
            items_wire=items.wire_name,
            item_type=item_type,
            next_token_wire=next_token.wire_name if next_token else None,
            token_param=token_param,
            offset_param=offset_param,
            limit_param=limit_param,
        )

    # ---------------------------------------------------------------- security, servers

    def _security(self, used: set[str]) -> tuple[ir.SecurityScheme, ...]:
        components = self.data.get("components")
        schemes = components.get("securitySchemes") if isinstance(components, dict) else None
        out: list[ir.SecurityScheme] = []
        taken: set[str] = set()
        for key, scheme in (schemes if isinstance(schemes, dict) else {}).items():
            if key not in used:
                continue
            pointer = "/components/securitySchemes/" + escape_pointer_part(key)
            scheme, scheme_doc, pointer = self.resolver.deref(scheme, self.doc, pointer)
            if not isinstance(scheme, dict):
                raise scheme_doc.error(pointer, "a security scheme must be a mapping", "")
            kind = scheme.get("type")
            custom = scheme.get("x-python-credential")
            http_scheme = str(scheme.get("scheme", "")).lower()
            token_name = custom if isinstance(custom, str) else snake_case(key)
            if kind == "apiKey":
                location = scheme.get("in", "header")
                if location not in ("header", "query", "cookie"):
                    raise scheme_doc.error(
                        f"{pointer}/in",
                        f"unsupported: apiKey location {location!r} at {pointer}/in",
                        "use header, query or cookie",
                    )
                wire = scheme.get("name", key)
                names: tuple[str, ...] = (token_name,)
                entry = ("api_key", str(location), str(wire), _text(scheme.get("x-value-prefix")))
            elif kind == "http" and http_scheme == "basic":
                names = ("username", "password")
                if "username" in taken:  # a second basic scheme: its own pair of arguments
                    names = (f"{snake_case(key)}_username", f"{snake_case(key)}_password")
                entry = ("basic", "header", "Authorization", "Basic ")
            elif (kind == "http" and http_scheme == "bearer") or kind in ("oauth2", "openIdConnect"):
                # OAuth 2 and OpenID Connect end in a bearer token; getting one is up to the caller
                names = (token_name,)
                entry = ("bearer", "header", "Authorization", "Bearer ")
            elif kind == "http" and http_scheme and http_scheme not in ("digest", "hoba", "mutual", "negotiate"):
                # another HTTP scheme with a ready-made credential: "Authorization: <Scheme> <credential>"
                names = (token_name,)
                entry = ("api_key", "header", "Authorization", str(scheme.get("scheme")) + " ")
            else:
                what = f"http {scheme.get('scheme')!r}" if kind == "http" else repr(kind)
                raise scheme_doc.error(
                    pointer,
                    f"unsupported: security scheme type {what} at {pointer}",
                    "use apiKey, http basic/bearer, oauth2 or openIdConnect (pass other tokens with an apiKey "
                    "scheme), or remove the scheme from the operations' security",
                )
            names = tuple(identifier(snake_case(n), "credential_", CLIENT_RESERVED) for n in names)
            for name in names:
                if name in taken:
                    raise scheme_doc.error(
                        pointer,
                        f"security schemes give two ApiClient arguments the name {name!r}",
                        "set x-python-credential on one of the schemes to a different name",
                    )
                taken.add(name)
            source = {"oauth2": "OAuth 2", "openIdConnect": "OpenID Connect"}.get(str(kind), "")
            out.append(
                ir.SecurityScheme(key, names, *entry, description=_text(scheme.get("description")), token_source=source)
            )
        return tuple(out)

    def _servers(self) -> tuple[tuple[ir.Server, ...], str]:
        servers = self.data.get("servers")
        if not isinstance(servers, list) or not servers:
            servers = [{"url": "/"}]
        out = []
        for server in servers:
            if not isinstance(server, dict) or not isinstance(server.get("url"), str):
                continue
            url = server["url"]
            variables = server.get("variables")
            for var, spec in (variables if isinstance(variables, dict) else {}).items():
                if isinstance(spec, dict) and "default" in spec:
                    url = url.replace("{" + str(var) + "}", str(spec["default"]))
            out.append(ir.Server(url, _text(server.get("description"))))
        default = out[0].url if out else ""
        if not re.match(r"https?://[^\s{}]+$", default):
            default = ""  # relative, templated or odd: the caller passes base_url
        return tuple(out), default.rstrip("/")

    # ---------------------------------------------------------------- package

    def run(self) -> ir.Package:
        self._register_components()
        first_pass = self._operations()
        self._build_models()
        models = self._finish_models()
        by_name = {m.name: m for m in models}
        grouped: dict[str, list[_Placed]] = {}
        for tag, op, raw, pointer, doc in first_pass:
            self.at = pointer
            pagination = self._pagination(raw, pointer, doc, op.method_name, list(op.params), op.return_type)
            body = op.body if op.body and op.body.required else None
            args, example_models, needs_datetime = call_arguments(op.params, body, by_name)
            op = replace(
                op,
                pagination=pagination,
                example_args=args,
                example_models=example_models,
                example_datetime=needs_datetime,
            )
            grouped.setdefault(tag, []).append(_Placed(op, raw, pointer, doc))
        apis = []
        # tags that give one class name ("pet", "Pet") share the class
        by_class: dict[str, list[tuple[str, list[_Placed]]]] = {}
        for tag, tag_placed in grouped.items():
            name = class_name(tag, "Tag") + "Api"
            if {name, "Async" + name, name + "WithRawResponse", "Async" + name + "WithRawResponse"} & CLASS_RESERVED:
                name = name[: -len("Api")] + "TagApi"
            by_class.setdefault(name, []).append((tag, tag_placed))
        _refuse_class_clashes(by_class)
        modules: set[str] = set()
        for name, tagged in by_class.items():
            placed = [op for _, tag_ops in tagged for op in tag_ops]
            for clash in (name, "Async" + name, name + "WithRawResponse", "Async" + name + "WithRawResponse"):
                if clash in self.state.names:
                    owner = self.state.names[clash]
                    chosen = owner in self.state.requested
                    raise self.doc.error(
                        f"{owner}/{PYTHON_NAME}" if chosen else owner,
                        f"the API class {clash} (from the tag {tagged[0][0]!r}) collides with a model of that name",
                        f"rename the tag or change the {PYTHON_NAME}" if chosen else "rename the tag or the schema",
                    )
            ops = self._unique_methods(name, placed)
            module = snake_case(name)
            number = 2
            while module in modules:
                module = f"{snake_case(name)}_{number}"
                number += 1
            modules.add(module)
            apis.append(
                ir.Api(
                    class_name=name,
                    async_class_name="Async" + name,
                    module=module,
                    description=self._tag_description(tagged[0][0]),
                    operations=tuple(ops),
                    imports=_api_imports(ops),
                    exports=_sorted({name, "Async" + name}),
                )
            )
        used = {key for api in apis for op in api.operations for alt in op.security for key in alt}
        schemes = self._security(used)
        public, init_imports = _public_names(apis, [m.name for m in models] + list(self.state.enums))
        servers, default_url = self._servers()
        info = self.data.get("info") or {}
        return ir.Package(
            package=self.settings.package,
            project=self.settings.project,
            version=self.settings.version,
            title=_text(info.get("title")),
            description=_text(info.get("description")),
            api_version=str(info.get("version", "")),
            spec_file=self.spec_file,
            spec_sha256=hashlib.sha256(self.doc.text.encode("utf-8")).hexdigest(),
            generator_version=__version__,
            servers=servers,
            default_base_url=default_url,
            security_schemes=schemes,
            models=models,
            enums=tuple(sorted(self.state.enums.values(), key=lambda e: e.name)),
            aliases=(),
            apis=tuple(apis),
            models_imports=_models_imports(models),
            exports=_sorted({m.name for m in models} | set(self.state.enums)),
            public=public,
            init_imports=init_imports,
            base_url_required=not default_url,
            example_credentials=_example_credentials(apis, schemes),
            showcase=_showcase(apis),
            has_pagination=any(op.pagination for api in apis for op in api.operations),
            mutual_tls=self.mutual_tls,
        )

    def _unique_methods(self, api: str, placed: list[_Placed]) -> list[ir.Operation]:
        """Two operations may not share a method name; a name we made up (no operationId) is
        numbered instead, one from two operationIds is an error."""
        seen: dict[str, ir.Operation] = {}
        out: list[ir.Operation] = []
        places: list[tuple[str, Document]] = []
        for op, raw, pointer, doc in placed:
            explicit = isinstance(raw.get("operationId"), str) and raw["operationId"].strip()
            if op.method_name in seen and not explicit:
                number = 2
                while f"{op.method_name}_{number}" in seen:
                    number += 1
                name = f"{op.method_name}_{number}"
                op = replace(op, method_name=name, constant_name="_" + name.upper())
            if op.method_name in seen:
                other = seen[op.method_name]
                where = f"{pointer}/operationId" if explicit else pointer
                raise doc.error(
                    where,
                    f"operations {other.operation_id!r} ({other.http_method} {other.path}) and "
                    f"{op.operation_id!r} ({op.http_method} {op.path}) both become {api}.{op.method_name}()",
                    "give one of them a different operationId (names collide after snake_case)",
                )
            seen[op.method_name] = op
            out.append(op)
            places.append((pointer, doc))
        for op, (pointer, doc) in zip(out, places, strict=True):  # a paginated op also has iter_<name>()
            iterator = op.pagination.method_name if op.pagination is not None else None
            if iterator is not None and iterator in seen:
                raise doc.error(
                    f"{pointer}/x-pagination",
                    f"the paged operation {op.operation_id!r} gets the method {api}.{iterator}(), which "
                    f"the operation {seen[iterator].operation_id!r} ({seen[iterator].http_method} "
                    f"{seen[iterator].path}) already is",
                    "give one of them a different operationId",
                )
            if iterator is not None:
                seen[iterator] = op
        constants = dedupe([op.constant_name for op in out])
        return [replace(op, constant_name=c) for op, c in zip(out, constants, strict=True)]

    def _schema_name(self, ref: str) -> str:
        """The snake_case name of a referenced schema: its x-python-name keeps it when upstream
        renames the schema."""
        requested = self.state.requested.get(ref[1:]) if ref.startswith("#") else None
        return snake_case(requested if requested is not None else ref.rsplit("/", 1)[-1])

    def _tag_description(self, tag: str) -> str:
        for entry in self.data.get("tags") or []:
            if isinstance(entry, dict) and entry.get("name") == tag:
                return _text(entry.get("description"))
        return ""


def _showcase(apis: list[ir.Api]) -> tuple[int, int]:
    """The README's example call: a GET with the fewest arguments, not deprecated (ties: the first)."""
    best: tuple[int, int, int] | None = None
    for a, api in enumerate(apis):
        for o, op in enumerate(api.operations):
            score = len(op.example_args) + (0 if op.http_method == "GET" else 10) + (20 if op.deprecated else 0)
            if best is None or score < best[0]:
                best = (score, a, o)
    return (best[1], best[2]) if best else (0, 0)


def _example_credentials(apis: list[ir.Api], schemes: tuple[ir.SecurityScheme, ...]) -> tuple[tuple[str, str], ...]:
    """Placeholders for the credentials of the first security alternative an operation uses."""
    by_key = {s.key: s for s in schemes}
    for api in apis:
        for op in api.operations:
            for alternative in op.security:
                if alternative:
                    names = [n for key in alternative for n in by_key[key].credentials]
                    return tuple((n, py_str("YOUR_" + n.upper())) for n in names)
    return ()


def _envelope(schema: Any, doc: Document, pointer: str) -> ir.Envelope | None:
    """The ``x-error-envelope`` of a success schema: which property holds an error code."""
    spec = schema.get("x-error-envelope") if isinstance(schema, dict) else None
    if spec is None:
        return None
    where = f"{pointer}/x-error-envelope"
    hint = "write x-error-envelope: {code: code, success: [0], message: message}"
    if not isinstance(spec, dict) or not isinstance(spec.get("code"), str):
        raise doc.error(where, "x-error-envelope needs 'code': the property holding the code", hint)
    success = spec.get("success", [0])
    if not isinstance(success, list) or not success or not all(isinstance(v, (int, str)) for v in success):
        raise doc.error(f"{where}/success", "success must be a list of the codes that mean success", hint)
    message = spec.get("message", "")
    if not isinstance(message, str):
        raise doc.error(f"{where}/message", "message must be a property name", hint)
    return ir.Envelope(spec["code"], tuple(py_literal(v) for v in success), message)


def _nullable(schema: Any) -> bool:
    """Whether a schema allows ``null``: 3.0 ``nullable``, a 3.1 type list, or a null member."""
    if not isinstance(schema, dict):
        return False
    if schema.get("nullable") is True:
        return True
    kind = schema.get("type")
    if isinstance(kind, list) and "null" in kind:
        return True
    if "enum" in schema and isinstance(schema["enum"], list) and None in schema["enum"]:
        return True
    for keyword in ("oneOf", "anyOf"):
        members = schema.get(keyword)
        if isinstance(members, list) and any(_is_null_schema(m) for m in members):
            return True
    return False


def _is_null_schema(schema: Any) -> bool:
    """``{type: "null"}`` and friends: a union member that only allows ``null``."""
    if not isinstance(schema, dict):
        return False
    kind = schema.get("type")
    if kind == "null" or kind == ["null"]:
        return True
    if "const" in schema and schema["const"] is None:
        return True
    enum = schema.get("enum")
    if isinstance(enum, list) and enum and all(v is None for v in enum):
        return True
    return schema.get("nullable") is True and not (SHAPE_KEYWORDS & set(schema))


def _main_type(schema: dict[str, Any]) -> str | None:
    """The schema's ``type``; of a 3.1 type list, the one type besides "null" (else None)."""
    kind = schema.get("type")
    if isinstance(kind, list):
        rest = [t for t in kind if t != "null"]
        kind = rest[0] if len(rest) == 1 else None
    return kind if isinstance(kind, str) else None


def _json_type(value: Any) -> str | None:
    """The JSON schema type of a ``const`` value."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return None


def _binary_content(schema: dict[str, Any]) -> bool:
    """OpenAPI 3.1 spells a file ``contentMediaType`` (anything but text) or ``contentEncoding``."""
    media = schema.get("contentMediaType")
    return (isinstance(media, str) and not media.startswith("text/")) or "contentEncoding" in schema


def _is_component(pointer: str) -> bool:
    """Is this pointer a schema of ``components/schemas`` itself (not something inside one)?"""
    return pointer.startswith(SCHEMAS) and "/" not in pointer[len(SCHEMAS) :]


_CHECKS: dict[str, Callable[[Any], bool]] = {
    "str": lambda v: isinstance(v, str),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "bool": lambda v: isinstance(v, bool),
    "Any": lambda v: True,
}


def _fits(value: Any, annotation: str) -> bool | None:
    """Whether a JSON default is a value of a Python type: True, False, or None when the type
    is not one a default can be written for (objects, models, dates)."""
    verdicts: list[bool | None] = []
    for member in typeexpr.union_members(annotation):
        if member.startswith("list[") and member.endswith("]"):
            if not isinstance(value, list):
                verdicts.append(False)
                continue
            inner = [_fits(v, member[len("list[") : -1]) for v in value]
            verdicts.append(None if None in inner else all(inner))
        elif member in _CHECKS:
            verdicts.append(_CHECKS[member](value))
        else:
            verdicts.append(None)
    if True in verdicts:
        return True
    return None if None in verdicts else False


def _literal(value: Any) -> str | None:
    """A Python literal for a JSON default; strings are fully escaped (see escape.py_str)."""
    if value is None:
        return None
    if isinstance(value, (bool, int, float, str)):
        return py_literal(value)
    if isinstance(value, list) and all(isinstance(v, (bool, int, float, str)) for v in value):
        return "[" + ", ".join(py_literal(v) for v in value) + "]"
    return None


def _choose_request_media(media_types: tuple[str, ...]) -> tuple[str, str]:
    """The media type the client sends: plain JSON first, then other JSON, forms, text, bytes."""
    lowered = [m.lower() for m in media_types]
    if "application/json" in lowered:
        return media_types[lowered.index("application/json")], "json"
    for media in media_types:
        if _is_json(media):
            return media, "json"
    for media, low in zip(media_types, lowered, strict=True):
        if low.startswith("application/x-www-form-urlencoded"):
            return media, "form"
    for media, low in zip(media_types, lowered, strict=True):
        if low.startswith("multipart/"):
            return media, "multipart"
    for media, low in zip(media_types, lowered, strict=True):
        if low.startswith("text/"):
            return media, "text"
    return media_types[0], "binary"


def _descends(models: dict[str, ir.Model], name: str, ancestor: str) -> bool:
    current: str | None = name
    while current is not None:
        if current == ancestor:
            return True
        current = models[current].base if current in models else None
    return False


def _topological(models: dict[str, ir.Model]) -> tuple[ir.Model, ...]:
    """Models in name order, each after its base class."""
    ordered: list[ir.Model] = []
    placed: set[str] = set()

    def place(name: str) -> None:
        if name in placed:
            return
        model = models[name]
        if model.base:
            place(model.base)
        placed.add(name)
        ordered.append(model)

    for name in sorted(models):
        place(name)
    return tuple(ordered)


def _sorted(names: set[str]) -> tuple[str, ...]:
    """Names for ``__all__`` (ruff's RUF022 order)."""
    return tuple(sorted(names, key=isort_key))


def _imports(names: set[str]) -> tuple[str, ...]:
    """Names for an import statement (ruff's isort order)."""
    return tuple(sorted(names, key=import_key))


def _collect_types(exprs: list[ir.TypeExpr]) -> tuple[set[str], set[str], bool, bool]:
    runtime: set[str] = set()
    models: set[str] = set()
    uses_any = False
    uses_datetime = False
    for expr in exprs:
        runtime.update(expr.runtime)
        models.update(expr.models)
        uses_any = uses_any or "Any" in re.findall(r"\w+", expr.annotation)
        uses_datetime = uses_datetime or "datetime." in expr.annotation
    return runtime, models, uses_any, uses_datetime


def _models_imports(models: tuple[ir.Model, ...]) -> ir.Imports:
    exprs = [f.type for m in models for f in m.fields]
    runtime, _, uses_any, uses_datetime = _collect_types(exprs)
    runtime = {name for name in runtime if name[0].isupper() and name not in ("ANY",)} | {
        n for n in runtime if n.isupper()
    }
    if models:
        runtime.add("Model")
    if any(m.fields for m in models):
        runtime.add("field")
    if any(not f.required for m in models for f in m.init_fields):
        runtime |= {"UNSET", "Unset"}
    typing = {"Any"} if uses_any else set()
    return ir.Imports(_imports(runtime), (), (), _imports(typing), uses_datetime)


def _public_names(
    apis: list[ir.Api], models: list[str]
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """What the package's ``__init__`` exports, and the imports that give mypy those names."""
    by_module: dict[str, set[str]] = {module: set(names) for module, names in RUNTIME_EXPORTS.items()}
    for api in apis:
        by_module["." + api.module] = {api.class_name, api.async_class_name}
    # the models are not listed: ``from .models import *`` and a fallback in ``__getattr__``
    # give them (listing each three times made __init__ the largest module of a large spec)
    public = tuple(sorted(((n, m) for m, names in by_module.items() for n in names), key=lambda p: isort_key(p[0])))
    by_module[".models"] = set()  # a star import (no names)
    imports = tuple((m, _imports(by_module[m])) for m in sorted(by_module, key=lambda m: m.lstrip(".")))
    return public, imports


def _api_imports(ops: list[ir.Operation]) -> ir.Imports:
    exprs: list[ir.TypeExpr] = []
    converting: list[ir.TypeExpr] = []
    for op in ops:
        exprs.append(op.return_type)
        for response in (*op.success, *op.errors):
            if response.type is not None and response.kind == "json":  # the only codecs the module names
                converting.append(response.type)
        for param in op.params:
            exprs.append(param.type)
            if param.type.converts:
                converting.append(param.type)
        if op.body is not None:
            exprs.append(op.body.type)
            if op.body.type.converts:
                converting.append(op.body.type)
    runtime, models, _, _ = _collect_types(converting)  # codecs name models and runtime helpers only
    _, all_models, any_in_signature, dt_in_signature = _collect_types(exprs)
    models |= all_models
    transport = set(TRANSPORT_NAMES)
    if any(op.success or op.errors for op in ops):
        transport.add("Response")
    if any(op.params for op in ops):
        transport.add("Param")
    if any(op.body is not None for op in ops):
        transport.add("Body")
    if any(r.envelope for op in ops for r in op.success):
        transport.add("Envelope")
    typing = {"Any"} if any_in_signature else set()
    abc = set()
    if any(p.annotation.startswith("Sequence[") for op in ops for p in op.params):
        abc.add("Sequence")
    if any(op.pagination for op in ops):
        abc.add("Iterator")
        transport |= {"Pages", "async_iterator"}
        models |= {name for op in ops if op.pagination for name in op.pagination.item_type.models}
    return ir.Imports(
        _imports(runtime),
        _imports(transport),
        _imports(models),
        _imports(typing),
        dt_in_signature,
        _imports(abc),
    )


def normalize(
    doc: Document, settings: Settings, spec_file: str, allow_invalid: bool = False, warn: Warn | None = None
) -> ir.Package:
    """Turn a validated spec document into the IR.

    With ``allow_invalid`` (the document failed validation and the user wants a package anyway),
    violations the normalizer can work around go to ``warn`` instead of stopping it.
    """
    normalizer = Normalizer(doc, settings, spec_file, allow_invalid, warn)
    try:
        return normalizer.run()
    except RecursionError:  # the only failure that is the spec's own shape, not a bug
        raise doc.error(
            normalizer.at, "the spec nests schemas too deeply to generate", "flatten the schemas with named components"
        ) from None


def _property_order(schema: dict[str, Any], props: dict[str, Any], pointer: str, doc: Document) -> list[str]:
    """The properties' order in the model (``x-python-property-order`` first, then spec order)."""
    return _listed_order(schema, "x-python-property-order", list(props), pointer, doc, "property")


def _listed_order(
    node: dict[str, Any], key: str, names: list[str], pointer: str, doc: Document, what: str
) -> list[str]:
    """``names`` with those that ``node[key]`` lists first, in its order, then the rest in spec order.

    A derived spec keeps upstream's key order; where the curated order matters to the generated code
    (a model's fields, the responses of an operation), the curated order is recorded in this extension."""
    order = node.get(key)
    if order is None:
        return names
    where = f"{pointer}/{key}"
    if not isinstance(order, list) or not all(isinstance(name, str) for name in order):
        raise doc.error(where, f"{key} must be a list of {what} names", f"list {what} names as strings")
    for index, name in enumerate(order):
        if name not in names:
            raise doc.error(
                f"{where}/{index}", f"{key} names {name!r}, which is no {what} here", f"list only {what}s here"
            )
        if order.index(name) != index:
            raise doc.error(f"{where}/{index}", f"{key} lists {name!r} twice", "list it once")
    return [*order, *(name for name in names if name not in order)]


def _unique(values: list[Any], key: Callable[[Any], Any]) -> list[Any]:
    """``values`` without repeats (first kept, order kept), in linear time for hashable values;
    unhashable ones (a list in an enum) are compared one by one."""
    seen: set[Any] = set()
    others: list[Any] = []
    out: list[Any] = []
    for value in values:
        try:
            marker = key(value)
            if marker in seen:
                continue
            seen.add(marker)
        except TypeError:
            if any(value == o and type(value) is type(o) for o in others):
                continue
            others.append(value)
        out.append(value)
    return out


def _refuse_class_clashes(
    by_class: dict[str, list[tuple[str, list[_Placed]]]],
) -> None:
    """Each tag's API class comes in four: ``FooApi``, ``AsyncFooApi`` and their raw-response
    twins; the tags ``Foo`` and ``AsyncFoo`` would both define ``AsyncFooApi``."""
    owners: dict[str, str] = {}
    for name, tagged in sorted(by_class.items()):
        for made in (name, "Async" + name, name + "WithRawResponse", "Async" + name + "WithRawResponse"):
            other = owners.setdefault(made, tagged[0][0])
            if other != tagged[0][0]:
                first = tagged[0][1][0]
                pointer, doc = first.pointer, first.doc
                raise doc.error(
                    pointer,
                    f"the tags {other!r} and {tagged[0][0]!r} both give the API class {made}",
                    "rename one of the tags (the async class of the tag 'Foo' is AsyncFooApi)",
                )


# header parameters that carry an idempotency key (Stripe, Adyen, PayPal, the IETF draft's name)
IDEMPOTENCY_HEADERS = frozenset({"idempotency-key", "x-idempotency-key"})


def _idempotency_header(params: list[ir.Parameter]) -> str:
    """The header an operation documents for an idempotency key, so a retried call sends one."""
    for param in params:
        if param.location == "header" and param.wire_name.lower() in IDEMPOTENCY_HEADERS:
            return param.wire_name
    return ""
