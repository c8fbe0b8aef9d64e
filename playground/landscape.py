"""The loss over a grid of two param elements, the other elements held where they are.

The whole grid is one batched evaluation: the forward program runs once under
:func:`torch.func.vmap` with the two elements as batched inputs, so a
101 × 101 grid costs about as much as one forward on a 10 201-row batch, not
10 201 Python-level forwards. Everything runs under ``no_grad`` on detached
copies: the session's tensors, grads and graph are untouched.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch.func import vmap

from .errors import PlaygroundError
from .explain import torch_error

if TYPE_CHECKING:
    from .program import Program

#: Largest grid side accepted (301 × 301 = 90 601 evaluations).
MAX_N = 301
#: Elements (summed over the program's tensors) one vmap chunk may hold, so memory stays bounded.
CHUNK_ELEMENTS = 20_000_000
#: Elements the whole grid evaluation may touch before it is refused as too slow.
MAX_TOTAL_ELEMENTS = 500_000_000
_NAME = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\[\s*([0-9\s,]*)\s*\])?\s*$")


@dataclass(frozen=True)
class Landscape:
    """The output over a grid; ``loss[i][j]`` is the output at ``(xs[j], ys[i])``.

    Attributes
    ----------
    x_name, y_name:
        The two elements, spelled as the plots' legends spell them (``w[0]``, ``b``).
    xs, ys:
        The grid's coordinates, ``n`` floats each (exactly float32 values).
    loss:
        ``n`` rows of ``n`` floats (``inf``/``nan`` where the output is not finite).
    point:
        The two elements' current values.
    """

    x_name: str
    y_name: str
    xs: list[float]
    ys: list[float]
    loss: list[list[float]]
    point: tuple[float, float]


@dataclass(frozen=True)
class Element:
    """One scalar element of a param: its legend name, param and row-major flat index."""

    label: str
    param: str
    flat: int


def element_label(name: str, shape: Sequence[int], flat: int) -> str:
    """``w[1,2]`` for flat index 5 of a 2 × 3 ``w``; ``b`` for a scalar (as ui/plots.py)."""
    if not shape:
        return name
    index = np.unravel_index(flat, tuple(shape))
    return f"{name}[{','.join(str(int(i)) for i in index)}]"


def parse_element(text: object, params: dict[str, torch.Tensor]) -> Element:
    """Read ``"w[0]"``, ``"w[1, 2]"`` or ``"b"`` into an :class:`Element`."""
    match = _NAME.match(text) if isinstance(text, str) else None
    if match is None or match.group(1) not in params:
        raise PlaygroundError(
            f"{text!r} is not an element of a param",
            field="landscape",
            hint="Name a param element as the plots' legends do, like "
            + ", ".join(repr(e.label) for e in list(all_elements(params))[:3]) + ".",
        )
    name, inside = match.group(1), match.group(2)
    shape = tuple(params[name].shape)
    if inside is None:
        if shape:
            raise PlaygroundError(
                f"`{name}` has {params[name].numel()} elements: say which one, like {name}"
                + "[" + ",".join("0" for _ in shape) + "]",
                field="landscape",
            )
        return Element(name, name, 0)
    parts = [p.strip() for p in inside.split(",")]
    if len(parts) != len(shape) or not all(p.isdigit() for p in parts):
        raise PlaygroundError(f"{text!r} needs {len(shape)} index(es) for `{name}` of shape "
                              f"{list(shape)}", field="landscape")
    index = tuple(int(p) for p in parts)
    if any(i >= s for i, s in zip(index, shape, strict=True)):
        raise PlaygroundError(f"{text!r} is outside `{name}` of shape {list(shape)}",
                              field="landscape")
    flat = int(np.ravel_multi_index(index, shape))
    return Element(element_label(name, shape, flat), name, flat)


def all_elements(params: dict[str, torch.Tensor], trainable_only: bool = False) -> Iterable[Element]:
    """Every scalar element of the params, in param then row-major order."""
    for name, tensor in params.items():
        if trainable_only and not tensor.requires_grad:
            continue
        for flat in range(tensor.numel()):
            yield Element(element_label(name, tuple(tensor.shape), flat), name, flat)


def default_pair(params: dict[str, torch.Tensor]) -> tuple[Element, Element]:
    """The first two trainable elements (then any elements, if fewer are trainable)."""
    for trainable_only in (True, False):
        found = list(_first(all_elements(params, trainable_only), 2))
        if len(found) == 2:
            return found[0], found[1]
    raise PlaygroundError(
        "The landscape needs two numbers to vary, and the params hold only one",
        field="landscape",
        hint="Add a second param, such as a bias b = 0.0.",
    )


def _first(items: Iterable[Element], count: int) -> Iterable[Element]:
    for i, item in enumerate(items):
        if i == count:
            return
        yield item


def _bounds(center: float, path: list[float], span: Any, which: int) -> tuple[float, float]:
    """The grid's (low, high) on one axis, before any widening to an aspect."""
    if span is None:
        reach = max((abs(p - center) for p in path if math.isfinite(p)), default=0.0)
        half = max(1.0, 0.5 * abs(center), 1.25 * reach)
        return center - half, center + half
    if isinstance(span, (int, float)) and not isinstance(span, bool):
        return center - float(span), center + float(span)
    low, high = (float(v) for v in span[which])
    return low, high


