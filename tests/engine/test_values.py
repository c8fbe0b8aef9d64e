"""Value specs against torch itself: what they build, the code they print, their errors."""

from __future__ import annotations

import pytest
import torch

from playground.errors import PlaygroundError
from playground.values import MAX_ELEMENTS, format_value_spec, parse_value, spec_is_random, value_code

# (spec, the same tensor built by plain torch)
DETERMINISTIC: list[tuple[object, torch.Tensor]] = [
    ("3", torch.tensor(3.0)),
    ("-1.5", torch.tensor(-1.5)),
    (2.5, torch.tensor(2.5)),
    (7, torch.tensor(7.0)),
    ("[1, 2, 3]", torch.tensor([1.0, 2.0, 3.0])),
    ("[-1, +2.5]", torch.tensor([-1.0, 2.5])),
    ("[[1, 2], [3, 4]]", torch.tensor([[1.0, 2.0], [3.0, 4.0]])),
    ([[1, 2], [3, 4]], torch.tensor([[1.0, 2.0], [3.0, 4.0]])),
    ((0.1, 0.2), torch.tensor([0.1, 0.2])),
    ("  [1,\n 2]  ", torch.tensor([1.0, 2.0])),
    ("ones(4)", torch.ones(4)),
    ("zeros(2, 3)", torch.zeros(2, 3)),
    ("torch.zeros((2, 3))", torch.zeros(2, 3)),
    ("eye(4, 5)", torch.eye(4, 5)),
    ("torch.eye(3)", torch.eye(3)),
    ("full((2, 2), 0.5)", torch.full((2, 2), 0.5)),
    ("full((3,), 1)", torch.full((3,), 1.0)),
    ("arange(4)", torch.arange(4).float()),
    ("arange(1, 2, 0.25)", torch.arange(1, 2, 0.25)),
    ("linspace(0, 1, 5)", torch.linspace(0, 1, 5)),
    ("tensor([1, 2.5])", torch.tensor([1.0, 2.5])),
    ("torch.tensor([1.0,2.1,3.0],)", torch.tensor([1.0, 2.1, 3.0])),  # notebook 001
    ("torch.tensor([1,10,100],dtype=torch.float32)", torch.tensor([1, 10, 100], dtype=torch.float32)),
    ("torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float32)", torch.tensor([0.1, 1.0, 0.0001])),
    ("[inf, -inf, nan, -0.0]", torch.tensor([float("inf"), float("-inf"), float("nan"), -0.0])),
]
RANDOM = ["randn(5, 3)", "rand(3)", "torch.randn(2, 2)", "randn((4,))", "randn()"]


def bitwise_equal(a: torch.Tensor, b: torch.Tensor) -> bool:
    """Same shape, dtype and bits (so nan == nan and -0.0 != 0.0)."""
    return a.shape == b.shape and a.dtype == b.dtype and torch.equal(a.view(torch.int32), b.view(torch.int32))


def run_code(code: str, seed: int = 0) -> torch.Tensor:
    """Evaluate generated (trusted, test-only) code with a seeded generator named g."""
    namespace = {"torch": torch, "g": torch.Generator().manual_seed(seed)}
    return eval(code, namespace)  # noqa: S307 - trusted code from value_code, test only


@pytest.mark.parametrize(("spec", "expected"), DETERMINISTIC)
def test_parse_value_matches_torch(spec: object, expected: torch.Tensor) -> None:
    value = parse_value(spec)
    assert value.dtype == torch.float32
    assert not value.requires_grad
    assert bitwise_equal(value, expected.to(torch.float32))


@pytest.mark.parametrize("spec", RANDOM)
def test_random_specs_draw_from_the_generator(spec: str) -> None:
    first = parse_value(spec, generator=torch.Generator().manual_seed(5))
    again = parse_value(spec, generator=torch.Generator().manual_seed(5))
    other = parse_value(spec, generator=torch.Generator().manual_seed(6))
    assert bitwise_equal(first, again)
    assert not torch.equal(first, other)
    assert spec_is_random(spec)


def test_random_matches_torch_draws_in_order() -> None:
    gen = torch.Generator().manual_seed(0)
    w = parse_value("randn(5, 3)", generator=gen)
    b = parse_value("rand(3)", generator=gen)
    oracle = torch.Generator().manual_seed(0)
    assert bitwise_equal(w, torch.randn(5, 3, generator=oracle))
    assert bitwise_equal(b, torch.rand(3, generator=oracle))


@pytest.mark.parametrize("spec", [s for s, _ in DETERMINISTIC] + RANDOM)
def test_value_code_rebuilds_the_same_tensor(spec: object) -> None:
    code = value_code(spec)
    assert "generator=g" in code if spec_is_random(spec) else "generator" not in code
    assert bitwise_equal(run_code(code, seed=3), parse_value(spec, generator=torch.Generator().manual_seed(3)))


