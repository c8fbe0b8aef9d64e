"""The Landscape tab, driven from the keyboard; plain torch is the oracle for every number drawn."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

CTRL, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier
X = [0.0, 1.0, 2.0, 3.0]
Y = [1.0, 3.1, 4.9, 7.2]
LINE_FIT = {"params": {"w": "0.0", "b": "0.0"},
            "inputs": {"x": str(X), "y": str(Y)},
            "forward": "loss = ((w * x + b - y) ** 2).mean()", "lr": 0.05}


def loss_at(w: float, b: float) -> float:
    x, y = torch.tensor(X), torch.tensor(Y)
    return ((torch.tensor(w) * x + torch.tensor(b) - y) ** 2).mean().item()


def press(window: Any, qtbot: Any, *keys: Any) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # window shortcuts need the active window
    for key in keys:
        if isinstance(key, tuple):
            qtbot.keyClick(window, key[0], key[1])
        else:
            qtbot.keyClick(window, key)


def landscape(window: Any, qtbot: Any) -> Any:
    press(window, qtbot, (Qt.Key.Key_6, CTRL))
    view = window.inspector_panels["Landscape"]
    assert view.isVisible()
    qtbot.waitUntil(lambda: view.landscape is not None)
    window.setFocus()  # a combo box claims letters (keyboard search): F, B, I go to the window
    return view


def drawn(view: Any, qtbot: Any) -> None:
    """Let the frame throttle bring the picture up to date."""
    view.refresh()


def test_grid_drawn_is_the_torch_loss(make_window: Any, qtbot: Any) -> None:
    window = make_window(LINE_FIT)
    view = landscape(window, qtbot)
    land = view.landscape
    assert (land.x_name, land.y_name) == ("w", "b")
    image = view.image.image
    assert image.shape == (101, 101)
    for i in (0, 37, 100):
        for j in (0, 50, 99):
            assert image[i, j] == pytest.approx(loss_at(land.xs[j], land.ys[i]), rel=1e-5)
    # The current point is drawn where the session's params are.
    x, y = view.point.getData()
    assert (x[0], y[0]) == (0.0, 0.0)
    axis = view.plot.getPlotItem().getAxis("bottom")
    assert axis.labelText == "w"


def test_grad_arrow_grows_3_6_9_and_step_arrow_is_the_step(make_window: Any, qtbot: Any) -> None:
    window = make_window(LINE_FIT)
    view = landscape(window, qtbot)
    w, b = torch.tensor(0.0, requires_grad=True), torch.tensor(0.0, requires_grad=True)
    x, y = torch.tensor(X), torch.tensor(Y)
    for k in (1, 2, 3):  # forward + backward, no zero_grad: the grads accumulate
        press(window, qtbot, Qt.Key.Key_F, Qt.Key.Key_B)
        ((w * x + b - y) ** 2).mean().backward()
        drawn(view, qtbot)
        x0, y0, x1, y1 = view.grad_arrow.ends
        assert (x0, y0) == (0.0, 0.0)
        assert (x1, y1) == pytest.approx((-0.05 * w.grad.item(), -0.05 * b.grad.item()), rel=1e-6)
        if k == 1:
            first = np.hypot(x1, y1)
        assert np.hypot(x1, y1) == pytest.approx(k * first, rel=1e-5)
        assert not view.step_arrow.visible
    press(window, qtbot, Qt.Key.Key_S)
    with torch.no_grad():
        w -= 0.05 * w.grad
        b -= 0.05 * b.grad
    drawn(view, qtbot)
    assert not view.grad_arrow.visible
    assert view.step_arrow.ends == pytest.approx((0.0, 0.0, w.item(), b.item()), rel=1e-6)
    px, py = view.path.getData()
    assert (px[-1], py[-1]) == pytest.approx((w.item(), b.item()), rel=1e-6)


def test_choosing_elements_from_the_keyboard(make_window: Any, qtbot: Any) -> None:
    window = make_window({"params": {"w": "[0.5, -0.5]", "b": "0.0"},
                          "inputs": {"x": str(X), "y": str(Y)},
                          "forward": "loss = ((w[0] * x + w[1] * x * x + b - y) ** 2).mean()"})
    view = landscape(window, qtbot)
    assert (view.landscape.x_name, view.landscape.y_name) == ("w[0]", "w[1]")
    press(window, qtbot, (Qt.Key.Key_Y, ALT))
    assert view.y_combo.hasFocus()
    qtbot.keyClick(view.y_combo, Qt.Key.Key_End)  # b, the last element
    qtbot.waitUntil(lambda: view.landscape.y_name == "b")
    land = view.landscape
    i, j = 10, 80

    def oracle(w0: float, bias: float) -> float:
        xx, yy = torch.tensor(X), torch.tensor(Y)
        return ((w0 * xx + -0.5 * xx * xx + bias - yy) ** 2).mean().item()
    assert view.image.image[i, j] == pytest.approx(oracle(land.xs[j], land.ys[i]), rel=1e-5)
    assert view.plot.getPlotItem().getAxis("left").labelText == "b"


def test_twin_path_is_dashed_and_follows_the_twin(make_window: Any, qtbot: Any) -> None:
    window = make_window({**LINE_FIT, "auto_zero_grad": True})
    window.action("actionAutoZeroGrad").setChecked(True)
    from ui.compare import CompareSetting

    window.controller.set_compare_setting(CompareSetting("lr", 0.01))
    press(window, qtbot, Qt.Key.Key_C)
    view = landscape(window, qtbot)
    press(window, qtbot, Qt.Key.Key_I, Qt.Key.Key_I)
    drawn(view, qtbot)
    assert view.twin_path.opts["pen"].style() == Qt.PenStyle.DashLine
    tx, ty = view.twin_path.getData()
    twin = window.controller.twin
    assert (tx[-1], ty[-1]) == (twin.value("w"), twin.value("b"))
    w, b = torch.tensor(0.0, requires_grad=True), torch.tensor(0.0, requires_grad=True)
    opt = torch.optim.SGD([w, b], lr=0.01)
    for _ in range(2):
        ((w * torch.tensor(X) + b - torch.tensor(Y)) ** 2).mean().backward()
        opt.step()
        opt.zero_grad()
    assert (tx[-1], ty[-1]) == pytest.approx((w.item(), b.item()), rel=1e-6)
    labels = [label.text for _, label in view.legend.items]
    assert "path (twin, lr 0.01)" in labels


def test_hidden_tab_computes_nothing_and_grid_is_reused(make_window: Any, qtbot: Any) -> None:
    window = make_window({**LINE_FIT, "auto_zero_grad": True})
    view = window.inspector_panels["Landscape"]
    for _ in range(5):
        window.controller.run("iterate")
    qtbot.wait(60)
    assert view.grids_computed == 0  # the Tensors tab is shown
    view = landscape(window, qtbot)
    # Opening the tab computes one grid, shaped for the data area as laid out (the plot
    # page is laid out when the tab is shown, not after its first grid): no second one.
    qtbot.wait(100)
    drawn(view, qtbot)
    opened = view.grids_computed
    assert opened == 1
    vb = view.plot.getPlotItem().getViewBox()
    land = view.landscape
    grid = (land.xs[-1] - land.xs[0]) / (land.ys[-1] - land.ys[0])
    assert grid == pytest.approx(vb.width() / vb.height(), rel=0.02)
    # Two params only: the surface cannot change; it is recomputed only if the path leaves it.
    for _ in range(3):
        window.controller.run("iterate")
        drawn(view, qtbot)
    land = view.landscape
    x, y = window.session.value("w"), window.session.value("b")
    inside = land.xs[0] < x < land.xs[-1] and land.ys[0] < y < land.ys[-1]
    assert inside and view.grids_computed == opened


def test_a_model_without_a_landscape_says_why(make_window: Any, qtbot: Any) -> None:
    window = make_window({"params": {"w": "[1.0, 2.0]"}, "forward": "y = w * 2"})
    press(window, qtbot, (Qt.Key.Key_6, CTRL))
    view = window.inspector_panels["Landscape"]
    qtbot.waitUntil(lambda: view.stack.currentWidget() is view.message
                    and "one-number output" in view.message.text())


def test_the_grid_follows_the_path_when_it_leaves_the_view(make_window: Any, qtbot: Any) -> None:
    window = make_window({**LINE_FIT, "auto_zero_grad": True, "lr": 0.1})
    view = landscape(window, qtbot)
    qtbot.wait(100)  # the legend's column laid out (a grid fitted to it, on a loaded machine)
    drawn(view, qtbot)
    settled = view.grids_computed
    first = view.landscape
    assert first.xs[0] <= 0.0 <= first.xs[-1]
    for _ in range(40):
        window.controller.run("iterate")
    w = window.session.value("w")
    assert w > first.xs[-1]  # the run left the first grid
    # Recomputed on a later frame (not sooner than GRID_PAUSE times the last grid's cost).
    qtbot.waitUntil(lambda: view.grids_computed > settled)
    land = view.landscape
    px, py = view.path.getData()
    # The new grid holds the whole path, start and end.
    assert land.xs[0] <= px.min() and px.max() <= land.xs[-1]
    assert land.ys[0] <= py.min() and py.max() <= land.ys[-1]


def test_a_running_model_gets_a_coarse_grid_then_a_full_one(make_window: Any, qtbot: Any) -> None:
    window = make_window({"params": {"w": "[0.5, -0.5]", "b": "0.0"},
                          "inputs": {"x": str(X), "y": str(Y)}, "auto_zero_grad": True,
                          "forward": "loss = ((w[0] * x + w[1] * x * x + b - y) ** 2).mean()"})
    view = landscape(window, qtbot)
    assert len(view.landscape.xs) == 101
    view.refresh()
    for _ in range(3):  # several actions between two frames: the run is going on
        window.controller.run("iterate")
    view._next_grid_at = 0.0
    view.refresh()  # b moved, so the surface over w[0], w[1] changed: a new grid, coarse
    assert len(view.landscape.xs) == 51
    # Once the run pauses, the full grid comes back by itself.
    qtbot.waitUntil(lambda: len(view.landscape.xs) == 101, timeout=3000)
    s = window.session
    land = view.landscape
    i, j = 7, 93
    w0, w1 = land.xs[j], land.ys[i]
    xx, yy = torch.tensor(X), torch.tensor(Y)
    b = torch.tensor(s.value("b"))
    expected = ((torch.tensor(w0) * xx + torch.tensor(w1) * xx * xx + b - yy) ** 2).mean().item()
    assert view.image.image[i, j] == pytest.approx(expected, rel=1e-5)


def _printed(tensor: torch.Tensor) -> str:
    """The oracle: what ``print(t)`` shows between ``tensor(`` and ``)``."""
    return str(tensor.detach())[len("tensor("):].split(",")[0].rstrip(")")


def test_header_numbers_are_printed_as_torch_prints_them(make_window: Any, qtbot: Any) -> None:
    window = make_window(LINE_FIT)
    view = landscape(window, qtbot)
    w, b = torch.tensor(0.0, requires_grad=True), torch.tensor(0.0, requires_grad=True)
    ((w * torch.tensor(X) + b - torch.tensor(Y)) ** 2).mean().backward()
    press(window, qtbot, Qt.Key.Key_F, Qt.Key.Key_B)
    drawn(view, qtbot)
    text = view.status.text()
    assert text.startswith(f"w = {_printed(w)},  b = {_printed(b)}")  # "w = 0.", not "w = 0"
    assert f"grad ({_printed(w.grad)}, {_printed(b.grad)})" in text  # 4 decimals, as torch
    with torch.no_grad():
        w -= 0.05 * w.grad
        b -= 0.05 * b.grad
    press(window, qtbot, Qt.Key.Key_S)
    drawn(view, qtbot)
    assert view.status.text().startswith(f"w = {_printed(w)},  b = {_printed(b)}")


def test_the_pickers_show_their_longest_element_name(make_window: Any, qtbot: Any) -> None:
    """s6 item 7: "W1[0,0]" was cut to "W" at 1280x720."""
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QStyle, QStyleOptionComboBox

    from playground.session import Session

    window = make_window()  # w[0]..w[2] first: the pickers were sized for them once
    window.resize(1280, 720)
    view = landscape(window, qtbot)
    window.set_session(Session(params={"W1": "ones(2, 2)", "b1": "zeros(2)"},
                               inputs={"x": "[1.0, 2.0]"},
                               forward="out = (W1 @ x + b1).sum()", lr=0.1))
    qtbot.waitUntil(lambda: view.x_combo.findText("W1[0,0]") >= 0)
    QApplication.processEvents()
    for combo in (view.x_combo, view.y_combo):
        names = [combo.itemText(i) for i in range(combo.count())]
        assert "W1[0,0]" in names
        metrics = QFontMetrics(combo.font())
        widest = max(metrics.horizontalAdvance(name) for name in names)
        # The text area, as the style lays it out (the combo less its arrow and frame).
        option = QStyleOptionComboBox()
        combo.initStyleOption(option)
        field = combo.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option,
            QStyle.SubControl.SC_ComboBoxEditField, combo)
        assert field.width() >= widest, (combo.width(), field.width(), widest)