def _widen(bx: tuple[float, float], by: tuple[float, float],
           aspect: float | None) -> tuple[tuple[float, float], tuple[float, float]]:
    """Grow the narrower side of the box about its centre until width / height is ``aspect``
    (the box only grows: it still holds the current point and the path)."""
    if aspect is None:
        return bx, by
    width, height = bx[1] - bx[0], by[1] - by[0]
    if width < aspect * height:
        mid, half = (bx[0] + bx[1]) / 2, aspect * height / 2
        return (mid - half, mid + half), by
    mid, half = (by[0] + by[1]) / 2, width / aspect / 2
    return bx, (mid - half, mid + half)


def _check_aspect(aspect: Any, span: Any) -> None:
    if aspect is None:
        return
    if isinstance(aspect, bool) or not isinstance(aspect, (int, float)) \
            or not math.isfinite(aspect) or not 1e-3 <= aspect <= 1e3:
        raise PlaygroundError(f"aspect must be a width / height ratio from 0.001 to 1000, "
                              f"not {aspect!r}", field="aspect")
    if isinstance(span, (list, tuple)):
        raise PlaygroundError("aspect widens an automatic or half-width span; a box given as "
                              "((x_low, x_high), (y_low, y_high)) is used exactly as given",
                              field="aspect", hint="Leave aspect out, or give span as None or a "
                              "half-width.")


def _check_span(span: Any) -> None:
    def number(v: object) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) \
            and abs(v) <= 1e6

    if span is None:
        return
    if number(span) and span > 0:
        return
    if isinstance(span, (list, tuple)) and len(span) == 2 and all(
        isinstance(r, (list, tuple)) and len(r) == 2 and all(number(v) for v in r) and r[0] < r[1]
        for r in span
    ):
        return
    raise PlaygroundError(
        f"span must be a positive half-width or ((x_low, x_high), (y_low, y_high)), not {span!r}",
        field="span",
        hint="Leave it out for a span around the current point and the path so far.",
    )


