"""Hostile text is refused promptly, with a PlaygroundError, and nothing escapes.

Every case runs under a generous time bound (2 s); the real cost is
milliseconds. A case that hung, crashed the interpreter or leaked a raw
Python exception would fail here.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import torch

from playground.errors import PlaygroundError
from playground.program import parse_program
from playground.values import parse_value

TIME_LIMIT = 2.0


def refused(action: Callable[[], object]) -> PlaygroundError:
    """Run ``action``; it must raise PlaygroundError within the time limit."""
    start = time.perf_counter()
    with pytest.raises(PlaygroundError) as info:
        action()
    assert time.perf_counter() - start < TIME_LIMIT
    assert "\n" not in info.value.message
    return info.value


def big_env() -> dict[str, torch.Tensor]:
    """Inputs at the value size limit: the largest a student can make."""
    return {"x": torch.ones(10_000), "m": torch.ones(100, 100)}


def deep_list(depth: int) -> list[object]:
    nested: list[object] = [1.0]
    for _ in range(depth):
        nested = [nested]
    return nested


PARSE_REFUSALS = [
    ("(" * 100_000, "too long"),
    ("x" + "+x" * 100_000, "too long"),
    ("y = " + "9" * 4_400, "cannot read"),
    ("y = x" + "+x" * 2_400, "nested too deeply"),
    ("y = " + "-" * 4_000 + "x", "nested too deeply"),
    ("y = x" + ".exp()" * 600, "nested too deeply"),
    ("y = " + "(" * 1_000 + "x" + ")" * 1_000, "1000 deep"),
    ("y = " + "torch.exp(" * 400 + "x" + ")" * 400, "400 deep"),
    ("y = " + "[" * 100 + "]" * 100, "100 deep"),
    ("y = x.__class__.__bases__", "attributes starting with _ are never evaluated"),
    ("y = x.__class__", "`__class__` is not allowed: attributes starting with _ are never evaluated"),
    ("y = torch.__builtins__", "attributes starting with _"),
    ("y = torch.nn.functional.__dict__", "attributes starting with _"),
    ("y = torch._C._nn.linear(x, x)", "attributes starting with _"),
    ("y = __import__('os')", "`__import__` is not a PyTorch function the playground knows"),
    ("y = open('/etc/passwd')", "`open` is not a PyTorch function the playground knows"),
    ("y = getattr(x, 'sum')", "`getattr` is not a PyTorch function"),
    ("y = eval('1')", "`eval` is not a PyTorch function"),
    ("y = torch.load('model.pt')", "`torch.load` is not a PyTorch function"),
    ("y = torch.hub.load('a', 'b')", "`torch.hub.load` is not a PyTorch function"),
    ("y = x.sum.__self__", "attributes starting with _"),
    ("y = print", "builtin"),
    ("y = [y for y in x]", "comprehensions are not allowed"),
    ("y = lambda: 0", "lambda expressions are not allowed"),
    ("import os", "`import` is not allowed"),
    ("from os import system", "`import` is not allowed"),
    ("for i in x: pass", "loops are not allowed"),
    ("while True: pass", "loops are not allowed"),
    ("def f(): pass", "`def` is not allowed"),
    ("class A: pass", "`class` is not allowed"),
    ("with torch.no_grad(): y = x", "`with` is not allowed"),
    ("if x: y = x", "`if` is not allowed"),
    ("try: y = x\nexcept: pass", "`try` is not allowed"),
    ("y = f'{x}'", "f-strings are not allowed"),
    ("y = (z := x)", "`:=` is not allowed"),
    ("y = x.sum(*a)", "`*` unpacking is not allowed"),
    ("y = 'abc'", "text is only allowed"),
    ("y = b'abc'", "text is only allowed"),
    ("y = 1j", "complex numbers are not allowed"),
    ("y = 99999999999999999999", "too large"),
    ("y = x.sum(reduction='" + "a" * 100 + "')", "at most 20"),
    ("y = x\x00", "NUL"),
    ("\n" * 60 + "y = x", "lines"),
]


@pytest.mark.parametrize(("source", "words"), PARSE_REFUSALS, ids=lambda v: repr(v)[:40])
def test_hostile_programs_are_refused_at_parse(source: str, words: str) -> None:
    err = refused(lambda: parse_program(source))
    assert words in err.message
    assert err.field == "forward"


RUN_REFUSALS = [
    ("y = 9**9**9**9", "digits"),
    ("y = 2**5000", "digits"),
    ("y = " + " * ".join(["9007199254740992"] * 80), "digits"),
    ("a = 2**53\nb = a*a\nc = b*b\nd = c*c\ne = d*d\nf = e*e\nh = f*f", "too large to show"),
    ("y = x ** 1e308 ** 2", "Python says"),
    ("y = 1 / 0", "Python says: division by zero"),
    ("y = 0 ** -1", "Python says"),
    ("y = (-8) ** 0.5", "complex"),
    ("y = x.unsqueeze(1) * x", "100,000,000 elements"),
    ("y = x.unsqueeze(1) + x.unsqueeze(0)", "100,000,000 elements"),
    ("y = torch.maximum(x.unsqueeze(1), x)", "100,000,000 elements"),
    ("y = x.unsqueeze(1) @ x.unsqueeze(0)", "100,000,000 elements"),
    ("y = torch.matmul(x.unsqueeze(1), x.unsqueeze(0))", "100,000,000 elements"),
    ("y = x.reshape(10000, 1).mm(x.reshape(1, 10000))", "100,000,000 elements"),
    ("y = F.linear(x.unsqueeze(1), x.unsqueeze(1))", "100,000,000 elements"),
    ("a = x[:1000].unsqueeze(1) * x[:1000]\ny = a @ a", "1,000,000,000 multiplications"),
    ("y = x.unsqueeze(1).clamp(min=x)", "100,000,000 elements"),
]


@pytest.mark.parametrize(("source", "words"), RUN_REFUSALS, ids=lambda v: repr(v)[:40])
def test_hostile_programs_are_refused_at_run(source: str, words: str) -> None:
    program = parse_program(source)
    err = refused(lambda: program.run(big_env()))
    assert words in err.message
    assert err.field == "forward" and err.line is not None


def test_tensor_power_with_a_huge_exponent_is_pytorchs_answer() -> None:
    x = torch.tensor([0.5, 1.0, 2.0])
    result = parse_program("y = x ** 1e30").run({"x": x})["y"]
    assert torch.equal(result, x**1e30)


def test_largest_allowed_matmul_runs() -> None:
    # (100 x 100) @ (100 x 100): 10,000 elements, 1,000,000 multiplications
    result = parse_program("y = m @ m").run(big_env())["y"]
    assert torch.equal(result, torch.ones(100, 100) @ torch.ones(100, 100))


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("ones(100000, 100000)", "10,000 elements"),
        ("randn(100, 101)", "10,000 elements"),
        ("eye(1000000000)", "10,000 elements"),
        ("arange(-1e308, 1e308)", "10,000 elements"),
        ("linspace(0, 1, 10**9)", "not a number"),
        ("(" * 100_000, "100000 deep"),
        ("[" * 50 + "]" * 50, "50 deep"),
        ("1" + "+1" * 90_000, "nested too deeply"),
        ("-" * 150_000 + "1", "nested too deeply"),
        ("9" * 5_000, "cannot read"),
        ("__import__('os')", "not a value the playground knows"),
        ("x.__class__", "not a number"),
        ("open('/etc/passwd')", "not a value the playground knows"),
        ("torch.load('f')", "not a value the playground knows"),
        ("[y for y in x]", "not a number"),
        ("lambda: 0", "not a number"),
        (list(range(10**6)), "10,000 elements"),
        (deep_list(10_000), "nest more than 40"),
    ],
    ids=lambda v: repr(v)[:40] if not isinstance(v, list) else "python list",
)
def test_hostile_value_specs_are_refused(spec: object, words: str) -> None:
    err = refused(lambda: parse_value(spec))
    assert words in err.message


def test_parse_errors_never_leak_raw_exceptions() -> None:
    # A sweep of odd characters and fragments: each either parses or raises PlaygroundError.
    fragments = ["y = ", "x", "(", ")", "[", "]", "**", "@", ".", "_", "'", '"', "\\", "#", ":", ",", "\t", "\n", "1e", "0x"]
    for i, a in enumerate(fragments):
        for b in fragments[i:]:
            for text in (a + b, "y = " + a + b + "x", "y = x" + a + b):
                try:
                    parse_program(text)
                except PlaygroundError:
                    pass
                try:
                    parse_value(text)
                except PlaygroundError:
                    pass
