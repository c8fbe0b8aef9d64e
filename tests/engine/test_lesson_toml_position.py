"""A lesson file's TOML syntax error names the line where the bracket or string was left open.

u1 trial (#19, u1-180): ``do = ["forward"`` left open on line 4 was reported "at line 5,
column 1", tomllib's position (where it gave up, at the next key). The error now points at
line 4 and says what is open; tomllib stays the judge of what is invalid.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from playground import PlaygroundError, load_lesson
from playground.lesson_file import parse_toml

HEAD = '[lesson]\ntitle = "Mine"\n[[step]]\n'


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def refused(text: str) -> PlaygroundError:
    with pytest.raises(tomllib.TOMLDecodeError):  # the oracle: plain tomllib refuses it too
        tomllib.loads(text)
    with pytest.raises(PlaygroundError) as caught:
        parse_toml(text)
    return caught.value


CASES = {
    "array left open": (HEAD + 'do = ["forward"\nask = "What is w.grad?"\n', 'do = ["forward"', '"["'),
    "multi-line array left open": (
        HEAD + 'do = ["forward",\n      "backward"\nask = "x"\n', 'do = ["forward",', '"["'),
    # tomllib already names this one's own line (an inline table is one line): kept as it is.
    "inline table left open": (HEAD + 'expect = { w = 1.0\nask = "x"\n', "expect = {", None),
    "triple-quoted string left open": (
        HEAD + 'do = ["forward"]\nsay = """\nThe forward ran.\nask = "x"\n', 'say = """',
        'string (""")'),
}


@pytest.mark.parametrize("case", CASES)
def test_the_line_where_it_was_left_open(case: str) -> None:
    text, needle, words = CASES[case]  # words: None when tomllib's line is already right
    caught = refused(text)
    assert caught.line == line_of(text, needle), caught.message
    if words is not None:
        assert f"{words} opened on line {caught.line} is never closed" in caught.message
    assert "not valid TOML" in caught.message


def test_brackets_in_strings_and_comments_and_headers_do_not_count() -> None:
    text = (HEAD + 'do = ["forward"]  # [ a comment\nsay = "a [ and a \\" quote"\n'
            'ask = \'[\'\n[[step]]\ndo = ["backward"\nanswer = "x"\n')
    caught = refused(text)
    assert caught.line == line_of(text, 'do = ["backward"'), caught.message


def test_an_error_on_its_own_line_keeps_tomllib_s_line() -> None:
    text = HEAD + 'do = ["forward"]\nask = = "x"\n'
    caught = refused(text)
    assert caught.line == line_of(text, "ask = =") and "never closed" not in caught.message


def test_a_lesson_file_reports_line_4(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[lesson]\ntitle = "Bad"\n[[step]]\ndo = ["forward"\nask = "x"\n')
    with pytest.raises(PlaygroundError) as caught:
        load_lesson(str(path))
    assert caught.value.line == 4, caught.value.message
