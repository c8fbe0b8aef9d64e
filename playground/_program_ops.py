"""What the forward program does at run time: Python's operators, size-checked first.

Every operation goes through here so that its result size is estimated from
the operand shapes *before* PyTorch allocates anything, and Python integer
arithmetic cannot grow a number with millions of digits. The operations
themselves are Python's own (:mod:`operator`, ``getattr(tensor, name)``), so a
program behaves exactly like the same lines typed into Python.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence

import torch
import torch.nn.functional as F

#: Most elements any tensor the program computes may have.
MAX_ELEMENTS = 1_000_000
#: Most multiply-adds a single matrix product may take (about 0.1 s of CPU).
MAX_MATMUL_WORK = 100_000_000
#: Largest Python whole number (in bits) the program may compute.
MAX_INT_BITS = 4096

BINARY_OPS: dict[str, Callable[[object, object], object]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
    "@": operator.matmul,
}
UNARY_OPS: dict[str, Callable[[object], object]] = {"-": operator.neg, "+": operator.pos}
COMPARE_OPS: dict[str, Callable[[object, object], object]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "==": operator.eq, "!=": operator.ne,
}
#: Functions joining a list of tensors: their result has the operands' total size.
_JOINS = frozenset({"cat", "stack"})
_MATMULS = frozenset({"matmul", "mm", "mv", "dot"})
_NAMESPACES: dict[str, object] = {"torch": torch, "F": F}


class Refused(Exception):
    """An operation the playground will not run; the caller adds the line."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def lookup(env: Mapping[str, object], name: str) -> object:
    """Read a name, explaining an unknown one."""
    try:
        return env[name]
    except KeyError:
        raise Refused(
            f"`{name}` is not defined", hint=f"Add `{name}` as a parameter or input, or fix the spelling."
        ) from None


def binary(symbol: str, left: object, right: object) -> object:
    """``left <symbol> right`` exactly as Python does it, after the size checks."""
    if _is_number(left) and _is_number(right):
        return _number_arith(symbol, left, right)  # type: ignore[arg-type]
    if isinstance(left, torch.Tensor) and isinstance(right, torch.Tensor):
        if symbol == "@":
            _check_matmul(left, right)
        else:
            _check_broadcast([left, right])
    return checked(BINARY_OPS[symbol](left, right))


def compare(symbol: str, left: object, right: object) -> object:
    """``left <symbol> right`` on tensors: a bool tensor, after the size check."""
    if not isinstance(left, torch.Tensor) and not isinstance(right, torch.Tensor):
        raise Refused(
            f"`{_kind(left)} {symbol} {_kind(right)}` compares no tensor",
            hint="Comparisons make a bool tensor for torch.where, like torch.where(x > 0, x, 0.1 * x).",
        )
    _check_broadcast([t for t in (left, right) if isinstance(t, torch.Tensor)])
    return checked(COMPARE_OPS[symbol](left, right))


def unary(symbol: str, operand: object) -> object:
    """``-x`` or ``+x``."""
    return checked(UNARY_OPS[symbol](operand))


def call_method(receiver: object, name: str, args: Sequence[object], kwargs: Mapping[str, object]) -> object:
    """``receiver.name(*args, **kwargs)`` for a whitelisted tensor method."""
    if not isinstance(receiver, torch.Tensor):
        raise Refused(
            f"`.{name}()` needs a tensor, but here it is called on {_kind(receiver)}",
            hint=f"Call it on a tensor, or use torch.{name}(...).",
        )
    _check_call(name, [receiver, *args], kwargs, linear=False)
    return checked(getattr(receiver, name)(*args, **kwargs))


def call_function(namespace: str, name: str, args: Sequence[object], kwargs: Mapping[str, object]) -> object:
    """``torch.name(...)`` or ``F.name(...)`` for a whitelisted function."""
    _check_call(name, list(args), kwargs, linear=namespace == "F" and name == "linear")
    return checked(getattr(_NAMESPACES[namespace], name)(*args, **kwargs))


def attribute(value: object, name: str) -> object:
    """A whitelisted tensor property such as ``x.T``."""
    if not isinstance(value, torch.Tensor):
        raise Refused(f"`.{name}` needs a tensor, but here it is used on {_kind(value)}")
    return checked(getattr(value, name))


def index(value: object, key: object) -> object:
    """``value[key]`` with a literal key, on a tensor or a (values, indices) pair."""
    if not isinstance(value, torch.Tensor | tuple):
        raise Refused(f"only tensors can be indexed, not {_kind(value)}")
    return checked(value[key])  # type: ignore[index]


def checked(value: object) -> object:
    """Refuse a result over the size limit (a safety net behind the estimates)."""
    if isinstance(value, torch.Tensor) and value.numel() > MAX_ELEMENTS:
        raise _too_big(value.numel())
    if isinstance(value, complex):
        raise Refused("the result is a complex number, which the playground does not handle")
    return value


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _kind(value: object) -> str:
    """How to name a non-tensor in a message."""
    if _is_number(value):
        return f"the number {value!r}" if len(repr(value)) < 30 else "a number"
    return f"a {type(value).__name__}"


def _number_arith(symbol: str, left: int | float, right: int | float) -> object:
    """Python arithmetic on plain numbers, refusing whole numbers that would explode."""
    if isinstance(left, int) and isinstance(right, int):
        bits = _int_result_bits(symbol, left, right)
        if bits > MAX_INT_BITS:
            digits = int(bits * math.log10(2))
            raise Refused(
                f"`{_short_number(left)} {symbol} {_short_number(right)}` would be a whole number "
                f"with about {digits:,} digits; the playground stops at {int(MAX_INT_BITS * math.log10(2)):,}",
                hint="Use smaller numbers, or floats (2.0 ** 100 instead of 2 ** 100).",
            )
    return checked(BINARY_OPS[symbol](left, right))


