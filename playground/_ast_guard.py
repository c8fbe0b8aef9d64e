"""Shared guards for reading user text with :mod:`ast`, never running it.

Both the value specs (``values.py``) and the forward program (``program.py``)
parse what a student typed with :func:`ast.parse` and then walk the tree.
Hostile text can make the parser itself misbehave (deep nesting raises
``RecursionError`` or ``MemoryError`` inside CPython), and a deep but legal
tree would make our own recursive walkers overflow. The helpers here refuse
such text cheaply *before* and *right after* parsing.
"""

from __future__ import annotations

import ast
import builtins
import keyword
from collections.abc import Iterator

from playground.errors import PlaygroundError

#: Deepest bracket nesting (``(``, ``[``, ``{``) accepted in any user text.
MAX_BRACKET_DEPTH = 40
#: Deepest syntax tree accepted; bounds the recursion of every walker.
MAX_TREE_DEPTH = 100
#: Integer literals beyond this lose exactness as floats; refusing them also
#: stops a student from typing a 4,000-digit number.
MAX_INT_LITERAL = 2**53

_OPENERS = "([{"
_CLOSERS = ")]}"

#: Names a student can never assign or read: the script the app exports uses
#: them, and the builtins would shadow or expose Python itself.
RESERVED_NAMES: frozenset[str] = frozenset(
    {"torch", "F", "optimizer", "print", "g"} | set(dir(builtins))
)


def bracket_depth(text: str) -> int:
    """Return the deepest bracket nesting in ``text``, by scanning characters.

    Brackets inside string literals are counted too; that only errs on the
    side of refusing, and strings are tiny wherever they are allowed.
    """
    depth = deepest = 0
    for char in text:
        if char in _OPENERS:
            depth += 1
            deepest = max(deepest, depth)
        elif char in _CLOSERS:
            depth -= 1
    return deepest


def check_text(
    text: object, *, what: str, max_chars: int, field: str | None, hint: str = "Split it over several lines."
) -> str:
    """Refuse non-text, overly long text and deep bracket nesting before parsing.

    Parameters
    ----------
    text:
        What the user typed.
    what:
        How to name it in a message, e.g. ``"the forward program"``.
    max_chars:
        Longest accepted text.
    field:
        The model field for the error.
    hint:
        What to do about too deep nesting.

    Returns
    -------
    str
        ``text`` itself, now known to be a ``str``.
    """
    if not isinstance(text, str):
        raise PlaygroundError(f"{what} must be text, not {type(text).__name__}", field=field)
    if len(text) > max_chars:
        raise PlaygroundError(
            f"{what} is too long ({len(text):,} characters; the limit is {max_chars:,})",
            field=field,
            hint="Shorten it: the playground is for small examples.",
        )
    if "\x00" in text:
        raise PlaygroundError(f"{what} contains a NUL character", field=field)
    depth = bracket_depth(text)
    if depth > MAX_BRACKET_DEPTH:
        raise PlaygroundError(
            f"{what} nests brackets {depth} deep; the limit is {MAX_BRACKET_DEPTH}",
            field=field,
            hint=hint,
        )
    return text


def safe_parse(
    text: str, *, mode: str, what: str, field: str | None, hint: str = "Split it over several lines."
) -> ast.AST:
    """Parse ``text`` with :func:`ast.parse`, turning every parser failure into PlaygroundError.

    Parameters
    ----------
    text:
        Text already passed through :func:`check_text`.
    mode:
        ``"exec"`` for programs, ``"eval"`` for a single expression.
    what:
        How to name the text in a message.
    field:
        The model field for the error.
    hint:
        What to do about too deep nesting.
    """
    try:
        tree = ast.parse(text, mode=mode)
    except SyntaxError as exc:
        line = exc.lineno if mode == "exec" else None
        where = f"line {exc.lineno}: " if line is not None else ""
        raise PlaygroundError(
            f"{where}Python cannot read {what}: {exc.msg}",
            field=field,
            line=line,
            hint="Check for a missing bracket, operator or comma.",
        ) from None
    except (RecursionError, MemoryError):
        raise PlaygroundError(
            f"{what} is nested too deeply to read",
            field=field,
            hint=hint,
        ) from None
    except ValueError as exc:  # e.g. an integer literal with too many digits
        reason = str(exc).split(";")[0]
        raise PlaygroundError(f"Python cannot read {what}: {reason}", field=field) from None
    check_tree_depth(tree, what=what, field=field, with_lines=mode == "exec", hint=hint)
    return tree


