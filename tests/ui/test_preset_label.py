"""The presets box never names a model that is not the one shown (t5 trial #8).

On Xvfb, after choosing "Line fit" and then starting lesson 4, the Model panel still said
"Line fit: y = w·x + b (MSE, 20 points)" above the lesson's `y = x ** 2`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication

from ui.presets import presets

LINE_FIT = next(p for p in presets() if p.name.startswith("Line fit"))


def choose_preset(window: Any, name: str) -> None:
    """As a user does: the list's item chosen with Enter or a click (``activated``)."""
    combo = window.model_panel.preset_combo
    index = combo.findText(name)
    assert index > 0, name
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    QApplication.processEvents()


def test_a_chosen_preset_stays_named_while_its_model_runs(window: Any) -> None:
    choose_preset(window, LINE_FIT.name)
    assert window.session.config.forward.strip() == LINE_FIT.config["forward"].strip()
    assert window.model_panel.preset_combo.currentText() == LINE_FIT.name
    window.iterate()  # a press re-reads nothing into the panel: the name stays
    QApplication.processEvents()
    assert window.model_panel.preset_combo.currentText() == LINE_FIT.name


def test_a_lesson_replacing_the_model_clears_the_preset_name(window: Any) -> None:
    choose_preset(window, LINE_FIT.name)
    lesson = window.inspector_panels["Lesson"]
    lesson.lesson_combo.setCurrentIndex(3)  # 4. Equal and weighted gradients: y = x ** 2
    lesson.start()
    QApplication.processEvents()
    assert "x ** 2" in window.session.config.forward
    assert window.model_panel.preset_combo.currentIndex() == 0
    assert window.model_panel.preset_combo.currentData() is None  # "Presets…"


def test_undo_to_another_model_clears_the_preset_name(window: Any) -> None:
    first = window.session.config.forward
    choose_preset(window, LINE_FIT.name)
    assert window.model_panel.preset_combo.currentText() == LINE_FIT.name
    window.undo()
    QApplication.processEvents()
    assert window.session.config.forward == first
    assert window.model_panel.preset_combo.currentData() is None
