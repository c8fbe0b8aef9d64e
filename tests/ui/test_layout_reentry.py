"""The layout budget must not re-enter itself: an error banner at 1228x700 on Xvfb made
WindowLayout.apply() show and hide the big button row forever (RecursionError, then a
segfault of the whole app) when Apply refused a bad value."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLineEdit


def test_a_refused_apply_at_any_height_shows_the_banner_without_recursing(
        make_window: Any, qtbot: Any) -> None:
    window = make_window()
    edit = next(e for e in window.model_panel.findChildren(QLineEdit) if e.text() == "ones(3)")
    session = window.session
    for height in range(600, 820, 6):
        window.resize(1228, height)
        qtbot.wait(5)
        edit.setText("ones(\uff13)")  # a full-width digit: refused with a two-line message
        window.action("actionApply").trigger()
        qtbot.wait(5)
        assert window.banner.isVisible()
        assert window.session is session  # the running session is kept
        edit.setText("ones(3)")
        window.banner.clear()
