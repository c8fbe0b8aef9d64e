"""Compare any one setting: the twin differs in exactly the setting the user picks.

Driven from the keyboard (C, Alt+D, Alt+W, I); plain torch loops are the oracle.
"""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from ui.compare import CompareSetting, describe, parse_value, twin_config

ALT = Qt.KeyboardModifier.AltModifier
LINE = {"params": {"w": "[0.5, -1.0]", "b": "0.0"},
        "inputs": {"x": "[1.0, 2.0, 3.0]", "y": "[2.0, 4.1, 5.9]"},
        "forward": "loss = ((w[0] * x + b - y) ** 2).mean() + (w[1] ** 2)",
        "lr": 0.1}


def torch_run(iterations: int, **options: Any) -> dict[str, list[float]]:
    """Plain torch: the same model, ``iterations`` of forward/backward/step/zero_grad."""
    w = torch.tensor([0.5, -1.0], requires_grad=True)
    b = torch.tensor(0.0, requires_grad=True)
    x, y = torch.tensor([1.0, 2.0, 3.0]), torch.tensor([2.0, 4.1, 5.9])
    opt = torch.optim.SGD([w, b], **{"lr": 0.1, **options})
    for _ in range(iterations):
        loss = ((w[0] * x + b - y) ** 2).mean() + (w[1] ** 2)
        loss.backward()
        opt.step()
        opt.zero_grad()
    return {"w": w.detach().tolist(), "b": b.detach().tolist()}


def start_compare(window: Any, qtbot: Any) -> Any:
    qtbot.keyClick(window, Qt.Key.Key_C)
    assert window.compare_bar.isVisible()
    return window.compare_bar


def pick(window: Any, qtbot: Any, key: str, value: str | None = None) -> None:
    """Alt+D, arrow down to the setting; Alt+W, type the twin's value, Enter."""
    bar = window.compare_bar
    qtbot.keyClick(window, Qt.Key.Key_D, ALT)
    assert bar.key_combo.hasFocus()
    qtbot.keyClick(bar.key_combo, Qt.Key.Key_Home)
    for _ in range(bar.key_combo.count()):
        if bar.key_combo.currentData() == key:
            break
        qtbot.keyClick(bar.key_combo, Qt.Key.Key_Down)
    assert bar.setting.key == key
    if value is not None:
        qtbot.keyClick(window, Qt.Key.Key_W, ALT)
        assert bar.value_edit.hasFocus()
        bar.value_edit.selectAll()
        qtbot.keyClicks(bar.value_edit, value)
        qtbot.keyClick(bar.value_edit, Qt.Key.Key_Return)
    window.setFocus()


def iterate(window: Any, qtbot: Any, n: int) -> None:
    for _ in range(n):
        qtbot.keyClick(window, Qt.Key.Key_I)


def assert_session(session: Any, expected: dict[str, list[float]]) -> None:
    for name, value in expected.items():
        np.testing.assert_allclose(session.value(name), value, rtol=1e-6, atol=1e-7)


@pytest.fixture
def line_window(make_window: Any) -> Any:
    window = make_window({**LINE, "auto_zero_grad": True})
    window.action("actionAutoZeroGrad").setChecked(True)
    return window


def test_lr_compare_from_the_keyboard_matches_two_torch_runs(line_window: Any, qtbot: Any) -> None:
    window = line_window
    start_compare(window, qtbot)
    pick(window, qtbot, "lr", "0.01")
    assert window.controller.compare_setting == CompareSetting("lr", 0.01)
    assert window.compare_bar.summary.text() == "lr 0.1 vs 0.01"
    iterate(window, qtbot, 4)
    assert_session(window.session, torch_run(4))
    assert_session(window.controller.twin, torch_run(4, lr=0.01))
    # Both in lockstep: the same actions, record for record.
    assert [r.action for r in window.controller.twin.history] == \
        [r.action for r in window.session.history]
    # The legend and the table say what differs.
    legend = window.plots.plots["weights"].getPlotItem().legend
    assert "twin, lr 0.01" in [name for _item, name in legend.entries()]
    window.state_table.refresh()
    names = [window.state_table.table_model.index(r, 0).data()
             for r in range(window.state_table.table_model.rowCount())]
    assert "w  (twin, lr 0.01)" in names and "b  (twin, lr 0.01)" in names


