"""One lr box, and Enter in the Training fields does something visible (t5 trial #10).

On Xvfb, `f`, `nan` and `1e400` + Enter in the Training group's lr did nothing until
Ctrl+Return, while the optimizer block below had a second, live "lr" box. Now Enter in
lr / momentum changes the running optimizer (recorded, undone by Ctrl+Z); a value that
is no finite number is refused beside the field and the session stays exactly as it
was; a value typed but not entered is marked as pending; Enter in weight decay applies
(a new run, which Ctrl+Z takes back). Plain torch is the oracle for the numbers.
"""

from __future__ import annotations

from typing import Any

import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QLabel, QLineEdit

from tests.ui.conftest import DEFAULT_MODEL
from tests.ui.test_optimizer_panel import iterate, torch_loop, type_into


@pytest.fixture
def zeroing_window(make_window: Any) -> Any:
    window = make_window({**DEFAULT_MODEL, "auto_zero_grad": True})
    window.action("actionAutoZeroGrad").setChecked(True)
    return window


def snapshot(window: Any) -> tuple[Any, ...]:
    s = window.session
    return (s, s.lr, s.momentum, len(s.history), s.position, s.value("w"), s.can_undo)


def test_the_panel_has_one_lr_box(window: Any) -> None:
    panel = window.model_panel
    labels = [label.text() for label in panel.findChildren(QLabel) if label.isVisible()]
    assert labels.count("lr") == 1 and labels.count("momentum") == 1
    boxes = [w for kind in (QLineEdit, QAbstractSpinBox) for w in panel.findChildren(kind)
             if "lr" in w.objectName().lower() and w.isVisible()]
    assert boxes == [panel.number_edits["lr"]]


def test_enter_in_lr_changes_the_running_run_and_undo_takes_it_back(
        zeroing_window: Any, qtbot: Any) -> None:
    window = zeroing_window
    iterate(window, qtbot, 2)
    lr = window.model_panel.number_edits["lr"]
    type_into(qtbot, lr, "0.05")
    s = window.session
    assert s.history[-1].action == "set_lr" and s.lr == 0.05
    assert not lr.property("pending")
    window.action("actionUndo").trigger()  # the lr change, undone
    assert window.session is s and s.lr == 0.1 and s.history[s.position].action != "set_lr"
    qtbot.waitUntil(lambda: float(lr.text()) == 0.1)  # the field follows the run (next frame)
    iterate(window, qtbot, 2)
    assert torch.equal(torch.tensor(s.value("w")), torch_loop("SGD", 4)[0])


@pytest.mark.parametrize("text", ["f", "nan", "1e400", "-1"])
def test_a_bad_lr_is_refused_beside_the_field_and_nothing_changes(
        zeroing_window: Any, qtbot: Any, text: str) -> None:
    window = zeroing_window
    iterate(window, qtbot, 1)
    before = snapshot(window)
    lr = window.model_panel.number_edits["lr"]
    type_into(qtbot, lr, text)
    assert snapshot(window) == before
    error = window.model_panel.errors["lr"]
    assert error.isVisible() and "lr must be" in error.text()
    assert window.banner.kind == "error" and "lr must be" in window.banner.text
    assert lr.property("error") and lr.property("pending")  # still not applied, and marked
    type_into(qtbot, lr, "0.2")  # fixed: taken, and the error goes
    assert window.session.lr == 0.2 and not error.isVisible() and not lr.property("pending")


def test_a_value_typed_but_not_entered_is_marked_pending(window: Any, qtbot: Any) -> None:
    lr = window.model_panel.number_edits["lr"]
    lr.setFocus()
    lr.selectAll()
    qtbot.keyClicks(lr, "0.3")
    assert lr.property("pending") and "Not applied yet" in lr.toolTip()
    assert window.session.lr == 0.1  # nothing ran
    window.setFocus()
    window.model_panel.optimizer_block.refresh()
    assert lr.text() == "0.3"  # a pending value is not overwritten by the running one
    qtbot.keyClick(lr, Qt.Key.Key_Return)
    assert window.session.lr == 0.3
    assert not lr.property("pending") and "Not applied yet" not in lr.toolTip()


def test_enter_in_momentum_changes_the_running_run(zeroing_window: Any, qtbot: Any) -> None:
    window = zeroing_window
    iterate(window, qtbot, 1)
    type_into(qtbot, window.model_panel.number_edits["momentum"], "0.9")
    assert window.session.history[-1].action == "set_momentum"
    iterate(window, qtbot, 2)
    w, _ = torch_loop("SGD", 3, {1: {"momentum": 0.9}})
    assert torch.equal(torch.tensor(window.session.value("w")), w)


def test_enter_in_weight_decay_applies_and_undo_brings_the_old_run_back(
        window: Any, qtbot: Any) -> None:
    window.action("actionForward").trigger()
    old = window.session
    decay = window.model_panel.number_edits["weight_decay"]
    decay.setFocus()
    decay.selectAll()
    qtbot.keyClicks(decay, "0.01")
    assert decay.property("pending")
    qtbot.keyClick(decay, Qt.Key.Key_Return)
    assert window.session is not old and window.session.config.weight_decay == 0.01
    assert not decay.property("pending")
    window.action("actionUndo").trigger()
    assert window.session.config.weight_decay == 0.0
    assert [r.action for r in window.session.history] == ["forward"]


def test_a_bad_weight_decay_on_enter_is_refused_and_the_run_kept(window: Any, qtbot: Any) -> None:
    window.action("actionForward").trigger()
    before = snapshot(window)
    type_into(qtbot, window.model_panel.number_edits["weight_decay"], "nan")
    assert snapshot(window) == before
    assert "weight_decay" in window.banner.text