def _int_result_bits(symbol: str, left: int, right: int) -> int:
    """Upper bound on the bits of an integer result, computed without doing the arithmetic."""
    a, b = left.bit_length(), right.bit_length()
    if symbol in "+-":
        return max(a, b) + 1
    if symbol == "*":
        return a + b
    if symbol == "**" and right > 0 and abs(left) > 1:
        return a * right
    return max(a, b)  # /, negative or trivial powers: no growth


def _short_number(value: int | float) -> str:
    text = repr(value)
    return text if len(text) <= 20 else text[:8] + "..."


def _check_call(name: str, operands: list[object], kwargs: Mapping[str, object], *, linear: bool) -> None:
    """Estimate the size of a call's result from its tensor operands' shapes."""
    if linear:
        _check_linear(operands, kwargs)
        return
    if name in _JOINS:
        _check_join(operands)
        return
    if name in _MATMULS:
        pair = [t for t in operands if isinstance(t, torch.Tensor)][:2]
        if len(pair) == 2:
            _check_matmul(pair[0], pair[1])
        return
    tensors = [t for t in [*operands, *kwargs.values()] if isinstance(t, torch.Tensor)]
    _check_broadcast(tensors)


def _check_join(operands: list[object]) -> None:
    """torch.cat / torch.stack: the result holds every element of every operand."""
    first = operands[0] if operands else None
    if not isinstance(first, list | tuple):
        return  # not a list of tensors: PyTorch explains that itself
    tensors = [t for t in first if isinstance(t, torch.Tensor)]
    if len(tensors) != len(first):
        raise Refused("torch.cat and torch.stack join tensors: every item of the list must be "
                      "a tensor", hint="Write the names of tensors, like torch.cat([a, b]).")
    numel = sum(t.numel() for t in tensors)
    if numel > MAX_ELEMENTS:
        raise _too_big(numel)


def _check_broadcast(tensors: list[torch.Tensor]) -> None:
    """Elementwise results have the broadcast shape of their operands."""
    if len(tensors) < 2:
        return
    shapes = [tuple(t.shape) for t in tensors]
    if all(s == shapes[0] for s in shapes):
        return  # same shape: the result is no bigger than an operand
    shape = broadcast_shape(shapes)
    if shape is None:
        return  # not broadcastable: PyTorch raises its own message when the op runs
    numel = math.prod(shape)
    if numel > MAX_ELEMENTS:
        raise _too_big(numel)


def broadcast_shape(shapes: list[tuple[int, ...]]) -> tuple[int, ...] | None:
    """The broadcast of ``shapes`` by PyTorch's rules, or None if they do not broadcast.

    By hand: ``torch.broadcast_shapes`` costs more than the op itself on a
    training loop's small tensors (and its first call imports torch._refs, ~1 s).
    """
    size = max(len(s) for s in shapes)
    out = []
    for axis in range(size, 0, -1):
        dims = {s[-axis] for s in shapes if len(s) >= axis}
        if len(dims) > 1:
            dims.discard(1)
        if len(dims) > 1:
            return None
        out.append(dims.pop())
    return tuple(out)


def _check_matmul(left: torch.Tensor, right: torch.Tensor) -> None:
    """Refuse a matrix product whose result or work is too large, before computing it."""
    estimate = matmul_estimate(tuple(left.shape), tuple(right.shape))
    if estimate is None:
        return  # shapes do not fit: PyTorch explains that itself
    numel, work = estimate
    if numel > MAX_ELEMENTS:
        raise _too_big(numel)
    if work > MAX_MATMUL_WORK:
        raise Refused(
            f"that matrix product takes {work:,} multiplications; the limit is {MAX_MATMUL_WORK:,}",
            hint="The playground is for small tensors: use smaller sizes.",
        )


def matmul_estimate(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, int] | None:
    """Return (result elements, multiply-adds) of ``torch.matmul`` on these shapes, or None if they do not fit."""
    if not a or not b:
        return None
    inner = a[-1]
    if inner != (b[0] if len(b) == 1 else b[-2]):
        return None
    rows = (a[-2],) if len(a) > 1 else ()
    cols = (b[-1],) if len(b) > 1 else ()
    batch = broadcast_shape([tuple(a[:-2]), tuple(b[:-2])])
    if batch is None:
        return None
    numel = math.prod(batch + rows + cols)
    return numel, numel * max(inner, 1)


def _check_linear(operands: list[object], kwargs: Mapping[str, object]) -> None:
    """``F.linear(input, weight)`` gives ``input.shape[:-1] + (out_features,)``."""
    named = list(operands) + [kwargs.get("input"), kwargs.get("weight")]
    tensors = [t for t in named if isinstance(t, torch.Tensor)]
    if len(tensors) < 2 or tensors[0].dim() == 0 or tensors[1].dim() == 0:
        return
    x, w = tensors[0], tensors[1]
    out = w.shape[0] if w.dim() == 2 else 1
    numel = math.prod(x.shape[:-1]) * out
    work = numel * x.shape[-1]
    if numel > MAX_ELEMENTS:
        raise _too_big(numel)
    if work > MAX_MATMUL_WORK:
        raise Refused(f"that linear layer takes {work:,} multiplications; the limit is {MAX_MATMUL_WORK:,}")


def _too_big(numel: int) -> Refused:
    return Refused(
        f"the result would have {numel:,} elements; the limit is {MAX_ELEMENTS:,}",
        hint="The playground is for small tensors: check the shapes (an outer product by broadcasting?).",
    )
