"""Value specs: the little language for a parameter's or input's starting value.

A spec is a number, a (nested) Python list, or text a student types:
``"3"``, ``"[1, 2, 3]"``, ``"ones(4)"``, ``"randn(5, 3)"``, ``"torch.eye(4, 5)"``...
Text is read with :mod:`ast` and walked, never run. Every spec becomes a
:class:`_Recipe` first; building the tensor, writing the PyTorch code and
formatting the canonical text all start from that one recipe, so the three
can never disagree.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from playground import _ast_guard as guard
from playground import _value_checks as checks
from playground.errors import PlaygroundError

#: Most elements a parameter or input tensor may have.
MAX_ELEMENTS = checks.MAX_ELEMENTS
#: Longest value text accepted (a 10,000-number list fits).
MAX_VALUE_CHARS = 200_000

_SIZED = ("ones", "zeros", "randn", "rand")
_RANDOM = frozenset({"randn", "rand"})
FACTORIES: frozenset[str] = frozenset({*_SIZED, "eye", "full", "arange", "linspace", "tensor"})
_FLOAT_DTYPES = frozenset({"float32", "float"})
#: ``dtype=torch.long`` makes an integer tensor (class targets for F.cross_entropy).
_INT_DTYPES = frozenset({"long", "int64"})
_INT_FACTORIES = frozenset({"tensor", "arange", "zeros", "ones", "full"})
#: Largest whole number an integer value may hold (exact as a float, far past any class index).
MAX_INT_VALUE = 2**31
_EXAMPLES = "a number, a list like [1, 2, 3], or ones(3), randn(2, 3), eye(3), full((2, 2), 0.5), arange(4), linspace(0, 1, 5)"

Number = int | float
Nested = float | list["Nested"]


@dataclass(frozen=True)
class _Recipe:
    """A spec reduced to a factory name and normalised arguments.

    ``kind`` is ``"literal"`` (``args == (data,)``, data nested floats) or a
    factory name with its arguments: sizes for ones/zeros/randn/rand/eye,
    ``(size, fill)`` for full, numbers for arange/linspace.
    """

    kind: str
    args: tuple[object, ...]
    #: "float32", or "int64" for ``dtype=torch.long`` (args are then whole numbers).
    dtype: str = "float32"


def parse_value(spec: object, *, generator: torch.Generator | None = None) -> torch.Tensor:
    """Build the float32 tensor a spec describes.

    Parameters
    ----------
    spec:
        A number, a nested list of numbers, or text such as ``"randn(5, 3)"``.
    generator:
        Where random specs draw from; ``None`` uses PyTorch's global generator.

    Returns
    -------
    torch.Tensor
        A new float32 tensor with ``requires_grad=False``.

    Raises
    ------
    PlaygroundError
        If the spec is malformed, ragged, empty or larger than :data:`MAX_ELEMENTS`.
    """
    recipe = _recipe(spec)
    f32 = torch.int64 if recipe.dtype == "int64" else torch.float32
    kind, args = recipe.kind, recipe.args
    try:
        if kind == "literal":
            return torch.tensor(args[0], dtype=f32)
        if kind in ("ones", "zeros"):
            return getattr(torch, kind)(args, dtype=f32)
        if kind in _RANDOM:
            return getattr(torch, kind)(args, generator=generator, dtype=f32)
        if kind == "eye":
            return torch.eye(*args, dtype=f32)  # type: ignore[call-overload]
        if kind == "full":
            return torch.full(args[0], args[1], dtype=f32)  # type: ignore[arg-type]
        return getattr(torch, kind)(*args, dtype=f32)  # arange, linspace
    except (RuntimeError, ValueError, TypeError) as exc:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PlaygroundError(
            f"PyTorch cannot build `{format_value_spec(spec)}`: {text}", torch_message=str(exc)
        ) from None


def value_code(spec: object, *, generator_name: str = "g") -> str:
    """Return PyTorch source that builds the same tensor as :func:`parse_value`.

    Parameters
    ----------
    spec:
        Any spec :func:`parse_value` accepts.
    generator_name:
        The variable holding the ``torch.Generator`` in the script.

    Returns
    -------
    str
        An expression such as ``"torch.randn(5, 3, generator=g)"``; run with a
        generator seeded like the one given to :func:`parse_value`, it yields a
        bitwise-equal tensor.
    """
    recipe = _recipe(spec)
    kind, args = recipe.kind, recipe.args
    if recipe.dtype == "int64":
        return f"torch.{_int_call(recipe, code=True)[:-1]}, dtype=torch.long)"
    if kind == "literal":
        return f"torch.tensor({_format_nested(args[0], code=True)})"
    if kind in _SIZED:
        extra = f", generator={generator_name}" if kind in _RANDOM else ""
        return f"torch.{kind}({_format_size_args(args)}{extra})"
    if kind == "full":
        return f"torch.full({_format_tuple(args[0])}, {_format_number(args[1], code=True)})"  # type: ignore[arg-type]
    numbers = ", ".join(_format_number(a, code=True) for a in args)  # type: ignore[arg-type]
    if kind == "arange":
        # torch.arange of whole numbers gives int64; the playground's values are float32.
        return f"torch.arange({numbers}, dtype=torch.float32)"
    return f"torch.{kind}({numbers})"


def spec_is_integer(spec: object) -> bool:
    """Return whether ``spec`` makes an integer tensor (``dtype=torch.long``)."""
    return _recipe(spec).dtype == "int64"


def _int_call(recipe: _Recipe, *, code: bool) -> str:
    """``tensor([0, 1])`` / ``arange(3)`` / ``zeros(2)`` / ``full((2,), 1)`` with whole numbers."""
    kind, args = recipe.kind, recipe.args
    if kind == "literal":
        return f"tensor({_format_nested(args[0], code=code, whole=True)})"
    if kind in _SIZED:
        return f"{kind}({_format_size_args(args)})"
    if kind == "full":
        return f"full({_format_tuple(args[0])}, {int(args[1])})"  # type: ignore[arg-type, call-overload]
    return f"{kind}({', '.join(str(int(a)) for a in args)})"  # type: ignore[call-overload]


def spec_is_random(spec: object) -> bool:
    """Return whether ``spec`` draws random numbers (``randn``/``rand``)."""
    return _recipe(spec).kind in _RANDOM


def format_value_spec(spec: object) -> str:
    """Return the canonical text of a spec, e.g. ``"zeros(2, 3)"`` or ``"[1.0, 2.0]"``.

    The text parses back to the same tensor.
    """
    recipe = _recipe(spec)
    kind, args = recipe.kind, recipe.args
    if recipe.dtype == "int64":
        return f"{_int_call(recipe, code=False)[:-1]}, dtype=torch.long)"
    if kind == "literal":
        return _format_nested(args[0], code=False)
    if kind in _SIZED:
        return f"{kind}({', '.join(map(str, args))})"
    if kind == "full":
        return f"full({_format_tuple(args[0])}, {_format_number(args[1], code=False)})"  # type: ignore[arg-type]
    return f"{kind}({', '.join(_format_number(a, code=False) for a in args)})"  # type: ignore[arg-type]


# --- spec -> recipe ---------------------------------------------------------------


def _recipe(spec: object) -> _Recipe:
    """Reduce any accepted spec to a :class:`_Recipe`, validating sizes."""
    if isinstance(spec, bool):
        raise PlaygroundError(f"`{spec}` is not a number; a value must be {_EXAMPLES}")
    if isinstance(spec, int | float):
        return _Recipe("literal", (_checked_number(spec),))
    if isinstance(spec, list | tuple):
        return _Recipe("literal", (_literal_from_python(spec),))
    if isinstance(spec, str):
        return _recipe_from_text(spec)
    raise PlaygroundError(
        f"a value must be {_EXAMPLES}; got a {type(spec).__name__}",
        hint="Type the value as text, for example [1.0, 2.0, 3.0].",
    )


def _checked_number(value: Number) -> float:
    """Refuse integers that would silently lose digits as float32."""
    if isinstance(value, int) and abs(value) > guard.MAX_INT_LITERAL:
        raise PlaygroundError(
            "a whole number above 2**53 is too large", hint="Write it as a float, like 1e20."
        )
    return float(value)


def _literal_from_python(data: Sequence[object]) -> Nested:
    """Turn nested Python lists of numbers into nested floats, checking shape and size."""
    counter = [0]

    def convert(item: object, depth: int) -> Nested:
        if depth > guard.MAX_BRACKET_DEPTH:
            raise PlaygroundError(f"the lists nest more than {guard.MAX_BRACKET_DEPTH} deep")
        if isinstance(item, list | tuple):
            return [convert(sub, depth + 1) for sub in item]
        if isinstance(item, int | float) and not isinstance(item, bool):
            counter[0] += 1
            if counter[0] > MAX_ELEMENTS:
                raise checks.too_many()
            return _checked_number(item)
        raise PlaygroundError(f"`{guard.short(repr(item))}` is not a number; lists may hold numbers only")

    result = convert(data, 1)
    checks.shape_of(result)
    return result


def _recipe_from_text(text: str) -> _Recipe:
    """Parse value text into a recipe, walking the syntax tree."""
    guard.check_text(
        text, what="the value", max_chars=MAX_VALUE_CHARS, field=None, hint="Values are at most nested lists of numbers."
    )
    if not text.strip():
        raise PlaygroundError(f"the value is empty; type {_EXAMPLES}")
    tree = guard.safe_parse(
        text.strip(), mode="eval", what="the value", field=None, hint="Values are plain numbers, lists or ones(3)-style calls."
    )
    body = tree.body  # type: ignore[attr-defined]
    if isinstance(body, ast.Call):
        return _recipe_from_call(body, text.strip())
    return _Recipe("literal", (_literal_from_node(body),))


def _literal_from_node(node: ast.AST) -> Nested:
    """Read a number or nested list of numbers from a syntax tree."""
    counter = [0]

    def convert(item: ast.AST) -> Nested:
        if isinstance(item, ast.List | ast.Tuple):
            return [convert(sub) for sub in item.elts]
        value = _number_node(item)
        counter[0] += 1
        if counter[0] > MAX_ELEMENTS:
            raise checks.too_many()
        return float(value)

    result = convert(node)
    checks.shape_of(result)
    return result


def _number_node(node: ast.AST) -> Number:
    """Return the number a node spells (``inf``/``nan`` included) or raise."""
    value = guard.number_literal(node)
    if value is not None:
        return value
    sign, inner = 1.0, node
    while isinstance(inner, ast.UnaryOp) and isinstance(inner.op, ast.USub | ast.UAdd):
        sign = -sign if isinstance(inner.op, ast.USub) else sign
        inner = inner.operand
    if isinstance(inner, ast.Name) and inner.id in ("inf", "nan"):
        return sign * float(inner.id)
    raise PlaygroundError(
        f"`{guard.short(ast.unparse(node))}` is not a number; a value must be {_EXAMPLES}",
        hint="Values are plain numbers: no names, operators or formulas.",
    )


def _recipe_from_call(call: ast.Call, text: str) -> _Recipe:
    """Read ``ones(4)``, ``torch.randn(5, 3)`` and friends."""
    name = _factory_name(call.func)
    dtypes = {_check_factory_keyword(kw) for kw in call.keywords}
    recipe = _float_recipe_from_call(call, name)
    if "int64" not in dtypes:
        return recipe
    if name not in _INT_FACTORIES:
        raise PlaygroundError(
            f"`{name}` makes floats; dtype=torch.long works with tensor, arange, zeros, ones "
            "and full",
            hint="Integer inputs are class indices, like tensor([0, 2, 1], dtype=torch.long).",
        )
    return _Recipe(recipe.kind, _whole_args(recipe), "int64")


def _whole_args(recipe: _Recipe) -> tuple[object, ...]:
    """The recipe's numbers as ints, refusing fractions and huge values."""

    def whole(value: object) -> object:
        if isinstance(value, list):
            return [whole(v) for v in value]
        if isinstance(value, tuple):
            return tuple(whole(v) for v in value)
        number = float(value)  # type: ignore[arg-type]
        if not math.isfinite(number) or number != int(number) or abs(number) > MAX_INT_VALUE:
            raise PlaygroundError(
                f"`{_format_number(value, code=False)}` is not a whole number up to 2**31; "  # type: ignore[arg-type]
                "an integer tensor holds whole numbers",
                hint="Class targets are 0, 1, 2, ...",
            )
        return int(number)

    return tuple(whole(a) for a in recipe.args)


