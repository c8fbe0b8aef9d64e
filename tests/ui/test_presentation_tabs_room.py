"""Presentation mode never leaves the tabs as a bare tab bar (u1 trial #19, u1-121-f11-l2).

Entered from the Tensors tab during a lesson at 1280x720, the caption and the plots took
the height and the tab widget kept only its bar at the screen's bottom edge: a row of tab
names over no content. The tabs show with room for some of their content, or not at all.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QFontMetricsF, QGuiApplication

from ui import theme
from tests.ui._settle import settle


def test_tabs_show_with_content_or_not_at_all(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    panel = window.inspector_panels["Lesson"]
    panel.lesson_combo.setCurrentIndex(1)
    panel.start()
    panel.next_step()
    panel.next_step()  # a revealed step: a long caption
    window.inspector.setCurrentIndex(0)  # Tensors
    settle(qtbot)
    try:
        window.set_presentation(True)
        window.layout_keeper.resize_window(1280, 720)  # the projector (offscreen: 800x800)
        settle(qtbot)
        assert window.presentation.caption.isVisible()
        tabs = window.inspector
        if tabs.isVisible():
            bar = tabs.tabBar().height()
            line = QFontMetricsF(QGuiApplication.font()).lineSpacing()
            page = tabs.currentWidget()
            assert page.height() >= 2 * line, (
                f"tab page {page.height()} px under a {bar} px bar: want >= 2 lines ({line:.0f} px)")
    finally:
        window.set_presentation(False)
        theme.set_presentation(None)