def check_tree_depth(
    tree: ast.AST, *, what: str, field: str | None, with_lines: bool = True, hint: str | None = None
) -> None:
    """Refuse a syntax tree deeper than :data:`MAX_TREE_DEPTH`, walking it without recursion.

    ``x + x + x + ...`` parses fine into a left-leaning tree thousands of
    levels deep, which would overflow any recursive walker later.
    """
    stack: list[tuple[ast.AST, int, int | None]] = [(tree, 1, None)]
    while stack:
        node, depth, lineno = stack.pop()
        lineno = getattr(node, "lineno", lineno) if with_lines else None
        if depth > MAX_TREE_DEPTH:
            raise PlaygroundError(
                f"{where(lineno)}{what} has an expression nested too deeply (more than {MAX_TREE_DEPTH} levels)",
                field=field,
                line=lineno,
                hint=hint,
            )
        stack.extend((child, depth + 1, lineno) for child in ast.iter_child_nodes(node))


def where(line: int | None) -> str:
    """``"line 3: "`` for a known line, else nothing."""
    return f"line {line}: " if line is not None else ""


def check_user_name(name: str, *, field: str | None, line: int | None = None) -> None:
    """Refuse a name a student may not use for a parameter, input or program line.

    Parameters
    ----------
    name:
        The proposed name.
    field:
        The model field for the error.
    line:
        Program line, if the name comes from one.
    """
    prefix = f"line {line}: " if line is not None else ""
    if not name.isidentifier() or keyword.iskeyword(name):
        raise PlaygroundError(
            f"{prefix}`{name}` is not a usable name",
            field=field,
            line=line,
            hint="Use letters, digits and _, starting with a letter, like w1 or y_pred.",
        )
    if name.startswith("_"):
        raise PlaygroundError(
            f"{prefix}`{name}` is not allowed: names starting with _ are never used",
            field=field,
            line=line,
            hint="Start the name with a letter.",
        )
    if name in RESERVED_NAMES:
        raise PlaygroundError(
            f"{prefix}`{name}` is reserved: it is a Python builtin or a name the exported script uses",
            field=field,
            line=line,
            hint="Pick another name, like y or loss.",
        )


def number_literal(node: ast.AST) -> int | float | None:
    """Return the number a literal (optionally with unary ``-``/``+``) spells, else None.

    Booleans and complex numbers are not numbers here. Integer literals above
    :data:`MAX_INT_LITERAL` raise PlaygroundError (the caller adds the field).
    """
    sign = 1
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        if isinstance(node.op, ast.USub):
            sign = -sign
        node = node.operand
    if not isinstance(node, ast.Constant):
        return None
    value = node.value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, int) and abs(value) > MAX_INT_LITERAL:
        raise PlaygroundError(
            f"the whole number {_short(str(value))} is too large (the limit is 2**53)",
            hint="Write large numbers as floats, like 1e20.",
        )
    return sign * value


def _short(text: str, limit: int = 30) -> str:
    """Cut ``text`` for a message."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def short(text: str, limit: int = 60) -> str:
    """Shorten ``text`` to at most ``limit`` characters for an error message."""
    return _short(text, limit)


def walk_names(node: ast.AST) -> Iterator[ast.Name]:
    """Yield every :class:`ast.Name` under ``node``, in source order."""
    found = [n for n in ast.walk(node) if isinstance(n, ast.Name)]
    found.sort(key=lambda n: (n.lineno, n.col_offset))
    yield from found
