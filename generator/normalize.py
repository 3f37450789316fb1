"""Spec document -> IR. The only stage that reads the raw document; it decides every name.

Schemas in ``components/schemas`` become models (objects), enums, or aliases (anything else,
inlined where used). Inline objects and enums get names from where they appear. Operations
are grouped into API classes by their first tag.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from . import __version__, ir, types
from .errors import SpecError
from .escape import py_literal, py_str
from .examples import call_arguments
from .loader import Document, escape_pointer_part
from .naming import class_name, dedupe, enum_member_name, identifier, pascal_case, snake_case
from .refs import Resolver
from .settings import Settings

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SCHEMAS = "/components/schemas/"
# attribute names a model instance already has; a property with one of these names gets a "_"
MODEL_RESERVED = frozenset({"to_dict", "from_dict", "additional_properties"})
METHOD_RESERVED = frozenset({"self", "request_options"})
CLIENT_RESERVED = frozenset({"self", "base_url", "timeout", "max_retries", "headers", "http_client"})
JSON_MEDIA = re.compile(r"^(application/json|text/json|application/[^;]*\+json)(;.*)?$", re.I)


def _is_json(media: str) -> bool:
    return bool(JSON_MEDIA.match(media))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


@dataclass
class _ModelDraft:
    name: str
    pointer: str
    schema: dict[str, Any]
    doc: Document


@dataclass
class _State:
    """Everything the normalizer collects while it walks the spec."""

    models: dict[str, ir.Model] = field(default_factory=dict)
    enums: dict[str, ir.Enum] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # class name -> pointer that owns it
    by_pointer: dict[str, str] = field(default_factory=dict)  # schema pointer -> class name
    drafts: dict[str, _ModelDraft] = field(default_factory=dict)
    building: set[str] = field(default_factory=set)


class Normalizer:
    def __init__(self, doc: Document, settings: Settings, spec_file: str) -> None:
        self.doc = doc
        self.data: dict[str, Any] = doc.data
        self.settings = settings
        self.spec_file = spec_file
        self.resolver = Resolver(doc)
        self.state = _State()

    # ---------------------------------------------------------------- names

    def _claim(self, name: str, pointer: str, doc: Document) -> str:
        """Register a class name for a schema; two schemas may not end up with one name."""
        owner = self.state.names.get(name)
        if owner is not None and owner != pointer:
            raise doc.error(
                pointer,
                f"class name {name!r} is used twice: by {owner} and by {pointer}",
                "rename one of the schemas (names collide after PascalCase), or give the inline schema a title",
            )
        self.state.names[name] = pointer
        self.state.by_pointer[pointer] = name
        return name

    # ---------------------------------------------------------------- schemas

    def _schema_kind(self, schema: dict[str, Any]) -> str:
        """model, enum or alias: what a named schema turns into."""
        if "enum" in schema and schema.get("type") in ("string", "integer", "number", None):
            values = schema["enum"]
            if isinstance(values, list) and all(isinstance(v, (str, int, float)) or v is None for v in values):
                if any(v is not None for v in values):
                    return "enum"
        if schema.get("type") == "object" or "properties" in schema or "allOf" in schema:
            if schema.get("type") == "object" and "properties" not in schema and "allOf" not in schema:
                if "discriminator" not in schema:
                    return "alias"  # a free-form or typed map
            return "model"
        return "alias"

    def _is_alias_allof(self, schema: dict[str, Any]) -> bool:
        """``allOf: [$ref]`` alone (often with ``nullable``) just renames or annotates a schema."""
        parts = schema.get("allOf")
        return isinstance(parts, list) and len(parts) == 1 and isinstance(parts[0], dict) and "$ref" in parts[0]

    def type_of(self, schema: Any, pointer: str, doc: Document, hint: str) -> ir.TypeExpr:
        """The Python type of a schema; ``hint`` names inline objects and enums."""
        if not isinstance(schema, dict):
            if schema is True or schema == {}:
                return types.ANY
            raise doc.error(pointer, "a schema must be an object", "write the schema as a mapping")
        if "$ref" in schema:
            target, target_doc, target_pointer = self.resolver.deref(schema, doc, pointer)
            return self._named_type(target, target_pointer, target_doc)
        return self._inline_type(schema, pointer, doc, hint)

    def _named_type(self, schema: Any, pointer: str, doc: Document) -> ir.TypeExpr:
        """The type of a schema reached through a ``$ref``."""
        if not isinstance(schema, dict):
            return types.ANY
        name_source = pointer[len(SCHEMAS) :] if pointer.startswith(SCHEMAS) and doc is self.doc else ""
        if name_source and "/" not in name_source:
            kind = self._schema_kind(schema)
            name = self.state.by_pointer.get(pointer)
            if name is not None:
                return self._class_type(name)
            if kind == "alias":
                if pointer in self.state.building:
                    raise doc.error(
                        pointer,
                        "this schema refers to itself without an object in between",
                        "recursion must go through an object property (e.g. a child list)",
                    )
                self.state.building.add(pointer)
                try:
                    return self._inline_type(schema, pointer, doc, class_name(name_source.replace("~1", "/")))
                finally:
                    self.state.building.discard(pointer)
        return self._inline_type(schema, pointer, doc, class_name(pointer.rsplit("/", 1)[-1] or "Schema"))

    def _class_type(self, name: str) -> ir.TypeExpr:
        enum = self.state.enums.get(name)
        if enum is not None:
            return types.enum(name, enum.value_type)
        return types.model(name)

    def _inline_type(self, schema: dict[str, Any], pointer: str, doc: Document, hint: str) -> ir.TypeExpr:
        for keyword in ("oneOf", "anyOf"):
            if keyword in schema:
                return self._union(schema, keyword, pointer, doc, hint)
        if "allOf" in schema:
            if self._is_alias_allof(schema) and not schema.get("properties"):
                return self.type_of(schema["allOf"][0], f"{pointer}/allOf/0", doc, hint)
            return self._model_type(schema, pointer, doc, hint)
        kind = self._schema_kind(schema)
        if kind == "enum":
            return self._enum_type(schema, pointer, doc, hint)
        if kind == "model":
            return self._model_type(schema, pointer, doc, hint)
        schema_type = schema.get("type")
        if isinstance(schema_type, list):
            non_null = [t for t in schema_type if t != "null"]
            schema_type = non_null[0] if len(non_null) == 1 else None
        fmt = schema.get("format")
        if schema_type == "string":
            if fmt == "date-time":
                return types.DATETIME
            if fmt == "date":
                return types.DATE
            if fmt in ("binary", "byte") and hint.endswith("Body"):
                return types.BYTES
            return types.STR
        if schema_type == "integer":
            return types.INT
        if schema_type == "number":
            return types.FLOAT
        if schema_type == "boolean":
            return types.BOOL
        if schema_type == "array":
            items = schema.get("items", {})
            return types.list_of(self.type_of(items, f"{pointer}/items", doc, hint + "Item"))
        if schema_type == "object" or "additionalProperties" in schema:
            extra = schema.get("additionalProperties", True)
            if isinstance(extra, dict) and extra:
                return types.dict_of(self.type_of(extra, f"{pointer}/additionalProperties", doc, hint + "Value"))
            return types.OBJECT
        return types.ANY

    def _union(self, schema: dict[str, Any], keyword: str, pointer: str, doc: Document, hint: str) -> ir.TypeExpr:
        members = schema[keyword]
        if not isinstance(members, list) or not members:
            raise doc.error(f"{pointer}/{keyword}", f"{keyword} must be a non-empty list", "list the alternatives")
        return types.union(
            [self.type_of(m, f"{pointer}/{keyword}/{i}", doc, f"{hint}Option{i + 1}") for i, m in enumerate(members)]
        )

    def _enum_type(self, schema: dict[str, Any], pointer: str, doc: Document, hint: str) -> ir.TypeExpr:
        name = self.state.by_pointer.get(pointer)
        if name is None:
            name = self._claim(class_name(hint), pointer, doc)
            self.state.enums[name] = self._build_enum(name, schema)
        return types.enum(name, self.state.enums[name].value_type)

    def _build_enum(self, name: str, schema: dict[str, Any]) -> ir.Enum:
        values = [v for v in schema["enum"] if v is not None]
        unique: list[Any] = []
        for value in values:
            if value not in unique:
                unique.append(value)
        if all(isinstance(v, str) for v in unique):
            value_type = "str"
        elif all(isinstance(v, int) and not isinstance(v, bool) for v in unique):
            value_type = "int"
        else:
            value_type = "float" if all(isinstance(v, (int, float)) for v in unique) else "str"
            unique = [v if value_type == "float" else str(v) for v in unique]
        names = dedupe([enum_member_name(v) for v in unique])
        members = tuple(ir.EnumMember(n, v) for n, v in zip(names, unique, strict=True))
        return ir.Enum(name, _text(schema.get("description")), value_type, members)

    def _model_type(self, schema: dict[str, Any], pointer: str, doc: Document, hint: str) -> ir.TypeExpr:
        name = self.state.by_pointer.get(pointer)
        if name is None:
            title = schema.get("title")
            wanted = class_name(hint)
            if isinstance(title, str) and title.strip() and not pointer.startswith(SCHEMAS):
                wanted = class_name(title)
            name = self._claim(wanted, pointer, doc)
            self.state.drafts[name] = _ModelDraft(name, pointer, schema, doc)
        return types.model(name)

    # ---------------------------------------------------------------- models

    def _register_components(self) -> None:
        """Claim a class name for every named object and enum schema, before any is built."""
        schemas = (self.data.get("components") or {}).get("schemas") or {}
        if not isinstance(schemas, dict):
            raise self.doc.error("/components/schemas", "components/schemas must be a mapping", "")
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
            if wire in inherited_wire:
                continue  # a subtype restating a parent property keeps the parent's field
            python = identifier(snake_case(wire), "field_", MODEL_RESERVED)
            while python in taken:
                python += "_"
            taken.add(python)
            fields.append(self._field(draft.name, wire, python, prop, prop_pointer, prop_doc, wire in required))
        init_fields = (base.init_fields if base else ()) + tuple(fields)
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
        for wire, prop in props.items():
            properties.append((wire, prop, f"{pointer}/properties/{escape_pointer_part(wire)}", doc))
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
        nullable = _nullable(prop) or _nullable(target)
        if isinstance(prop, dict) and isinstance(prop.get("allOf"), list):
            nullable = nullable or any(_nullable(self.resolver.deref(p, doc, pointer)[0]) for p in prop["allOf"])
        annotation = expr.annotation + ("" if required else " | Unset") + (" | None" if nullable else "")
        description = _text(target.get("description") if isinstance(target, dict) else None)
        if isinstance(prop, dict) and prop.get("description"):
            description = _text(prop["description"])
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
            read_only=bool(isinstance(target, dict) and target.get("readOnly")),
            write_only=bool(isinstance(target, dict) and target.get("writeOnly")),
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
            for value, ref in mapping.items():
                ref_pointer = f"{draft.pointer}/discriminator/mapping/{escape_pointer_part(value)}"
                if not isinstance(ref, str):
                    raise draft.doc.error(ref_pointer, "a discriminator mapping value must be a $ref string", "")
                target_ref = ref if ref.startswith("#") or "/" in ref else f"#/components/schemas/{ref}"
                _, _, target_pointer = self.resolver.lookup(target_ref, draft.doc, ref_pointer)
                target_name = self.state.by_pointer.get(target_pointer)
                if target_name is None or target_name not in models:
                    raise draft.doc.error(
                        ref_pointer, f"discriminator maps {value!r} to a schema that is not an object", ""
                    )
                cases.append(ir.DiscriminatorCase(str(value), target_name))
            mapped = {c.model for c in cases}
            for child in children.get(draft.name, []):
                if child not in mapped:
                    source = models[child].source
                    cases.append(ir.DiscriminatorCase(source.rsplit("/", 1)[-1], child))
            model = models[draft.name]
            subtypes = tuple(c for c in cases if _descends(models, c.model, draft.name))
            models[draft.name] = _replace(model, discriminator=ir.Discriminator(prop, tuple(cases)), subtypes=subtypes)
            for case in subtypes:
                if case.model != draft.name and sum(c.model == case.model for c in subtypes) == 1:
                    # a subtype redeclares the discriminator with its value as the default, so
                    # constructing it fills the value in
                    sub = models[case.model]
                    parent = next((f for f in sub.init_fields if f.wire_name == prop), None)
                    if parent is None:
                        continue
                    default = _replace(parent, default=py_literal(case.value))
                    own = tuple(f for f in sub.fields if f.wire_name != prop)
                    init = tuple(default if f.wire_name == prop else f for f in sub.init_fields)
                    models[case.model] = _replace(sub, fields=(default, *own), init_fields=init)
        return _topological(models)

    # ---------------------------------------------------------------- operations

    def _operations(self) -> list[tuple[str, ir.Operation, dict[str, Any], str, Document]]:
        paths = self.data.get("paths") or {}
        if not isinstance(paths, dict):
            raise self.doc.error("/paths", "paths must be a mapping", "")
        out: list[tuple[str, ir.Operation, dict[str, Any], str, Document]] = []
        for path, item in paths.items():
            item_pointer = "/paths/" + escape_pointer_part(path)
            if not isinstance(item, dict):
                continue
            item_doc = self.doc
            if "$ref" in item:
                item, item_doc, item_pointer = self.resolver.deref(item, self.doc, item_pointer)
            shared = item.get("parameters") or []
            for method in HTTP_METHODS:
                op = item.get(method)
                if not isinstance(op, dict):
                    continue
                op_pointer = f"{item_pointer}/{method}"
                tags = op.get("tags") or ["Default"]
                tag = tags[0] if isinstance(tags[0], str) else "Default"
                built = self._operation(path, method, op, op_pointer, item_doc, shared, item_pointer)
                out.append((tag, built, op, op_pointer, item_doc))
        return out

    def _parameters(
        self, op: dict[str, Any], op_pointer: str, doc: Document, shared: list[Any], item_pointer: str
    ) -> list[tuple[dict[str, Any], str, Document]]:
        """Path-level parameters overridden by operation-level ones, ``$ref``s resolved."""
        merged: dict[tuple[str, str], tuple[dict[str, Any], str, Document]] = {}
        sources = [(p, f"{item_pointer}/parameters/{i}") for i, p in enumerate(shared)]
        sources += [(p, f"{op_pointer}/parameters/{i}") for i, p in enumerate(op.get("parameters") or [])]
        for param, pointer in sources:
            resolved, param_doc, resolved_pointer = self.resolver.deref(param, doc, pointer)
            if not isinstance(resolved, dict) or "name" not in resolved or "in" not in resolved:
                raise doc.error(pointer, "a parameter needs 'name' and 'in'", "")
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
        if not isinstance(operation_id, str) or not operation_id:
            operation_id = method + "_" + "_".join(re.sub(r"[{}]", "", p) for p in path.split("/") if p)
        method_name = identifier(snake_case(operation_id), "op_", METHOD_RESERVED)
        hint = pascal_case(operation_id)

        params: list[ir.Parameter] = []
        for param, pointer, param_doc in self._parameters(op, op_pointer, doc, shared, item_pointer):
            params.append(self._parameter(param, pointer, param_doc, hint))
        names = dedupe([p.python_name for p in params])
        params = [_replace(p, python_name=n) for p, n in zip(params, names, strict=True)]

        body = self._body(op, op_pointer, doc, hint, {p.python_name for p in params})
        required = [p for p in params if p.required]
        optional = [p for p in params if not p.required]
        ordered = required + optional
        body_position = len(required) if body is not None and body.required else len(ordered)

        success, errors = self._responses(op, op_pointer, doc, hint)
        body_types = [r.type for r in success if r.type is not None]
        return_type = types.union(body_types) if body_types else types.NONE
        accept: list[str] = []
        for response in (*success, *errors):
            for media in response.media_types[:1]:
                if media not in accept:
                    accept.append(media)
        security = op.get("security", self.data.get("security") or [])
        alternatives = tuple(tuple(req.keys()) for req in security if isinstance(req, dict))
        declared = (self.data.get("components") or {}).get("securitySchemes") or {}
        for alternative in alternatives:
            for key in alternative:
                if key not in declared:
                    where = f"{op_pointer}/security" if "security" in op else "/security"
                    raise doc.error(
                        where,
                        f"security requirement names {key!r}, which components/securitySchemes does not declare",
                        "declare the scheme under components/securitySchemes or fix the name",
                    )
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
            security=alternatives,
            accept=", ".join(accept),
            pagination=None,
            constant_name="_" + method_name.upper().rstrip("_"),
        )

    def _parameter(self, param: dict[str, Any], pointer: str, doc: Document, hint: str) -> ir.Parameter:
        wire = param["name"]
        location = param["in"]
        if location not in ("path", "query", "header", "cookie"):
            raise doc.error(
                f"{pointer}/in", f"unknown parameter location {location!r}", "use path, query, header or cookie"
            )
        schema = param.get("schema")
        if schema is None and isinstance(param.get("content"), dict):
            media: Any = next(iter(param["content"].values()), {})
            schema = media.get("schema") if isinstance(media, dict) else None
        expr = self.type_of(schema or {}, f"{pointer}/schema", doc, hint + pascal_case(wire))
        resolved = self.resolver.deref(schema, doc, f"{pointer}/schema")[0] if isinstance(schema, dict) else {}
        required = bool(param.get("required")) or location == "path"
        default = _literal(resolved.get("default")) if isinstance(resolved, dict) and "default" in resolved else None
        if default is not None and expr.converts and not expr.annotation.startswith("list["):
            default = None  # enum and date defaults are applied by the server
        style = param.get("style") or ("simple" if location in ("path", "header") else "form")
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
        media_types = tuple(content.keys())
        media, encoding = _choose_request_media(media_types)
        media_pointer = f"{body_pointer}/content/{escape_pointer_part(media)}"
        media_obj = content[media] if isinstance(content[media], dict) else {}
        schema = media_obj.get("schema", {})
        if encoding == "binary":
            expr = types.BYTES
        elif encoding == "text":
            expr = types.STR
        else:
            expr = self.type_of(schema, f"{media_pointer}/schema", body_doc, hint + "Request")
        name = op.get("x-codegen-request-body-name")
        if not isinstance(name, str) or not name:
            ref = schema.get("$ref") if isinstance(schema, dict) else None
            name = snake_case(ref.rsplit("/", 1)[-1]) if isinstance(ref, str) else "body"
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
        success: list[ir.Response] = []
        errors: list[ir.Response] = []
        has_2xx = any(str(code).startswith("2") for code in responses)
        for code, response in responses.items():
            status = str(code).upper()
            pointer = f"{op_pointer}/responses/{escape_pointer_part(str(code))}"
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

    def _response(self, status: str, response: dict[str, Any], pointer: str, doc: Document, hint: str) -> ir.Response:
        description = _text(response.get("description"))
        content = response.get("content")
        if not isinstance(content, dict) or not content:
            return ir.Response(status, description, None, (), "empty")
        media_types = tuple(content.keys())
        json_media = [m for m in media_types if _is_json(m)]
        text_media = [m for m in media_types if m.lower().startswith("text/")]
        if json_media:
            media = json_media[0]
            media_obj = content[media] if isinstance(content[media], dict) else {}
            schema = media_obj.get("schema")
            if schema is None:
                return ir.Response(status, description, types.ANY, (media,), "json")
            schema_pointer = f"{pointer}/content/{escape_pointer_part(media)}/schema"
            expr = self.type_of(schema, schema_pointer, doc, hint)
            target, target_doc, target_pointer = self.resolver.deref(schema, doc, schema_pointer)
            envelope = _envelope(target, target_doc, target_pointer) if status.startswith("2") else None
            return ir.Response(status, description, expr, (media,), "json", envelope)
        if text_media:
            return ir.Response(status, description, types.STR, (text_media[0],), "text")
        return ir.Response(status, description, types.BYTES, (media_types[0],), "binary")

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
        return ir.Pagination(
            method_name="iter_" + op_name,
            items=items.python_name,
            items_wire=items.wire_name,
            item_type=item_type,
            next_token=next_token.python_name if next_token else None,
            next_token_wire=next_token.wire_name if next_token else None,
            token_param=token_param,
            offset_param=offset_param,
            limit_param=param("limit-param"),
        )

    # ---------------------------------------------------------------- security, servers

    def _security(self, used: set[str]) -> tuple[ir.SecurityScheme, ...]:
        schemes = (self.data.get("components") or {}).get("securitySchemes") or {}
        out: list[ir.SecurityScheme] = []
        taken: set[str] = set()
        for key, scheme in schemes.items():
            if key not in used:
                continue
            pointer = "/components/securitySchemes/" + escape_pointer_part(key)
            scheme, scheme_doc, pointer = self.resolver.deref(scheme, self.doc, pointer)
            kind = scheme.get("type")
            custom = scheme.get("x-python-credential")
            if kind == "apiKey":
                names: tuple[str, ...] = (custom if isinstance(custom, str) else snake_case(key),)
                entry = (
                    "api_key",
                    scheme.get("in", "header"),
                    scheme.get("name", key),
                    _text(scheme.get("x-value-prefix")),
                )
            elif kind == "http" and str(scheme.get("scheme", "")).lower() == "basic":
                names = ("username", "password")
                entry = ("basic", "header", "Authorization", "Basic ")
            elif kind == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
                names = (custom if isinstance(custom, str) else snake_case(key),)
                entry = ("bearer", "header", "Authorization", "Bearer ")
            else:
                raise scheme_doc.error(
                    pointer,
                    f"unsupported: security scheme type {kind!r} at {pointer}",
                    "use apiKey, http basic or http bearer (pass other tokens with an apiKey or bearer scheme)",
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
            out.append(ir.SecurityScheme(key, names, *entry, description=_text(scheme.get("description"))))
        return tuple(out)

    def _servers(self) -> tuple[tuple[ir.Server, ...], str]:
        servers = self.data.get("servers") or [{"url": "/"}]
        out = []
        for server in servers:
            if not isinstance(server, dict) or not isinstance(server.get("url"), str):
                continue
            url = server["url"]
            for var, spec in (server.get("variables") or {}).items():
                if isinstance(spec, dict) and "default" in spec:
                    url = url.replace("{" + var + "}", str(spec["default"]))
            out.append(ir.Server(url, _text(server.get("description"))))
        default = out[0].url if out else ""
        if not default.startswith(("http://", "https://")):
            default = ""
        return tuple(out), default.rstrip("/")

    # ---------------------------------------------------------------- package

    def run(self) -> ir.Package:
        self._register_components()
        first_pass = self._operations()
        self._build_models()
        grouped: dict[str, list[ir.Operation]] = {}
        models = self._finish_models()
        by_name = {m.name: m for m in models}
        for tag, op, raw, pointer, doc in first_pass:
            pagination = self._pagination(raw, pointer, doc, op.method_name, list(op.params), op.return_type)
            body = op.body if op.body and op.body.required else None
            args, example_models, needs_datetime = call_arguments(op.params, body, by_name)
            op = _replace(
                op,
                pagination=pagination,
                example_args=args,
                example_models=example_models,
                example_datetime=needs_datetime,
            )
            grouped.setdefault(tag, []).append(op)
        apis = []
        class_names: dict[str, str] = {}
        for tag, ops in grouped.items():
            name = class_name(tag, "Tag") + "Api"
            if name in class_names:
                raise self.doc.error(
                    "/tags", f"tags {class_names[name]!r} and {tag!r} both give the class {name}", "rename a tag"
                )
            if name in self.state.names:
                raise self.doc.error(
                    "/tags", f"API class {name} collides with a model of that name", "rename the tag or the schema"
                )
            class_names[name] = tag
            seen: dict[str, ir.Operation] = {}
            for op in ops:
                if op.method_name in seen:
                    other = seen[op.method_name]
                    raise self.doc.error(
                        "/paths/" + escape_pointer_part(op.path) + "/" + op.http_method.lower(),
                        f"operations {other.operation_id!r} ({other.http_method} {other.path}) and "
                        f"{op.operation_id!r} ({op.http_method} {op.path}) both become {name}.{op.method_name}()",
                        "give one of them a different operationId",
                    )
                seen[op.method_name] = op
            apis.append(
                ir.Api(
                    class_name=name,
                    async_class_name="Async" + name,
                    module=snake_case(name),
                    description=self._tag_description(tag),
                    operations=tuple(ops),
                    imports=_api_imports(ops),
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
        )

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
    if not isinstance(schema, dict):
        return False
    if schema.get("nullable") is True:
        return True
    kind = schema.get("type")
    return isinstance(kind, list) and "null" in kind


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


def _replace(obj: Any, **changes: Any) -> Any:
    from dataclasses import replace

    return replace(obj, **changes)


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


def isort_key(name: str) -> tuple[int, str]:
    """The order isort/ruff use inside one import: CONSTANTS, Classes, functions."""
    if name.isupper():
        return (0, name)
    return (1, name) if name[0].isupper() else (2, name)


def _sorted(names: set[str]) -> tuple[str, ...]:
    return tuple(sorted(names, key=isort_key))


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
    runtime |= {"field", "Model"}
    if any(not f.required for m in models for f in m.init_fields):
        runtime |= {"UNSET", "Unset"}
    typing = {"Any"} if uses_any else set()
    return ir.Imports(_sorted(runtime), (), (), _sorted(typing), uses_datetime)


RUNTIME_EXPORTS = {
    "._model": ("UNSET", "Unset"),
    "._transport": ("ApiResponse", "RequestOptions"),
    ".client": ("ApiClient", "AsyncApiClient"),
    ".errors": (
        "ApiConnectionError",
        "ApiError",
        "ApiResultError",
        "ApiStatusError",
        "ApiTimeoutError",
        "ClientError",
        "DecodeError",
        "ResponseDecodeError",
        "ServerError",
    ),
}


def _public_names(
    apis: list[ir.Api], models: list[str]
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """What the package's ``__init__`` exports, and the imports that give mypy those names."""
    by_module: dict[str, set[str]] = {module: set(names) for module, names in RUNTIME_EXPORTS.items()}
    for api in apis:
        by_module["." + api.module] = {api.class_name, api.async_class_name}
    if models:
        by_module[".models"] = set(models)
    public = tuple(sorted(((n, m) for m, names in by_module.items() for n in names), key=lambda p: isort_key(p[0])))
    imports = tuple((m, _sorted(by_module[m])) for m in sorted(by_module, key=lambda m: m.lstrip(".")))
    return public, imports


