"""The optimizer block: torch.optim classes chosen in the model panel, live lr / momentum.

Driven from the keyboard; plain torch loops are the oracle (bit for bit).
"""

from __future__ import annotations

from typing import Any

import pytest
import torch
from PySide6.QtCore import Qt

from tests.ui.conftest import DEFAULT_MODEL
from ui.compare import CompareSetting

CTRL = Qt.KeyboardModifier.ControlModifier


def torch_loop(optimizer: str, iterations: int, changes: dict[int, dict[str, float]] | None = None,
               **options: Any) -> tuple[torch.Tensor, Any]:
    """DEFAULT_MODEL in plain torch; ``changes[k]`` sets param_groups before iteration k."""
    w = torch.ones(3, requires_grad=True)
    x = torch.tensor([1.0, 2.0, 3.0])
    opt = getattr(torch.optim, optimizer)([w], **{"lr": 0.1, **options})
    for k in range(iterations):
        for key, value in (changes or {}).get(k, {}).items():
            opt.param_groups[0][key] = value
        out = (w * x).sum()
        out.backward()
        opt.step()
        opt.zero_grad()
    return w.detach(), opt.state[w]


def choose(qtbot: Any, combo: Any, data: str) -> None:
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    while combo.currentData() != data:
        qtbot.keyClick(combo, Qt.Key.Key_Down)


def type_into(qtbot: Any, widget: Any, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def iterate(window: Any, qtbot: Any, n: int) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # window shortcuts need the active window
    window.setFocus()
    for _ in range(n):
        qtbot.keyClick(window, Qt.Key.Key_I)


@pytest.fixture
def zeroing_window(make_window: Any) -> Any:
    window = make_window({**DEFAULT_MODEL, "auto_zero_grad": True})
    window.action("actionAutoZeroGrad").setChecked(True)
    return window


def test_adam_with_betas_from_the_panel_matches_torch(zeroing_window: Any, qtbot: Any) -> None:
    window = zeroing_window
    block = window.model_panel.optimizer_block
    choose(qtbot, block.combo, "adam")
    assert set(block.option_edits) == {"betas", "eps", "amsgrad"}
    type_into(qtbot, block.option_edits["betas"], "0.8, 0.99")
    qtbot.keyClick(window, Qt.Key.Key_Return, CTRL)
    s = window.session
    assert s.config.optimizer == "adam" and tuple(s.config.optimizer_options["betas"]) == (0.8, 0.99)
    iterate(window, qtbot, 3)
    w, state = torch_loop("Adam", 3, betas=(0.8, 0.99))
    assert torch.equal(torch.tensor(s.value("w")), w)
    # The tensor table shows torch's own state beside the param.
    window.state_table.refresh()
    model = window.state_table.table_model
    column = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    row = [model.index(r, 0).data() for r in range(model.rowCount())].index("w")
    text = model.index(row, column.index("optimizer state")).data()
    assert text.startswith("step 3")
    assert f"{state['exp_avg'][0].item():.4g}" in text
    assert f"{state['exp_avg_sq'][0].item():.4g}" in text
    # Adam has no momentum to change mid-run: Enter in the field is refused, the run kept.
    count = len(s.history)
    type_into(qtbot, window.model_panel.number_edits["momentum"], "0.9")
    assert window.session is s and len(s.history) == count
    assert "betas" in window.banner.text


def test_lr_changed_mid_run_without_reset_matches_torch(zeroing_window: Any, qtbot: Any) -> None:
    window = zeroing_window
    iterate(window, qtbot, 2)
    lr = window.model_panel.number_edits["lr"]  # the one lr box: Enter changes the running one
    assert float(lr.text()) == pytest.approx(0.1)
    type_into(qtbot, lr, "0.05")
    s = window.session
    assert s.history[-1].action == "set_lr" and s.lr == 0.05
    assert len([r for r in s.history if r.action == "forward"]) == 2  # no reset
    iterate(window, qtbot, 2)
    w, _ = torch_loop("SGD", 4, {2: {"lr": 0.05}})
    assert torch.equal(torch.tensor(s.value("w")), w)
    assert 'optimizer.param_groups[0]["lr"] = 0.05' in s.to_script()
    # Reset goes back to the initial lr, and the box follows.
    qtbot.keyClick(window, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: float(lr.text()) == pytest.approx(0.1))


def test_momentum_changed_mid_run_matches_torch(zeroing_window: Any, qtbot: Any) -> None:
    window = zeroing_window
    iterate(window, qtbot, 1)
    type_into(qtbot, window.model_panel.number_edits["momentum"], "0.9")
    iterate(window, qtbot, 3)
    w, _ = torch_loop("SGD", 4, {1: {"momentum": 0.9}})
    assert torch.equal(torch.tensor(window.session.value("w")), w)


def test_sgd_against_adam_from_the_same_start(zeroing_window: Any, qtbot: Any) -> None:
    window = zeroing_window
    window.controller.set_compare_setting(CompareSetting("optimizer"))
    qtbot.keyClick(window, Qt.Key.Key_C)
    assert window.compare_bar.summary.text() == "optimizer SGD vs Adam"
    iterate(window, qtbot, 3)
    assert torch.equal(torch.tensor(window.session.value("w")), torch_loop("SGD", 3)[0])
    assert torch.equal(torch.tensor(window.controller.twin.value("w")), torch_loop("Adam", 3)[0])


def test_a_bad_option_is_refused_and_the_session_kept(zeroing_window: Any, qtbot: Any) -> None:
    window = zeroing_window
    before = window.session
    block = window.model_panel.optimizer_block
    choose(qtbot, block.combo, "rmsprop")
    type_into(qtbot, block.option_edits["alpha"], "lots")
    qtbot.keyClick(window, Qt.Key.Key_Return, CTRL)
    assert window.session is before
    assert "alpha must be a number" in window.banner.text
    type_into(qtbot, block.option_edits["alpha"], "1.5")  # a number torch refuses
    qtbot.keyClick(window, Qt.Key.Key_Return, CTRL)
    assert window.session is before and "alpha" in window.banner.text


def test_graph_tab_shows_the_momentum_buffer_beside_the_param(make_window: Any, qtbot: Any) -> None:
    window = make_window({**DEFAULT_MODEL, "momentum": 0.9, "auto_zero_grad": True})
    window.action("actionAutoZeroGrad").setChecked(True)
    iterate(window, qtbot, 2)
    assert len(window.session.history) == 8
    window.action("actionForward").trigger()
    qtbot.keyClick(window, Qt.Key.Key_2, CTRL)
    graph = window.inspector_panels["Graph"]
    qtbot.waitUntil(lambda: any(n.kind == "leaf" for n in graph.node_items()))
    leaf = next(n for n in graph.node_items() if n.kind == "leaf")
    w, state = torch_loop("SGD", 2, momentum=0.9)
    line = next(d for d in leaf.details if d.startswith("momentum_buffer: "))
    from ui.graph_view import NODE_ITEMS, format_numbers

    # torch's buffer, written by the app's formatter (as print(tensor) shows it).
    assert line == "momentum_buffer: " + format_numbers(state["momentum_buffer"].numpy(), NODE_ITEMS)
    assert "1.9" in line and "5.7" in line
