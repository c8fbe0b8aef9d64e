"""The lesson pane in class: the tensors each step is about, the question in view, keys
that scroll, the narration for a caption, and the room it gets at 1280x720."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import torch
import torch.nn.functional as F
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from playground.lessons import list_lessons
from tests.ui.conftest import show_widget
from ui.lesson_view import LessonPanel
from tests.ui._settle import settle, in_view

BCE = "10_bce_with_logits"


def theme_default_zoom() -> float:
    from ui import theme

    return theme.DEFAULT_ZOOM


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


# -- the pane at 1280x720: one scroll area, the question, answer and tensors in view ---------
@pytest.fixture
def lesson_window(lesson_tab_window: Callable[[float], Any]) -> Callable[[float], Any]:
    """``lesson_window(zoom)``: a window at 1280x720 with the Lesson tab open at that zoom."""
    return lesson_tab_window


def walk(panel: LessonPanel, name: str, qtbot: Any) -> Iterator[int]:
    """Start lesson ``name`` and yield each step's index once it is revealed."""
    panel.lesson_combo.setCurrentIndex(panel.lesson_combo.findData(name))
    panel.start()
    for index in range(len(panel.lesson.steps)):
        if not panel.revealed:
            panel.next_step()
        settle(qtbot)
        yield index
        if index < len(panel.lesson.steps) - 1:
            panel.next_step()


def test_the_lesson_tab_scrolls_in_one_place_never_a_box_in_a_box(
        lesson_window: Callable[[float], Any], qtbot: Any) -> None:
    window = lesson_window(theme_default_zoom())
    panel = window.inspector_panels["Lesson"]
    assert window.inspector.currentWidget() is panel  # the tab is the panel, not a scroll area
    parent, scrolled = panel.parentWidget(), []
    while parent is not None:
        scrolled += [parent] if isinstance(parent, QScrollArea) else []
        parent = parent.parentWidget()
    assert scrolled == []
    assert panel.findChildren(QScrollArea) == [panel.body_scroll]


def test_at_1280x720_the_question_answer_and_tensors_show_after_reveal_in_every_lesson(
        lesson_window: Callable[[float], Any], qtbot: Any) -> None:
    """The default zoom (what a class sees at start): every step of every lesson."""
    window = lesson_window(theme_default_zoom())
    panel = window.inspector_panels["Lesson"]
    line = QFontMetrics(panel.values_label.font()).lineSpacing()
    for name in list_lessons():
        for index in walk(panel, name, qtbot):
            where = f"{name} step {index + 1}"
            viewport = panel.body_scroll.viewport()
            # nothing is wider than the pane: the text wraps, tensors stand in columns
            assert panel.body_scroll.widget().width() <= viewport.width(), where
            if panel.question_label.text():
                assert in_view(panel.question_label) == panel.question_label.height() > 0, where
                assert in_view(panel.answer_label) == panel.answer_label.height() > 0, where
            if panel.values_label.isVisible() and not panel.refused_label.isVisible():
                # "PyTorch says" and at least its first row of numbers
                assert in_view(panel.values_label) >= line, where
            if name == BCE and index == 1:
                # lesson 10's backward: w.grad's five rows and b.grad, all of them
                assert in_view(panel.values_label) == panel.values_label.height(), where


def test_at_200_percent_the_question_still_shows_first_and_the_header_fits(
        lesson_window: Callable[[float], Any], qtbot: Any) -> None:
    window = lesson_window(2.0)
    panel = window.inspector_panels["Lesson"]
    for index in walk(panel, BCE, qtbot):
        where = f"step {index + 1}"
        assert panel.findChildren(QScrollArea) == [panel.body_scroll]
        assert in_view(panel.question_label) > 0, where  # read from the top after Reveal
        assert panel.question_label.mapTo(panel, panel.question_label.rect().topLeft()).y() \
            <= panel.body_scroll.geometry().top() + 1, where
        shown = [w for w in panel.header.findChildren(QWidget) if w.isVisible()
                 and w.parentWidget() is panel.header]
        rects = [w.geometry() for w in shown]
        assert all(r.right() < panel.header.width() for r in rects), where
        assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:]), where
