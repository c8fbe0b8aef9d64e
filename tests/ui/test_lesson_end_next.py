"""In presentation mode, Next at the end of a lesson starts the next one, and the caption
says so (t5 trial #2).

On Xvfb in presentation mode, at "Step 6 of 6" of lesson 11 PageDown and Alt+→ did
nothing and the caption showed neither "Done" nor the next lesson: a presenter with a
clicker had to leave full screen to click "Lesson 12 ▶".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ui import theme
from tests.ui._settle import settle


def run_to_the_end(panel: Any, number: int) -> None:
    """Start built-in lesson ``number`` and press Next until it is done."""
    panel.lesson_combo.setCurrentIndex(number - 1)
    panel.start()
    for _ in range(3 * len(panel.lesson.steps)):
        if panel.step_index == len(panel.lesson.steps) - 1 and panel.revealed:
            return
        panel.next_step()
    raise AssertionError("the lesson never finished")


@pytest.fixture
def done_lesson_10(make_window: Any, qtbot: Any) -> Iterator[tuple[Any, Any]]:
    window = make_window()
    panel = window.inspector_panels["Lesson"]
    run_to_the_end(panel, 10)
    settle(qtbot)
    yield window, panel
    window.set_presentation(False)
    theme.set_presentation(None)


def test_outside_presentation_an_extra_next_at_the_end_changes_nothing(
        done_lesson_10: tuple[Any, Any]) -> None:
    """The "Lesson 11 ▶" button is there; a key pressed once too often must not jump on."""
    window, panel = done_lesson_10
    lesson, session = panel.lesson, window.session
    panel.next_step()
    assert panel.lesson is lesson and window.session is session and panel.is_done()


def test_the_presentation_caption_says_done_and_the_clicker_goes_on(
        done_lesson_10: tuple[Any, Any], qtbot: Any) -> None:
    window, panel = done_lesson_10
    following = panel.lesson_combo.itemText(10)
    window.set_presentation(True)
    window.activateWindow()
    settle(qtbot)
    caption = window.presentation.caption.text()
    assert panel.complete_label.text() in caption
    assert following in caption and "PageDown" in caption
    lines = caption.split("<br>")
    assert following in lines[1], "said right under the counter, never scrolled away"
    qtbot.keyClick(window, Qt.Key.Key_PageDown)  # a presenter's clicker
    settle(qtbot)
    assert panel.lesson_combo.currentText() == following
    assert "Step 1 of" in window.presentation.caption.text()


def test_presenting_the_last_lesson_stays_done(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    panel = window.inspector_panels["Lesson"]
    run_to_the_end(panel, panel.lesson_combo.count())
    lesson = panel.lesson
    window.set_presentation(True)
    window.activateWindow()
    settle(qtbot)
    try:
        assert panel.next_lesson_title() == ""
        assert "PageDown" not in window.presentation.caption.text()
        qtbot.keyClick(window, Qt.Key.Key_PageDown)
        settle(qtbot)
        assert panel.lesson is lesson and panel.is_done()
    finally:
        window.set_presentation(False)
        theme.set_presentation(None)
