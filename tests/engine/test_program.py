"""The forward program against plain Python + torch running the same lines.

The oracle: each program is also run by Python itself (``exec`` of the literal
test source, in the test only), with ``torch`` and ``F`` imported and the same
tensors as variables; values, ``grad_fn`` classes and gradients must match.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from playground import _program_compile as compiled
from playground.errors import PlaygroundError
from playground.program import Line, Program, parse_program

Env = dict[str, torch.Tensor]


def gen_env() -> Env:
    """Params and inputs shaped like the notebooks' examples."""
    g = torch.Generator().manual_seed(0)
    return {
        "x": torch.randn(3, generator=g, requires_grad=True),
        "w": torch.randn(5, 3, generator=g, requires_grad=True),
        "b": torch.randn(3, generator=g, requires_grad=True),
        "v": torch.ones(5),
        "y": torch.zeros(3),
        "y_true": torch.tensor([1.0, 2.1, 3.0]),
        "y_pred": torch.tensor([1.30, 2.79, 4.02], requires_grad=True),
        "weights": torch.ones(4, requires_grad=True),
        "m": torch.randn(2, 3, generator=g, requires_grad=True),
        "labels": torch.tensor([0.0, 1.0, 1.0]),
    }


PROGRAMS = [
    # notebook 000/002: z = 3 (x + 2)^2 mean
    "y2 = x + 2\nz = y2 * y2 * 3\nout = z.mean()",
    "y2 = x + 2\nz = 2 * y2 ** 2\nout = z.mean()",
    # notebook 000: the accumulation example
    "model_output = (weights * 3).sum()",
    # notebook 001: MSE
    "MSE = torch.mean((y_pred - y_true)**2)",
    "loss = F.mse_loss(y_pred, y_true)",
    "loss = F.mse_loss(y_pred, y_true, reduction='sum')",
    # notebook 004: logistic regression
    "z = torch.matmul(v, w) + b\nloss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)",
    "z = v @ w + b\nloss = F.binary_cross_entropy_with_logits(z, labels, reduction='mean')",
    "p = torch.sigmoid(v @ w + b)\nloss = F.binary_cross_entropy(p, labels)",
    # methods, functions, keywords, indexing
    "a = x.exp().log().abs().sqrt()\nb2 = a.clamp(min=0.1, max=2.0)\nout = b2.sum(dim=0, keepdim=True)",
    "s = m.softmax(dim=1)\nls = F.log_softmax(m, dim=-1)\nout = (s * ls).sum()",
    "t1 = m.t() @ m\nt2 = m.transpose(0, 1).reshape(6)\nout = t1.mean() + t2.pow(2).sum()",
    "r = w[0] + w[:, 1].sum() + w[1:3, ::2].mean()\nout = r.sum()",
    "top = m.max(dim=0)[0]\nout = top.sum() + m.amax() - m.min()",
    "lin = F.linear(m, w)\nlin2 = F.linear(lin, w.t(), b)\nout = lin2.relu().sum()",
    "h = torch.tanh(m) * torch.relu(m) - F.softplus(m)\nout = h.norm(p=2)",
    "c = 2 * 3\nd = c / 4\nout = (x * c + d).sum()",
    "n = -x\nq = +n\nout = torch.dot(q, x)",
    "o = torch.ones_like(x) + torch.zeros_like(x)\nout = (o * x).prod()",
    "u = m.unsqueeze(0).squeeze(0).flatten()\nout = u.var() + u.std(correction=0)",
    "d2 = x.detach() * x\nout = d2.sum()",
    "mm = m.mm(w.t()[:3, :])\nout = mm.sum()",
    "mv2 = torch.mv(m, x)\nout = torch.maximum(mv2, torch.minimum(mv2, b[:2])).sum()",
    "e = x ** 1e30\nout = e.sum()",
    "  # a comment first\n\ny2 = x * 2   # scale\n\nout = y2.sum()  # the output\n",
]


def oracle(source: str, env: Env) -> dict[str, object]:
    """What plain Python makes of the same lines (trusted test source only)."""
    namespace: dict[str, object] = {"torch": torch, "F": F, **env}
    exec(source, namespace)  # noqa: S102 - the oracle runs literal test programs
    return namespace


def fresh(env: Env) -> Env:
    """Independent copies of the leaves, so two runs do not share gradients."""
    return {k: v.detach().clone().requires_grad_(v.requires_grad) for k, v in env.items()}


def as_tensor(value: object) -> torch.Tensor:
    return value if isinstance(value, torch.Tensor) else torch.tensor(float(value))  # type: ignore[arg-type]