def _float_recipe_from_call(call: ast.Call, name: str) -> _Recipe:
    """The recipe of a factory call, dtype aside."""
    if name == "tensor":
        if len(call.args) != 1:
            raise PlaygroundError("`tensor(...)` takes one list of numbers, like tensor([1.0, 2.0])")
        return _Recipe("literal", (_literal_from_node(call.args[0]),))
    args = [_factory_arg(a, name) for a in call.args]
    if name in _SIZED:
        size = _size_from_args(args, name)
        return _Recipe(name, size)
    if name == "eye":
        if not 1 <= len(args) <= 2:
            raise PlaygroundError("`eye` takes one or two sizes, like eye(3) or eye(4, 5)")
        sizes = tuple(checks.whole(a, name) for a in args)
        checks.check_size(sizes if len(sizes) == 2 else sizes * 2, name)
        return _Recipe("eye", sizes)
    if name == "full":
        if len(args) != 2 or not isinstance(args[0], tuple):
            raise PlaygroundError("`full` takes a size and a number, like full((2, 2), 0.5)")
        size = tuple(checks.whole(a, name) for a in args[0])
        checks.check_size(size, name)
        return _Recipe("full", (size, float(_plain_number(args[1], name))))
    numbers = tuple(_plain_number(a, name) for a in args)
    checks.check_range(name, numbers)
    return _Recipe(name, numbers)


