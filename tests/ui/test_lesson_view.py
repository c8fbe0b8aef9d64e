"""The Lesson panel: stepping, predict-then-reveal, Back, expected errors, bad files.

Oracles: the numbers notebook 000 printed (``/work/shared/seeds/000_*.txt``,
cell 6) and PyTorch's own error message, never values copied from the panel.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch
from PySide6.QtCore import Qt

from playground import lessons
from playground.session import Session
from tests.ui.conftest import DEFAULT_MODEL
from ui.lesson_view import LEFT_MESSAGE, LessonPanel
from tests.ui.conftest import show_widget

ROOT = Path(__file__).resolve().parents[2]
ACCUMULATION = "06_accumulation_manual_sgd"
VJP = "03_vector_jacobian_products"


@pytest.fixture
def panel(qtbot: Any) -> LessonPanel:
    """A shown panel at the size of an inspector tab."""
    return show_widget(qtbot, LessonPanel(), 520, 800)


@pytest.fixture
def start(qtbot: Any, panel: LessonPanel) -> Callable[[str], Any]:
    """``start(name)``: choose a built-in lesson, press Start, return the session it emitted."""

    def run(name: str) -> Any:
        panel.lesson_combo.setCurrentIndex(panel.lesson_combo.findData(name))
        with qtbot.waitSignal(panel.session_created, timeout=30_000) as blocker:
            qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
        return blocker.args[0]

    return run


def press_next(qtbot: Any, panel: LessonPanel, times: int = 1) -> None:
    for _ in range(times):
        qtbot.mouseClick(panel.next_button, Qt.MouseButton.LeftButton)


def shown(widget: Any) -> bool:
    return widget.isVisibleTo(widget.window())


def test_start_emits_the_session_and_stepping_reaches_the_notebook_numbers(
        qtbot: Any, panel: LessonPanel, start: Callable[[str], Any]) -> None:
    session = start(ACCUMULATION)
    assert session is panel.session
    assert panel.lesson_combo.currentText().endswith(lessons.load_lesson(ACCUMULATION).title)
    assert panel.counter_label.text() == "Step 1 of 9"
    steps = len(panel.lesson.steps)
    # Every ask step takes two presses (reveal, then go on): press until complete.
    for _ in range(3 * steps):
        if not panel.next_button.isEnabled():
            break
        press_next(qtbot, panel)
    assert panel.counter_label.text() == f"Step {steps} of {steps}"
    assert shown(panel.complete_label) and shown(panel.next_lesson_button)
    assert session is panel.session  # stepping drives the same session the window adopted
    # Notebook 000 cell 6 printed weights.grad after each backward: 3, 6, 9, then 12, 3, 3.
    printed = [r.grads["weights"].tolist() for r in session.history if r.action == "backward"]
    assert printed == [[g] * 4 for g in (3.0, 6.0, 9.0, 12.0, 3.0, 3.0)]
    # ... and the weights after each loop: -0.8, then -2.6.
    updates = [r.values["weights"].tolist() for r in session.history if r.action == "step"]
    assert updates[2] == pytest.approx([-0.8] * 4, abs=1e-5)
    assert session.value("weights") == pytest.approx([-2.6] * 4, abs=1e-5)
    assert session.grad("weights") == [0.0] * 4
    # digit for digit as notebook 000 printed it: tensor([-2.6000, -2.6000, -2.6000, -2.6000])
    assert "weights = [-2.6000, -2.6000, -2.6000, -2.6000]" in panel.values_label.text()


def test_the_answer_shows_only_after_reveal(
        qtbot: Any, panel: LessonPanel, start: Callable[[str], Any]) -> None:
    session = start(ACCUMULATION)
    step = panel.lesson.steps[0]
    assert step.ask and step.answer
    assert shown(panel.question_label) and step.ask in panel.question_label.text()
    assert not shown(panel.answer_label) and not shown(panel.narration_label)
    assert session.history == [] and session.grad("weights") is None  # nothing ran yet
    qtbot.keyClicks(panel.guess_edit, "3, 3, 3, 3")
    qtbot.keyClick(panel.guess_edit, Qt.Key.Key_Return)  # Enter reveals
    assert panel.revealed and shown(panel.answer_label) and shown(panel.narration_label)
    assert "3, 3, 3, 3" in panel.answer_label.text()  # the guess, next to the answer
    assert step.answer.split(":")[0] in panel.answer_label.text()
    assert not shown(panel.guess_edit)
    assert session.grad("weights") == [3.0] * 4  # notebook 000's first print
    assert "weights.grad = [3., 3., 3., 3.]" in panel.values_label.text()  # as print shows it
    assert "model_output.backward()" in panel.code_label.text()


def test_next_on_an_open_question_reveals_first(
        qtbot: Any, panel: LessonPanel, start: Callable[[str], Any]) -> None:
    session = start(ACCUMULATION)
    press_next(qtbot, panel)  # reveals step 1
    assert panel.step_index == 0 and panel.revealed
    press_next(qtbot, panel)  # goes on
    assert panel.step_index == 1 and panel.counter_label.text() == "Step 2 of 9"
    assert len(session.history) == 3  # forward, backward, step


def test_keys_step_forward_and_back(
        qtbot: Any, panel: LessonPanel, start: Callable[[str], Any]) -> None:
    start(ACCUMULATION)
    panel.activateWindow()
    qtbot.waitUntil(lambda: panel.isActiveWindow())
    qtbot.keyClick(panel.guess_edit, Qt.Key.Key_PageDown)  # reveal
    qtbot.keyClick(panel.guess_edit, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert panel.step_index == 1
    with qtbot.waitSignal(panel.session_created):
        qtbot.keyClick(panel.next_button, Qt.Key.Key_PageUp)
    assert panel.step_index == 0


def test_back_replays_to_the_state_stepping_forward_reached(
        qtbot: Any, panel: LessonPanel, start: Callable[[str], Any]) -> None:
    first = start(ACCUMULATION)
    press_next(qtbot, panel, 7)  # step 5 (index 4) revealed
    assert panel.step_index == 4 and panel.revealed
    forward_state = (first.value("weights"), first.grad("weights"),
                     [r.action for r in first.history], panel.narration_label.text())
    press_next(qtbot, panel)  # step 6 runs
    assert first.value("weights") != forward_state[0]
    with qtbot.waitSignal(panel.session_created) as blocker:
        qtbot.mouseClick(panel.back_button, Qt.MouseButton.LeftButton)
    rebuilt = blocker.args[0]
    assert rebuilt is panel.session and rebuilt is not first
    assert panel.step_index == 4 and panel.counter_label.text() == "Step 5 of 9"
    assert (rebuilt.value("weights"), rebuilt.grad("weights"),
            [r.action for r in rebuilt.history], panel.narration_label.text()) == forward_state
    assert rebuilt.grad("weights") == [12.0] * 4  # the notebook's leftover 9 + 3


def test_an_expected_error_is_shown_as_the_outcome(
        qtbot: Any, panel: LessonPanel, start: Callable[[str], Any]) -> None:
    start(VJP)
    press_next(qtbot, panel)  # step 2 asks about y.backward() on a vector
    assert not shown(panel.refused_label)
    press_next(qtbot, panel)  # reveal: the backward is refused
    with pytest.raises(RuntimeError) as torch_error:
        (torch.ones(3, requires_grad=True) * 2).backward()
    text = panel.refused_label.text()
    assert shown(panel.refused_label) and "PyTorch refused, as expected" in text
    assert str(torch_error.value) in text
    assert not shown(panel.notice_label)  # not shown as a failure
    press_next(qtbot, panel)
    assert panel.step_index == 2  # the lesson goes on


def write_lesson(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def test_a_file_with_a_toml_error_names_its_line_and_keeps_the_lesson(
        qtbot: Any, panel: LessonPanel, start: Callable[[str], Any], tmp_path: Path) -> None:
    session = start(ACCUMULATION)
    press_next(qtbot, panel)
    path = write_lesson(tmp_path, "broken.toml", """
        [lesson]
        title = "Broken"
        [model]
        forward = "y = x * 2
        """)  # line 4: the string is never closed
    with qtbot.assertNotEmitted(panel.session_created):
        panel.open_path(path)
    assert shown(panel.notice_label) and panel.notice_label.property("kind") == "error"
    assert "line 4" in panel.notice_label.text().lower()
    assert panel.notice_label.font().pointSizeF() > panel.font().pointSizeF()
    assert panel.lesson.name == ACCUMULATION and panel.session is session
    assert panel.revealed and panel.step_index == 0
    press_next(qtbot, panel)
    assert panel.step_index == 1  # the running lesson still steps


def test_an_unknown_action_names_its_line_and_the_hint(
        panel: LessonPanel, tmp_path: Path) -> None:
    path = write_lesson(tmp_path, "typo.toml", """
        [lesson]
        title = "A typo"
        [model]
        forward = "y = (w * 2).sum()"
        params = { w = "ones(3)" }
        [[step]]
        do = ["forward", "backwrd"]
        say = "never shown"
        """)  # the bad action is on line 7
    panel.open_path(path)
    text = panel.notice_label.text()
    assert "Line 7" in text and "backwrd" in text and "Did you mean `backward`?" in text
    assert panel.lesson is None and panel.session is None


def test_a_good_file_starts_and_joins_the_list(qtbot: Any, panel: LessonPanel, tmp_path: Path) -> None:
    path = write_lesson(tmp_path, "mine.toml", """
        [lesson]
        title = "Mine"
        [model]
        forward = "y = (w * 2).sum()"
        params = { w = "ones(3)" }
        [[step]]
        do = ["forward", "backward"]
        say = "d y / d w = 2"
        """)
    with qtbot.waitSignal(panel.session_created, timeout=30_000) as blocker:
        panel.open_path(path)
    w = torch.ones(3, requires_grad=True)
    (w * 2).sum().backward()
    assert blocker.args[0].grad("w") == w.grad.tolist()
    assert panel.lesson_combo.currentText() == "Mine (mine.toml)"
    assert shown(panel.complete_label) and not shown(panel.next_lesson_button)


def test_an_engine_failure_is_shown_not_raised(
        qtbot: Any, panel: LessonPanel, start: Callable[[str], Any], monkeypatch: Any) -> None:
    start(ACCUMULATION)
    press_next(qtbot, panel)

    def broken(*_args: Any) -> None:
        raise ValueError("engine bug")

    monkeypatch.setattr(lessons.Lesson, "run_step", broken)
    press_next(qtbot, panel)  # step 2 runs straight away: it has no question
    assert panel.notice_label.property("kind") == "error"
    assert "engine bug" in panel.notice_label.text()
    assert panel.step_index == 1 and panel.next_button.isEnabled()
    press_next(qtbot, panel)  # the class is never stuck on a broken step
    assert panel.step_index == 2 and not shown(panel.notice_label)


def test_a_replaced_session_leaves_the_lesson(
        qtbot: Any, panel: LessonPanel, start: Callable[[str], Any]) -> None:
    session = start(ACCUMULATION)
    press_next(qtbot, panel)
    panel.set_session(session)  # the window echoing our own session changes nothing
    assert panel.session is session and not shown(panel.notice_label)
    panel.set_session(Session(**DEFAULT_MODEL))  # the user applied another model
    assert LEFT_MESSAGE in panel.notice_label.text()
    assert not panel.next_button.isEnabled() and not panel.back_button.isEnabled()
    before = len(session.history)
    panel.next_step()
    assert len(session.history) == before  # never drives a session no longer shown
    assert start(ACCUMULATION) is panel.session and panel.step_index == 0


def test_narration_font_follows_the_app_font(panel: LessonPanel) -> None:
    app_size = panel.font().pointSizeF()
    assert panel.narration_label.font().pointSizeF() >= 1.3 * app_size
    assert panel.narration_label.wordWrap()


def test_constructing_the_panel_does_not_import_torch() -> None:
    code = textwrap.dedent("""
        import sys
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from ui.lesson_view import LessonPanel
        panel = LessonPanel()
        panel.show()
        app.processEvents()
        from playground import list_lessons
        assert panel.lesson_combo.count() == len(list_lessons()) > 0
        print("torch" in sys.modules)
        """)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"
