"""Data for a model: CSV columns as inputs, and the model's prediction on new inputs.

``load_csv`` reads a small CSV file into input specs (column name -> list of
numbers) for ``Session(inputs=...)``; a bad file gets a PlaygroundError naming
the line at fault. ``evaluate`` runs the forward program, under no_grad, up to
one of its names with some inputs replaced, for the Data tab's fitted line or
decision boundary.
"""

from __future__ import annotations

import csv
import functools
import io
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import check_name
from .errors import PlaygroundError

if TYPE_CHECKING:
    import torch

    from .program import Program

#: Largest CSV file read, in bytes.
MAX_CSV_BYTES = 2_000_000
#: Most data rows (each column becomes one input tensor of this many numbers at most).
MAX_ROWS = 10_000
#: Most columns (the session holds at most 20 tensors, params included).
MAX_COLUMNS = 10
#: Most numbers in a numpy array given to :func:`evaluate` (a prediction grid).
MAX_GRID_ELEMENTS = 200_000


def _error(message: str, line: int | None = None, hint: str | None = None) -> PlaygroundError:
    where = f"line {line}: " if line is not None else ""
    return PlaygroundError(
        where + message,
        field="file",
        line=line,
        hint=hint or "A data file is plain CSV: a header of names, then one row of numbers "
                     "per line, like `x,y` then `1.5,2.0`.",
    )


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def load_csv(path: str | Path, integer_columns: Sequence[str] = ()) -> dict[str, Any]:
    """Read a CSV file into input specs, one per column, in the file's order.

    The first row is a header of names when any of its cells is not a number
    (names must be usable in the program: ``x``, ``y_true``...); otherwise the
    columns are called ``x1``, ``x2``, ... Columns named in ``integer_columns``
    become integer tensors (``tensor([...], dtype=torch.long)``, for class
    targets); the others lists of floats. Blank lines are skipped.

    Raises PlaygroundError (``field="file"``, ``line`` set where known) for an
    unreadable, too large, empty or ragged file, a cell that is not a finite
    number, a bad or repeated name, or a fraction in an integer column.
    """
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > MAX_CSV_BYTES:
            raise _error(f"{file.name} is {size:,} bytes; the playground reads data files up to "
                         f"{MAX_CSV_BYTES:,}", hint="Use a smaller sample of the data.")
        text = file.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise PlaygroundError(f"Could not read {file}: {exc.strerror or exc}", field="file") from None
    except UnicodeDecodeError:
        raise _error(f"{file.name} is not UTF-8 text") from None
    return parse_csv(text, integer_columns)


def parse_csv(text: str, integer_columns: Sequence[str] = ()) -> dict[str, Any]:
    """:func:`load_csv` on text already read."""
    rows: list[tuple[int, list[str]]] = []
    try:
        for lineno, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
            if not any(c.strip() for c in cells):
                continue
            if len(rows) > MAX_ROWS:
                raise _error(f"more than {MAX_ROWS:,} rows of data", lineno,
                             "Use a smaller sample of the data.")
            rows.append((lineno, [c.strip() for c in cells]))
    except csv.Error as exc:
        raise _error(f"this is not CSV the playground can read ({exc})") from None
    if not rows:
        raise _error("the file has no data")
    first_line, first = rows[0]
    if len(first) > MAX_COLUMNS:
        raise _error(f"{len(first)} columns; the playground takes at most {MAX_COLUMNS}", first_line)
    if any(_number(c) is None for c in first):
        names, rows = _header(first_line, first), rows[1:]
    else:
        names = [f"x{i + 1}" for i in range(len(first))]
    if not rows:
        raise _error("the file has a header but no rows of numbers", first_line)
    columns: list[list[float]] = [[] for _ in names]
    for lineno, cells in rows:
        if len(cells) != len(names):
            raise _error(f"{len(cells)} values, but there are {len(names)} columns "
                         f"({', '.join(names)})", lineno)
        for name, cell, column in zip(names, cells, columns, strict=True):
            value = _number(cell)
            if value is None:
                shown = cell if len(cell) <= 20 else cell[:20] + "..."
                raise _error(f"column {name}: `{shown}` is not a finite number", lineno)
            column.append(value)
    unknown = [c for c in integer_columns if c not in names]
    if unknown:
        raise _error(f"there is no column {unknown[0]!r} to make integer",
                     hint="Columns: " + ", ".join(names) + ".")
    specs: dict[str, Any] = {}
    for name, column in zip(names, columns, strict=True):
        specs[name] = _integer_spec(name, column, rows) if name in integer_columns else column
    return specs


