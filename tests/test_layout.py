"""The format stage's own splitting of long statements must give exactly what black gives."""

from __future__ import annotations

from pathlib import Path

import black
import pytest
from black.mode import Mode, TargetVersion

from generator import black_style
from generator import format as format_stage
from generator.cache import Cache

ROOT = Path(__file__).resolve().parent.parent
MODE = Mode(target_versions={TargetVersion.PY310})
LONG = "a_rather_long_identifier_name"

# statements the templates write, at the indentation they have there, of lengths around the limit
CASES = [
    "from .models import " + ", ".join(f"Model{i}" for i in range(12)),
    "    from .errors import " + ", ".join(f"Error{i}" for i in range(9)),
    f'    {LONG}: int | Unset = field(INT, "{LONG}", default=UNSET)',
    f'    {LONG}: list[{LONG}] | Unset = field(ListOf(ModelOf(lambda: {LONG})), "x", default=UNSET)',
    f'    status: {LONG}Enum | str | Unset = field(EnumOf({LONG}Enum), "status", default=UNSET)',
    f'    {LONG}: dict[str, str] | Unset | None = field(DictOf(STR), "{LONG}", default=UNSET, nullable=True)',
    f"        return self._call(_{LONG.upper()}, ({LONG}, {LONG}_2), body, request_options)",
    f"        return await self._call(_{LONG.upper()}, ({LONG}, {LONG}_2, {LONG}_3), None, request_options)",
    f"            page = await self._call(_{LONG.upper()}, ({LONG}, {LONG}_2), None, request_options)",
    f"        self.{LONG} = async_raw_method(api.{LONG}_with_a_suffix_that_is_long_enough)",
    f"    {LONG} = async_method(SomeApi.{LONG}_{LONG})",
    f"        self.{LONG}_{LONG}_set = raw_method(api.{LONG}_{LONG}_set)",
    f"    {LONG}_{LONG} = async_iterator(ProjectCustomNotificationApi.{LONG}_{LONG})",
    f'    body=Body("application/json", ModelOf(lambda: {LONG}{LONG}), "json"),',
    f'        "200": Response(ModelOf(lambda: {LONG}{LONG}), "json", Envelope("code", (0,), "m")),',
    f'        Param("{LONG}", "query", ListOf(EnumOf({LONG})), style="pipeDelimited", explode=False),',
    f"class {LONG}{LONG}WithASuffix(str, Enum, SomeMixinClass):",
    f"    status_value_of_the_thing: {LONG}Status | str | Unset"
    f' = field(EnumOf({LONG}Status), "statusValue", default=UNSET)',
    f'    {LONG}_{LONG}: {LONG}Value | str | Unset = field(EnumOf({LONG}Value), "x", default=UNSET)',
    f'    some_field: {LONG}{LONG}Value | {LONG}Other | Unset = field(EnumOf({LONG}), "x", default=UNSET)',
    f'    some_field: list[{LONG}{LONG}] | Unset = field(ListOf(ModelOf(lambda: {LONG})), "x", default=UNSET)',
    f"    mode_of_it: {LONG}{LONG}Mode | str | Unset = field(EnumOf({LONG}Mode), default=UNSET)",
    f"    enabled: {LONG}{LONG}Tools = field(ModelOf(lambda: {LONG}{LONG}Tools))",
    f"    mode: {LONG}{LONG}ReviewersItemModeXYZ | str | Unset"
    f" = field(EnumOf({LONG}{LONG}ReviewersItemModeXYZ), default=UNSET)",
    f"        self.{LONG}_{LONG} = async_raw_method(api.{LONG}_{LONG})",
    f"_{LONG.upper()}_{LONG.upper()}: Operation[{LONG}{LONG}]",
    f"_{LONG.upper()}: Operation[list[{LONG}Item] | None]",
    f"class {LONG}{LONG}Parent({LONG}{LONG}Base):",
    f'__all__ = ["Async{LONG}{LONG}", "{LONG}{LONG}"]',
    f'__all__ = ["Async{LONG}{LONG}ResponseWithRaw"]',
]

