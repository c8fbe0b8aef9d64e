"""t5 #16: at 200 % the Model panel's name field showed "weigh" for ``weights``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QStyle

from ui import theme
from ui.presets import preset_named

#: QLineEdit's fixed inner margin beside its text, each side (qlineedit_p.h horizontalMargin).
INNER = 2


@pytest.fixture
def zoom_guard() -> Iterator[None]:
    yield
    theme.apply_zoom(theme.DEFAULT_ZOOM)


def test_a_param_name_is_whole_in_its_field_at_every_zoom(
        make_window: Any, qtbot: Any, zoom_guard: None) -> None:
    window = make_window(preset_named("Notebook: (weights * 3).sum()").config)
    window.resize(1280, 720)
    rows = window.model_panel.params
    (name_edit, _value, _row), = rows._rows
    assert name_edit.text() == "weights"
    for zoom in (1.0, 2.0):
        theme.apply_zoom(zoom)
        for _ in range(4):
            QApplication.processEvents()
            qtbot.wait(10)
        frame = name_edit.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, None, name_edit)
        need = QFontMetrics(name_edit.font()).horizontalAdvance("weights") + 2 * (INNER + frame)
        assert name_edit.width() >= need, f"{zoom:.0%}: {name_edit.width()} px < {need} px"