def compute_landscape(
    program: Program,
    params: dict[str, torch.Tensor],
    inputs: dict[str, torch.Tensor],
    x: str | None,
    y: str | None,
    n: int,
    span: Any,
    path_of: Callable[[str, int], list[float]],
    aspect: float | None = None,
) -> Landscape:
    """See :meth:`playground.session.Session.landscape`.

    ``path_of(param, flat)`` gives that element's values so far (for the automatic span).
    """
    if isinstance(n, bool) or not isinstance(n, int) or not 2 <= n <= MAX_N:
        raise PlaygroundError(f"n must be a whole number from 2 to {MAX_N}, not {n!r}",
                              field="n")
    _check_span(span)
    _check_aspect(aspect, span)
    if x is None and y is None:
        ex, ey = default_pair(params)
    elif x is None or y is None:
        raise PlaygroundError("Name both elements, or neither for the first two trainable ones",
                              field="landscape")
    else:
        ex, ey = parse_element(x, params), parse_element(y, params)
    if (ex.param, ex.flat) == (ey.param, ey.flat):
        raise PlaygroundError(f"{ex.label} is named twice: the grid needs two different elements",
                              field="landscape")
    env = {**inputs, **{k: v.detach() for k, v in params.items()}}
    with torch.no_grad():
        current = _run(program, env)
        if current.numel() != 1:
            raise PlaygroundError(
                f"The landscape needs a one-number output, and `{program.output_name}` has "
                f"{current.numel()} numbers",
                field="landscape",
                hint="End the program with a loss, or .sum() / .mean().",
            )
        cx = float(env[ex.param].reshape(-1)[ex.flat])
        cy = float(env[ey.param].reshape(-1)[ey.flat])
        for label, value in ((ex.label, cx), (ey.label, cy)):
            if not math.isfinite(value) and not isinstance(span, (list, tuple)):
                raise PlaygroundError(
                    f"{label} is {value}: there is no grid around it (the run diverged)",
                    field="landscape",
                    hint="Reset (or undo back to finite values), or give span as "
                         "((x_low, x_high), (y_low, y_high)).",
                )
        path_x = path_of(ex.param, ex.flat) if span is None else []
        path_y = path_of(ey.param, ey.flat) if span is None else []
        box = _widen(_bounds(cx, path_x, span, 0), _bounds(cy, path_y, span, 1), aspect)
        xs, ys = (torch.linspace(low, high, n, dtype=torch.float32) for low, high in box)
        grid = _evaluate(program, env, ex, ey, xs, ys)
    return Landscape(ex.label, ey.label, xs.tolist(), ys.tolist(), grid.tolist(), (cx, cy))


def _run(program: Program, env: dict[str, torch.Tensor]) -> torch.Tensor:
    return program.run(env)[program.output_name]


def _evaluate(
    program: Program, env: dict[str, torch.Tensor], ex: Element, ey: Element,
    xs: torch.Tensor, ys: torch.Tensor,
) -> torch.Tensor:
    """One vmap over all n × n points; returns the (n, n) grid, rows along ys."""
    gy, gx = torch.meshgrid(ys, xs, indexing="ij")
    per_point = sum(t.numel() for t in program.run(env).values()) + sum(
        t.numel() for t in env.values()
    )
    total = per_point * gx.numel()
    if total > MAX_TOTAL_ELEMENTS:
        raise PlaygroundError(
            f"A {len(xs)} × {len(xs)} grid over this program touches {total:,} numbers, too many",
            field="n",
            hint="Use a smaller n, or smaller tensors.",
        )
    one_hot = {}
    for element in (ex, ey):
        mask = torch.zeros(env[element.param].numel(), dtype=torch.bool)
        mask[element.flat] = True
        one_hot[element] = mask

    def at(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        point = dict(env)
        for element, value in ((ex, a), (ey, b)):
            flat = point[element.param].reshape(-1)
            # where() copies the other elements bit for bit, even inf or nan
            point[element.param] = torch.where(one_hot[element], value, flat).reshape(
                env[element.param].shape
            )
        return _run(program, point).reshape(())

    chunk = max(1, CHUNK_ELEMENTS // max(1, per_point))
    try:
        values = vmap(at, chunk_size=chunk if chunk < gx.numel() else None)(
            gx.reshape(-1), gy.reshape(-1)
        )
    except RuntimeError as exc:
        raise torch_error(exc, "the landscape") from None
    return values.reshape(gx.shape)
