"""Messages a class reads: truthful, said once, with PyTorch's own words when torch spoke."""

from __future__ import annotations

import pytest

from playground import PlaygroundError, Session
from playground._program_compile import VALUE_FUNCTIONS
from playground.values import FACTORIES


def _refusal(forward: str) -> PlaygroundError:
    with pytest.raises(PlaygroundError) as info:
        Session(params={"w": "ones(3)"}, inputs={"x": "ones(2)"}, forward=forward)
    return info.value


def test_the_program_knows_the_value_functions_of_the_model_panel() -> None:
    assert VALUE_FUNCTIONS == FACTORIES


@pytest.mark.parametrize("call", ["randn(3)", "torch.randn(3)", "torch.zeros(3)", "ones(3)"])
def test_a_value_function_in_the_program_is_called_one_not_unknown(call: str) -> None:
    exc = _refusal(f"out = (w * {call}).sum()")
    name = call.split("(")[0]
    assert "not a PyTorch function" not in exc.message
    assert f"`{name}` makes a tensor's starting value" in exc.message
    assert "model panel" in exc.message and exc.field == "forward" and exc.line == 1


def test_the_line_is_said_once() -> None:
    exc = _refusal("y = w * 2\nout = w @ x")
    assert exc.line == 2
    assert exc.message.count("line 2") == 1
