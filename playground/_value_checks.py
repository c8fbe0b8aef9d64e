"""Size and shape checks for value specs, done before PyTorch allocates anything."""

from __future__ import annotations

import math

from playground import _ast_guard as guard
from playground.errors import PlaygroundError

#: Most elements a parameter or input tensor may have.
MAX_ELEMENTS = 10_000

Number = int | float
Nested = float | list["Nested"]


def whole(value: object, name: str) -> int:
    """Return ``value`` as a size: a whole, non-negative Python int."""
    if isinstance(value, bool) or not isinstance(value, int):
        hint = "Write 3, not 3.0." if isinstance(value, float) else None
        raise PlaygroundError(f"sizes in `{name}` must be whole numbers, got {value!r}", hint=hint)
    if value < 0:
        raise PlaygroundError(f"sizes in `{name}` must not be negative, got {value}")
    return value


def check_size(size: tuple[int, ...], name: str) -> None:
    """Refuse shapes with no elements or more than :data:`MAX_ELEMENTS`, before allocating."""
    if len(size) > guard.MAX_BRACKET_DEPTH:
        raise PlaygroundError(f"`{name}` has {len(size)} dimensions; that is too many")
    total = 1
    for dim in size:
        total *= dim
        if total > MAX_ELEMENTS:
            raise too_many()
    if total == 0:
        raise PlaygroundError(f"`{name}` with a size of 0 would have no elements", hint="Use sizes of 1 or more.")


def check_range(name: str, numbers: tuple[Number, ...]) -> None:
    """Count the elements of ``arange``/``linspace`` before PyTorch allocates them."""
    if any(isinstance(n, float) and not math.isfinite(n) for n in numbers):
        raise PlaygroundError(f"`{name}` needs finite numbers")
    if name == "linspace":
        if len(numbers) != 3:
            raise PlaygroundError("`linspace` takes start, end and steps, like linspace(0, 1, 5)")
        check_size((whole(numbers[2], name),), name)
        return
    if not 1 <= len(numbers) <= 3:
        raise PlaygroundError("`arange` takes end, or start and end, or start, end and step, like arange(4)")
    start, end, step = (0, numbers[0], 1) if len(numbers) == 1 else (*numbers[:2], numbers[2] if len(numbers) == 3 else 1)
    if step == 0:
        raise PlaygroundError("`arange` needs a step that is not 0")
    span = (float(end) - float(start)) / float(step)
    if not math.isfinite(span) or span > MAX_ELEMENTS:
        raise too_many()
    count = math.ceil(span)
    if count <= 0:
        raise PlaygroundError(f"`arange({', '.join(map(str, numbers))})` would have no elements")


def shape_of(data: Nested) -> tuple[int, ...]:
    """Return the shape of nested lists, refusing ragged or empty ones with the place at fault."""
    if not isinstance(data, list):
        return ()
    if not data:
        raise PlaygroundError("the list is empty; give at least one number, like [1.0]")
    shapes = [shape_of(item) for item in data]
    first = shapes[0]
    for index, shape in enumerate(shapes[1:], start=1):
        if shape != first:
            raise PlaygroundError(
                f"the rows are ragged: item {index} is {_describe(shape)} but item 0 is {_describe(first)}",
                hint="Every row must have the same number of entries, like [[1, 2], [3, 4]].",
            )
    return (len(data), *first)


def _describe(shape: tuple[int, ...]) -> str:
    """A nested-list shape in words."""
    if not shape:
        return "a single number"
    if len(shape) == 1:
        return f"a list of {shape[0]}"
    return "nested lists of shape (" + ", ".join(map(str, shape)) + ")"


def too_many() -> PlaygroundError:
    """The error for a value over the size limit."""
    return PlaygroundError(
        f"that value would have more than {MAX_ELEMENTS:,} elements",
        hint="The playground is for small tensors: use smaller sizes.",
    )
