"""Presentation mode (F11) runs a lesson by keyboard alone: s6 trial item 1.

The Lesson tab gives way to the large caption, and a hidden panel's own
shortcuts never fire: every lesson key must still move the lesson on, and the
caption must show what the tab would (the answer and "PyTorch says" after Reveal).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ui import theme
from tests.ui._settle import settle

ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def presenting(make_window: Any, qtbot: Any) -> Iterator[tuple[Any, Any]]:
    """A window in presentation mode running lesson 1, the Lesson tab in front."""
    window = make_window()
    panel = window.inspector_panels["Lesson"]
    show_lesson_tab(window)
    panel.lesson_combo.setCurrentIndex(0)
    panel.start()
    window.set_presentation(True)
    window.activateWindow()
    settle(qtbot)
    yield window, panel
    window.set_presentation(False)
    theme.set_presentation(None)


def show_lesson_tab(window: Any) -> None:
    titles = [window.inspector.tabText(i) for i in range(window.inspector.count())]
    window.inspector.setCurrentIndex(titles.index("Lesson"))


def counter(panel: Any) -> int:
    return panel.step_index + 1


def test_every_lesson_key_moves_the_lesson_on_while_presenting(
        presenting: tuple[Any, Any], qtbot: Any) -> None:
    window, panel = presenting
    caption = window.presentation.caption
    assert caption.isVisible() and not panel.isVisible(), "the caption stands in for the tab"
    assert counter(panel) == 1
    qtbot.keyClick(window, Qt.Key.Key_Right, ALT)  # step 1 has no question: on to step 2
    assert counter(panel) == 2 and not panel.revealed
    assert "Step 2 of" in caption.text() and "grad_fn" in caption.text()
    qtbot.keyClick(window, Qt.Key.Key_Return)  # Reveal
    assert panel.revealed
    step = panel.lesson.steps[1]
    assert "Answer:" in caption.text() and "AddBackward0" in caption.text()
    assert "PyTorch says" in caption.text()
    # The tensors as torch prints them: y = x + 2 on the lesson's x.
    import torch

    x = torch.tensor([1.3567, 0.8755, -0.2205], requires_grad=True)
    y = x + 2
    assert f"{y.grad_fn.name()}" in caption.text()
    assert step.say.split()[0] in caption.text()
    qtbot.keyClick(window, Qt.Key.Key_PageDown)  # a presenter's clicker
    assert counter(panel) == 3
    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    assert counter(panel) == 2 and panel.revealed  # Back shows the step done
    qtbot.keyClick(window, Qt.Key.Key_Right, ALT)
    assert counter(panel) == 3
    qtbot.keyClick(window, Qt.Key.Key_Right, ALT)  # reveal, then on
    qtbot.keyClick(window, Qt.Key.Key_Right, ALT)
    assert counter(panel) == 4
    qtbot.keyClick(window, Qt.Key.Key_Left, ALT)
    assert counter(panel) == 3
    assert "Step 3 of" in caption.text()
    # The loop keys are not swallowed by the hidden prediction field the step focused.
    count = len(panel.session.history)
    qtbot.keyClick(window, Qt.Key.Key_F)
    assert len(panel.session.history) == count + 1


def test_the_caption_scrolls_by_the_lesson_scroll_keys(
        presenting: tuple[Any, Any], qtbot: Any) -> None:
    window, panel = presenting
    window.presentation.caption.setText("<br>".join(f"line {i}" for i in range(80)))
    window.presentation._fit_caption()
    settle(qtbot)
    bar = window.presentation.caption_area.verticalScrollBar()
    assert bar.maximum() > 0, "a long caption scrolls instead of squeezing the plots"
    assert window.presentation.caption_area.height() <= 0.35 * window.height()
    qtbot.keyClick(window, Qt.Key.Key_Down, ALT)
    assert bar.value() > 0
    qtbot.keyClick(window, Qt.Key.Key_PageUp, SHIFT)
    assert bar.value() == 0


def test_alt_arrows_work_with_another_tab_in_front(make_window: Any, qtbot: Any) -> None:
    """Alt+→ is "anywhere" in the shortcuts list: also with the Tensors tab shown."""
    window = make_window()
    panel = window.inspector_panels["Lesson"]
    panel.lesson_combo.setCurrentIndex(0)
    panel.start()
    window.inspector.setCurrentIndex(0)
    window.activateWindow()
    settle(qtbot)
    assert not panel.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Right, ALT)
    assert counter(panel) == 2
    # Back on the Lesson tab the panel's own key runs, once (no ambiguous twin).
    show_lesson_tab(window)
    settle(qtbot)
    assert panel.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Right, ALT)  # reveal step 2
    qtbot.keyClick(window, Qt.Key.Key_Right, ALT)
    assert counter(panel) == 3


def test_pytorch_says_comes_before_the_narration(presenting: tuple[Any, Any], qtbot: Any) -> None:
    """A revealed step's tensors show without scrolling the caption (the narration is long)."""
    window, panel = presenting
    qtbot.keyClick(window, Qt.Key.Key_Right, ALT)
    qtbot.keyClick(window, Qt.Key.Key_Return)
    text = window.presentation.caption.text()
    say = " ".join(panel.lesson.steps[1].say.split()[:4])
    assert text.index("PyTorch says") < text.index(say)
