"""Swagger 2.0 -> OpenAPI 3.0, in memory, so the rest of the pipeline sees one kind of document.

The converted document keeps the original text (for line numbers and the spec hash) and a map
from each converted node's JSON pointer back to the node of the Swagger document it came from,
so an error found later still names the place the user has to edit.

What moves where:

- ``host``/``basePath``/``schemes`` -> ``servers``; ``definitions`` -> ``components/schemas``;
  ``parameters``/``responses``/``securityDefinitions`` -> their ``components`` sections;
- a ``body`` parameter -> ``requestBody`` (its name becomes ``x-codegen-request-body-name``);
  ``formData`` parameters -> one object schema in a form or multipart ``requestBody``;
- other parameters get a ``schema`` from their ``type``/``format``/``items``/``enum``/``default``,
  and ``collectionFormat`` becomes ``style``/``explode``;
- a response ``schema`` -> ``content`` for each media type of ``produces``;
- schema details: ``type: file`` -> binary string, ``x-nullable`` -> ``nullable``, a string
  ``discriminator`` -> ``{propertyName: ...}``, ``$ref``s rewritten to the new locations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .loader import Document, escape_pointer_part, pointer_of, split_pointer

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
SCHEMA_KEYS = (
    "format",
    "title",
    "description",
    "default",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "readOnly",
    "example",
)
# collectionFormat -> (style in the query, explode); path and header parameters use "simple"
COLLECTION_FORMATS = {
    "csv": ("form", False),
    "multi": ("form", True),
    "ssv": ("spaceDelimited", False),
    "pipes": ("pipeDelimited", False),
}
REF_PREFIXES = (
    ("#/definitions/", "#/components/schemas/"),
    ("#/parameters/", "#/components/parameters/"),
    ("#/responses/", "#/components/responses/"),
)


class _Converter:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.src: dict[str, Any] = doc.data
        self.origin: dict[str, str] = {}  # converted pointer -> Swagger pointer
        self.body_params: set[str] = set()  # names of components/parameters that are bodies or forms

    def error(self, pointer: str, message: str, hint: str) -> Exception:
        return self.doc.error(pointer, message, hint)

    def map(self, new: tuple[str | int, ...], old: tuple[str | int, ...]) -> None:
        self.origin[pointer_of(new)] = pointer_of(old)

    # ------------------------------------------------------------------ schemas

    def ref(self, ref: str) -> str:
        file_part, _, fragment = ref.partition("#")
        for old, new in REF_PREFIXES:
            if ("#" + fragment).startswith(old):
                return file_part + new[:-1] + "/" + fragment[len(old) - 1 :]
        return ref

    def schema(self, node: Any, new: tuple[str | int, ...], old: tuple[str | int, ...]) -> Any:
        """A Swagger schema object as an OpenAPI 3.0 schema (recursively)."""
        self.map(new, old)
        if isinstance(node, list):
            return [self.schema(v, (*new, i), (*old, i)) for i, v in enumerate(node)]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                out[key] = self.ref(value)
            elif key in ("properties", "patternProperties") and isinstance(value, dict):
                out[key] = {name: self.schema(sub, (*new, key, name), (*old, key, name)) for name, sub in value.items()}
                self.map((*new, key), (*old, key))
            elif key in ("items", "additionalProperties", "not") and isinstance(value, (dict, list)):
                out[key] = self.schema(value, (*new, key), (*old, key))
            elif key in ("allOf", "anyOf", "oneOf") and isinstance(value, list):
                out[key] = [self.schema(v, (*new, key, i), (*old, key, i)) for i, v in enumerate(value)]
                self.map((*new, key), (*old, key))
            elif key == "type" and value == "file":
                out["type"] = "string"
                out["format"] = "binary"
            elif key == "x-nullable":
                if value is True:
                    out["nullable"] = True
            elif key == "discriminator" and isinstance(value, str):
                out[key] = {"propertyName": value}
                self.map((*new, key, "propertyName"), (*old, key))
            else:
                out[key] = value
        return out

    def simple_schema(self, param: dict[str, Any], new: tuple[str | int, ...], old: tuple[str | int, ...]) -> Any:
        """The schema of a non-body parameter, a header or an ``items`` object."""
        self.map(new, old)
        out: dict[str, Any] = {}
        kind = param.get("type")
        if kind == "file":
            return {"type": "string", "format": "binary"}
        if kind is not None:
            out["type"] = kind
        for key in SCHEMA_KEYS:
            if key in param and key != "description":
                out[key] = param[key]
        if param.get("x-nullable") is True:
            out["nullable"] = True
        items = param.get("items")
        if isinstance(items, dict):
            out["items"] = self.simple_schema(items, (*new, "items"), (*old, "items"))
        return out

    # ------------------------------------------------------------------ parameters

    def parameter(
        self, param: dict[str, Any], new: tuple[str | int, ...], old: tuple[str | int, ...]
    ) -> dict[str, Any]:
        """A query, path, header or cookie parameter."""
        self.map(new, old)
        out: dict[str, Any] = {}
        for key, value in param.items():
            if key in ("name", "in", "description", "required", "allowEmptyValue", "deprecated") or key.startswith(
                "x-"
            ):
                out[key] = value
        location = param.get("in")
        out["schema"] = self.simple_schema(param, (*new, "schema"), old)
        if "example" in param:
            out["example"] = param["example"]
        fmt = param.get("collectionFormat")
        if param.get("type") == "array":
            fmt = fmt or "csv"
            if fmt == "tsv" or fmt not in COLLECTION_FORMATS:
                raise self.error(
                    pointer_of((*old, "collectionFormat")),
                    f"unsupported: collectionFormat {fmt!r} at {pointer_of((*old, 'collectionFormat'))}",
                    "use csv, ssv, pipes or multi (OpenAPI 3 has no tab-separated style)",
                )
            style, explode = COLLECTION_FORMATS[fmt]
            if location in ("path", "header"):
                if fmt != "csv":
                    raise self.error(
                        pointer_of((*old, "collectionFormat")),
                        f"unsupported: collectionFormat {fmt!r} for a {location} parameter at "
                        f"{pointer_of((*old, 'collectionFormat'))}",
                        "path and header arrays are comma-separated (csv)",
                    )
                style, explode = "simple", False
            out["style"] = style
            out["explode"] = explode
        return out

    def resolve_param(self, param: Any, old: tuple[str | int, ...]) -> tuple[Any, tuple[str | int, ...]]:
        """Follow a ``#/parameters/...`` reference (for body and form parameters, which move)."""
        seen: set[str] = set()
        while isinstance(param, dict) and isinstance(param.get("$ref"), str):
            ref = param["$ref"]
            if not ref.startswith("#/parameters/") or ref in seen:
                return param, old
            seen.add(ref)
            name = split_pointer(ref[1:])[1:]
            node = self.src.get("parameters", {})
            for part in name:
                node = node.get(part) if isinstance(node, dict) else None
            if node is None:
                return param, old
            param, old = node, ("parameters", *name)
        return param, old

    def operation_parameters(
        self,
        params: list[Any],
        new: tuple[str | int, ...],
        old: tuple[str | int, ...],
        consumes: list[str],
        out: dict[str, Any],
        inherited: list[tuple[Any, tuple[str | int, ...]]],
    ) -> None:
        """Split parameters into OpenAPI 3 parameters and a request body."""
        converted: list[Any] = []
        body: tuple[dict[str, Any], tuple[str | int, ...]] | None = None
        form: list[tuple[dict[str, Any], tuple[str | int, ...]]] = []
        own = [(p, (*old, "parameters", i)) for i, p in enumerate(params)]
        overridden = set()
        for param, at in own:
            resolved, _ = self.resolve_param(param, at)
            if isinstance(resolved, dict):
                overridden.add((resolved.get("name"), resolved.get("in")))
        merged = [
            (p, at)
            for p, at in inherited
            if isinstance(self.resolve_param(p, at)[0], dict)
            and (self.resolve_param(p, at)[0].get("name"), self.resolve_param(p, at)[0].get("in")) not in overridden
        ] + own
        for param, at in merged:
            resolved, resolved_at = self.resolve_param(param, at)
            if not isinstance(resolved, dict):
                continue
            location = resolved.get("in")
            if location == "body":
                body = (resolved, resolved_at)
            elif location == "formData":
                form.append((resolved, resolved_at))
            elif isinstance(param, dict) and "$ref" in param:
                index = len(converted)
                converted.append({"$ref": self.ref(param["$ref"])})
                self.map((*new, "parameters", index), at)
            else:
                index = len(converted)
                converted.append(self.parameter(resolved, (*new, "parameters", index), resolved_at))
        if converted:
            out["parameters"] = converted
            self.map((*new, "parameters"), (*old, "parameters"))
        if body is not None:
            param, at = body
            media_types = consumes or ["application/json"]
            body_schema = param.get("schema", {})
            content = {}
            for media in media_types:
                content[media] = {
                    "schema": self.schema(
                        body_schema, (*new, "requestBody", "content", media, "schema"), (*at, "schema")
                    )
                }
                self.map((*new, "requestBody", "content", media), at)
            request: dict[str, Any] = {"content": content}
            if param.get("description"):
                request["description"] = param["description"]
            if param.get("required"):
                request["required"] = True
            out["requestBody"] = request
            self.map((*new, "requestBody"), at)
            if isinstance(param.get("name"), str) and "x-codegen-request-body-name" not in out:
                out["x-codegen-request-body-name"] = param["name"]
        elif form:
            has_file = any(p.get("type") == "file" for p, _ in form)
            wanted = [m for m in consumes if m.startswith(("multipart/", "application/x-www-form-urlencoded"))]
            if not wanted:
                wanted = ["multipart/form-data" if has_file else "application/x-www-form-urlencoded"]
            form_schema: dict[str, Any] = {"type": "object", "properties": {}}
            required = []
            for param, at in form:
                name = param.get("name")
                if not isinstance(name, str):
                    continue
                prop = self.simple_schema(
                    param, (*new, "requestBody", "content", wanted[0], "schema", "properties", name), at
                )
                if param.get("description"):
                    prop["description"] = param["description"]
                form_schema["properties"][name] = prop
                if param.get("required"):
                    required.append(name)
            if required:
                form_schema["required"] = required
            out["requestBody"] = {
                "content": {m: {"schema": form_schema} for m in wanted},
                "required": bool(required),
            }
            first = form[0][1]
            self.map((*new, "requestBody"), first[:-1] if isinstance(first[-1], int) else first)

    # ------------------------------------------------------------------ responses

    def response(
        self, response: Any, new: tuple[str | int, ...], old: tuple[str | int, ...], produces: list[str]
    ) -> Any:
        self.map(new, old)
        if not isinstance(response, dict):
            return response
        if isinstance(response.get("$ref"), str):
            return {"$ref": self.ref(response["$ref"])}
        out: dict[str, Any] = {"description": response.get("description", "")}
        if "schema" in response:
            content: dict[str, Any] = {}
            for media in produces or ["application/json"]:
                entry = {
                    "schema": self.schema(response["schema"], (*new, "content", media, "schema"), (*old, "schema"))
                }
                examples = response.get("examples")
                if isinstance(examples, dict) and media in examples:
                    entry["example"] = examples[media]
                content[media] = entry
                self.map((*new, "content", media), (*old, "schema"))
            out["content"] = content
        headers = response.get("headers")
        if isinstance(headers, dict):
            out["headers"] = {}
            for name, header in headers.items():
                if isinstance(header, dict):
                    converted: dict[str, Any] = {
                        "schema": self.simple_schema(header, (*new, "headers", name, "schema"), (*old, "headers", name))
                    }
                    if header.get("description"):
                        converted["description"] = header["description"]
                    out["headers"][name] = converted
        for key, value in response.items():
            if key.startswith("x-"):
                out[key] = value
        return out

    # ------------------------------------------------------------------ document

    def servers(self) -> list[dict[str, Any]]:
        host = self.src.get("host")
        base = self.src.get("basePath") or ""
        if not isinstance(base, str):
            base = ""
        if not isinstance(host, str) or not host:
            return [{"url": base or "/"}]
        schemes = [s for s in self.src.get("schemes") or [] if s in ("http", "https")] or ["https"]
        return [{"url": f"{scheme}://{host}{base}"} for scheme in schemes]

    def security_scheme(self, scheme: Any, new: tuple[str | int, ...], old: tuple[str | int, ...]) -> Any:
        self.map(new, old)
        if not isinstance(scheme, dict):
            return scheme
        kind = scheme.get("type")
        extras = {k: v for k, v in scheme.items() if k.startswith("x-") or k == "description"}
        if kind == "basic":
            return {"type": "http", "scheme": "basic", **extras}
        if kind == "apiKey":
            return {"type": "apiKey", "name": scheme.get("name"), "in": scheme.get("in"), **extras}
        if kind == "oauth2":
            flow = {
                "implicit": "implicit",
                "password": "password",
                "application": "clientCredentials",
                "accessCode": "authorizationCode",
            }.get(str(scheme.get("flow")), "implicit")
            details: dict[str, Any] = {"scopes": scheme.get("scopes") or {}}
            for key in ("authorizationUrl", "tokenUrl"):
                if key in scheme:
                    details[key] = scheme[key]
            return {"type": "oauth2", "flows": {flow: details}, **extras}
        return dict(scheme)

    def convert(self) -> dict[str, Any]:
        src = self.src
        out: dict[str, Any] = {"openapi": "3.0.3"}
        self.map(("openapi",), ("swagger",))
        for key, value in src.items():
            if key in ("info", "tags", "externalDocs", "security") or key.startswith("x-"):
                out[key] = value
        out["servers"] = self.servers()
        self.map(("servers",), ("host",) if "host" in src else ())
        consumes = [m for m in src.get("consumes") or [] if isinstance(m, str)]
        produces = [m for m in src.get("produces") or [] if isinstance(m, str)]

        components: dict[str, Any] = {}
        definitions = src.get("definitions")
        if isinstance(definitions, dict):
            components["schemas"] = {
                name: self.schema(schema, ("components", "schemas", name), ("definitions", name))
                for name, schema in definitions.items()
            }
            self.map(("components", "schemas"), ("definitions",))
        parameters = src.get("parameters")
        if isinstance(parameters, dict):
            shared: dict[str, Any] = {}
            for name, param in parameters.items():
                if isinstance(param, dict) and param.get("in") not in ("body", "formData"):
                    shared[name] = self.parameter(param, ("components", "parameters", name), ("parameters", name))
            if shared:
                components["parameters"] = shared
                self.map(("components", "parameters"), ("parameters",))
        responses = src.get("responses")
        if isinstance(responses, dict):
            components["responses"] = {
                name: self.response(r, ("components", "responses", name), ("responses", name), produces)
                for name, r in responses.items()
            }
            self.map(("components", "responses"), ("responses",))
        schemes = src.get("securityDefinitions")
        if isinstance(schemes, dict):
            components["securitySchemes"] = {
                name: self.security_scheme(s, ("components", "securitySchemes", name), ("securityDefinitions", name))
                for name, s in schemes.items()
            }
            self.map(("components", "securitySchemes"), ("securityDefinitions",))
        if components:
            out["components"] = components

        paths: dict[str, Any] = {}
        for path, item in (src.get("paths") or {}).items():
            if not isinstance(item, dict):
                paths[path] = item
                continue
            new_item: dict[str, Any] = {}
            item_new: tuple[str | int, ...] = ("paths", path)
            item_old: tuple[str | int, ...] = ("paths", path)
            self.map(item_new, item_old)
            shared_params = item.get("parameters") or []
            inherited = [(p, (*item_old, "parameters", i)) for i, p in enumerate(shared_params)]
            for key, value in item.items():
                if key.startswith("x-"):
                    new_item[key] = value
                elif key == "$ref" and isinstance(value, str):
                    new_item[key] = value
            for method in HTTP_METHODS:
                op = item.get(method)
                if not isinstance(op, dict):
                    continue
                new: tuple[str | int, ...] = (*item_new, method)
                old: tuple[str | int, ...] = (*item_old, method)
                self.map(new, old)
                converted: dict[str, Any] = {}
                for key, value in op.items():
                    if key in (
                        "tags",
                        "summary",
                        "description",
                        "operationId",
                        "deprecated",
                        "security",
                        "externalDocs",
                    ):
                        converted[key] = value
                    elif key.startswith("x-"):
                        converted[key] = value
                op_consumes = [m for m in op.get("consumes") or consumes if isinstance(m, str)]
                op_produces = [m for m in op.get("produces") or produces if isinstance(m, str)]
                self.operation_parameters(op.get("parameters") or [], new, old, op_consumes, converted, inherited)
                responses_in = op.get("responses")
                if isinstance(responses_in, dict):
                    converted["responses"] = {
                        str(code): self.response(
                            r, (*new, "responses", str(code)), (*old, "responses", code), op_produces
                        )
                        for code, r in responses_in.items()
                    }
                    self.map((*new, "responses"), (*old, "responses"))
                else:
                    converted["responses"] = responses_in
                new_item[method] = converted
            paths[path] = new_item
        out["paths"] = paths
        self.map(("paths",), ("paths",))
        return out


def convert(doc: Document) -> Document:
    """The OpenAPI 3.0 form of a (validated) Swagger 2.0 document."""
    converter = _Converter(doc)
    data = converter.convert()
    return Document(
        path=doc.path,
        data=data,
        text=doc.text,
        display=doc.display,
        origin=_origin_function(converter.origin),
        source_version="2.0",
    )


def _origin_function(origin: dict[str, str]) -> Callable[[str], str]:
    """Map a pointer of the converted document to the Swagger document (longest known prefix)."""

    def lookup(pointer: str) -> str:
        parts = split_pointer(pointer)
        for end in range(len(parts), -1, -1):
            prefix = "".join("/" + escape_pointer_part(p) for p in parts[:end])
            if prefix in origin:
                rest = "".join("/" + escape_pointer_part(p) for p in parts[end:])
                mapped = origin[prefix]
                # parts below a moved node keep their names, except the OpenAPI-3-only levels
                if rest.startswith("/content/") and "/schema" in rest:
                    rest = rest[rest.index("/schema") :]
                    if mapped.endswith("/schema"):
                        rest = rest[len("/schema") :]
                return mapped + rest
        return pointer

    return lookup
