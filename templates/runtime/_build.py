"""Build backend: setuptools, run on a temporary copy of this folder.

setuptools writes ``build/`` and ``*.egg-info`` next to the sources; building from a copy keeps
this folder byte for byte as it was generated, so installing it never makes a checkout stale.
"""

from __future__ import annotations

import importlib
import os
import shutil
import tempfile
from collections.abc import Callable
from typing import Any

# imported by name: setuptools ships no type information
_setuptools: Any = importlib.import_module("setuptools.build_meta")
_LEFTOVERS = shutil.ignore_patterns("build", "dist", "*.egg-info", "__pycache__")


def _in_copy(hook: Callable[..., Any], *args: Any) -> Any:
    """Run a setuptools hook with a fresh copy of this folder as the working directory."""
    source = os.getcwd()
    with tempfile.TemporaryDirectory() as temporary:
        copy = os.path.join(temporary, os.path.basename(source) or "package")
        shutil.copytree(source, copy, ignore=_LEFTOVERS)
        os.chdir(copy)
        try:
            return hook(*args)
        finally:
            os.chdir(source)


def get_requires_for_build_wheel(config_settings: Any = None) -> list[str]:
    return list(_in_copy(_setuptools.get_requires_for_build_wheel, config_settings))


def get_requires_for_build_sdist(config_settings: Any = None) -> list[str]:
    return list(_in_copy(_setuptools.get_requires_for_build_sdist, config_settings))


def prepare_metadata_for_build_wheel(
    metadata_directory: str, config_settings: Any = None
) -> str:
    target = os.path.abspath(metadata_directory)
    hook = _setuptools.prepare_metadata_for_build_wheel
    return str(_in_copy(hook, target, config_settings))


def build_wheel(
    wheel_directory: str,
    config_settings: Any = None,
    metadata_directory: str | None = None,
) -> str:
    target = os.path.abspath(wheel_directory)
    metadata = (
        None if metadata_directory is None else os.path.abspath(metadata_directory)
    )
    return str(_in_copy(_setuptools.build_wheel, target, config_settings, metadata))


def build_sdist(sdist_directory: str, config_settings: Any = None) -> str:
    target = os.path.abspath(sdist_directory)
    return str(_in_copy(_setuptools.build_sdist, target, config_settings))
