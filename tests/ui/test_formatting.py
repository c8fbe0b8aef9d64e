"""Every number reads as ``print(tensor)`` prints it: torch is the oracle."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from playground.printing import print_text, tensor_text
from ui.formatting import format_full, format_value

VALUES = [
    1.3755, -4.8127, 1e-5, 1e8, 123456.0, 0.1 + 0.2, -0.0, 3.0, 3, -7, 0,
    math.nan, math.inf, -math.inf, 2.5e-12,
    [3.0, 3.0, 3.0, 3.0], [1.3755, -4.8127], [1e-5, 1e8], [1, 2, 3], [math.nan, 1.0, math.inf],
    [[1.3100, -0.3900], [1e-5, 1e8]], [[1.0, 2.0], [3.0, 4.0]],
    [[[0.5, -0.25], [1.0, 2.0]], [[3.0, 4.0], [5.0, 6.5]]],
    [float(i) / 7 for i in range(40)],
]


def torch_body(value: object) -> str:
    """``str(torch.tensor(value))`` without ``tensor(`` and ``)``, rows under the first ``[``."""
    text = str(torch.tensor(value))
    assert text.startswith("tensor(") and text.endswith(")")
    return text[len("tensor("):-1].replace("\n" + " " * 7, "\n")


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_numbers_are_what_print_shows(value: object) -> None:
    assert format_value(value) == torch_body(value)
    assert tensor_text(np.asarray(torch.tensor(value).numpy())) == torch_body(value)
    one_line = " ".join(row.strip() for row in torch_body(value).splitlines() if row.strip())
    assert format_value(value, one_line=True) == one_line


def test_the_examples_from_the_issue() -> None:
    assert format_value(1.3755) == "1.3755" and format_value(-4.8127) == "-4.8127"
    assert format_value([3.0, 3.0, 3.0, 3.0]) == "[3., 3., 3., 3.]"
    assert format_value(1e-5) == "1.0000e-05"


def test_none_and_flags_read_as_python() -> None:
    assert format_value(None) == "None" and format_value(True) == "True"


def test_a_tensor_with_requires_grad_prints_its_numbers_only() -> None:
    w = torch.tensor([1.3755, 2.0], requires_grad=True)
    y = w * 2
    assert format_value(y) == format_value([2.751, 4.0]) == torch_body(y.detach().tolist())


def test_summarised_like_torch_with_a_smaller_threshold() -> None:
    values = [float(i) for i in range(10)]
    with torch._tensor_str.printoptions(threshold=6, edgeitems=3):
        expected = str(torch.tensor(values))[len("tensor("):-1]
    assert format_value(values, max_items=6) == expected
    assert "..." in expected


def test_the_full_print_is_torchs_with_every_element() -> None:
    big = torch.arange(2000, dtype=torch.float32).reshape(40, 50) / 3
    with torch._tensor_str.printoptions(threshold=math.inf):
        expected = str(big)
    assert print_text(big) == expected and "..." not in expected
    named = format_full([[1.0, 2.0], [3.0, 4.0]], "w")
    assert named == "w = tensor([[1., 2.],\n" + " " * len("w = tensor([") + "[3., 4.]])"
    assert format_full(None, "w.grad") == "w.grad = None"
