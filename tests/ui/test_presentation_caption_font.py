"""The presentation caption keeps its large font through zoom and a second F11 (t5 trial #7).

On Xvfb, Ctrl+= in presentation mode shrank the caption from ~27 px to 24 px: the
caption's own font was set only when its text changed, and the zoom's style-sheet
re-polish put the plain application font back. Leaving and entering again on the same
step showed the small font too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication

from ui import theme
from ui.presentation import CAPTION_FONT_FACTOR
from tests.ui._settle import settle


@pytest.fixture
def presenting(make_window: Any, qtbot: Any) -> Iterator[Any]:
    """A window in presentation mode showing lesson 1's first step as the caption."""
    window = make_window()
    panel = window.inspector_panels["Lesson"]
    panel.lesson_combo.setCurrentIndex(0)
    panel.start()
    window.set_presentation(True)
    settle(qtbot)
    yield window
    window.set_presentation(False)
    theme.set_presentation(None)
    theme.apply_zoom(theme.DEFAULT_ZOOM)


def caption_px(window: Any) -> int:
    return QFontInfo(window.presentation.caption.font()).pixelSize()


def wanted_px() -> int:
    return QFontInfo(theme.scaled_font(CAPTION_FONT_FACTOR)).pixelSize()


def test_zoom_in_never_shrinks_the_caption(presenting: Any, qtbot: Any) -> None:
    window = presenting
    assert window.presentation.caption.text(), "a lesson step is shown as the caption"
    before = caption_px(window)
    assert before == wanted_px()
    window.zoom_in()
    settle(qtbot)
    assert caption_px(window) >= before
    assert caption_px(window) == wanted_px()


def test_caption_font_after_leaving_and_entering_on_the_same_step(presenting: Any, qtbot: Any) -> None:
    window = presenting
    window.set_presentation(False)
    settle(qtbot)
    window.set_presentation(True)
    settle(qtbot)
    assert caption_px(window) == wanted_px()

