"""IR -> file texts, through the Jinja2 templates in ``templates/``. Templates compute no names."""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

import jinja2

from . import escape, ir, lazymodels
from .jinjacache import TemplateCodeCache
from .resources import TEMPLATES

# the client runtime: plain Python modules in templates/runtime/, the same in every package but
# for the header; they are kept in black's style (tests/test_format.py checks), so the format
# stage leaves them alone. templates/runtime/__init__.py only makes them importable for their
# own tests and type check: each package renders its own __init__.
RUNTIME = TEMPLATES / "runtime"
# every module in that folder but the one that makes it a package for the tests: a new runtime
# module is shipped by being put there
STATIC_FILES = tuple(sorted(p.name for p in RUNTIME.glob("*.py") if p.name != "__init__.py"))


@lru_cache(maxsize=2)
def environment(code_cache: Path | None = None) -> jinja2.Environment:
    """The templates' environment; with ``code_cache`` (a folder) the compiled templates are kept
    there, so a run does not compile them again (0.4 s of CPU on every run otherwise)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        bytecode_cache=TemplateCodeCache.under(code_cache) if code_cache is not None else None,
        auto_reload=False,  # the templates do not change while a run renders
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 - we write Python, not HTML; escaping is per place (escape.py)
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        py_str=escape.py_str,
        toml_str=escape.toml_str,
        one_line=escape.one_line,
        py_literal=escape.py_literal,
        py_tuple=escape.py_tuple,
        docstring=escape.docstring,
        comment=escape.comment,
        md=escape.markdown,
        md_cell=escape.markdown_cell,
        md_code=escape.markdown_code,
    )
    return env


@cache
def runtime_source(name: str) -> str:
    """A runtime module as kept in templates/runtime/ (read once per process)."""
    return (RUNTIME / name).read_text(encoding="utf-8")


def render_package(pkg: ir.Package, code_cache: Path | None = None) -> dict[str, str]:
    """Every file of the package, by path relative to the package folder (``code_cache``: see
    ``environment``)."""
    env = environment(code_cache)
    files: dict[str, str] = {}

    def render(template: str, target: str, **context: object) -> None:
        files[target] = env.get_template(template).render(pkg=pkg, **context)

    header = env.get_template("header.j2").render(pkg=pkg)
    for name in STATIC_FILES:
        files[name] = header + runtime_source(name)
    render("package/__init__.py.j2", "__init__.py")
    render("package/client.py.j2", "client.py")
    if lazymodels.is_lazy(pkg):
        files.update(_lazy_models(env, pkg))
    else:
        render("package/models.py.j2", "models.py")
    render("package/testing.py.j2", "testing.py")
    for api in pkg.apis:
        render("package/api.py.j2", f"{api.module}.py", api=api)
    render("package/pyproject.toml.j2", "pyproject.toml")
    render("package/README.md.j2", "README.md")
    for api in pkg.apis:
        render("package/docs/api.md.j2", f"docs/{api.class_name}.md", api=api)
    render("package/docs/models.md.j2", "docs/models.md")
    files["py.typed"] = ""
    return files


def _lazy_models(env: jinja2.Environment, pkg: ir.Package) -> dict[str, str]:
    """``models/`` as a package of parts loaded on first use (lazymodels.py says why and how)."""
    parts = lazymodels.split(pkg)
    where = {name: part.module for part in parts for name in part.names}
    body = env.get_template("package/models_body.j2")
    group = env.get_template("package/models_group.py.j2")
    files = {
        "models/__init__.py": env.get_template("package/models_init.py.j2").render(
            pkg=pkg, parts=[(part.module, part.import_names) for part in parts]
        )
    }
    for part in parts:
        text = lazymodels.forward_refs(body.render(pkg=pkg, enums=part.enums, models=part.models), part)
        files[f"models/{part.module}.py"] = group.render(
            pkg=pkg, group=part, imports=lazymodels.imports(pkg, part, where), body=text
        )
    return files
