"""Turn one checked expression of the forward program into a closure tree.

Each allowed syntax node becomes a small function of the environment; any
other node is refused here, at parse time, with a message naming it. The
closures only ever call :mod:`playground._program_ops`, so what runs is
exactly what this whitelist lets through.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Callable

from playground import _ast_guard as guard
from playground import _program_ops as ops
from playground.errors import PlaygroundError

Env = dict[str, object]
Evaluator = Callable[[Env], object]

#: Tensor methods the program may call; all return new tensors, none mutate.
TENSOR_METHODS: frozenset[str] = frozenset(
    """sum mean prod pow square sqrt rsqrt exp log log1p abs neg reciprocal sin cos
    sigmoid tanh relu clamp clamp_min clamp_max detach clone float contiguous
    reshape view squeeze unsqueeze transpose permute flatten t
    matmul mm mv dot softmax log_softmax max min amax amin maximum minimum
    norm var std add sub mul div""".split()
)
#: ``torch.<name>`` functions the program may call.
TORCH_FUNCTIONS: frozenset[str] = frozenset(
    """matmul mm mv dot sum mean prod sigmoid tanh relu exp log log1p abs sqrt rsqrt
    square neg reciprocal sin cos pow clamp maximum minimum max min amax amin
    softmax log_softmax norm var std add sub mul div ones_like zeros_like
    reshape flatten squeeze unsqueeze transpose t permute cat stack where""".split()
)
#: Functions whose first argument is a list of tensors, like torch.cat([a, b]).
SEQUENCE_FUNCTIONS: frozenset[str] = frozenset({"cat", "stack"})
#: The value functions of the model panel (``playground.values.FACTORIES``; kept here so
#: parsing a program imports no torch; a test checks the two agree).
VALUE_FUNCTIONS: frozenset[str] = frozenset(
    {"ones", "zeros", "randn", "rand", "eye", "full", "arange", "linspace", "tensor"})
#: ``torch.nn.functional.<name>`` / ``F.<name>`` functions the program may call.
FUNCTIONAL: frozenset[str] = frozenset(
    """mse_loss l1_loss smooth_l1_loss huber_loss binary_cross_entropy
    binary_cross_entropy_with_logits cross_entropy nll_loss relu leaky_relu
    sigmoid tanh softmax log_softmax softplus gelu elu linear""".split()
)
#: Keyword arguments the program may pass.
KEYWORDS: frozenset[str] = frozenset(
    """dim keepdim min max reduction exponent beta delta p weight bias pos_weight
    dim0 dim1 start_dim end_dim dims unbiased correction negative_slope alpha
    input other target label_smoothing""".split()
)
#: Tensor properties readable without a call.
TENSOR_PROPERTIES: frozenset[str] = frozenset({"T", "mT"})
MAX_STRING = 20

_BINOPS: dict[type[ast.operator], str] = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.MatMult: "@",
}
_UNARY: dict[type[ast.unaryop], str] = {ast.USub: "-", ast.UAdd: "+"}
_COMPARE: dict[type[ast.cmpop], str] = {
    ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
}
_BUILTINS = frozenset(dir(builtins))
_REFUSED_NODES: dict[type[ast.AST], str] = {
    ast.Lambda: "lambda expressions are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.NamedExpr: "`:=` is not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.FormattedValue: "f-strings are not allowed",
    ast.Starred: "`*` unpacking is not allowed",
    ast.IfExp: "`... if ... else ...` is not allowed",
    ast.Compare: "comparisons (`<`, `==`, ...) are not allowed: the program computes tensors",
    ast.BoolOp: "`and` / `or` are not allowed: the program computes tensors",
    ast.Dict: "dicts are not allowed",
    ast.Set: "sets are not allowed",
    ast.Await: "`await` is not allowed",
    ast.Yield: "`yield` is not allowed",
    ast.YieldFrom: "`yield` is not allowed",
    ast.Slice: "slices are only allowed inside [ ]",
}
_FORBIDDEN_METHODS: dict[str, str] = {
    "backward": "the playground calls backward() itself: use the Backward button",
    "retain_grad": "use the playground's retain_grad switch instead of calling retain_grad()",
    "requires_grad_": "use the playground's requires_grad switch instead",
    "numpy": "the program must stay in PyTorch: numpy() leaves the autograd graph",
    "item": "item() gives a Python number that leaves the autograd graph",
    "tolist": "tolist() gives Python numbers that leave the autograd graph",
}


#: What a forward program may contain: the hint of a refusal that has no closer one.
PROGRAM_HINT = ("Write one `name = expression` per line, from params, inputs and numbers with "
                "+ - * / ** @, tensor methods like x.sum() and PyTorch functions like "
                "torch.sigmoid(x) or F.mse_loss(y, t); give each step its own name.")
#: The hint for a method the whitelist lacks: every one it has.
METHODS_HINT = "Tensor methods the playground knows: " + ", ".join(sorted(TENSOR_METHODS)) + "."
#: The hint for a function the whitelist lacks (a builtin, a typo, torch.<other>).
FUNCTIONS_HINT = ("PyTorch functions the playground knows: torch." + ", torch.".join(
    sorted(TORCH_FUNCTIONS)) + "; F." + ", F.".join(sorted(FUNCTIONAL))
    + " (F is torch.nn.functional); and tensor methods like x.sum().")
#: The hint for a name or attribute starting with _ (Python's internals).
PRIVATE_HINT = ("Call tensor methods like x.sum() or x.relu(), or read x.T and x.mT; "
                "nothing starting with _ is ever evaluated.")


def refuse(message: str, hint: str | None = None) -> PlaygroundError:
    """A parse-time refusal; :func:`playground.program.parse_program` adds the line.
    Without a closer hint it says what a program may contain (:data:`PROGRAM_HINT`)."""
    return PlaygroundError(message, field="forward", hint=hint or PROGRAM_HINT)


class ExpressionCompiler:
    """Compiles expressions of one program, recording the names they read.

    Attributes
    ----------
    reads:
        Names read by the last compiled expression, in source order.
    """

    def __init__(self) -> None:
        self.reads: list[str] = []

    def build(self, node: ast.expr) -> Evaluator:
        """Return the closure for ``node`` (resetting :attr:`reads`)."""
        self.reads = []
        return self._expr(node)

    # --- expressions ---------------------------------------------------------------

    def _expr(self, node: ast.expr) -> Evaluator:
        if isinstance(node, ast.Constant):
            return self._constant(node)
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.BinOp):
            return self._binop(node)
        if isinstance(node, ast.UnaryOp):
            return self._unary(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Attribute):
            return self._attribute(node)
        if isinstance(node, ast.Subscript):
            return self._subscript(node)
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.List | ast.Tuple):
            raise refuse("lists and tuples are only allowed as arguments, like x.sum(dim=(0, 1))")
        message = _REFUSED_NODES.get(type(node), f"`{type(node).__name__}` expressions are not allowed")
        raise refuse(message)

    def _constant(self, node: ast.Constant) -> Evaluator:
        value = node.value
        if isinstance(value, bool) or value is None:
            raise refuse(f"`{value}` is only allowed as an argument, like keepdim=True")
        if isinstance(value, str | bytes):
            raise refuse("text is only allowed as a short keyword value, like reduction='sum'")
        if isinstance(value, complex):
            raise refuse("complex numbers are not allowed")
        if not isinstance(value, int | float):
            raise refuse(f"`{guard.short(repr(value))}` is not allowed")
        number = guard.number_literal(node)
        return lambda env: number

    def _name(self, node: ast.Name) -> Evaluator:
        name = node.id
        if name in ("torch", "F"):
            raise refuse(f"`{name}` can only be used to call its functions, like {name}.sigmoid(x)")
        if name in _BUILTINS:
            raise refuse(
                f"`{name}` is a Python builtin, not a tensor: builtins are never evaluated",
                hint="Use PyTorch instead, e.g. torch.sum(x) or x.abs().",
            )
        if name.startswith("_") or name in guard.RESERVED_NAMES:
            raise refuse(f"`{name}` is not allowed: it is reserved by the playground")
        self.reads.append(name)
        return lambda env: ops.lookup(env, name)

    def _binop(self, node: ast.BinOp) -> Evaluator:
        symbol = _BINOPS.get(type(node.op))
        if symbol is None:
            shown = {ast.FloorDiv: "//", ast.Mod: "%", ast.LShift: "<<", ast.RShift: ">>",
                     ast.BitOr: "|", ast.BitAnd: "&", ast.BitXor: "^"}.get(type(node.op), "this operator")
            raise refuse(f"`{shown}` is not allowed; the operators are + - * / ** @")
        left, right = self._expr(node.left), self._expr(node.right)
        return lambda env: ops.binary(symbol, left(env), right(env))

    def _compare(self, node: ast.Compare) -> Evaluator:
        """``x > 0``: a bool tensor (for torch.where); one comparison, no chains."""
        if len(node.ops) != 1:
            raise refuse("chained comparisons like `a < x < b` are not allowed: write one "
                         "comparison, like x > 0")
        symbol = _COMPARE.get(type(node.ops[0]))
        if symbol is None:
            raise refuse("`is` and `in` are not allowed; comparisons are < <= > >= == !=")
        left, right = self._expr(node.left), self._expr(node.comparators[0])
        return lambda env: ops.compare(symbol, left(env), right(env))

    def _unary(self, node: ast.UnaryOp) -> Evaluator:
        symbol = _UNARY.get(type(node.op))
        if symbol is None:
            raise refuse("`not` and `~` are not allowed; only unary minus and plus")
        operand = self._expr(node.operand)
        return lambda env: ops.unary(symbol, operand(env))

    def _attribute(self, node: ast.Attribute) -> Evaluator:
        _check_attr_name(node.attr)
        if isinstance(node.value, ast.Name) and node.value.id in ("torch", "F"):
            raise refuse(f"`{node.value.id}.{node.attr}` can only be called, like {node.value.id}.sigmoid(x)")
        if node.attr not in TENSOR_PROPERTIES:
            raise refuse(
                f"`.{node.attr}` is not allowed: only tensor methods can be called, like x.sum()",
                hint="Allowed properties: .T and .mT.",
            )
        value, attr = self._expr(node.value), node.attr
        return lambda env: ops.attribute(value(env), attr)

    def _subscript(self, node: ast.Subscript) -> Evaluator:
        key = _static_index(node.slice)
        value = self._expr(node.value)
        return lambda env: ops.index(value(env), key)

    # --- calls -----------------------------------------------------------------

    def _call(self, node: ast.Call) -> Evaluator:
        target = _function_target(node.func)
        receiver = None if target is not None else self._method_receiver(node.func)
        takes_sequence = target is not None and target[1] in SEQUENCE_FUNCTIONS
        args = [self._sequence(a) if takes_sequence and i == 0 and isinstance(a, ast.List | ast.Tuple)
                else self._argument(a, keyword=False) for i, a in enumerate(node.args)]
        kwargs = [(self._keyword_name(k), self._argument(k.value, keyword=True)) for k in node.keywords]

        def evaluate_arguments(env: Env) -> tuple[list[object], dict[str, object]]:
            return [a(env) for a in args], {k: v(env) for k, v in kwargs}

        if target is not None:
            namespace, fname = target

            def call_function(env: Env) -> object:
                positional, named = evaluate_arguments(env)
                return ops.call_function(namespace, fname, positional, named)

            return call_function
        assert isinstance(node.func, ast.Attribute) and receiver is not None
        method = node.func.attr

        def call_method(env: Env) -> object:
            obj = receiver(env)
            positional, named = evaluate_arguments(env)
            return ops.call_method(obj, method, positional, named)

        return call_method

    def _sequence(self, node: ast.List | ast.Tuple) -> Evaluator:
        """The tensor list of torch.cat([a, b]) / torch.stack((a, b))."""
        if not node.elts:
            raise refuse("torch.cat and torch.stack need at least one tensor, like [a, b]")
        items = [self._expr(e) for e in node.elts]
        return lambda env: [item(env) for item in items]

    def _method_receiver(self, func: ast.expr) -> Evaluator:
        if isinstance(func, ast.Name):
            raise refuse(_unknown_function_message(func.id), hint=FUNCTIONS_HINT)
        if not isinstance(func, ast.Attribute):
            self._expr(func)  # names the offender first, as getattr in getattr(w, "sum")()
            raise refuse("only PyTorch functions and tensor methods can be called",
                         hint=FUNCTIONS_HINT)
        # The receiver first: in __import__('os').system(...) or eval(...).sum() the
        # offender is the builtin, not the method called on what it returns.
        receiver = self._expr(func.value)
        _check_attr_name(func.attr)
        if func.attr in _FORBIDDEN_METHODS:
            raise refuse(f"`.{func.attr}()` is not allowed: {_FORBIDDEN_METHODS[func.attr]}")
        if func.attr.endswith("_"):
            raise refuse(
                f"`.{func.attr}()` changes a tensor in place, which is not allowed in the forward program",
                hint=f"Use the version without _, like .{func.attr[:-1]}().",
            )
        if func.attr not in TENSOR_METHODS:
            raise refuse(f"`.{func.attr}()` is not a tensor method the playground knows",
                         hint=METHODS_HINT)
        return receiver

    def _keyword_name(self, keyword: ast.keyword) -> str:
        if keyword.arg is None:
            raise refuse("`**` unpacking is not allowed")
        if keyword.arg not in KEYWORDS:
            raise refuse(
                f"the keyword `{keyword.arg}=` is not allowed",
                hint="Allowed keywords: " + ", ".join(sorted(KEYWORDS)) + ".",
            )
        return keyword.arg

    def _argument(self, node: ast.expr, *, keyword: bool) -> Evaluator:
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool) or value is None:
                return lambda env: value
            if isinstance(value, str):
                if not keyword or len(value) > MAX_STRING:
                    raise refuse(f"text is only allowed as a short keyword value (at most {MAX_STRING} characters), like reduction='sum'")
                return lambda env: value
        if isinstance(node, ast.List | ast.Tuple):
            numbers = [_literal_number(e) for e in node.elts]
            if isinstance(node, ast.Tuple):
                frozen = tuple(numbers)
                return lambda env: frozen
            # A fresh list on every run: a callee could keep and change it.
            return lambda env: list(numbers)
        return self._expr(node)


def _check_attr_name(attr: str) -> None:
    if attr.startswith("_"):
        raise refuse(f"`{attr}` is not allowed: attributes starting with _ are never evaluated "
                     "(they reach Python's internals)", hint=PRIVATE_HINT)


def _function_target(func: ast.expr) -> tuple[str, str] | None:
    """``("torch", name)`` / ``("F", name)`` for torch functions; None for a method call."""
    parts: list[str] = []
    node: ast.expr = func
    while isinstance(node, ast.Attribute):
        parts.insert(0, node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in ("torch", "F"):
        return None
    for part in parts:
        _check_attr_name(part)
    dotted = ".".join([node.id, *parts])
    if node.id == "torch" and len(parts) == 1 and parts[0] in TORCH_FUNCTIONS:
        return ("torch", parts[0])
    if node.id == "F" and len(parts) == 1 and parts[0] in FUNCTIONAL:
        return ("F", parts[0])
    if parts[:2] == ["nn", "functional"] and len(parts) == 3 and parts[2] in FUNCTIONAL:
        return ("F", parts[2])
    if node.id == "torch" and len(parts) == 1 and parts[0] in VALUE_FUNCTIONS:
        raise refuse(_value_function_message(dotted),
                     hint="Put it in the model panel, e.g. the param `w` = randn(3); "
                          "in the program use `w`.")
    raise refuse(f"`{dotted}` is not a PyTorch function the playground knows", hint=FUNCTIONS_HINT)


def _value_function_message(name: str) -> str:
    """``randn`` and friends are PyTorch functions, but they make values, not computations."""
    return (f"`{name}` makes a tensor's starting value: give it to a param or input in the "
            f"model panel (e.g. `w = {name}(3)`); the forward program only computes from "
            "params and inputs, so it cannot call it")


def _unknown_function_message(name: str) -> str:
    if name in _BUILTINS:
        return (f"`{name}` is not a PyTorch function the playground knows: it is a Python "
                "builtin, and the forward program never calls builtins (no __import__, eval, "
                "exec, open, getattr, ...)")
    if name in VALUE_FUNCTIONS:
        return _value_function_message(name)
    if name in TORCH_FUNCTIONS:
        return f"`{name}` is not a PyTorch function the playground knows; did you mean torch.{name}(...)?"
    return f"`{name}` is not a PyTorch function the playground knows"


def _literal_number(node: ast.expr) -> int | float:
    value = guard.number_literal(node)
    if value is None:
        raise refuse("lists and tuples may hold plain numbers only, like (0, 1)")
    return value


def _static_index(node: ast.expr) -> object:
    """A subscript key made of whole-number literals, slices, ``None`` and ``...``."""
    if isinstance(node, ast.Tuple):
        return tuple(_static_index_part(e) for e in node.elts)
    return _static_index_part(node)


def _static_index_part(node: ast.expr) -> object:
    if isinstance(node, ast.Slice):
        bounds = [None if n is None else _index_int(n) for n in (node.lower, node.upper, node.step)]
        return slice(*bounds)
    if isinstance(node, ast.Constant) and (node.value is None or node.value is Ellipsis):
        return node.value
    return _index_int(node)


def _index_int(node: ast.expr) -> int:
    value = guard.number_literal(node)
    if not isinstance(value, int):
        raise refuse(
            "indices must be whole numbers written out, like y[0], y[:, 1] or y[1:3]",
            hint="Names and formulas are not allowed inside [ ].",
        )
    return value
