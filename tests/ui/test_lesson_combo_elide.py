"""The lesson list keeps a readable title when the step header squeezes it (u1 #19, u1-14).

At the end of lesson 10 "✔ Done" and "Lesson 11 ▶" join the header row and the combo was
cut mid-word ("10. A one-layer model with a"): it now ends in "…" within its text field,
and its tooltip has the whole title.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QStyle

from tests.ui._settle import settle


def test_squeezed_title_is_elided_and_whole_in_the_tooltip(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    panel = window.inspector_panels["Lesson"]
    window.show_inspector("Lesson")
    panel.lesson_combo.setCurrentIndex(9)  # lesson 10
    panel.start()
    for _ in range(2 * len(panel.lesson.steps)):
        panel.next_step()
    window.layout_keeper.resize_window(1280, 720)
    settle(qtbot)
    assert panel.complete_label.isVisible(), "the lesson's end: Done and the next lesson shown"
    combo = panel.lesson_combo
    title = combo.currentText()
    assert title.startswith("10. ") and combo.toolTip() == title
    # Squeezed as the u1 trial saw it (the header's width depends on the dock and the zoom).
    combo.setFixedWidth(combo.fontMetrics().horizontalAdvance(title) // 2 + 40)
    settle(qtbot)
    option = combo._option()
    field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                         QStyle.SubControl.SC_ComboBoxEditField, combo)
    shown = combo.shown_text()
    assert combo.fontMetrics().horizontalAdvance(shown) <= field.width()
    assert combo.fontMetrics().horizontalAdvance(title) > field.width()
    assert shown.endswith("…") and title.startswith(shown[:-1]) and len(shown) > 8
    combo.setCurrentIndex(0)  # the tooltip follows the choice
    assert combo.toolTip() == combo.itemText(0)