def test_value_code_spellings() -> None:
    assert value_code("ones(4)") == "torch.ones(4)"
    assert value_code("[1, 2]") == "torch.tensor([1.0, 2.0])"
    assert value_code("randn(5, 3)") == "torch.randn(5, 3, generator=g)"
    assert value_code("rand(2)", generator_name="gen") == "torch.rand(2, generator=gen)"


@pytest.mark.parametrize("spec", [s for s, _ in DETERMINISTIC] + RANDOM)
def test_format_value_spec_reads_back_the_same(spec: object) -> None:
    text = format_value_spec(spec)
    assert isinstance(text, str)
    assert format_value_spec(text) == text  # canonical: formatting twice changes nothing
    assert spec_is_random(text) == spec_is_random(spec)
    seeded = [parse_value(s, generator=torch.Generator().manual_seed(1)) for s in (spec, text)]
    assert bitwise_equal(*seeded)


def test_format_value_spec_is_canonical() -> None:
    assert format_value_spec("torch.zeros((2, 3))") == format_value_spec("zeros(2, 3)")
    assert format_value_spec([1, 2]) == format_value_spec("[1.0, 2.0]") == format_value_spec("tensor([1, 2])")
    assert "torch" not in format_value_spec("torch.randn(5, 3)")


@pytest.mark.parametrize("spec", ["3", "[1, 2]", "ones(4)", "eye(2)", "full((2,), 1)", "arange(3)", "linspace(0, 1, 3)"])
def test_deterministic_specs_are_not_random(spec: str) -> None:
    assert not spec_is_random(spec)


def test_size_limit_is_inclusive() -> None:
    assert parse_value(f"zeros({MAX_ELEMENTS})").numel() == MAX_ELEMENTS
    with pytest.raises(PlaygroundError, match="10,000"):
        parse_value(f"zeros({MAX_ELEMENTS + 1})")
    with pytest.raises(PlaygroundError, match="10,000"):
        parse_value([0.0] * (MAX_ELEMENTS + 1))


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("[[1, 2], [3]]", "ragged"),
        ([[1, 2], [3]], "ragged"),
        ("[[1, 2], 3]", "ragged"),
        ("[[[1], [2]], [[1], [2, 3]]]", "ragged"),
        ("[]", "empty"),
        ([], "empty"),
        ("[[]]", "empty"),
        ("", "empty"),
        ("   ", "empty"),
        ("ones(0)", "no elements"),
        ("arange(0)", "no elements"),
        ("ones(-1)", "negative"),
        ("ones(2.5)", "whole numbers"),
        ("ones((2, 3), 4)", "whole numbers"),
        ("foo(3)", "`foo` is not a value"),
        ("x", "`x` is not a number"),
        ("1 + 2", "`1 + 2` is not a number"),
        ("ones(10**9)", "is not a number"),
        ("ones(3, requires_grad=True)", "requires_grad"),
        ("randn(3, generator=g)", "generator"),
        ("ones(3, dtype=torch.int8)", "float32"),
        ("ones(n=3)", "`n=`"),
        ("full(3, 1)", "full((2, 2), 0.5)"),
        ("tensor(1, 2)", "one list"),
        ("arange(0, 1, 0)", "step"),
        ("linspace(0, 1, 2.5)", "whole numbers"),
        ("[1, 2", "cannot read"),
        ("99999999999999999999", "too large"),
        (10**20, "too large"),
        (True, "not a number"),
        ([1, True], "not a number"),
        ([1, "2"], "not a number"),
        (None, "NoneType"),
        ({"a": 1}, "dict"),
    ],
)
def test_bad_specs_are_refused_with_a_reason(spec: object, words: str) -> None:
    with pytest.raises(PlaygroundError) as info:
        parse_value(spec)
    assert words in info.value.message
    assert str(info.value) == info.value.message
    assert "\n" not in info.value.message


def test_refusals_come_from_every_entry_point() -> None:
    for function in (parse_value, value_code, spec_is_random, format_value_spec):
        with pytest.raises(PlaygroundError, match="ragged"):
            function("[[1], [2, 3]]")  # type: ignore[operator]


def test_requires_grad_refusal_says_what_to_do() -> None:
    with pytest.raises(PlaygroundError) as info:
        parse_value("torch.randn(3, requires_grad=True)")
    assert info.value.hint and "requires_grad" in info.value.hint


def test_parse_value_returns_a_fresh_tensor_each_time() -> None:
    a, b = parse_value("ones(3)"), parse_value("ones(3)")
    a.add_(1)
    assert torch.equal(b, torch.ones(3))
