"""The lesson pane in class: the tensors each step is about, the question in view, keys
that scroll, the narration for a caption, and the room it gets at 1280x720."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import torch
import torch.nn.functional as F
from PySide6.QtCore import Qt

from playground.lessons import list_lessons
from tests.ui.conftest import show_widget
from ui.lesson_view import LessonPanel

BCE = "10_bce_with_logits"


@pytest.fixture
def panel(qtbot: Any) -> LessonPanel:
    return show_widget(qtbot, LessonPanel(), 520, 420)


@pytest.fixture
def start(qtbot: Any, panel: LessonPanel) -> Callable[[str], Any]:
    def run(name: str) -> Any:
        panel.lesson_combo.setCurrentIndex(panel.lesson_combo.findData(name))
        with qtbot.waitSignal(panel.session_created, timeout=30_000) as blocker:
            panel.start()
        return blocker.args[0]

    return run


def _printed(tensor: torch.Tensor) -> str:
    """print(tensor) without ``tensor(`` and ``)``, rows as the pane lays them out."""
    return str(tensor.detach())[len("tensor("):-1].replace("\n" + " " * 7, "\n")


def _pane_text(panel: LessonPanel) -> str:
    return panel.values_label.text().replace("&nbsp;", " ").replace("<br>", "\n")


def test_lesson_10_shows_w_grad_and_b_grad_as_torch_computes_them(
        panel: LessonPanel, start: Callable[[str], Any]) -> None:
    session = start(BCE)
    w0 = torch.tensor(session.value("w"), requires_grad=True)  # the lesson's own draw
    b0 = torch.tensor(session.value("b"), requires_grad=True)
    x, y = torch.ones(5), torch.zeros(3)
    F.binary_cross_entropy_with_logits(torch.matmul(x, w0) + b0, y).backward()
    panel.next_step()  # reveal step 1 (forward)
    panel.next_step()  # step 2: backward, a question
    panel.next_step()  # reveal it
    text = _pane_text(panel)
    for key, grad in (("w.grad", w0.grad), ("b.grad", b0.grad)):
        rows = _printed(grad).replace("\n", "\n" + " " * len(f"{key} = "))
        assert f"{key} = {rows}" in text, text


def test_every_backward_of_every_lesson_shows_the_param_grads(qtbot: Any) -> None:
    panel = show_widget(qtbot, LessonPanel(), 520, 420)
    for name in list_lessons():
        panel.lesson_combo.setCurrentIndex(panel.lesson_combo.findData(name))
        panel.start()
        for index in range(len(panel.lesson.steps)):
            panel.next_step() if not panel.revealed else None
            step = panel.lesson.steps[index]
            methods = [m for m, _ in step.actions]
            if panel._refused is None and panel.session is not None and (
                    "backward" in methods or "iterate" in methods):
                text = _pane_text(panel)
                for param in panel.session.param_names:
                    assert f"{param}.grad = " in text, (name, index + 1, text)
            if index < len(panel.lesson.steps) - 1:
                panel.next_step()


def test_the_question_stays_in_view_after_reveal(panel: LessonPanel, start: Callable[[str], Any],
                                                qtbot: Any) -> None:
    start("06_accumulation_manual_sgd")
    assert panel.question_label.isVisible()
    panel.reveal()
    qtbot.wait(20)
    assert panel.question_label.isVisible() and panel.answer_label.isVisible()
    # the question is above the scrolling text: scrolling never takes it away
    assert not panel.body_scroll.widget().isAncestorOf(panel.question_label)
    panel.scroll_text(5)
    assert panel.question_label.visibleRegion().boundingRect().height() \
        == panel.question_label.height()


def test_keys_scroll_the_text_and_page_keys_stay_next_and_back(
        panel: LessonPanel, start: Callable[[str], Any], qtbot: Any) -> None:
    panel.resize(420, 300)
    start(BCE)
    panel.next_step()
    panel.next_step()
    panel.next_step()  # step 2 revealed: w.grad is a 5 x 3 matrix, the text is long
    qtbot.wait(20)
    bar = panel.body_scroll.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(0)
    panel.next_button.setFocus()
    qtbot.keyClick(panel.next_button, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert bar.value() > 0
    qtbot.keyClick(panel.next_button, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert bar.value() == 0
    step = panel.step_index
    qtbot.keyClick(panel.next_button, Qt.Key.Key_PageDown)
    assert panel.step_index == step + 1  # PageDown is still Next


def test_the_narration_is_offered_for_a_caption(panel: LessonPanel, start: Callable[[str], Any],
                                               qtbot: Any) -> None:
    start("06_accumulation_manual_sgd")
    assert panel.narration() == ""
    with qtbot.waitSignal(panel.narration_changed) as blocker:
        panel.reveal()
    assert blocker.args == [panel.lesson.steps[0].say] and panel.narration() == blocker.args[0]


def test_the_lesson_tab_gets_two_fifths_of_a_1280_by_720_window(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    window.resize(1280, 720)
    qtbot.wait(20)
    window.show_lesson_tab()
    qtbot.wait(20)
    assert window.height() == 720
    assert window.inspector.height() >= 0.4 * 720, window.inspector.height()
