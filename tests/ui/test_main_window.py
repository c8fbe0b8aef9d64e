"""The real window driven through its actions; plain torch code is the oracle."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QLabel

from tests.ui.conftest import DEFAULT_MODEL, NOTEBOOK_MODEL

ROOT = Path(__file__).resolve().parents[2]
LOOP_KEYS = {
    "actionForward": "F", "actionBackward": "B", "actionStep": "S", "actionZeroGrad": "Z",
    "actionIterate": "I", "actionPlay": "Space", "actionReset": "R",
}


def trigger(window: Any, *action_ids: str) -> None:
    for action_id in action_ids:
        window.action(action_id).trigger()


def grads_of(window: Any, name: str) -> list[Any]:
    """The grad of ``name`` at every backward record of the session history."""
    return [r.grads[name].tolist() for r in window.session.history if r.action == "backward"]


def assert_close(actual: Any, expected: Any, atol: float = 1e-6) -> None:
    np.testing.assert_allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float),
                               rtol=1e-5, atol=atol)


def test_importing_ui_does_not_import_torch() -> None:
    code = "import sys, ui; print('torch' in sys.modules, 'playground.session' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""}, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_actions_are_declared_with_names_keys_and_pytorch_tooltips(window: Any) -> None:
    for action_id, key in LOOP_KEYS.items():
        action = window.findChild(type(window.action(action_id)), action_id)
        assert action is not None, action_id
        assert action.shortcut().toString() == key
        assert f"[{key}]" in action.toolTip()
    assert "backward()" in window.action("actionBackward").toolTip()
    assert "optimizer.zero_grad(set_to_none=False)" in window.action("actionZeroGrad").toolTip()
    for action_id in ("actionAutoZeroGrad", "actionCompare", "actionPlay"):
        assert window.action(action_id).isCheckable()
    # The same QAction object sits in the toolbar, the Loop menu and the big buttons.
    assert window.action("actionForward") in window.toolbar.actions()
    assert window.big_buttons["actionForward"].defaultAction() is window.action("actionForward")
    menu_actions = [a for m in window.menuBar().actions() for a in m.menu().actions()]
    assert window.action("actionForward") in menu_actions
    assert window.action("actionQuit") in menu_actions


def test_forward_backward_step_match_torch(window: Any, qtbot: Any) -> None:
    trigger(window, "actionForward", "actionBackward", "actionStep")

    w = torch.ones(3, requires_grad=True)
    x = torch.tensor([1.0, 2.0, 3.0])
    out = (w * x).sum()
    out.backward()
    opt = torch.optim.SGD([w], lr=0.1)
    opt.step()

    s = window.session
    assert s.output == pytest.approx(out.item())
    assert s.grad("w") == pytest.approx(w.grad.tolist())
    assert s.value("w") == pytest.approx(w.detach().tolist())
    table = window.state_table.table_model

    def table_shows_new_value() -> None:
        row = [table.index(0, c).data() for c in range(table.columnCount())]
        assert row[0] == "w" and row[1] == "param"
        assert row[2] == str(w.detach())[len("tensor("):-1]  # as print(w) shows it
        assert row[3] == str(w.grad)[len("tensor("):-1] == "[1., 2., 3.]"

    qtbot.waitUntil(table_shows_new_value)
    assert window.phase_strip.last_phase == "step"
    assert window.phase_strip.next_phase == "zero_grad"


def test_iterate_accumulates_like_the_notebook(make_window: Any) -> None:
    window = make_window(NOTEBOOK_MODEL)
    for _ in range(3):
        trigger(window, "actionIterate")

    weights = torch.ones(4, requires_grad=True)
    expected_grads = []
    for _ in range(3):
        (weights * 3).sum().backward()
        expected_grads.append(weights.grad.tolist())
        with torch.no_grad():
            weights -= 0.1 * weights.grad
    assert_close(grads_of(window, "weights"), expected_grads)  # 3, 6, 9
    assert window.session.value("weights") == pytest.approx(weights.detach().tolist())  # -0.8


def test_auto_zero_grad_makes_iterate_zero(make_window: Any) -> None:
    window = make_window(NOTEBOOK_MODEL)
    window.model_panel.auto_zero_grad_check.setChecked(True)
    assert window.action("actionAutoZeroGrad").isChecked()
    for _ in range(3):
        trigger(window, "actionIterate")
    assert_close(grads_of(window, "weights"), [[3.0] * 4] * 3)
    assert [r.action for r in window.session.history[:4]] == ["forward", "backward", "step",
                                                               "zero_grad"]
    assert window.session.grad("weights") == pytest.approx([0.0] * 4)


def _curve(window: Any, plot: str, name: str) -> Any:
    matches = [c for c in window.plots.curves(plot) if c.name() == name]
    assert len(matches) == 1, [c.name() for c in window.plots.curves(plot)]
    return matches[0]


def test_compare_draws_the_staircase_and_the_flat_twin(make_window: Any, qtbot: Any) -> None:
    window = make_window(NOTEBOOK_MODEL)
    window.action("actionCompare").setChecked(True)
    assert window.controller.twin is not None
    for _ in range(3):
        trigger(window, "actionIterate")

    # Oracle: the notebook's two loops, without and with weights.grad.zero_().
    def run(zero: bool) -> list[float]:
        weights, seen = torch.ones(4, requires_grad=True), []
        for _ in range(3):
            (weights * 3).sum().backward()
            seen.append(weights.grad[0].item())
            with torch.no_grad():
                weights -= 0.1 * weights.grad
            if zero:
                weights.grad.zero_()
        return seen

    main = _curve(window, "grads", "weights[0]")
    ghost = _curve(window, "grads", "weights[0] (twin)")
    assert ghost.opts["pen"].style() == Qt.PenStyle.DashLine
    assert main.opts["pen"].style() == Qt.PenStyle.SolidLine
    backward_x = [float(r.index) for r in window.session.history if r.action == "backward"]

    def at(curve: Any, xs: list[float]) -> list[float]:
        x, y = curve.getData()
        assert x is not None and set(xs) <= set(x.tolist())  # drawn up to the last record
        return [float(y[np.flatnonzero(x == v)[-1]]) for v in xs]

    def both_plotted() -> None:
        assert at(main, backward_x) == pytest.approx(run(zero=False))  # 3, 6, 9
        assert at(ghost, backward_x) == pytest.approx(run(zero=True))  # 3, 3, 3

    qtbot.waitUntil(both_plotted)
    window.action("actionCompare").setChecked(False)
    assert window.controller.twin is None
    assert not [c for c in window.plots.curves("grads") if c.name().endswith("(twin)")]


def test_play_runs_without_freezing_and_pause_stops(window: Any, qtbot: Any) -> None:
    window.speed_combo.setCurrentIndex(window.speed_combo.findData(60))
    trigger(window, "actionPlay")
    assert window.controller.playing and window.action("actionPlay").isChecked()
    # waitUntil only returns if the event loop keeps turning while playing.
    qtbot.waitUntil(lambda: len(window.session.history) >= 9, timeout=5000)
    trigger(window, "actionPlay")
    assert not window.controller.playing
    count = len(window.session.history)
    qtbot.wait(150)
    assert len(window.session.history) == count


def test_fast_play_keeps_the_event_loop_turning(window: Any, qtbot: Any) -> None:
    window.speed_combo.setCurrentIndex(window.speed_combo.findData(None))
    ticks: list[int] = []
    from PySide6.QtCore import QTimer

    timer = QTimer(window)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    trigger(window, "actionPlay")
    qtbot.waitUntil(lambda: len(window.session.history) > 300 and len(ticks) > 5, timeout=10000)
    window.controller.pause()
    timer.stop()
    assert not window.action("actionPlay").isChecked()


def test_an_error_stops_play_and_shows_in_the_banner(make_window: Any, qtbot: Any) -> None:
    window = make_window({"params": {"x": "[2.0, 3.0, 4.0]"}, "forward": "y = x ** 2"})
    trigger(window, "actionPlay")
    qtbot.waitUntil(lambda: not window.controller.playing)
    assert window.banner.isVisible() and window.banner.kind == "error"
    assert "scalar" in window.banner.text  # PyTorch: grad can be implicitly created only for scalar
    assert not window.action("actionPlay").isChecked()


def test_apply_with_a_bad_program_keeps_the_session(window: Any) -> None:
    trigger(window, "actionForward")
    before = window.session
    window.model_panel.forward_edit.setPlainText("out = (w * x).sum()\nz = out.__class__")
    trigger(window, "actionApply")
    assert window.session is before
    label = window.model_panel.findChild(QLabel, "error_forward")
    assert label.isVisible() and "line 2" in label.text()
    assert window.banner.kind == "error"
    trigger(window, "actionBackward")  # the kept session still works
    assert window.session.grad("w") == pytest.approx([1.0, 2.0, 3.0])


def test_apply_with_a_bad_param_marks_its_row(window: Any) -> None:
    before = window.session
    window.model_panel.params.value_edit("w").setText("onez(3)")
    trigger(window, "actionApply")
    assert window.session is before
    assert window.model_panel.params.error.isVisible()
    assert window.model_panel.params.error.text().startswith("w:")
    assert window.model_panel.params.value_edit("w").property("error") is True


def test_apply_with_unreadable_lr_shows_it_beside_lr(window: Any) -> None:
    before = window.session
    window.model_panel.number_edits["lr"].setText("fast please")
    trigger(window, "actionApply")
    assert window.session is before
    assert window.model_panel.findChild(QLabel, "error_lr").isVisible()


def test_apply_builds_a_new_session_and_clears_errors(window: Any) -> None:
    before = window.session
    window.model_panel.number_edits["lr"].setText("oops")
    trigger(window, "actionApply")
    window.model_panel.number_edits["lr"].setText("0.5")
    window.model_panel.forward_edit.setPlainText("out = (w * x * 2).sum()")
    trigger(window, "actionApply")
    assert window.session is not before
    assert window.session.config.lr == 0.5
    assert not window.model_panel.findChild(QLabel, "error_lr").isVisible()
    trigger(window, "actionForward", "actionBackward")
    w = torch.ones(3, requires_grad=True)
    (w * torch.tensor([1.0, 2.0, 3.0]) * 2).sum().backward()
    assert window.session.grad("w") == pytest.approx(w.grad.tolist())


def test_reset_restores_initial_values_and_clears_plots(window: Any, qtbot: Any) -> None:
    for _ in range(2):
        trigger(window, "actionIterate")
    trigger(window, "actionReset")
    assert window.session.history == []
    assert window.session.value("w") == pytest.approx([1.0, 1.0, 1.0])
    qtbot.waitUntil(lambda: all(c.getOriginalDataset()[0] is None
                                or len(c.getOriginalDataset()[0]) == 0
                                for c in window.plots.curves("weights")))


def test_step_that_does_nothing_is_an_info_message(window: Any) -> None:
    trigger(window, "actionStep")
    assert window.banner.isVisible() and window.banner.kind == "info"
    assert "did nothing" in window.banner.text


def test_requires_grad_checkbox_calls_the_session(window: Any, qtbot: Any) -> None:
    table = window.state_table.table_model
    column = 4  # requires_grad
    index = table.index(0, column)
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert table.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert window.session.requires_grad("w") is False
    trigger(window, "actionForward", "actionBackward")
    # Oracle: backward with nothing requiring grad is PyTorch's own error.
    w = torch.ones(3).requires_grad_(False)
    with pytest.raises(RuntimeError):
        (w * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert window.banner.kind == "error"
    qtbot.waitUntil(lambda: table.index(0, column).data(Qt.ItemDataRole.CheckStateRole)
                    == Qt.CheckState.Unchecked)


def test_single_key_shortcuts_trigger_actions(window: Any, qtbot: Any) -> None:
    window.activateWindow()
    window.centralWidget().setFocus()
    for key in (Qt.Key.Key_F, Qt.Key.Key_B, Qt.Key.Key_S, Qt.Key.Key_Z):
        qtbot.keyClick(window.centralWidget(), key)
    assert [r.action for r in window.session.history] == ["forward", "backward", "step",
                                                          "zero_grad"]
    qtbot.keyClick(window.centralWidget(), Qt.Key.Key_I)
    assert len(window.session.history) == 7
    qtbot.keyClick(window.centralWidget(), Qt.Key.Key_R)
    assert window.session.history == []


def test_shortcuts_do_not_fire_while_typing(window: Any, qtbot: Any) -> None:
    editor = window.model_panel.forward_edit
    editor.setPlainText("")
    editor.setFocus()
    qtbot.keyClicks(editor, "fbsz ir")
    assert editor.toPlainText() == "fbsz ir"
    lr_edit = window.model_panel.number_edits["lr"]
    lr_edit.setFocus()
    qtbot.keyClicks(lr_edit, "fi")
    assert lr_edit.text().endswith("fi")
    assert window.session.history == []
    assert not window.controller.playing


def test_ctrl_return_in_the_editor_applies(window: Any, qtbot: Any) -> None:
    before = window.session
    editor = window.model_panel.forward_edit
    editor.setPlainText("out = (w * x).mean()")
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.session is not before
    assert window.session.config.forward == "out = (w * x).mean()"


def test_space_plays_and_pauses(window: Any, qtbot: Any) -> None:
    qtbot.keyClick(window.centralWidget(), Qt.Key.Key_Space)
    assert window.controller.playing
    qtbot.keyClick(window.centralWidget(), Qt.Key.Key_Space)
    assert not window.controller.playing


def test_presets_replace_the_session(window: Any) -> None:
    from ui.presets import presets

    combo = window.model_panel.preset_combo
    seen = set()
    for preset in presets():
        before = window.session
        combo.setCurrentIndex(combo.findText(preset.name))
        combo.activated.emit(combo.currentIndex())
        assert window.session is not before, preset.name
        assert window.banner.kind != "error", window.banner.text
        seen.add(window.session.config.forward)
    assert "model_output = (weights * 3).sum()" in seen


def test_backward_v_preset_matches_the_notebook(window: Any) -> None:
    from ui.presets import presets

    preset = next(p for p in presets() if p.gradient == "[1.0, 0.1, 0.01]")
    window.model_panel.preset_chosen.emit(preset)
    trigger(window, "actionForward", "actionBackward")
    x = torch.tensor([2.0, 3.0, 4.0], requires_grad=True)
    (x**2).backward(torch.tensor([1.0, 0.1, 0.01]))
    assert window.session.grad("x") == pytest.approx(x.grad.tolist())  # 4, 0.6, 0.08


def test_retain_graph_preset_backward_twice_accumulates(window: Any) -> None:
    from ui.presets import presets

    preset = next(p for p in presets() if p.retain_graph)
    window.model_panel.preset_chosen.emit(preset)
    trigger(window, "actionForward", "actionBackward", "actionBackward")
    inp = torch.eye(4, 5, requires_grad=True)
    out = (inp + 1).pow(2).t()
    out.backward(torch.ones_like(out), retain_graph=True)
    out.backward(torch.ones_like(out), retain_graph=True)
    assert_close(window.session.grad("inp"), inp.grad.tolist())  # 8 / 4


def test_bce_preset_grads_match_torch(window: Any) -> None:
    from ui.presets import presets

    preset = next(p for p in presets() if "binary_cross_entropy" in p.config["forward"])
    window.model_panel.preset_chosen.emit(preset)
    s = window.session
    w = torch.tensor(s.value("w"), requires_grad=True)
    b = torch.tensor(s.value("b"), requires_grad=True)
    trigger(window, "actionForward", "actionBackward")
    z = torch.matmul(torch.ones(5), w) + b
    torch.nn.functional.binary_cross_entropy_with_logits(z, torch.zeros(3)).backward()
    assert_close(s.grad("w"), w.grad.tolist())
    assert_close(s.grad("b"), b.grad.tolist())


def test_window_starts_loading_then_builds_the_default_model(make_window: Any) -> None:
    window = make_window(None)
    assert window.session is None
    assert "Loading PyTorch" in window.banner.text
    assert not window.action("actionForward").isEnabled()
    window.load_default_session()
    assert window.session is not None
    assert window.action("actionForward").isEnabled()
    assert window.session.config.forward == DEFAULT_MODEL["forward"]
    assert window.banner.kind == ""


def test_zoom_scales_the_application_font_and_is_remembered(window: Any) -> None:
    start = QGuiApplication.font().pointSizeF()
    try:
        trigger(window, "actionZoomIn")
        bigger = QGuiApplication.font().pointSizeF()
        assert bigger > start
        assert float(QSettings().value("view/zoom")) > 0
        trigger(window, "actionZoomOut", "actionZoomOut")
        assert QGuiApplication.font().pointSizeF() < bigger
    finally:
        font = QGuiApplication.font()
        font.setPointSizeF(start)
        QGuiApplication.setFont(font)


def test_shortcuts_dialog_is_not_modal(window: Any, qtbot: Any) -> None:
    trigger(window, "actionShortcuts")
    dialog = window.findChild(QDialog, "shortcutsDialog")
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    dialog.close()


def test_layout_is_remembered(make_window: Any) -> None:
    window = make_window()
    # The offscreen screen is 800 x 800: stay inside it, and above the window's minimum
    # (which an earlier test's zoom or fonts may have raised past 760).
    size = (max(760, window.minimumSizeHint().width(), window.minimumWidth()), 640)
    window.resize(*size)
    assert (window.width(), window.height()) == size
    window.close()
    assert QSettings().value("window/geometry") is not None
    again = make_window()
    assert (again.width(), again.height()) == size


def test_window_fits_a_1280_by_800_projector(window: Any) -> None:
    hint = window.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 800
    app = QApplication.instance()
    assert app is not None


def test_compare_applies_every_action_to_the_twin_in_lockstep(window: Any) -> None:
    trigger(window, "actionForward")
    window.action("actionCompare").setChecked(True)
    # Turning compare on restarts both runs, so their records line up.
    assert window.session.history == [] and window.banner.kind == "info"
    twin = window.controller.twin
    assert twin.config.auto_zero_grad is (not window.session.config.auto_zero_grad)
    trigger(window, "actionForward", "actionBackward", "actionStep", "actionZeroGrad")
    assert [r.action for r in twin.history] == [r.action for r in window.session.history]
    assert_close(twin.value("w"), window.session.value("w"))
    trigger(window, "actionReset")
    assert twin.history == [] and window.session.history == []


def test_with_auto_zero_grad_on_only_the_main_run_zeroes(make_window: Any) -> None:
    window = make_window({**NOTEBOOK_MODEL, "auto_zero_grad": True})
    window.action("actionCompare").setChecked(True)
    for _ in range(2):
        trigger(window, "actionIterate")
    assert_close(grads_of(window, "weights"), [[3.0] * 4, [3.0] * 4])
    twin = window.controller.twin
    twin_grads = [r.grads["weights"].tolist() for r in twin.history if r.action == "backward"]
    assert_close(twin_grads, [[3.0] * 4, [6.0] * 4])


def test_an_unexpected_exception_goes_to_the_banner(window: Any, monkeypatch: Any) -> None:
    def broken() -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(window.session, "forward", broken)
    trigger(window, "actionForward")
    assert window.banner.kind == "error"
    assert "Unexpected ZeroDivisionError: boom" in window.banner.text
    assert window.isVisible()


def test_a_bad_v_is_explained_and_an_unreadable_v_is_shown_beside_its_field(
        make_window: Any) -> None:
    window = make_window({"params": {"x": "[2.0, 3.0, 4.0]"}, "forward": "y = x ** 2"})
    window.model_panel.gradient_edit.setText("[1.0, 2.0]")  # wrong shape for y
    trigger(window, "actionApply", "actionForward", "actionBackward")
    # Oracle: PyTorch refuses a v of the wrong shape.
    with pytest.raises(RuntimeError, match="shape"):
        x = torch.tensor([2.0, 3.0, 4.0], requires_grad=True)
        (x**2).backward(torch.tensor([1.0, 2.0]))
    assert window.banner.kind == "error" and "PyTorch says" in window.banner.text
    assert window.session.grad("x") is None  # the failed backward left nothing behind
    window.model_panel.gradient_edit.setText("[1.0, oops]")
    trigger(window, "actionApply", "actionForward", "actionBackward")
    assert window.model_panel.findChild(QLabel, "error_gradient").isVisible()


def test_an_unreadable_number_is_explained_not_unexpected(window: Any) -> None:
    window.model_panel.number_edits["lr"].setText("abc")
    trigger(window, "actionApply")
    assert "lr must be a number" in window.banner.text
    assert "Unexpected" not in window.banner.text


def test_inspector_has_the_tensor_table_and_six_panels(window: Any) -> None:
    titles = [window.inspector.tabText(i) for i in range(window.inspector.count())]
    assert titles == ["Tensors", "Graph", "Code", "backward(v)", "Lesson", "Landscape", "Data"]
    for title in titles[1:]:
        assert window.inspector_panels[title].objectName() != ""  # loaded, not a fallback label


def test_app_main_paints_before_importing_torch(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from ui import app as ui_app\n"
        "seen = []\n"
        "def first():\n"
        "    w = [w for w in app.topLevelWidgets() if w.objectName() == 'mainWindow'][0]\n"
        "    seen.append((w.isVisible(), 'torch' in sys.modules, 'pyqtgraph' in sys.modules,\n"
        "                 w.centralWidget().objectName(), w.build.shell.status.text()))\n"
        "def later():\n"
        "    w = [w for w in app.topLevelWidgets() if w.objectName() == 'mainWindow'][0]\n"
        "    if w.session is None:  # torch loads on a background thread: poll\n"
        "        QTimer.singleShot(100, later)\n"
        "        return\n"
        "    seen.append((w.session is not None, 'torch' in sys.modules, w.banner.text))\n"
        "    app.quit()\n"
        "QTimer.singleShot(0, first)\n"
        "QTimer.singleShot(200, later)\n"
        "ui_app.main([])\n"
        "print(seen)\n"
    )
    env = {"QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path), "HOME": str(tmp_path),
           "PATH": ""}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                         env=env, timeout=120, check=True)
    first, later = ast.literal_eval(out.stdout.strip().splitlines()[-1])
    # Shown as the loading shell (ui/startup.py) before torch or even pyqtgraph is imported.
    assert first == (True, False, False, "startupShell", "Loading PyTorch…")
    assert later[:2] == (True, True)


def test_compare_mode_keeps_the_code_log_short_on_long_runs(window: Any) -> None:
    window.action("actionCompare").setChecked(True)
    for _ in range(50):
        trigger(window, "actionIterate")
    for session in (window.session, window.controller.twin):
        assert len(session.log.entries) == 1 and session.log.entries[0].count == 50


def test_divergence_pauses_auto_run_and_says_why(make_window: Any, qtbot: Any) -> None:
    from playground.session import DIVERGED
    from ui.controller import DIVERGED as UI_DIVERGED

    assert UI_DIVERGED == DIVERGED
    window = make_window({"params": {"w": "[1.0]"}, "forward": "out = (w * w).sum()",
                          "lr": 1e6, "auto_zero_grad": True})
    window.controller.set_speed(None)
    trigger(window, "actionPlay")
    qtbot.waitUntil(lambda: not window.controller.playing, timeout=5000)
    assert "Diverged" in window.banner.text and "lr" in window.banner.text


def test_a_new_session_resets_the_plot_ranges(make_window: Any, qtbot: Any) -> None:
    window = make_window({"params": {"w": "[1.0]"}, "forward": "out = (w * w).sum()", "lr": 1e6})
    for _ in range(12):  # diverges: huge values, then inf and nan
        trigger(window, "actionIterate")
    qtbot.wait(100)
    window.set_session(window.session.from_config(window.session.config))
    trigger(window, "actionForward")
    plot = window.findChild(type(window.plots.plots["weights"]), "weightPlot")
    qtbot.waitUntil(lambda: plot.getViewBox().viewRange()[1][1] < 100)


def test_graph_and_lesson_tabs_get_more_room_until_the_user_drags(window: Any, qtbot: Any) -> None:
    window.resize(1000, 780)
    qtbot.wait(50)
    window.show_inspector("Code")  # a tab change, whichever tab a saved layout restored
    window.show_inspector("Tensors")
    table_height = window.centre_splitter.sizes()[1]
    window.show_inspector("Graph")
    graph_height = window.centre_splitter.sizes()[1]
    assert graph_height > table_height
    window.centre_splitter.splitterMoved.emit(300, 1)  # as a drag does
    window.show_inspector("Tensors")
    assert window.centre_splitter.sizes()[1] == graph_height


def test_a_lesson_runs_from_the_keyboard_alone(window: Any, qtbot: Any) -> None:
    """Ctrl+5, pick lesson 6 with the arrow keys, then Alt+Right to the end: notebook 000."""
    from PySide6.QtTest import QTest

    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    panel = window.inspector_panels["Lesson"]
    qtbot.waitUntil(lambda: panel.lesson_combo.hasFocus())
    while panel.lesson_combo.currentData() != "06_accumulation_manual_sgd":
        QTest.keyClick(panel.lesson_combo, Qt.Key.Key_Down)
    for _ in range(40):
        QTest.keyClick(panel.lesson_combo, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    session = window.session
    grads = [r.grads["weights"].tolist()[0] for r in session.history if r.action == "backward"]
    assert grads == [3.0, 6.0, 9.0, 12.0, 3.0, 3.0]  # notebook 000, cell 6
    assert_close(session.value("weights"), [-2.6] * 4)


def test_big_buttons_give_way_to_the_toolbar_when_narrow(window: Any, qtbot: Any) -> None:
    window.model_dock.hide()
    # Tall enough for them: below ~800 px the layout budget hides them for the plots' sake.
    window.resize(790, 790)
    qtbot.waitUntil(lambda: window.big_button_row.isVisible())
    window.model_dock.show()
    window.resize(700, 790)
    qtbot.waitUntil(lambda: not window.big_button_row.isVisible())
    assert window.action("actionForward") in window.toolbar.actions()


def test_phase_strip_says_just_ran_when_wide_and_keeps_the_mark_when_narrow(
        make_window: Any, qtbot: Any) -> None:
    window = make_window(DEFAULT_MODEL)
    window.model_dock.hide()
    window.resize(1000, 700)
    trigger(window, "actionForward")
    box = window.phase_strip.boxes["forward"]
    qtbot.waitUntil(lambda: box.text() == "forward  ✔ just ran")
    window.model_dock.show()
    window.resize(520, 700)
    qtbot.waitUntil(lambda: box.text() == "forward ✔")
    assert window.phase_strip.boxes["backward"].text().startswith("backward →")


def test_alt_right_switches_to_the_lesson_chosen_in_the_list(window: Any, qtbot: Any) -> None:
    from PySide6.QtTest import QTest

    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    panel = window.inspector_panels["Lesson"]
    qtbot.waitUntil(lambda: panel.lesson_combo.hasFocus())
    QTest.keyClick(panel.lesson_combo, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    first = panel.lesson.name
    QTest.keyClick(panel.lesson_combo, Qt.Key.Key_Down)
    QTest.keyClick(panel.lesson_combo, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert panel.lesson.name != first and panel.lesson.name == panel.lesson_combo.currentData()
    assert panel.step_index == 0


def test_phase_strip_shows_the_last_action_of_a_session_it_is_handed(make_window: Any) -> None:
    from playground.session import Session

    session = Session(**DEFAULT_MODEL)
    session.forward()
    session.backward()  # as a reopened session arrives: history already there
    window = make_window(None)
    window.set_session(session)
    assert window.phase_strip.last_phase == "backward"
    assert window.phase_strip.next_phase == "step"


def test_phase_strip_follows_the_timeline_into_the_past(make_window: Any, qtbot: Any) -> None:
    window = make_window(DEFAULT_MODEL)
    for _ in range(3):
        window.action("actionIterate").trigger()  # forward, backward, step: 9 records
    window.session.goto(7)  # the third backward
    qtbot.waitUntil(lambda: window.phase_strip.last_phase == "backward")
    assert window.phase_strip.next_phase == "step"
    assert window.phase_strip.code_label.toolTip() == "\n".join(window.session.history[7].code)
    window.session.goto(8)
    qtbot.waitUntil(lambda: window.phase_strip.last_phase == "step")


def test_phase_strip_suggests_forward_after_a_no_grad_forward(make_window: Any,
                                                              qtbot: Any) -> None:
    """s6 item 18a: after a no_grad forward the strip said "backward →", which fails."""
    import torch

    from playground import PlaygroundError

    window = make_window(DEFAULT_MODEL)
    session = window.session
    session.forward(no_grad=True)
    with torch.no_grad():  # plain torch agrees: no graph, so backward would raise
        out = (torch.ones(3, requires_grad=True) * torch.tensor([1.0, 2.0, 3.0])).sum()
    assert not out.requires_grad
    with pytest.raises(PlaygroundError):
        session.backward()
    qtbot.waitUntil(lambda: window.phase_strip.last_phase == "forward")
    assert window.phase_strip.next_phase == "forward"
    assert window.phase_strip.boxes["backward"].text() == "backward"  # no arrow on it
    assert "no_grad" in window.phase_strip.code_label.toolTip().splitlines()[0]
    session.forward()  # with grad: backward is next again, no note
    qtbot.waitUntil(lambda: window.phase_strip.next_phase == "backward")
    assert window.phase_strip.no_graph_note is None
    session.set_requires_grad("w", False)
    session.forward()
    qtbot.waitUntil(lambda: window.phase_strip.next_phase == "forward")
    assert window.phase_strip.last_phase == "forward"
    assert "no param requires grad" in window.phase_strip.no_graph_note
