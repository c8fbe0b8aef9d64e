"""At 200 % a Reveal shows the answer, not only a long question (t5 trial #5).

On Xvfb at 1280x720 and 200 %, lesson 6 step 5's question filled the whole pane: after
Alt+→ revealed it the step ran (the plots moved) but the pane showed nothing new, the
answer and "PyTorch says" sat below the fold.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from tests.ui._settle import settle, in_view

ACCUMULATION = "06_accumulation_manual_sgd"


@pytest.fixture
def zoomed(lesson_tab_window: Any) -> Any:
    """A window at 1280x720, 200 %, the Lesson tab open."""
    return lesson_tab_window(2.0)


def test_every_revealed_answer_of_lesson_6_is_in_view_at_200_percent(zoomed: Any, qtbot: Any) -> None:
    panel = zoomed.inspector_panels["Lesson"]
    panel.lesson_combo.setCurrentIndex(panel.lesson_combo.findData(ACCUMULATION))
    panel.start()
    for index in range(len(panel.lesson.steps)):
        settle(qtbot)
        if panel.question_label.text() and not panel.revealed:
            panel.next_step()  # Reveal
            settle(qtbot)
            where = f"step {index + 1}"
            assert in_view(panel.answer_label) > 0, where
            assert in_view(panel.question_label) > 0, where  # the question's end stays above it
        if index < len(panel.lesson.steps) - 1:
            panel.next_step()


def test_a_question_taller_than_the_pane_still_shows_the_answer_after_reveal(
        zoomed: Any, qtbot: Any, tmp_path: Path) -> None:
    """The trial's case, made certain: the question alone is taller than the text's view."""
    ask = " ".join(["What will w.grad be after this backward, and why is it the same for each w?"] * 8)
    path = tmp_path / "long.toml"
    path.write_text(textwrap.dedent(f"""
        [lesson]
        title = "A long question"
        [model]
        forward = "y = (w * 2).sum()"
        params = {{ w = "ones(3)" }}
        [[step]]
        do = ["forward", "backward"]
        ask = "{ask}"
        answer = "[2., 2., 2.]: d y / d w = 2 for every element."
        say = "Each element contributes 2 w to y."
        """), encoding="utf-8")
    panel = zoomed.inspector_panels["Lesson"]
    panel.open_path(path)
    settle(qtbot)
    assert panel.question_label.height() > panel.body_scroll.viewport().height()
    panel.next_step()  # Reveal
    settle(qtbot)
    assert panel.revealed
    assert in_view(panel.answer_label) > 0
    assert in_view(panel.question_label) > 0
