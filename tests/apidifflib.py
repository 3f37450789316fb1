"""Small inline specs for the change-report tests: a base document and a way to build its IR."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator import ir
from generator.apidiff import ApiChange, diff_packages
from generator.diffcmd import build_ir, read_input


def base_spec() -> dict[str, Any]:
    """Two operations, a response model with an enum, a request model, one API key scheme."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Pets", "version": "1.0.0"},
        "x-python-client": {"package": "pets_client", "version": "1.2.0"},
        "servers": [{"url": "https://pets.example/api"}],
        "components": {
            "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}},
            "schemas": {
                "Pet": {
                    "type": "object",
                    "required": ["id", "name"],
                    "properties": {
                        "id": {"type": "integer"},
                        "name": {"type": "string", "maxLength": 40},
                        "status": {"$ref": "#/components/schemas/PetStatus"},
                        "tag": {"type": "string"},
                    },
                },
                "PetStatus": {"type": "string", "enum": ["available", "sold"]},
                "NewPet": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {"name": {"type": "string"}, "tag": {"type": "string"}},
                },
            },
        },
        "paths": {
            "/pets": {
                "get": {
                    "operationId": "listPets",
                    "tags": ["pet"],
                    "parameters": [
                        {"name": "owner", "in": "query", "required": True, "schema": {"type": "string"}},
                        {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                        {"name": "sort", "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": {
                        "200": {
                            "description": "pets",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}
                                }
                            },
                        }
                    },
                },
                "post": {
                    "operationId": "createPet",
                    "tags": ["pet"],
                    "security": [{"key": []}],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewPet"}}},
                    },
                    "responses": {
                        "201": {
                            "description": "created",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}},
                        }
                    },
                },
            },
            "/pets/{petId}": {
                "get": {
                    "operationId": "getPet",
                    "tags": ["pet"],
                    "parameters": [
                        {"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}},
                        {"name": "view", "in": "query", "schema": {"$ref": "#/components/schemas/PetStatus"}},
                    ],
                    "responses": {
                        "200": {
                            "description": "a pet",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}},
                        }
                    },
                }
            },
        },
    }


def write_spec(folder: Path, name: str, spec: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return path


def ir_of(folder: Path, name: str, spec: dict[str, Any]) -> ir.Package:
    return build_ir(read_input(str(write_spec(folder, name, spec))), None)  # type: ignore[no-any-return]


def changes_after(folder: Path, edit: Callable[[dict[str, Any]], None]) -> list[ApiChange]:
    """The Python-level changes from the base spec to the base spec with ``edit`` applied."""
    old = base_spec()
    new = copy.deepcopy(old)
    edit(new)
    return diff_packages(ir_of(folder, "old.json", old), ir_of(folder, "new.json", new))


def ids(changes: list[ApiChange]) -> list[tuple[str, str, str]]:
    return [(c.level, c.id, c.python_name) for c in changes]
