"""How numbers read on a projected screen (shared by the Lesson and backward(v) tabs)."""

from __future__ import annotations

from ui.formatting import format_value


def test_numbers_read_like_torch_prints_them() -> None:
    assert format_value([3.0, 3.0, 3.0, 3.0]) == "[3, 3, 3, 3]"
    assert format_value(-0.800000011920929) == "-0.8"
    assert format_value(-0.0) == "0"
    assert format_value(None) == "None" and format_value(True) == "True"


def test_long_tensors_are_cut_with_an_ellipsis() -> None:
    assert format_value([float(i) for i in range(10)]) == "[0, 1, 2, 3, 4, 5, …]"
    rows = format_value([[1.0, 2.0]] * 6)
    assert rows.count("\n") == 4 and rows.endswith("…]")