def _api_imports(ops: list[ir.Operation]) -> ir.Imports:
    exprs: list[ir.TypeExpr] = []
    converting: list[ir.TypeExpr] = []
    for op in ops:
        exprs.append(op.return_type)
        for response in (*op.success, *op.errors):
            if response.type is not None:
                converting.append(response.type)
        for param in op.params:
            exprs.append(param.type)
            if param.type.converts:
                converting.append(param.type)
        if op.body is not None:
            exprs.append(op.body.type)
            converting.append(op.body.type)
    runtime, models, uses_any, uses_datetime = _collect_types(converting)
    _, all_models, any_in_signature, dt_in_signature = _collect_types(exprs)
    models |= all_models
    transport = {"Operation", "RequestOptions", "Response", "AsyncApi", "SyncApi", "async_raw_method", "raw_method"}
    if any(op.params for op in ops):
        transport.add("Param")
    if any(op.body is not None for op in ops):
        transport.add("Body")
    if any(r.envelope for op in ops for r in op.success):
        transport.add("Envelope")
    typing = {"Any"} if uses_any or any_in_signature else set()
    abc = set()
    if any(p.annotation.startswith("Sequence[") for op in ops for p in op.params):
        abc.add("Sequence")
    if any(op.pagination for op in ops):
        abc |= {"AsyncIterator", "Iterator"}
        models |= {name for op in ops if op.pagination for name in op.pagination.item_type.models}
    return ir.Imports(
        _sorted(runtime),
        _sorted(transport),
        _sorted(models),
        _sorted(typing),
        uses_datetime or dt_in_signature,
        _sorted(abc),
        any(op.deprecated for op in ops),
    )


def normalize(doc: Document, settings: Settings, spec_file: str) -> ir.Package:
    """Turn a validated spec document into the IR."""
    try:
        return Normalizer(doc, settings, spec_file).run()
    except SpecError:
        raise
    except RecursionError:
        raise doc.error(
            "", "the spec nests schemas too deeply to generate", "flatten the schemas with named components"
        ) from None
