"""Ctrl+5 and Enter in the Lesson tab, as a teacher uses them (t5 trial #3).

On Xvfb: during lesson 6's open question, Ctrl+5 put the keyboard in the lesson list, so
the guess "3" typed next re-picked lesson 3 there (and the next Alt+→ would have started
it, abandoning lesson 6); and Enter in the list did not start the chosen lesson.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from tests.ui._settle import settle


def ctrl_5(window: Any, qtbot: Any) -> None:
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)


def test_ctrl_5_during_a_question_puts_the_keyboard_in_the_prediction_field(
        window: Any, qtbot: Any) -> None:
    panel = window.inspector_panels["Lesson"]
    panel.lesson_combo.setCurrentIndex(5)  # 6. accumulation: step 1 asks first
    panel.start()
    window.show_inspector("Tensors")
    settle(qtbot)
    ctrl_5(window, qtbot)
    assert QApplication.focusWidget() is panel.guess_edit
    qtbot.keyClicks(QApplication.focusWidget(), "3")  # a student's guess
    assert panel.lesson_combo.currentIndex() == 5, "the guess never re-picks the lesson"
    assert panel.guess_edit.text() == "3"


def test_ctrl_5_with_no_question_open_goes_to_the_lesson_list(window: Any, qtbot: Any) -> None:
    panel = window.inspector_panels["Lesson"]
    ctrl_5(window, qtbot)
    assert QApplication.focusWidget() is panel.lesson_combo


def test_enter_in_the_lesson_list_starts_the_chosen_lesson(window: Any, qtbot: Any) -> None:
    panel = window.inspector_panels["Lesson"]
    ctrl_5(window, qtbot)
    panel.lesson_combo.setCurrentIndex(3)  # 4. Equal and weighted gradients
    qtbot.keyClick(panel.lesson_combo, Qt.Key.Key_Return)
    settle(qtbot)
    assert panel.lesson is not None and panel.session is window.session
    assert "x ** 2" in window.session.config.forward
    assert panel.step_index == 0
    # Enter again on the running lesson changes nothing (no restart, no lost step).
    panel.next_step()
    index, session = panel.step_index, panel.session
    qtbot.keyClick(panel.lesson_combo, Qt.Key.Key_Return)
    assert (panel.step_index, panel.session) == (index, session)
