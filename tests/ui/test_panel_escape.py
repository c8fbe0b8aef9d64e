"""Esc in the Model panel hands the keyboard back to the window (t5 trial #4).

On Xvfb, after editing the forward program and Ctrl+Return, no key left the editor:
Esc did nothing, Ctrl+1 switched tabs but kept the caret there, and F, B, S were typed
into the program ("... * 1e39ffbs") instead of running forward, backward, step.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from tests.ui._settle import settle


def test_escape_from_the_forward_editor_then_f_runs_forward(window: Any, qtbot: Any) -> None:
    editor = window.model_panel.forward_edit
    program = editor.toPlainText()
    window.activateWindow()
    editor.setFocus()
    settle(qtbot)
    assert QApplication.focusWidget() is editor
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    settle(qtbot)
    assert QApplication.focusWidget() is not editor
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F)
    settle(qtbot)
    assert editor.toPlainText() == program, "F was not typed into the program"
    assert [r.action for r in window.session.history] == ["forward"]


def test_escape_from_a_number_field_then_f_is_not_typed(window: Any, qtbot: Any) -> None:
    lr = window.model_panel.number_edits["lr"]
    window.activateWindow()
    lr.setFocus()
    settle(qtbot)
    qtbot.keyClick(lr, Qt.Key.Key_Escape)
    settle(qtbot)
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F)
    settle(qtbot)
    assert lr.text() == "0.1"
    assert len(window.session.history) == 1