def _header(lineno: int, cells: list[str]) -> list[str]:
    seen: set[str] = set()
    for cell in cells:
        try:
            check_name(cell, "file")
        except PlaygroundError as exc:
            raise _error(f"the column name `{cell[:20]}` cannot be used in the program: "
                         f"{exc.message}", lineno,
                         "Column names are like x, y or y_true: letters, digits and _.") from None
        if cell in seen:
            raise _error(f"the column name `{cell}` appears twice", lineno)
        seen.add(cell)
    return cells


def _integer_spec(name: str, column: list[float], rows: list[tuple[int, list[str]]]) -> str:
    for value, (lineno, _) in zip(column, rows, strict=True):
        if value != int(value) or abs(value) > 2**31:
            raise _error(f"column {name}: `{value:g}` is not a whole number (class targets are "
                         "0, 1, 2, ...)", lineno)
    return "tensor([" + ", ".join(str(int(v)) for v in column) + "], dtype=torch.long)"


def evaluate(
    program: Program, env: Mapping[str, torch.Tensor], name: str | None,
    replaced: Mapping[str, Any],
) -> Any:
    """The value of program name ``name`` (default: the output) as nested floats, computed
    under no_grad with the inputs in ``replaced`` swapped for new values: value specs (lists,
    text), tensors, or numpy arrays (the fast path for a grid of up to 200 000 numbers).

    Only the lines up to the one assigning ``name`` run, so a loss line that
    needs the old targets' shape is not reached.
    """
    import torch

    from .values import parse_value

    import numpy as np

    target = program.output_name if name is None else name
    lines = [line for line in program.lines if line.name == target]
    if not lines:
        raise PlaygroundError(f"`{target}` is not a name the forward program assigns",
                              field="name", hint="Name a line of the program, like y_hat.")
    new_env = dict(env)
    for key, spec in replaced.items():
        if key not in env:
            raise PlaygroundError(f"`{key}` is not an input or param of the model", field="inputs")
        try:
            if isinstance(spec, torch.Tensor):
                value = spec
            elif isinstance(spec, np.ndarray):
                value = _grid_tensor(spec)
            else:
                value = parse_value(spec)
        except PlaygroundError as exc:
            exc.field = f"inputs.{key}"
            raise
        new_env[key] = value.detach()
    prefix = _prefix(program.text, lines[-1].lineno)
    with torch.no_grad():
        value = prefix.run(new_env)[target]
    return value.tolist()


@functools.lru_cache(maxsize=32)
def _prefix(text: str, last_line: int) -> Program:
    """The program's first ``last_line`` lines as a program (cached: the Data tab asks
    for the same prediction every frame while the weights move)."""
    from .program import parse_program

    return parse_program("\n".join(text.splitlines()[:last_line]))


def _grid_tensor(array: Any) -> torch.Tensor:
    """A numpy grid from the window as a float32 tensor: a fast path that skips the
    per-number checks of typed values, bounded in size, finite numbers only."""
    import numpy as np
    import torch

    if array.dtype.kind not in "fiu" or array.size > MAX_GRID_ELEMENTS or array.ndim > 4:
        raise PlaygroundError(
            f"a grid must be at most {MAX_GRID_ELEMENTS:,} real numbers in at most 4 dimensions",
            hint="Use a coarser grid.",
        )
    if not np.isfinite(array).all():
        raise PlaygroundError("a grid must hold finite numbers only")
    return torch.tensor(array, dtype=torch.float32)
