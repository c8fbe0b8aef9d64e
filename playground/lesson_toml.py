"""Where a lesson file's TOML was left open: for the error message, not for parsing.

``tomllib`` reports where it gave up, often the key after an unclosed ``[`` (u1 trial:
``do = ["forward"`` left open on line 4, reported "at line 5"); this rough scan finds the
line the bracket, brace or string was opened on. ``tomllib`` stays the judge of validity.
"""

from __future__ import annotations

_CLOSERS = {"[": "]", "{": "}"}
_OPENER_WORDS = {"[": '"["', "{": '"{"', '"': "quote (\")", "'": "quote (')",
                 '"""': 'string (""")', "'''": "string (''')"}


def unclosed_opener(text: str, upto: int | None) -> tuple[str, int] | None:
    """The innermost bracket, brace or string still open at the start of line ``upto``
    (the whole text when None), as (its words, its 1-based line); None when all are closed.

    A rough TOML scan (strings, comments, table headers), only for error messages.
    """
    lines = text.splitlines()
    if upto is not None:
        lines = lines[:max(0, upto - 1)]
    stack: list[tuple[str, int]] = []
    string: tuple[str, int] | None = None  # (its quotes, its line) while inside one
    for number, line in enumerate(lines, start=1):
        i = 0
        if string is None and not stack and line.lstrip().startswith("["):
            continue  # a table header, [lesson] or [[step]]
        while i < len(line):
            if string is not None:
                quote = string[0]
                if quote[0] == '"' and line[i] == "\\":
                    i += 2
                    continue
                if line.startswith(quote, i):
                    string, i = None, i + len(quote)
                    continue
                i += 1
                continue
            char = line[i]
            if char == "#":
                break
            if char in "\"'":
                quote = char * 3 if line.startswith(char * 3, i) else char
                string, i = (quote, number), i + len(quote)
                continue
            if char in _CLOSERS:
                stack.append((char, number))
            elif char in "]}" and stack and _CLOSERS[stack[-1][0]] == char:
                stack.pop()
            i += 1
        if string is not None and len(string[0]) == 1:
            return _OPENER_WORDS[string[0]], string[1]  # a one-line string runs to the line's end
    if string is not None:
        return _OPENER_WORDS[string[0]], string[1]
    if stack:
        return _OPENER_WORDS[stack[-1][0]], stack[-1][1]
    return None
