"""The escape filters' own wrapping and joining give exactly what textwrap and str.split gave."""

from __future__ import annotations

import random
import textwrap

from generator.escape import _LONG_TEXT, _fill, _one_line, _wrap, docstring


def _textwrap_wrap(line: str, limit: int) -> str:
    """The wrapping the filters did before, with textwrap."""
    if len(line) <= limit:
        return line
    lead = line[: len(line) - len(line.lstrip(" "))]
    return textwrap.fill(
        line.strip(),
        width=limit,
        initial_indent=lead,
        subsequent_indent=lead,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _random_line(rng: random.Random, unicode_spaces: bool = True) -> str:
    pieces = ["a", "word", "x" * rng.randint(1, 120), "-", "é", "  ", " ", "\x0c"]
    if unicode_spaces:  # white space textwrap takes for words (and drops at the ends of lines)
        pieces += ["\u00a0", "\u3000", "\x1f"]
    return " " * rng.randint(0, 12) + "".join(rng.choice(pieces) + " " * rng.randint(0, 3) for _ in range(60))


def test_fill_matches_textwrap_on_random_lines() -> None:
    rng = random.Random(16)
    for number in range(6000):
        line = _random_line(rng, unicode_spaces=number % 2 == 0)
        limit = rng.choice([1, 5, 20, 40, 85])
        assert _wrap(line, limit) == _textwrap_wrap(line, limit), (line, limit)


def test_the_line_at_a_time_path_matches_textwrap() -> None:
    rng = random.Random(61)
    for _ in range(3000):
        text = _random_line(rng, unicode_spaces=False).strip().replace("\x0c", " ")
        width = rng.choice([1, 3, 8, 20, 40, 85])
        indent = " " * rng.choice([0, 2, 8])
        expected = textwrap.fill(
            text,
            width=width,
            initial_indent=indent,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        )
        assert _fill(text, width, indent) == expected, (text, width, indent)


def test_fill_of_an_indent_wider_than_the_line_keeps_one_word_per_line() -> None:
    indent = " " * 6
    expected = textwrap.fill(
        "aa bb cc", width=4, initial_indent=indent, subsequent_indent=indent, break_long_words=False
    )
    assert expected == "      aa\n      bb\n      cc"
    assert _fill("aa bb cc", 4, indent) == expected


def test_one_line_matches_str_split_on_every_kind_of_white_space() -> None:
    rng = random.Random(14)
    spaces = [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\u00a0", "\u2028", "\u3000", "\u200b"]
    for _ in range(500):
        text = "".join(rng.choice([*spaces, "a", "bc", "é"]) for _ in range(rng.randint(0, 30)))
        assert _one_line(text) == " ".join(text.split()), repr(text)
        long = text + " b" * (_LONG_TEXT // 2) + text  # the path for long text
        assert _one_line(long) == " ".join(long.split()), repr(text)


def test_a_long_description_is_wrapped_into_a_docstring_of_the_same_words() -> None:
    text = "lorem ipsum dolor sit amet " * 20000
    wrapped = docstring(text, indent=4)
    assert wrapped.split() == text.split()
    assert max(len(line) for line in wrapped.split("\n")) <= 88 - 4 - 3