@pytest.mark.parametrize("source", PROGRAMS)
def test_run_matches_python(source: str) -> None:
    ours_env, theirs_env = fresh(gen_env()), fresh(gen_env())
    program = parse_program(source)
    ours = program.run(ours_env)
    theirs = oracle(program.text, theirs_env)
    assert list(ours) == program.names
    for name in program.names:
        expected = as_tensor(theirs[name])
        assert torch.equal(ours[name], expected), name
        assert type(ours[name].grad_fn).__name__ == type(expected.grad_fn).__name__, name
    ours[program.output_name].sum().backward()
    as_tensor(theirs[program.output_name]).sum().backward()
    for name, leaf in ours_env.items():
        other = theirs_env[name].grad
        assert (leaf.grad is None) == (other is None), name
        if other is not None:
            assert torch.equal(leaf.grad, other), name


def test_run_follows_the_callers_grad_mode() -> None:
    program = parse_program("y2 = x * 2\nout = y2.sum()")
    with torch.no_grad():
        results = program.run(gen_env())
    assert all(t.grad_fn is None and not t.requires_grad for t in results.values())


def test_run_twice_gives_equal_results() -> None:
    program = parse_program("r = m.reshape([3, 2])\nout = r.sum(dim=[0, 1])")
    env = gen_env()
    first, second = program.run(env), program.run(env)
    assert torch.equal(first["out"], second["out"])


def test_program_structure() -> None:
    text = "# model\n\nz = v @ w + b   # logits\nloss = F.binary_cross_entropy_with_logits(z, y)\n"
    program = parse_program(text)
    assert isinstance(program, Program)
    assert program.lines == [
        Line(name="z", source="z = v @ w + b   # logits", lineno=3),
        Line(name="loss", source="loss = F.binary_cross_entropy_with_logits(z, y)", lineno=4),
    ]
    assert program.names == ["z", "loss"]
    assert program.output_name == "loss"
    assert program.free_names == ["v", "w", "b", "y"]
    assert program.text == text


def test_free_names_are_only_those_read_before_assignment() -> None:
    program = parse_program("a = x * x\nc = a + w.sum() + x.mean()\nd = c * a")
    assert program.free_names == ["x", "w"]


def test_indented_program_is_dedented() -> None:
    program = parse_program("    a = x * 2\n    out = a.sum()")
    assert [line.source for line in program.lines] == ["a = x * 2", "out = a.sum()"]
    assert torch.equal(program.run(gen_env())["out"], (gen_env()["x"] * 2).sum())


def test_unknown_name_at_run_time_is_named() -> None:
    program = parse_program("a = x * 2\nout = (a * q).sum()")
    with pytest.raises(PlaygroundError) as info:
        program.run(gen_env())
    err = info.value
    assert (err.field, err.line) == ("forward", 2)
    assert "`q`" in err.message and err.hint and "`q`" in err.hint


def test_torch_error_names_the_line_and_quotes_pytorch() -> None:
    env = {"x": torch.ones(1, 3), "w": torch.ones(4, 3)}
    with pytest.raises(RuntimeError) as torch_info:
        env["x"] * 1 @ env["w"]
    torch_text = str(torch_info.value)
    program = parse_program("y = x * 1\nz = y @ w   # matmul\nout = z.sum()")
    with pytest.raises(PlaygroundError) as info:
        program.run(env)
    err = info.value
    assert err.message == f"line 2 (`z = y @ w`): PyTorch says: {torch_text}"
    assert (err.field, err.line, err.torch_message) == ("forward", 2, torch_text)


def test_python_number_errors_are_explained() -> None:
    with pytest.raises(PlaygroundError, match=r"line 1 \(`c = 1 / 0`\): Python says: division by zero"):
        parse_program("c = 1 / 0\nout = x * c").run(gen_env())


def test_pair_result_is_refused_with_a_hint() -> None:
    with pytest.raises(PlaygroundError) as info:
        parse_program("top = m.max(dim=0)").run(gen_env())
    assert "(values, indices)" in info.value.message and "amax" in (info.value.hint or "")


def test_method_on_a_number_is_refused() -> None:
    with pytest.raises(PlaygroundError, match=r"`\.sum\(\)` needs a tensor"):
        parse_program("c = 2\nd = c.sum()").run({})


def test_assigning_an_env_name_is_refused_at_run() -> None:
    with pytest.raises(PlaygroundError, match="already a parameter or input"):
        parse_program("w = x * 2").run(gen_env())


def test_number_results_are_given_as_tensors() -> None:
    results = parse_program("c = 2 * 3\nd = c ** 2 / 8").run({})
    assert torch.equal(results["c"], torch.tensor(6.0)) and torch.equal(results["d"], torch.tensor(4.5))


