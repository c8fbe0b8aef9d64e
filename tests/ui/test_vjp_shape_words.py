"""The backward(v) tab names the output's shape as torch prints it (u1 trial #19, u1-140-vjp).

It said "shape (3,)", Python's tuple, where the Tensors table's tooltip and the lessons say
``torch.Size([3])``: the words must be torch's own, for a vector and for a matrix.
"""

from __future__ import annotations

from typing import Any

import pytest
import torch

from tests.ui._settle import settle

MODELS = {
    "vector": ({"w": "[1.0, 2.0, 3.0]"}, {"x": "[4.0, 5.0, 6.0]"}, "out = w * x",
               lambda w, x: w * x),
    "matrix": ({"w": "ones(2, 3)"}, {"x": "[4.0, 5.0, 6.0]"}, "out = w * x",
               lambda w, x: w * x),
}


@pytest.mark.parametrize("which", MODELS)
def test_the_explanation_says_torch_size(which: str, make_window: Any, qtbot: Any) -> None:
    params, inputs, forward, torch_forward = MODELS[which]
    window = make_window({"params": params, "inputs": inputs, "forward": forward, "lr": 0.1})
    window.session.forward()
    tabs = window.inspector
    tabs.setCurrentIndex([tabs.tabText(i) for i in range(tabs.count())].index("backward(v)"))
    settle(qtbot)
    w = torch.ones(2, 3) if which == "matrix" else torch.tensor([1.0, 2.0, 3.0])
    out = torch_forward(w, torch.tensor([4.0, 5.0, 6.0]))
    text = window.inspector_panels["backward(v)"].explain.text()
    assert f"out.shape is {out.shape}" in text, text  # torch.Size([3]) / torch.Size([2, 3])
    assert f"{out.numel()} elements" in text
    assert str(tuple(out.shape)) not in text