# parameters of a signature the templates explode, each too long for its line
PARAMETERS = [
    f"        {LONG}_mode: {LONG}{LONG}MatchMode | str | None = None,",
    f"        statuses_of_the_items: Sequence[{LONG}StatusItem | str] | None = None,",
    f"        body: {LONG}CommentRequired | {LONG}StateRequired | dict[str, Any],",
    f"        {LONG}: {LONG}{LONG}Mode | {LONG}{LONG}Other | None = None,",
    f'        sort: {LONG}{LONG}SortOrder | str = "created",',
]


# the context of a line that is an element of an exploded call (or of a dict in one)
ELEMENT_CONTEXT = {
    4: (["x = f("], [")"]),
    8: (["x = f(", "    y={"], ["    },", ")"]),
}


def black_of(statement: str) -> list[str]:
    """What black makes of one line in the context it has in generated code."""
    indent = len(statement) - len(statement.lstrip(" "))
    if statement.endswith(","):
        before, after = ELEMENT_CONTEXT[indent]
    else:
        before, after = ["    " * level + "if _:" for level in range(indent // 4)], []
        if statement.endswith(":"):
            after = [" " * indent + "    pass"]
    wrapped = "\n".join([*before, statement, *after]) + "\n"
    lines = black.format_str(wrapped, mode=MODE).split("\n")[:-1]
    assert lines[: len(before)] == before and lines[len(lines) - len(after) :] == after
    return lines[len(before) : len(lines) - len(after)]


@pytest.mark.parametrize("statement", CASES)
@pytest.mark.parametrize("width", [0, 8, 20, 40])
def test_splits_equal_blacks(statement: str, width: int) -> None:
    """Each case padded to cross the limit in different places: split by layout or left to black."""
    padded = statement.replace(LONG, LONG + "x" * width, 1)
    lines = [padded]
    if len(padded) > black_style.LINE_LENGTH:
        split = black_style.split_line(padded)
        if split is not None:
            assert split == black_of(padded)
    else:
        assert black_of(padded) == lines


@pytest.mark.parametrize("parameter", PARAMETERS)
def test_long_parameters_are_split_as_black_splits_them(parameter: str) -> None:
    split = black_style.split_line(parameter)
    assert split is not None
    source = f"class C:\n    def f(\n        self,\n{parameter}\n    ) -> None:\n        pass\n"
    lines = black.format_str(source, mode=MODE).split("\n")
    assert split == lines[3 : lines.index("    ) -> None:")]


@pytest.mark.parametrize("keyword", ["def", "async def"])
def test_a_long_method_with_only_self_is_split_as_black_splits_it(keyword: str) -> None:
    method = f"    {keyword} {LONG}(self) -> {LONG}{LONG}Response:"
    split = black_style.split_line(method)
    assert split is not None
    lines = black.format_str(f"class C:\n{method}\n        pass\n", mode=MODE).split("\n")
    assert split == lines[1 : lines.index("        pass")]


def test_the_templates_shapes_are_split_without_black() -> None:
    """The common shapes never need black: a statement a template writes long is split here."""
    for statement in CASES:
        assert len(statement) > black_style.LINE_LENGTH
        assert black_style.split_line(statement) is not None, statement


SOURCE = '''"""A module."""

from .models import {imports}

if x:
    pass
elif {long} and {long} and {long}:
    y = """a string
spanning lines"""
    z = call({long}, """a long statement holding a
string over lines""", {long})


class Thing:
    """A docstring line that is longer than the limit, which black leaves as it is, as we do."""

    field_a: int | Unset = field(INT, "{long}", default=UNSET)  # a comment
    field_b: int | Unset = field(INT, "{long}", default=UNSET)
    value = {{"{long}": 1, "{long}_2": 2, "{long}_3": 3}}


EXPORTS = {{
    "{long}{long}{long}": ".{long}_{long}_module",
}}


def function(
    self,
    {long}_{long}: {long}{long}Type,
) -> None:
    pass
'''.format(imports=", ".join(f"Model{i}" for i in range(12)), long=LONG)


def test_whole_files_equal_blacks_also_where_black_must_decide(tmp_path: Path) -> None:
    """Statements layout cannot split (a long elif, a string over lines, a comment, a dict) still
    come out as black gives them, through black on those statements or on the whole file."""
    expected = black.format_str(SOURCE, mode=MODE)
    assert expected != SOURCE
    formatted = format_stage.format_sources([("spec::module.py", SOURCE)], Cache(None))
    assert formatted == [expected]


def test_black_runs_only_on_what_layout_cannot_split(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real = format_stage._format_one

    def spy(text: str) -> tuple[str, str]:
        seen.append(text)
        return real(text)

    monkeypatch.setattr(format_stage, "_format_one", spy)
    source = "class A:\n" + "".join(f"    {line.strip()}\n" for line in CASES[2:6])
    assert format_stage.format_sources([("spec::m.py", source)], Cache(None)) == [black.format_str(source, mode=MODE)]
    assert seen == []


@pytest.mark.parametrize(
    "path", sorted((ROOT / "generated").rglob("*.py")), ids=lambda p: p.relative_to(ROOT / "generated").as_posix()
)
def test_generated_files_are_what_black_gives(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert black.format_str(text, mode=MODE) == text


DOCSTRINGS = [
    '"""One line."""',
    '"""  Padded one line.   """',
    '""""Starts with a quote" and ends with one"""',
    '"""Ends in an escaped backslash \\\\ """',
    '"""Ends in three backslashes \\\\\\ """',
    '"""Escapes \\xAB \\u00E9 \\N{bullet} \\\\xAB stay or change as black has them."""',
    '"""Summary.\n\nUnder-indented line\n        deeper line   \n    """',
    '"""Summary.\n\n    Body whose last line is long enough that the closing quotes do not fit after it at all."""',
    '"""Summary.\n    Continued.\n"""',
    '"""Summary.\n\n    A last line long enough that the closing quotes go below it, ending in: \\"see it\\""""',
    '"""Summary.\n\n    A last line long enough that the closing quotes go below it, ending in a quote mark."""',
    '""""""',
    '"""   """',
]


@pytest.mark.parametrize("literal", DOCSTRINGS)
@pytest.mark.parametrize("depth", [0, 1, 2])
def test_docstrings_are_written_as_black_writes_them(literal: str, depth: int) -> None:
    indent = "    " * depth
    header = "".join("    " * level + "def f():\n" for level in range(depth))
    source = header + indent + literal + "\n"
    expected = black.format_str(source, mode=MODE)
    assert header + indent + black_style.docstring(literal, depth) + "\n" == expected


def _fuzzed_statements(count: int) -> list[tuple[str, str, int, str]]:
    """Seeded random statements of the shapes the templates write, with names of every length:
    (line, the module it sits in, the line's index there, the line black writes after it)."""
    import keyword
    import random

    rnd = random.Random(20261123)

    def name(low: int, high: int) -> str:
        text = "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randint(low, high)))
        return text + "x" if keyword.iskeyword(text) or keyword.issoftkeyword(text) else text

    def hint(model: str) -> str:
        other = name(3, 30).capitalize()
        return rnd.choice(
            [model, f"{model} | str", f"{model} | str | Unset | None", f"list[{model}] | Unset", f"{model} | {other}"]
        )

    out: list[tuple[str, str, int, str]] = []
    while len(out) < count:
        model = name(3, 80).capitalize()
        attribute = name(1, 45)
        shape = rnd.random()
        if shape < 0.45:
            other = name(3, 40).capitalize()
            first, second = f'"a": ModelOf(lambda: {model})', f'"b": ModelOf(lambda: {other})'
            mapping = rnd.choice([f"{{{first}}}", f"{{{first}, {second}}}"])
            members = f"ModelOf(lambda: {model}), ModelOf(lambda: {other})"
            union = f'UnionOf({members}, discriminator="kind", mapping={mapping})'
            codec = rnd.choice(
                ["STR", f"EnumOf({model})", f"ModelOf(lambda: {model})", f"ListOf(ModelOf(lambda: {model}))", union]
            )
            extra = rnd.choice(["", ', "wireName"', ", default=UNSET", ", default=UNSET, nullable=True"])
            line = f"    {attribute}: {hint(model)} = field({codec}{extra})"
            out.append((line, f"class C:\n{line}\n", 1, ""))
        elif shape < 0.7:
            default = rnd.choice(["", " = None", ' = "created"'])
            line = f"        {attribute}: {hint(model)}{default},"
            module = f"class C:\n    def f(\n        self,\n{line}\n    ) -> None:\n        pass\n"
            out.append((line, module, 3, "    ) -> None:"))
        elif shape < 0.8:
            line = f"    {rnd.choice(['def', 'async def'])} {attribute}(self) -> {model}:"
            out.append((line, f"class C:\n{line}\n        pass\n", 1, "        pass"))
        elif shape < 0.9:
            line = f"{attribute.upper()}: Operation[{hint(model)}]"
            out.append((line, line + "\n", 0, ""))
        else:
            line = f"        self.{attribute} = async_raw_method(api.{attribute}{name(0, 30)})"
            out.append((line, f"class C:\n    def f(self):\n{line}\n", 2, ""))
        if len(out[-1][0]) <= black_style.LINE_LENGTH:
            out.pop()
    return out


def test_fuzzed_statements_split_as_black_splits_them() -> None:
    """Where ``split_line`` answers, its answer is black's; and it answers for most of them."""
    answered = 0
    for line, module, index, after in _fuzzed_statements(400):
        split = black_style.split_line(line)
        if split is None:
            continue
        answered += 1
        formatted = black.format_str(module, mode=MODE).split("\n")
        assert [*split, after] == formatted[index : index + len(split) + 1], line
    assert answered >= 300


def _fuzzed_operation_elements(count: int) -> list[tuple[str, str]]:
    """Seeded random keyword arguments of an exploded ``Operation(...)`` whose value is a tuple or
    a dict literal the templates write on one line (``params=(...)``, ``success={...}``,
    ``errors={...}``): (line, the module it sits in, as line 2)."""
    import random

    rnd = random.Random(20261124)

    def name(low: int, high: int) -> str:
        return "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz_") for _ in range(rnd.randint(low, high))).strip("_")

    def codec() -> str:
        model = name(3, 70).capitalize() or "M"
        return rnd.choice(
            [f"ModelOf(lambda: {model})", f"ListOf(ModelOf(lambda: {model}))", f"EnumOf({model})", "None"]
        )

    out: list[tuple[str, str]] = []
    while len(out) < count:
        kind = rnd.random()
        if kind < 0.4:
            params = [
                f'Param("{name(1, 30) or "p"}", "{rnd.choice(["path", "query", "header"])}"'
                + rnd.choice(["", f", {codec()}", ', style="form", explode=False'])
                + ")"
                for _ in range(rnd.randint(1, 6))
            ]
            value = "(" + ", ".join(params) + ("," if len(params) == 1 else "") + ")"
            line = f"    params={value},"
        else:
            statuses = rnd.sample(["200", "201", "204", "301", "404", "410", "422", "default"], rnd.randint(1, 4))
            kinds = ["", ', "text"']
            entries = [f'"{status}": Response({codec()}{rnd.choice(kinds)})' for status in statuses]
            line = f"    {rnd.choice(['success', 'errors'])}={{{', '.join(entries)}}},"
        if len(line) > black_style.LINE_LENGTH:
            out.append((line, f'_OP = Operation(\n    "name",\n{line}\n)\n'))
    return out


def test_fuzzed_operation_arguments_split_as_black_splits_them() -> None:
    answered = 0
    for line, module in _fuzzed_operation_elements(300):
        split = black_style.split_line(line)
        if split is None:
            continue
        answered += 1
        formatted = black.format_str(module, mode=MODE).split("\n")
        assert [*split, ")"] == formatted[2 : 2 + len(split) + 1], line
    assert answered >= 250