def _factory_name(func: ast.AST) -> str:
    """Accept ``name`` or ``torch.name`` for a known factory."""
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "torch":
        name = func.attr
    elif isinstance(func, ast.Name):
        name = func.id
    else:
        raise PlaygroundError(f"`{guard.short(ast.unparse(func))}(...)` is not a value the playground knows; use {_EXAMPLES}")
    if name not in FACTORIES:
        raise PlaygroundError(
            f"`{guard.short(name)}` is not a value the playground knows; use {_EXAMPLES}",
            hint="Allowed: ones, zeros, randn, rand, eye, full, arange, linspace, tensor.",
        )
    return name


def _check_factory_keyword(kw: ast.keyword) -> str:
    """Allow only ``dtype=torch.float32`` or ``dtype=torch.long``; explain the others.

    Returns the dtype named ("float32" or "int64").
    """
    if kw.arg == "dtype":
        value = kw.value
        if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name):
            if value.value.id == "torch" and value.attr in _FLOAT_DTYPES:
                return "float32"
            if value.value.id == "torch" and value.attr in _INT_DTYPES:
                return "int64"
        raise PlaygroundError(
            "the playground works in float32, with integer inputs for class targets: use "
            "dtype=torch.float32, dtype=torch.long, or leave dtype out"
        )
    if kw.arg == "requires_grad":
        raise PlaygroundError(
            "leave out requires_grad: the playground sets it",
            hint="Parameters get requires_grad=True, inputs do not; use the requires_grad switch to change it.",
        )
    if kw.arg == "generator":
        raise PlaygroundError("leave out generator: the playground draws from its own seeded generator")
    raise PlaygroundError(
        f"the keyword `{kw.arg}=` is not allowed in a value; only dtype=torch.float32 or "
        "dtype=torch.long is"
    )


