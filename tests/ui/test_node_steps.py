"""Backward node by node on the Graph tab, from the keyboard (N / Shift+N).

The oracle is plain torch: torch.autograd.grad of the output with respect to
each intermediate gives what each node must have received.
"""

from __future__ import annotations

from typing import Any

import torch
from PySide6.QtCore import Qt

from tests.ui._settle import press

NOTEBOOK = {"params": {"x": "ones(2)"}, "forward": "y = x + 2\nz = y * y * 3\nout = z.mean()"}
SHIFT = Qt.KeyboardModifier.ShiftModifier


def fmt(values: torch.Tensor) -> str:
    """torch's numbers, written by the app's one number formatter (the numbers are the oracle's)."""
    from ui.formatting import format_value

    return format_value(values.tolist(), one_line=True)


def torch_notebook() -> dict[str, torch.Tensor]:
    """Grads of out w.r.t. each intermediate, and x.grad after one and two backwards."""
    x = torch.ones(2, requires_grad=True)
    y = x + 2
    z = y * y * 3
    out = z.mean()
    d_out, d_z, d_y = torch.autograd.grad(out, [out, z, y], retain_graph=True)
    out.backward()
    first = x.grad.clone()
    (((x + 2) * (x + 2) * 3).mean()).backward()
    return {"out": d_out, "z": d_z, "y": d_y, "first": first, "second": x.grad.clone()}


def test_next_node_walks_the_notebook_backward(make_window: Any, qtbot: Any) -> None:
    window = make_window(NOTEBOOK)
    press(window, qtbot, Qt.Key.Key_F, Qt.Key.Key_B, Qt.Key.Key_F, Qt.Key.Key_B)
    oracle = torch_notebook()
    graph = window.inspector_panels["Graph"]
    stepper = graph.stepper
    press(window, qtbot, Qt.Key.Key_N)
    assert window.inspector.tabText(window.inspector.currentIndex()) == "Graph"
    texts = [stepper.text.text()]
    labels = [stepper.node.label]
    while stepper.next_button.isEnabled():
        press(window, qtbot, Qt.Key.Key_N)
        texts.append(stepper.text.text())
        labels.append(stepper.node.label)
    # The order PyTorch ran them, output first, the leaf last.
    assert labels == ["MeanBackward0", "MulBackward0", "MulBackward0", "AddBackward0",
                      "AccumulateGrad"]
    assert f"received {fmt(oracle['out'])}" in texts[0]
    assert f"passed {fmt(oracle['z'])} to MulBackward0 (z)" in texts[0]
    assert f"received {fmt(oracle['z'])} from MeanBackward0" in texts[1]
    # y is used twice by y * y: AddBackward0 (y) receives two contributions summing to dout/dy.
    assert f"= {fmt(oracle['y'])}  (reached by 2 paths)" in texts[3]
    # AccumulateGrad: the arithmetic of accumulation, with the real numbers (9 + 9 = 18).
    assert (f"old .grad {fmt(oracle['first'])} + this backward {fmt(oracle['first'])} = "
            f"{fmt(oracle['second'])}") in texts[4]
    # Shift+N goes back; past the first node, the overview again.
    press(window, qtbot, (Qt.Key.Key_N, SHIFT))
    assert stepper.node.label == "AddBackward0"
    for _ in range(5):
        press(window, qtbot, (Qt.Key.Key_N, SHIFT))
    assert stepper.node is None and not stepper.previous_button.isEnabled()


def test_the_replayed_node_is_outlined_and_its_edges_labelled(make_window: Any, qtbot: Any) -> None:
    window = make_window(NOTEBOOK)
    press(window, qtbot, Qt.Key.Key_F, Qt.Key.Key_B)
    oracle = torch_notebook()
    graph = window.inspector_panels["Graph"]
    press(window, qtbot, Qt.Key.Key_N, Qt.Key.Key_N, Qt.Key.Key_N)  # the unnamed y * y node
    node = graph.stepper.node
    assert node.label == "MulBackward0" and node.tensor is None
    current = graph.node_items()[node.graph_index]
    assert current.pen().width() == 6
    # Its two edges (one per use of y) carry what it passed: 2 * 3 * y * dout/dz each half.
    expected = fmt(oracle["y"] / 2)
    assert [m.text() for m in graph._marks] == [expected, expected]
    # Nodes PyTorch had not reached yet are faded.
    leaf = next(n for n in graph.node_items() if n.kind == "leaf")
    assert leaf.opacity() < 1


def test_a_param_reached_by_two_paths_shows_both_contributions(make_window: Any, qtbot: Any) -> None:
    window = make_window({"params": {"w": "[1.0, 2.0]"}, "inputs": {"x": "[3.0, 4.0]"},
                          "forward": "out = (w * x + w * 2).sum()"})
    press(window, qtbot, Qt.Key.Key_F, Qt.Key.Key_B)
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    x = torch.tensor([3.0, 4.0])
    a, b = w * x, w * 2
    (a + b).sum().backward()
    from_a = torch.autograd.grad((w * x).sum(), w)[0]
    from_b = torch.autograd.grad((w * 2).sum(), w)[0]
    stepper = window.inspector_panels["Graph"].stepper
    while stepper.node is None or stepper.node.label != "AccumulateGrad":
        press(window, qtbot, Qt.Key.Key_N)
    text = stepper.text.text()
    both = [f"received {fmt(p)} from MulBackward0 + {fmt(q)} from MulBackward0 = {fmt(w.grad)}"
            for p, q in ((from_a, from_b), (from_b, from_a))]
    assert any(line in text for line in both), text
    assert "(reached by 2 paths)" in text
    assert f"w.grad was None, so w.grad = this backward's {fmt(w.grad)}" in text


def test_a_new_forward_ends_the_replay(make_window: Any, qtbot: Any) -> None:
    window = make_window(NOTEBOOK)
    press(window, qtbot, Qt.Key.Key_F, Qt.Key.Key_B, Qt.Key.Key_N)
    stepper = window.inspector_panels["Graph"].stepper
    assert stepper.node is not None
    press(window, qtbot, Qt.Key.Key_F)
    qtbot.waitUntil(lambda: stepper.nodes == [])
    assert "press Backward (B) first" in stepper.text.text()