@pytest.mark.parametrize(
    ("source", "line", "words"),
    [
        ("y = x\ny = x * 2", 2, "already assigned on line 1"),
        ("a = z\nz = x", 2, "used on line 1 before"),
        ("a = a + 1", 1, "used on line 1 before"),
        ("a = x; b = a", 1, "one assignment per line"),
        ("a = (x +\n  1)", 1, "fit on one line"),
        ("x * 2", 1, "assign a name"),
        ("a = b = x", 1, "one name"),
        ("a, b = x, x", 1, "one plain name"),
        ("loss.backward()", 1, "backward"),
        ("a = x\na += 1", 2, "in place"),
        ("w[0] = 1", 1, "in place"),
        ("w.grad = x", 1, "in place"),
        ("a: float = 1", 1, "annotations"),
        ("sum = x", 1, "reserved"),
        ("g = x", 1, "reserved"),
        ("optimizer = x", 1, "reserved"),
        ("_a = x", 1, "starting with _"),
        ("a = x // 2", 1, "`//`"),
        ("a = x % 2", 1, "`%`"),
        ("a = not x", 1, "`not`"),
        ("a = 0 < x < 2", 1, "chained comparisons"),
        ("a = x and w", 1, "`and`"),
        ("a = x if b else w", 1, "if ... else"),
        ("a = {1: x}", 1, "dicts"),
        ("a = [1, 2]", 1, "only allowed as arguments"),
        ("a = True", 1, "only allowed as an argument"),
        ("a = x.sum(reduction='" + "a" * 25 + "')", 1, "at most 20"),
        ("a = x.sum('dim')", 1, "short keyword value"),
        ("a = x.sum(dim=[0, y])", 1, "plain numbers"),
        ("a = x.sum(foo=1)", 1, "`foo=`"),
        ("a = x.sum(**kw)", 1, "`**`"),
        ("a = x.foo()", 1, "`.foo()` is not a tensor method"),
        ("a = x.add_(1)", 1, "in place"),
        ("a = x.item()", 1, "item()"),
        ("a = x.numpy()", 1, "numpy()"),
        ("a = x.retain_grad()", 1, "retain_grad"),
        ("a = x.shape", 1, "`.shape` is not allowed"),
        ("a = torch.sin", 1, "can only be called"),
        ("a = torch", 1, "`torch` can only be used"),
        ("a = torch.ones(3)", 1, "`torch.ones` makes a tensor's starting value"),
        ("a = F.dropout(x)", 1, "`F.dropout` is not a PyTorch function"),
        ("a = sigmoid(x)", 1, "did you mean torch.sigmoid"),
        ("a = len(x)", 1, "`len` is not a PyTorch function"),
        ("a = x * len", 1, "builtin"),
        ("a = x[i]", 1, "indices must be whole numbers"),
        ("a = x[0.5]", 1, "indices must be whole numbers"),
        ("a = x\n\nb = (x", 3, "cannot read"),
        ("", None, "empty"),
        ("# only a comment\n", None, "empty"),
    ],
)
def test_refused_at_parse_time(source: str, line: int | None, words: str) -> None:
    with pytest.raises(PlaygroundError) as info:
        parse_program(source)
    err = info.value
    assert words in err.message
    assert err.field == "forward"
    assert err.line == line
    if line is not None:
        assert err.message.startswith(f"line {line}")
    assert "\n" not in err.message


def test_program_length_limits() -> None:
    parse_program("\n".join(f"a{i} = x * {i}" for i in range(50)))
    with pytest.raises(PlaygroundError, match="51 lines"):
        parse_program("\n".join(f"a{i} = x * {i}" for i in range(51)))


def test_bracket_depth_limit() -> None:
    parse_program("a = " + "(" * 40 + "x" + ")" * 40)
    with pytest.raises(PlaygroundError, match="41 deep"):
        parse_program("a = " + "(" * 41 + "x" + ")" * 41)


@pytest.mark.parametrize(
    ("names", "namespace"),
    [
        (compiled.TENSOR_METHODS, torch.Tensor),
        (compiled.TORCH_FUNCTIONS, torch),
        (compiled.FUNCTIONAL, F),
    ],
)
def test_whitelists_name_real_non_mutating_torch_api(names: frozenset[str], namespace: object) -> None:
    missing = sorted(n for n in names if not callable(getattr(namespace, n, None)))
    assert missing == []
    assert not [n for n in names if n.endswith("_") or n.startswith("_")]
    assert not names & {"backward", "retain_grad", "numpy", "item", "tolist", "requires_grad_"}


