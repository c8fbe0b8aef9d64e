"""The backward(v) tab on a large output: only the corner shown is computed (issue 7)."""

from __future__ import annotations

from typing import Any

import pytest
import torch

from playground import PlaygroundError, Session

LARGE_MODEL: dict[str, Any] = {
    "params": {"w": "linspace(0, 1, 3000)"},
    "inputs": {"x": "linspace(1, 2, 3000)"},
    "forward": "y = (w * x).reshape(3000, 1) * w.sum()",
}


def _torch_jacobian() -> torch.Tensor:
    w, x = torch.linspace(0, 1, 3000), torch.linspace(1, 2, 3000)
    return torch.autograd.functional.jacobian(lambda t: (t * x).reshape(3000, 1) * t.sum(), w)


def test_the_tab_shows_the_corner_of_a_3000_by_3000_jacobian(make_window: Any, qtbot: Any) -> None:
    window = make_window(LARGE_MODEL)
    window.show_inspector("backward(v)")
    panel = window.inspector_panels["backward(v)"]
    window.session.forward()
    panel.refresh()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 8)
    assert panel.table.columnCount() == 8
    assert "3000×3000" in panel.table_caption.text() and "top-left 8×8" in panel.table_caption.text()
    ref = _torch_jacobian().reshape(3000, 3000)[:8, :8]
    shown = [[panel.table.item(i, j).text() for j in range(8)] for i in range(8)]
    # Each cell is one number as print(tensor) shows it: torch's own text for that element.
    assert shown == [[str(value)[len("tensor("):-1] for value in row] for row in ref]


def test_engine_block_and_vjp_equal_torch_and_full_jacobian_is_bounded() -> None:
    s = Session(**LARGE_MODEL)
    block, shape = s.jacobian_block("w", 5, 7)
    assert shape == (3000, 3000)
    ref = _torch_jacobian().reshape(3000, 3000)
    assert block == ref[:5, :7].tolist()
    with pytest.raises(PlaygroundError, match="limit"):
        s.jacobian("w")
    v = torch.linspace(-1, 1, 3000).reshape(3000, 1)
    w = torch.linspace(0, 1, 3000).requires_grad_()
    x = torch.linspace(1, 2, 3000)
    ((w * x).reshape(3000, 1) * w.sum()).backward(v)
    assert s.vjp("w", v.tolist()) == w.grad.tolist()  # what backward(v) adds, bit for bit
    s.forward()
    s.backward(gradient=v.tolist())
    assert s.grad("w") == w.grad.tolist()
