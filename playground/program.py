"""The forward program: a few lines of ``name = expression`` over params and inputs.

The text is read with :func:`ast.parse`, checked line by line against a
whitelist and turned into closures (``_program_compile``) that call Python's
own operators through size checks (``_program_ops``). Nothing a student types
is ever handed to Python to run.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass

import torch

from playground import _ast_guard as guard
from playground import _program_ops as ops
from playground._program_compile import Evaluator, ExpressionCompiler, refuse
from playground.errors import PlaygroundError

#: Longest forward program accepted, in characters.
MAX_PROGRAM_CHARS = 5_000
#: Most lines (blank and comment lines included) in a forward program.
MAX_PROGRAM_LINES = 50
#: Most elements any tensor the program computes may have.
MAX_ELEMENTS = ops.MAX_ELEMENTS

_WHAT = "the forward program"
_FIELD = "forward"
_PYTHON_ERRORS = (ZeroDivisionError, OverflowError)
# Warning too: under `-W error` (as in the tests) a PyTorch warning arrives as an exception.
_RUN_ERRORS = (RuntimeError, TypeError, ValueError, IndexError, ArithmeticError, MemoryError, Warning)
_STATEMENT_MESSAGES: dict[type[ast.stmt], str] = {
    ast.Import: "`import` is not allowed: torch and F are already there",
    ast.ImportFrom: "`import` is not allowed: torch and F are already there",
    ast.For: "loops are not allowed: write one assignment per line",
    ast.AsyncFor: "loops are not allowed: write one assignment per line",
    ast.While: "loops are not allowed: write one assignment per line",
    ast.If: "`if` is not allowed: write one assignment per line",
    ast.FunctionDef: "`def` is not allowed: write one assignment per line",
    ast.AsyncFunctionDef: "`def` is not allowed: write one assignment per line",
    ast.ClassDef: "`class` is not allowed: write one assignment per line",
    ast.With: "`with` is not allowed: use the playground's no_grad switch for torch.no_grad()",
    ast.AsyncWith: "`with` is not allowed",
    ast.Try: "`try` is not allowed",
    ast.Raise: "`raise` is not allowed",
    ast.Assert: "`assert` is not allowed",
    ast.Delete: "`del` is not allowed",
    ast.Global: "`global` is not allowed",
    ast.Nonlocal: "`nonlocal` is not allowed",
    ast.Return: "`return` is not allowed: the last assigned name is the output",
    ast.Pass: "`pass` is not allowed: write an assignment like y = x * 2",
    ast.AugAssign: "`+=`-style assignment changes a tensor in place: write `y2 = y + ...` with a new name",
    ast.AnnAssign: "type annotations are not allowed: write `y = ...`",
}


#: torch and F need no import: what to write instead.
_IMPORT_HINT = ("torch and F (torch.nn.functional) are ready to use: write torch.sigmoid(x) or "
                "F.mse_loss(y, t) directly.")


@dataclass(frozen=True)
class Line:
    """One line of the program.

    Attributes
    ----------
    name:
        The name it assigns.
    source:
        The line's text as typed (comment included, indentation common to all
        lines removed).
    lineno:
        1-based line number in the program text.
    """

    name: str
    source: str
    lineno: int


class Program:
    """A checked forward program, ready to run on any environment of tensors.

    Attributes
    ----------
    text:
        The program text as given.
    lines:
        The assignment lines, in order.
    names:
        The assigned names, in order.
    output_name:
        The last assigned name: the program's output.
    free_names:
        Names read before being assigned: these must be params or inputs.
    """

    def __init__(
        self, text: str, lines: list[Line], free_names: list[str], steps: list[Evaluator], statements: list[str]
    ) -> None:
        self.text = text
        self.lines = lines
        self.names = [line.name for line in lines]
        self.output_name = self.names[-1]
        self.free_names = free_names
        self._steps = steps
        # Each line's `name = expression` without its comment, for messages.
        self._statements = {line.lineno: text for line, text in zip(lines, statements, strict=True)}

    def __repr__(self) -> str:
        return f"Program(names={self.names!r}, free_names={self.free_names!r})"

    def run(self, env: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """Run every line on ``env`` as Python would, under the caller's grad mode.

        Parameters
        ----------
        env:
            Tensors for the free names (extra entries are ignored).

        Returns
        -------
        dict[str, torch.Tensor]
            Each assigned name's value, in program order. A line whose value is
            a plain Python number (``c = 2 * 3``) is given as a 0-d float32
            tensor here; later lines still see the Python number, as Python would.

        Raises
        ------
        PlaygroundError
            ``field="forward"`` and ``line`` set, naming that line, when a
            name is unknown, a limit is hit, or PyTorch raises (then
            ``torch_message`` holds PyTorch's text).
        """
        scope: dict[str, object] = dict(env)
        results: dict[str, torch.Tensor] = {}
        for line, step in zip(self.lines, self._steps, strict=True):
            if line.name in env:
                raise self._line_error(
                    line, f"`{line.name}` is already a parameter or input", hint=f"Name the result {line.name}2 or similar."
                )
            value = self._run_line(line, step, scope)
            scope[line.name] = value
            results[line.name] = value if isinstance(value, torch.Tensor) else self._number_tensor(line, value)
        return results

    def _number_tensor(self, line: Line, value: object) -> torch.Tensor:
        """A plain-number result as a 0-d float32 tensor."""
        try:
            return torch.tensor(float(value))  # type: ignore[arg-type]
        except OverflowError:
            raise self._line_error(line, "this number is too large to show as a float32 tensor") from None

    def _run_line(self, line: Line, step: Evaluator, scope: dict[str, object]) -> object:
        """One line, with every failure turned into a PlaygroundError naming it."""
        try:
            value = step(scope)
        except ops.Refused as exc:
            raise self._line_error(line, exc.message, hint=exc.hint) from None
        except _RUN_ERRORS as exc:
            text = str(exc) or type(exc).__name__
            who = "Python" if isinstance(exc, _PYTHON_ERRORS) else "PyTorch"
            raise self._line_error(line, f"{who} says: {text.strip().splitlines()[0]}", torch_message=text) from None
        if isinstance(value, torch.Tensor) or (isinstance(value, int | float) and not isinstance(value, bool)):
            return value
        if isinstance(value, tuple):
            raise self._line_error(
                line,
                "this gives a pair (values, indices), not one tensor",
                hint="Take the values with [0], or use amax/amin, like x.amax(dim=0).",
            )
        raise self._line_error(line, f"this gives a {type(value).__name__}, not a tensor")

    def _line_error(
        self, line: Line, message: str, *, hint: str | None = None, torch_message: str | None = None
    ) -> PlaygroundError:
        statement = guard.short(self._statements[line.lineno], 80)
        return PlaygroundError(
            f"line {line.lineno} (`{statement}`): {message}",
            field=_FIELD,
            line=line.lineno,
            hint=hint,
            torch_message=torch_message,
        )


def parse_program(text: str) -> Program:
    """Check a forward program against the whitelist and prepare it to run.

    Parameters
    ----------
    text:
        Lines of ``name = expression``; blank lines and ``#`` comments are fine.

    Returns
    -------
    Program

    Raises
    ------
    PlaygroundError
        ``field="forward"`` (and ``line`` when known) for anything refused.
    """
    guard.check_text(
        text, what=_WHAT, max_chars=MAX_PROGRAM_CHARS, field=_FIELD, hint="Use intermediate names, one per line."
    )
    source = textwrap.dedent(text)
    raw_lines = source.splitlines()
    if len(raw_lines) > MAX_PROGRAM_LINES:
        raise PlaygroundError(
            f"{_WHAT} has {len(raw_lines)} lines; the limit is {MAX_PROGRAM_LINES}",
            field=_FIELD,
            hint="Keep the model small: a few lines are enough.",
        )
    tree = guard.safe_parse(source, mode="exec", what=_WHAT, field=_FIELD, hint="Use intermediate names, one per line.")
    statements = tree.body  # type: ignore[attr-defined]
    if not statements:
        raise PlaygroundError(
            f"{_WHAT} is empty", field=_FIELD, hint="Write at least one line such as out = (w * x).sum()"
        )
    return _build(text, source, statements)


def _build(text: str, source: str, statements: list[ast.stmt]) -> Program:
    """Compile each statement, tracking assigned and free names."""
    raw_lines = source.splitlines()
    segments: list[str] = []
    compiler = ExpressionCompiler()
    lines: list[Line] = []
    steps: list[Evaluator] = []
    free: list[str] = []
    first_read: dict[str, int] = {}
    assigned: dict[str, int] = {}
    for stmt in statements:
        lineno = stmt.lineno
        try:
            name, value = _assignment(stmt, lines)
            steps.append(compiler.build(value))
            _track_names(name, lineno, compiler.reads, free, first_read, assigned)
        except PlaygroundError as exc:
            raise PlaygroundError(
                f"line {lineno}: {exc.message}", field=_FIELD, line=lineno, hint=exc.hint
            ) from None
        lines.append(Line(name=name, source=raw_lines[lineno - 1].rstrip(), lineno=lineno))
        segments.append(ast.get_source_segment(source, stmt) or lines[-1].source)
    return Program(text, lines, free, steps, segments)


def _assignment(stmt: ast.stmt, previous: list[Line]) -> tuple[str, ast.expr]:
    """Return (name, expression) of a one-line ``name = expression`` statement."""
    if previous and previous[-1].lineno == stmt.lineno:
        raise refuse("one assignment per line, please (no `;`)")
    if not isinstance(stmt, ast.Assign):
        hint = _IMPORT_HINT if isinstance(stmt, ast.Import | ast.ImportFrom) else None
        raise refuse(_statement_message(stmt), hint=hint)
    if stmt.end_lineno != stmt.lineno:
        raise refuse("each assignment must fit on one line", hint="Use intermediate names to shorten it.")
    if len(stmt.targets) != 1:
        raise refuse("assign one name per line, like `y = x * 2`")
    target = stmt.targets[0]
    if isinstance(target, ast.Attribute | ast.Subscript):
        raise refuse(
            f"`{guard.short(ast.unparse(target))} = ...` changes a tensor in place, which is not allowed",
            hint="Assign a new name instead, like y = ...",
        )
    if not isinstance(target, ast.Name):
        raise refuse("assign one plain name per line, like `y = x * 2`")
    guard.check_user_name(target.id, field=_FIELD)
    return target.id, stmt.value


def _statement_message(stmt: ast.stmt) -> str:
    """Why a non-assignment statement is refused."""
    if isinstance(stmt, ast.Expr):
        call = stmt.value
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "backward":
            return "the playground calls backward() itself: use the Backward button"
        return "each line must assign a name, like `y = x * 2`"
    return _STATEMENT_MESSAGES.get(type(stmt), f"`{type(stmt).__name__}` statements are not allowed")


def _track_names(
    name: str,
    lineno: int,
    reads: list[str],
    free: list[str],
    first_read: dict[str, int],
    assigned: dict[str, int],
) -> None:
    """Record free names and refuse names assigned twice or used before assignment."""
    for read in reads:
        if read not in assigned and read not in first_read:
            free.append(read)
            first_read[read] = lineno
    if name in assigned:
        raise refuse(
            f"`{name}` is already assigned on line {assigned[name]}",
            hint=f"Give this result a new name, like {name}2.",
        )
    if name in first_read:
        raise refuse(
            f"`{name}` is used on line {first_read[name]} before this line assigns it; "
            "a name is either a parameter/input or a result",
            hint=f"Give this result a new name, like {name}2.",
        )
    assigned[name] = lineno

