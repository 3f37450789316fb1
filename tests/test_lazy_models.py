"""Big APIs: above lazymodels.THRESHOLD models, ``models`` is a package of parts loaded on first use.

The threshold and part size are lowered for the test, so a small synthetic spec crosses them.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from generator import lazymodels
from generator.pipeline import generate_many

FILLERS = 12  # models between the ones the test reads, so they land in other parts


def _spec() -> dict[str, Any]:
    ref = "#/components/schemas/"
    schemas: dict[str, Any] = {
        "Owner": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string"},
                "pets": {"type": "array", "items": {"$ref": ref + "Pet"}},
                "home": {"$ref": ref + "Node"},
                "first": {"$ref": ref + "Filler0"},
            },
        }
    }
    for i in range(FILLERS):
        nxt = {"next": {"$ref": ref + f"Filler{i + 1}"}} if i + 1 < FILLERS else {}
        schemas[f"Filler{i}"] = {"type": "object", "properties": {"n": {"type": "integer"}, **nxt}}
    schemas["Color"] = {"type": "string", "enum": ["red", "green"]}
    schemas["Pet"] = {
        "oneOf": [{"$ref": ref + "Cat"}, {"$ref": ref + "Dog"}],
        "discriminator": {"propertyName": "petType", "mapping": {"cat": ref + "Cat", "dog": ref + "Dog"}},
    }
    schemas["Cat"] = {
        "type": "object",
        "required": ["petType"],
        "properties": {"petType": {"type": "string"}, "color": {"$ref": ref + "Color"}},
    }
    schemas["Dog"] = {
        "type": "object",
        "required": ["petType"],
        "properties": {"petType": {"type": "string"}, "barks": {"type": "boolean"}},
    }
    schemas["Node"] = {
        "type": "object",
        "properties": {"label": {"type": "string"}, "children": {"type": "array", "items": {"$ref": ref + "Node"}}},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Lazy", "version": "1.0.0"},
        "x-python-client": {"package": "lazy_client", "version": "1.0.0"},
        "paths": {
            "/owners/{id}": {
                "get": {
                    "operationId": "getOwner",
                    "tags": ["owners"],
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": ref + "Owner"}}},
                        }
                    },
                }
            }
        },
        "components": {"schemas": schemas},
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("lazy")
    spec = folder / "lazy.json"
    spec.write_text(json.dumps(_spec()), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lazymodels, "THRESHOLD", 5)
        patch.setattr(lazymodels, "MODELS_PER_PART", 3)
        (package,) = generate_many([spec], output=folder / "out")
    out = folder / "out"
    for name, content in package.files.items():
        (out / package.package / name).parent.mkdir(parents=True, exist_ok=True)
        (out / package.package / name).write_bytes(content)
    assert "models.py" not in package.files and "models/__init__.py" in package.files
    sys.path.insert(0, str(out))
    try:
        yield out
    finally:
        sys.path.remove(str(out))
        for key in [k for k in sys.modules if k.startswith("lazy_client")]:
            del sys.modules[key]


def _parts() -> set[str]:
    return {k for k in sys.modules if k.startswith("lazy_client.models._")}


@pytest.fixture()
def models(site: Path) -> ModuleType:
    for key in [k for k in sys.modules if k.startswith("lazy_client")]:
        del sys.modules[key]
    return importlib.import_module("lazy_client.models")


def test_import_loads_no_part_and_lists_every_name(models: ModuleType) -> None:
    assert _parts() == set()
    expected = {"Owner", "Cat", "Dog", "Node", "Color", *(f"Filler{i}" for i in range(FILLERS))}
    assert expected <= set(models.__all__)
    assert expected <= set(dir(models))
    assert _parts() == set()  # dir() does not load them either
    with pytest.raises(AttributeError):
        models.NoSuchModel  # noqa: B018


def test_first_use_loads_only_what_it_needs(models: ModuleType) -> None:
    from lazy_client.models import Node

    loaded = _parts()
    assert loaded and len(loaded) < len(set(models._PARTS.values()))
    tree = Node.from_dict({"label": "a", "children": [{"label": "b", "children": []}]})
    assert tree.children[0].label == "b"


def test_round_trip_and_discriminator_across_parts(models: ModuleType) -> None:
    parts = models._PARTS
    assert parts["Owner"] != parts["Cat"] and parts["Owner"] != parts["Filler9"]
    raw = {
        "name": "ann",
        "pets": [{"petType": "cat", "color": "red"}, {"petType": "dog", "barks": True, "extra": 1}],
        "home": {"label": "root", "children": [{"label": "leaf"}]},
        "first": {"n": 0, "next": {"n": 1, "next": {"n": 2}}},
        "unknown": [1, 2],
    }
    owner = models.Owner.from_dict(json.loads(json.dumps(raw)))
    assert type(owner.pets[0]).__name__ == "Cat" and owner.pets[0].color is models.Color.RED
    assert isinstance(owner.pets[1], models.Dog) and owner.pets[1].barks is True
    assert owner.first.next.next.n == 2
    assert owner.home.children[0].label == "leaf"
    assert owner.to_dict() == raw
    built = models.Owner(name="bob", pets=[models.Dog(pet_type="dog", barks=False)])
    assert built.to_dict() == {"name": "bob", "pets": [{"petType": "dog", "barks": False}]}


def test_api_module_imports_through_the_lazy_models(site: Path) -> None:
    for key in [k for k in sys.modules if k.startswith("lazy_client")]:
        del sys.modules[key]
    pkg = importlib.import_module("lazy_client")
    assert pkg.OwnersApi.__name__ == "OwnersApi"
    assert pkg.Owner is importlib.import_module("lazy_client.models").Owner


def test_mypy_strict_on_user_code(site: Path, tmp_path: Path) -> None:
    snippet = tmp_path / "user.py"
    snippet.write_text(
        "from lazy_client.models import Cat, Dog, Owner\n"
        "from lazy_client import models\n\n"
        "def names(owner: Owner) -> list[str]:\n"
        "    return [type(p).__name__ for p in owner.pets or []]\n\n"
        "pet: Cat | Dog = Cat(pet_type='cat')\n"
        "count: int = len(models.__all__)\n",
        encoding="utf-8",
    )
    env = {**os.environ, "MYPYPATH": str(site)}
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(snippet), str(site / "lazy_client")],
        capture_output=True, text=True, env=env, cwd=site,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
