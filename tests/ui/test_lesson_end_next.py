"""Next at the end of a lesson starts the next one, and the caption says so (t5 trial #2).

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


def settle(qtbot: Any) -> None:
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(5)


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


def test_next_after_the_last_step_starts_the_next_lesson(done_lesson_10: tuple[Any, Any]) -> None:
    window, panel = done_lesson_10
    assert panel.lesson_combo.currentText().startswith("10.")
    panel.next_step()
    assert panel.lesson_combo.currentText().startswith("11.")
    assert panel.step_index == 0 and panel.session is window.session
    assert panel.counter_label.text() == f"Step 1 of {len(panel.lesson.steps)}"


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


def test_the_last_lesson_stays_done(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    panel = window.inspector_panels["Lesson"]
    last = panel.lesson_combo.count()
    run_to_the_end(panel, last)
    lesson = panel.lesson
    panel.next_step()
    assert panel.lesson is lesson and panel.revealed
    assert panel.next_lesson_title() == ""