@pytest.mark.parametrize("label, value, options", [
    ("momentum", None, {"momentum": 0.9}),
    ("weight_decay", "0.5", {"weight_decay": 0.5}),
])
def test_momentum_and_weight_decay_twins_match_torch(line_window: Any, qtbot: Any, label: str,
                                                     value: str | None, options: dict) -> None:
    window = line_window
    start_compare(window, qtbot)
    pick(window, qtbot, label, value)
    iterate(window, qtbot, 3)
    assert_session(window.session, torch_run(3))
    assert_session(window.controller.twin, torch_run(3, **options))


def test_auto_zero_grad_twin_still_accumulates(line_window: Any, qtbot: Any) -> None:
    window = line_window
    start_compare(window, qtbot)  # the default: auto zero_grad flipped
    iterate(window, qtbot, 2)
    twin = window.controller.twin
    assert twin.config.auto_zero_grad is False
    assert window.session.grad("w") == [0.0, 0.0]
    assert twin.grad("w") != [0.0, 0.0]


def test_zero_grad_mode_twin_sets_grads_to_none(line_window: Any, qtbot: Any) -> None:
    window = line_window
    start_compare(window, qtbot)
    pick(window, qtbot, "zero_grad_mode")
    assert window.compare_bar.summary.text() == "zero_grad mode zeros vs set_to_none"
    iterate(window, qtbot, 2)
    assert window.session.grad("w") == [0.0, 0.0]
    assert window.controller.twin.grad("w") is None
    assert_session(window.controller.twin, torch_run(2))  # same numbers otherwise


def test_two_run_script_ends_with_both_runs_tensors(line_window: Any, qtbot: Any,
                                                    monkeypatch: Any, tmp_path: Path,
                                                    capsys: Any) -> None:
    window = line_window
    start_compare(window, qtbot)
    pick(window, qtbot, "lr", "0.02")
    iterate(window, qtbot, 3)
    path = tmp_path / "both.py"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *_a: (str(path), "Python scripts (*.py)")))
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    text = path.read_text()
    assert "lr 0.1 (run 1) vs lr 0.02 (run 2)" in text
    scope = runpy.run_path(str(path))
    capsys.readouterr()
    for params, session, lr in ((scope["run_1_params"], window.session, 0.1),
                                (scope["run_2_params"], window.controller.twin, 0.02)):
        expected = torch_run(3, lr=lr)
        for name in ("w", "b"):
            assert torch.equal(params[name].detach(), torch.tensor(session.value(name)))
            np.testing.assert_allclose(params[name].detach().tolist(), expected[name], rtol=1e-6)


def test_changing_the_setting_restarts_both_runs_together(line_window: Any, qtbot: Any) -> None:
    window = line_window
    start_compare(window, qtbot)
    iterate(window, qtbot, 2)
    pick(window, qtbot, "lr", "0.5")
    assert window.session.history == [] and window.controller.twin.history == []
    assert window.controller.twin.config.lr == 0.5


def test_a_bad_twin_value_is_explained_and_changes_nothing(line_window: Any, qtbot: Any) -> None:
    window = line_window
    start_compare(window, qtbot)
    pick(window, qtbot, "lr", "fast")
    assert "must be a number" in window.compare_bar.summary.text()
    assert window.controller.twin.config.lr == 0.01  # the default other value, lr / 10