def _factory_arg(node: ast.AST, name: str) -> Number | tuple[Number, ...]:
    """A factory argument: a number or a tuple/list of numbers."""
    if isinstance(node, ast.Tuple | ast.List):
        return tuple(_number_node(e) for e in node.elts)
    return _number_node(node)


def _plain_number(value: object, name: str) -> Number:
    """Return ``value`` if it is a single number."""
    if isinstance(value, tuple):
        raise PlaygroundError(f"`{name}` expects plain numbers here, not a list")
    return value  # type: ignore[return-value]


def _size_from_args(args: list[Number | tuple[Number, ...]], name: str) -> tuple[int, ...]:
    """Sizes from ``ones(2, 3)`` or ``ones((2, 3))``."""
    if len(args) == 1 and isinstance(args[0], tuple):
        parts: Sequence[object] = args[0]
    else:
        parts = args
    size = tuple(checks.whole(p, name) for p in parts)
    checks.check_size(size, name)
    return size


# --- formatting -------------------------------------------------------------------


def _format_number(value: Number, *, code: bool) -> str:
    """A number as text that reads back exactly; inf/nan spelled for Python when ``code``."""
    if isinstance(value, float) and not math.isfinite(value):
        text = "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
        return f"float('{text}')" if code else text
    return repr(value)


def _format_nested(data: Nested, *, code: bool, whole: bool = False) -> str:
    """Nested floats (or, ``whole``, ints) as list text."""
    if isinstance(data, list):
        return "[" + ", ".join(_format_nested(item, code=code, whole=whole) for item in data) + "]"
    return str(int(data)) if whole else _format_number(data, code=code)


def _format_tuple(values: tuple[int, ...]) -> str:
    """A size as a Python tuple literal, ``(3,)`` for one element."""
    return f"({values[0]},)" if len(values) == 1 else "(" + ", ".join(map(str, values)) + ")"


def _format_size_args(size: tuple[object, ...]) -> str:
    """Sizes as call arguments; ``()`` for a 0-dimensional tensor."""
    return ", ".join(map(str, size)) if size else "()"