# Arguments for the methods that need some; the rest are called with none,
# or with the tensor itself when they take a second operand.
METHOD_ARGUMENTS = {
    "pow": "(2)", "clamp": "(min=0.0)", "clamp_min": "(0.0)", "clamp_max": "(0.0)",
    "reshape": "(4)", "view": "(4)", "unsqueeze": "(0)", "transpose": "(0, 1)",
    "permute": "(1, 0)", "softmax": "(dim=0)", "log_softmax": "(dim=0)", "mv": "(one)",
    "matmul": "(t)", "mm": "(t)", "maximum": "(t)", "minimum": "(t)",
    "add": "(t)", "sub": "(t)", "mul": "(t)", "div": "(t)",
}


@pytest.mark.parametrize("method", sorted(compiled.TENSOR_METHODS))
def test_every_tensor_method_matches_python_and_leaves_its_input_unchanged(method: str) -> None:
    source = torch.tensor([[0.5, -1.0], [2.0, 3.0]])
    before = source.clone()
    if method == "dot":
        text = "out = t.flatten().dot(one4)"
    else:
        text = f"out = t.{method}{METHOD_ARGUMENTS.get(method, '()')}"
    env = {"t": source, "one": torch.ones(2), "one4": torch.ones(4)}
    result = parse_program(text).run(env)["out"]
    expected = oracle(text, {k: v.clone() for k, v in env.items()})["out"]
    assert torch.equal(source, before)
    torch.testing.assert_close(result, as_tensor(expected), rtol=0, atol=0, equal_nan=True)


def test_broadcast_shape_by_hand_equals_torch() -> None:
    """The size check broadcasts shapes itself (torch.broadcast_shapes is slow): torch decides."""
    import random

    from playground._program_ops import broadcast_shape

    rng = random.Random(0)
    for _ in range(3000):
        shapes = [tuple(rng.choice([0, 1, 2, 3]) for _ in range(rng.randrange(0, 4)))
                  for _ in range(rng.randrange(1, 4))]
        try:
            expected: tuple[int, ...] | None = tuple(torch.broadcast_shapes(*shapes))
        except RuntimeError:
            expected = None
        assert broadcast_shape(shapes) == expected, shapes


@pytest.mark.parametrize(
    ("program", "offender", "hint_has"),
    [
        # s6 item 17: each refusal says what the program may contain instead
        ("out = __import__('os').system('ls')", "`__import__` is not a PyTorch function the playground knows: it is a Python builtin", "torch.sigmoid"),
        ("out = eval('w').sum()", "`eval` is not a PyTorch function the playground knows: it is a Python builtin", "F.mse_loss"),
        ("out = open('x')", "`open` is not a PyTorch function the playground knows: it is a Python builtin", "torch.matmul"),
        ("out = foo(w)", "`foo` is not a PyTorch function", "torch.sigmoid"),
        ("out = w.repeat(2).sum()", "`.repeat()` is not a tensor method", "matmul, max"),
        ("out = w.nonsense()", "`.nonsense()` is not a tensor method", "abs, add"),
        ("f = lambda v: v\nout = f(w).sum()", "lambda expressions are not allowed", "name = expression"),
        ("out = [v for v in w]", "comprehensions are not allowed", "name = expression"),
        ("out = w.__class__.__subclasses__()", "`__class__` is not allowed", "x.sum()"),
        ("out = w.__dict__", "`__dict__` is not allowed", "nothing starting with _"),
        ("import os\nout = w.sum()", "`import` is not allowed", "ready to use"),
        ("out = getattr(w, 'sum')()", "`getattr` is not a PyTorch function the playground knows: it is a Python builtin", "torch.sigmoid"),
        ("out = (w * w).sum().item()", "`.item()` is not allowed", "name = expression"),
    ],
)
def test_every_refusal_says_what_to_write_instead(program: str, offender: str,
                                                  hint_has: str) -> None:
    with pytest.raises(PlaygroundError) as caught:
        parse_program(program)
    error = caught.value
    assert offender in error.message
    assert error.field == "forward" and error.line == 1
    assert error.hint and hint_has in error.hint
    assert ".system()" not in error.message  # the import is named, not the call on its result


def test_the_method_and_function_hints_list_the_whole_whitelist() -> None:
    from playground import _program_compile as compiled

    for name in compiled.TENSOR_METHODS:
        assert f" {name}," in compiled.METHODS_HINT or f" {name}." in compiled.METHODS_HINT
    for name in compiled.TORCH_FUNCTIONS:
        assert f"torch.{name}" in compiled.FUNCTIONS_HINT
    for name in compiled.FUNCTIONAL:
        assert f"F.{name}" in compiled.FUNCTIONS_HINT