def test_describe_and_twin_config() -> None:
    config = {"lr": 0.1, "momentum": 0.0, "auto_zero_grad": False, "update": "optimizer"}
    assert describe(config, CompareSetting("lr", 0.01)) == "lr 0.1 vs 0.01"
    assert describe(config, CompareSetting("auto_zero_grad")) == "auto zero_grad off vs on"
    assert describe(config, CompareSetting("optimizer")) == "optimizer SGD vs Adam"
    assert twin_config(config, CompareSetting("momentum"))["momentum"] == 0.9
    assert parse_value("optimizer", "Adam") == "adam"
    with pytest.raises(ValueError, match="between 0 and 1e6"):
        parse_value("lr", "-1")


def _twin_names(window: Any) -> dict[str, list[str]]:
    """Where the twin's label shows: the table's rows, the plots', landscape's and data's legends."""
    table = window.state_table
    table.refresh()
    rows = [table.table_model.index(r, 0).data() for r in range(table.table_model.rowCount())]
    legend = window.plots.plots["weights"].getPlotItem().legend
    land = window.inspector_panels["Landscape"]
    return {"table": rows, "plots": [name for _item, name in legend.entries()],
            "landscape": [label.text for _item, label in land.legend.items]}


def test_compare_label_follows_a_mid_run_lr_change(line_window: Any, qtbot: Any) -> None:
    window = line_window
    start_compare(window, qtbot)
    pick(window, qtbot, "lr", "0.01")
    iterate(window, qtbot, 2)
    spin = window.model_panel.number_edits["lr"]  # the one lr box: Enter changes the running one
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "0.05")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert window.session.lr == 0.05 and window.controller.twin.lr == 0.01  # only main changed
    bar = window.compare_bar
    qtbot.waitUntil(lambda: bar.summary.text() == "lr 0.05 vs 0.01")
    assert bar.value_edit.text() == "0.01"  # the twin's value, not main's 0.05 / 10
    window.setFocus()
    iterate(window, qtbot, 1)
    # The numbers: plain torch with the lr changed after two iterations.
    w = torch.tensor([0.5, -1.0], requires_grad=True)
    b = torch.tensor(0.0, requires_grad=True)
    x, y = torch.tensor([1.0, 2.0, 3.0]), torch.tensor([2.0, 4.1, 5.9])
    opt = torch.optim.SGD([w, b], lr=0.1)
    for k in range(3):
        if k == 2:
            opt.param_groups[0]["lr"] = 0.05
        (((w[0] * x + b - y) ** 2).mean() + (w[1] ** 2)).backward()
        opt.step()
        opt.zero_grad()
    assert_session(window.session, {"w": w.tolist(), "b": b.tolist()})
    # Reset puts both runs back at their starting lr, and the label follows.
    qtbot.keyClick(window, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: bar.summary.text() == "lr 0.1 vs 0.01")


def test_compare_labels_follow_auto_zero_grad_on_the_a_key(line_window: Any, qtbot: Any) -> None:
    window = line_window
    start_compare(window, qtbot)
    window.setFocus()
    bar = window.compare_bar
    assert bar.summary.text() == "auto zero_grad on vs off"
    names = _twin_names(window)
    assert "w  (twin, auto zero_grad off)" in names["table"]
    assert "twin, auto zero_grad off" in names["plots"]
    assert "path (twin, auto zero_grad off)" in names["landscape"]
    qtbot.keyClick(window, Qt.Key.Key_A)  # main off; the twin stays the opposite: on
    assert not window.session.config.auto_zero_grad and window.controller.twin.config.auto_zero_grad
    qtbot.waitUntil(lambda: bar.summary.text() == "auto zero_grad off vs on")
    names = _twin_names(window)
    assert "w  (twin, auto zero_grad on)" in names["table"]
    assert not any("auto zero_grad off" in n for n in names["table"])
    assert "twin, auto zero_grad on" in names["plots"]
    assert "path (twin, auto zero_grad on)" in names["landscape"]
