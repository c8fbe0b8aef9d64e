"""Undo, redo and the timeline take the Lesson pane and the caption with the run
(t5 trial #17).

On Xvfb, presenting: lesson 10 to its end, Next (lesson 11 starts), Ctrl+Z twice. The
first Ctrl+Z undid lesson 11's forward but the caption kept step 1's answer over empty
plots; the second brought lesson 10's session back, but the pane said "The lesson was
left" and lesson 10's place was lost. Ctrl+Z after a slip must go back to the lesson
where it was. Keys are pressed as a teacher would.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import torch
from PySide6.QtCore import Qt

from tests.ui._settle import settle
from tests.ui.conftest import DEFAULT_MODEL
from ui import theme
from ui.lesson_follow import LEFT_MESSAGE

CTRL, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier


def key(qtbot: Any, window: Any, which: Qt.Key, modifier: Any = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(window, which, modifier)
    settle(qtbot)


def place(panel: Any) -> tuple[str, int, bool]:
    """(lesson, step number shown, revealed)."""
    return panel.lesson.name, panel.step_index + 1, panel.revealed


@pytest.fixture
def lesson_window(make_window: Any, qtbot: Any) -> Iterator[tuple[Any, Any]]:
    window = make_window()
    window.activateWindow()
    yield window, window.inspector_panels["Lesson"]
    window.set_presentation(False)
    theme.set_presentation(None)


def start_by_keys(qtbot: Any, window: Any, panel: Any, number: int) -> None:
    """Choose built-in lesson ``number`` in the list; Alt+→ starts it."""
    panel.lesson_combo.setCurrentIndex(number - 1)
    key(qtbot, window, Qt.Key.Key_Right, ALT)
    assert panel.lesson.name == panel.lesson_combo.itemData(number - 1)


def test_presenting_undo_after_the_next_lesson_goes_back_to_the_lesson(
        lesson_window: tuple[Any, Any], qtbot: Any) -> None:
    window, panel = lesson_window
    key(qtbot, window, Qt.Key.Key_F11)
    assert window.presentation.active
    caption = window.presentation.caption
    start_by_keys(qtbot, window, panel, 10)
    for _ in range(3 * len(panel.lesson.steps)):
        if panel.is_done():
            break
        key(qtbot, window, Qt.Key.Key_PageDown)  # the presenter's clicker
    assert panel.is_done()
    lesson_10, session_10 = panel.lesson, window.session
    done_caption, done_values = caption.text(), panel.values_label.text()
    assert panel.complete_label.text() in done_caption

    key(qtbot, window, Qt.Key.Key_PageDown)  # on to lesson 11: its step 1 runs a forward
    lesson_11 = panel.lesson
    assert lesson_11 is not lesson_10 and place(panel)[1:] == (1, True)
    assert window.session.position == 0

    key(qtbot, window, Qt.Key.Key_Z, CTRL)  # lesson 11's forward undone
    assert window.session.position == -1 and window.session is panel.session
    assert place(panel) == (lesson_11.name, 1, False), "step 1 again, not yet run"
    assert "Step 1 of" in caption.text()
    assert lesson_11.steps[0].say.split()[0] not in caption.text(), "no narration of an undone step"
    assert panel.values_label.text() == ""

    key(qtbot, window, Qt.Key.Key_Z, CTRL)  # lesson 10's session comes back
    assert window.session is session_10 and panel.session is session_10
    assert panel.lesson is lesson_10 and panel.is_done()
    assert LEFT_MESSAGE not in panel.notice_label.text()
    assert panel.lesson_combo.currentData() == lesson_10.name
    assert caption.isVisible() and caption.text() == done_caption
    assert panel.values_label.text() == done_values

    key(qtbot, window, Qt.Key.Key_Z, CTRL_SHIFT)  # redo: lesson 11 again, step 1 open
    assert panel.lesson is lesson_11 and place(panel)[1:] == (1, False)
    key(qtbot, window, Qt.Key.Key_Z, CTRL_SHIFT)  # redo its forward: step 1 answered
    assert place(panel)[1:] == (1, True) and window.session.position == 0
    assert "Step 1 of" in caption.text() and caption.text() != done_caption


def test_undo_in_a_lesson_reopens_the_question_and_reveal_gives_torchs_numbers(
        lesson_window: tuple[Any, Any], qtbot: Any) -> None:
    window, panel = lesson_window
    start_by_keys(qtbot, window, panel, 6)  # (weights * 3).sum(), manual SGD, lr 0.1
    key(qtbot, window, Qt.Key.Key_Right, ALT)  # reveal step 1: forward, backward
    key(qtbot, window, Qt.Key.Key_Right, ALT)  # step 2 (no question): the update runs
    assert place(panel)[1:] == (2, True)
    session = panel.session

    key(qtbot, window, Qt.Key.Key_Z, CTRL)  # the update undone: step 2 not yet run
    assert place(panel)[1:] == (2, False) and session.position == 1
    assert "will run" in panel.code_heading.text()
    key(qtbot, window, Qt.Key.Key_Z, CTRL)  # the backward undone: inside step 1
    assert session.position == 0
    assert place(panel)[1:] == (1, False), "step 1's question is open again"
    assert not panel.guess_row.isHidden()

    panel.guess_edit.setFocus()
    qtbot.keyClicks(panel.guess_edit, "3")
    key(qtbot, panel.guess_edit, Qt.Key.Key_Return)  # Reveal: step 1 runs from its start
    assert place(panel)[1:] == (1, True) and "Your guess:" in panel.answer_label.text()
    assert session.position == 1 and len(session.history) == 2, "forward, backward once"
    weights = torch.ones(4, requires_grad=True)  # plain torch, as the lesson's notebook
    (weights * 3).sum().backward()
    assert session.grad("weights") == weights.grad.tolist()

    key(qtbot, window, Qt.Key.Key_Right, ALT)  # step 2 runs again: a new branch
    with torch.no_grad():
        weights -= 0.1 * weights.grad
    assert place(panel)[1:] == (2, True)
    assert session.value("weights") == weights.detach().tolist()


def test_the_timeline_moves_the_lesson_pane_with_the_run(
        lesson_window: tuple[Any, Any], qtbot: Any) -> None:
    window, panel = lesson_window
    start_by_keys(qtbot, window, panel, 6)
    for _ in range(3):  # reveal step 1, step 2 runs, on to step 3's question
        key(qtbot, window, Qt.Key.Key_Right, ALT)
    assert place(panel)[1:] == (3, False)
    key(qtbot, window, Qt.Key.Key_BracketLeft)  # one record back: before the update
    assert panel.session.position == 1 and place(panel)[1:] == (2, False)
    key(qtbot, window, Qt.Key.Key_BracketLeft)  # inside step 1
    assert panel.session.position == 0 and place(panel)[1:] == (1, False)
    key(qtbot, window, Qt.Key.Key_BracketRight)
    key(qtbot, window, Qt.Key.Key_BracketRight)  # the update again: step 2 answered
    assert panel.session.position == 2 and place(panel)[1:] == (2, True)


def test_undo_of_an_apply_brings_the_lesson_back(
        lesson_window: tuple[Any, Any], qtbot: Any) -> None:
    window, panel = lesson_window
    start_by_keys(qtbot, window, panel, 6)
    key(qtbot, window, Qt.Key.Key_Right, ALT)  # step 1 answered
    lesson, session = panel.lesson, panel.session
    window.controller.apply(DEFAULT_MODEL)  # another model replaces the lesson's
    settle(qtbot)
    assert panel.session is None and LEFT_MESSAGE in panel.notice_label.text()
    key(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert window.session is session and panel.session is session
    assert panel.lesson is lesson and place(panel)[1:] == (1, True)
    assert panel.notice_label.isHidden() and panel.next_button.isEnabled()


def test_a_reset_after_moving_into_a_step_lets_the_step_run_on_the_new_run(
        lesson_window: tuple[Any, Any], qtbot: Any) -> None:
    """The timeline inside step 5 (forward, backward), then R: Reveal runs step 5 on the
    reset run, as before undo existed; it never jumps to a record of the old run."""
    window, panel = lesson_window
    start_by_keys(qtbot, window, panel, 6)
    while not (panel.step_index == 4 and panel.revealed):
        key(qtbot, window, Qt.Key.Key_Right, ALT)
    key(qtbot, window, Qt.Key.Key_BracketLeft)  # inside step 5: its forward only
    assert place(panel)[1:] == (5, False)
    key(qtbot, window, Qt.Key.Key_R)  # Reset: initial values, a new run
    session = panel.session
    assert session.position == -1 and place(panel)[1:] == (5, False)
    key(qtbot, window, Qt.Key.Key_Right, ALT)  # Reveal
    assert panel.notice_label.isHidden(), panel.notice_label.text()
    assert place(panel)[1:] == (5, True) and session.position == 1
    weights = torch.ones(4, requires_grad=True)
    (weights * 3).sum().backward()
    assert session.grad("weights") == weights.grad.tolist()


def test_u1_trial_undo_in_lesson_7_never_shows_the_undone_weights(
        lesson_window: tuple[Any, Any], qtbot: Any) -> None:
    """u1 trial #6: lesson 7 step 2 (zero_grad, forward, backward, step: weights 0.7), Ctrl+Z.
    The plots went back to 1.0 while the pane still said "weights = [0.7000, …]"."""
    window, panel = lesson_window
    start_by_keys(qtbot, window, panel, 7)
    while not (panel.step_index == 1 and panel.revealed):
        key(qtbot, window, Qt.Key.Key_Right, ALT)
    assert "0.7000" in panel.values_label.text()
    key(qtbot, window, Qt.Key.Key_Z, CTRL)  # the optimizer.step() undone
    assert window.session.value("weights") == torch.ones(4).tolist()
    assert place(panel)[1:] == (2, False) and panel.values_label.text() == ""
    assert "will run" in panel.code_heading.text()
    key(qtbot, window, Qt.Key.Key_Right, ALT)  # run step 2 again, from its start
    weights = torch.ones(4, requires_grad=True)
    optimizer = torch.optim.SGD([weights], lr=0.1)
    optimizer.zero_grad(set_to_none=False)
    (weights * 3).sum().backward()
    optimizer.step()
    assert window.session.value("weights") == weights.detach().tolist()
    assert place(panel)[1:] == (2, True) and "0.7000" in panel.values_label.text()
