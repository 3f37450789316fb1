"""generator.settings: the spec's ``x-python-client`` block."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.version import Version

from generator.errors import SpecError
from generator.loader import Document, parse_text
from generator.settings import Settings, read_settings


def document(settings_yaml: str) -> Document:
    text = 'openapi: 3.0.3\ninfo: {title: S, version: "1"}\n' + settings_yaml + "paths: {}\n"
    return Document(path=Path("spec.yaml"), data=parse_text(text, "spec.yaml"), text=text, display="specs/spec.yaml")


def settings_error(settings_yaml: str) -> SpecError:
    with pytest.raises(SpecError) as exc:
        read_settings(document(settings_yaml))
    return exc.value


def test_valid_settings() -> None:
    doc = document("x-python-client:\n  package: my_client\n  project: my-client\n  version: 1.2.3\n")
    assert read_settings(doc) == Settings(package="my_client", project="my-client", version="1.2.3")


def test_project_defaults_to_the_package_with_dashes() -> None:
    doc = document("x-python-client:\n  package: my_api_client\n  version: 2.0.0rc1\n")
    assert read_settings(doc) == Settings("my_api_client", "my-api-client", "2.0.0rc1")


def test_missing_settings() -> None:
    error = settings_error("")
    assert "the spec has no 'x-python-client' settings" in error.message
    assert error.pointer == ""
    assert "x-python-client:" in error.hint and "package:" in error.hint and "version:" in error.hint
    assert str(error).startswith("specs/spec.yaml:1: ")


def test_settings_that_are_not_a_mapping() -> None:
    error = settings_error("x-python-client: my_client\n")
    assert error.pointer == "/x-python-client"
    assert error.line == 3


@pytest.mark.parametrize(
    "package",
    ["my-client", "class", "1client", "my client", "café", "MyClient", "_private", "123", "", "null", "[a]"],
)
def test_bad_package_names(package: str) -> None:
    error = settings_error(f"x-python-client:\n  package: {package or repr('')}\n  version: 1.0.0\n")
    assert error.pointer == "/x-python-client/package"
    assert error.line == 4
    assert "package" in error.message


def test_missing_package() -> None:
    error = settings_error("x-python-client:\n  version: 1.0.0\n")
    assert error.pointer == "/x-python-client/package"
    assert "package must be a Python identifier, got None" in error.message


@pytest.mark.parametrize(
    "version",
    ["latest", "v", "one.two", "1.0 beta", "''", "null", "[1, 0]", "1..0", "1.0.0.", "1.0-", "1.0.0-foo+bar"],
)
def test_bad_versions(version: str) -> None:
    """Anything pip cannot install as the generated package's version is refused up front."""
    error = settings_error(f"x-python-client:\n  package: my_client\n  version: {version}\n")
    assert error.pointer == "/x-python-client/version"
    assert error.line == 5
    assert "version must be a PEP 440 version" in error.message


def test_missing_version() -> None:
    error = settings_error("x-python-client:\n  package: my_client\n")
    assert error.pointer == "/x-python-client/version"


@pytest.mark.parametrize("version", ["1.0.0", "1", "2.0.0rc1", "1.0.post1", "1.0.dev3", "3.3.0", "1.0.0+local.1"])
def test_good_versions_are_kept_as_written_and_are_pep_440(version: str) -> None:
    doc = document(f"x-python-client:\n  package: my_client\n  version: '{version}'\n")
    assert read_settings(doc).version == version
    Version(version)


@pytest.mark.parametrize(("written", "meant"), [("1.10", "1.10"), ("2.0", "2.0"), ("3", "3")])
def test_unquoted_numeric_versions_keep_their_digits(written: str, meant: str) -> None:
    """``version: 1.10`` is a YAML float (1.1); the package must not silently become version 1.1."""
    doc = document(f"x-python-client:\n  package: my_client\n  version: {written}\n")
    try:
        version = read_settings(doc).version
    except SpecError as error:  # refusing it (asking to quote it) is fine too
        assert "quote" in error.hint
    else:
        assert version == meant


@pytest.mark.parametrize("project", ["my client", "-client", "client-", "my_client!", "", "ünicode"])
def test_bad_project_names(project: str) -> None:
    error = settings_error(f"x-python-client:\n  package: my_client\n  project: '{project}'\n  version: 1.0.0\n")
    assert error.pointer == "/x-python-client/project"
    assert error.line == 5


def test_unknown_setting_is_reported() -> None:
    error = settings_error("x-python-client:\n  package: my_client\n  version: 1.0.0\n  packge: typo\n")
    assert error.pointer == "/x-python-client/packge"
    assert error.line == 6
    assert "unknown setting 'packge'" in error.message
