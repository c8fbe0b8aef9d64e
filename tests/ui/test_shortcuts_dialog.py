"""Help → Keyboard shortcuts at 200 %: no key, command or PyTorch text cut (s6 item 14)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QFontMetrics, QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QTableWidget

from ui import theme

#: A cell's text needs its advance plus the item's margins (the style's focus frame).
CELL_MARGIN = 6


@pytest.fixture
def zoom_guard() -> Iterator[None]:
    yield
    theme.apply_zoom(theme.DEFAULT_ZOOM)


@pytest.mark.parametrize("zoom", [None, 2.0], ids=["default", "200%"])
def test_every_column_shows_its_text_and_the_dialog_fits_the_screen(
        make_window: Any, qtbot: Any, zoom_guard: None, zoom: float | None) -> None:
    window = make_window()
    window.show_shortcuts()
    dialog = window.findChild(QDialog, "shortcutsDialog")
    qtbot.waitExposed(dialog)
    theme.apply_zoom(zoom or theme.DEFAULT_ZOOM)  # zoomed with the dialog open (s6 did)
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(10)
    table = dialog.findChild(QTableWidget)
    metrics = QFontMetrics(table.font())
    assert table.font().pointSizeF() == pytest.approx(QGuiApplication.font().pointSizeF())
    for column in range(table.columnCount()):
        need = max(metrics.horizontalAdvance(table.item(r, column).text())
                   for r in range(table.rowCount())) + CELL_MARGIN
        assert table.columnWidth(column) >= need, (
            f"{table.horizontalHeaderItem(column).text()} cut: "
            f"{table.columnWidth(column)} < {need} px")
    area = (dialog.screen() or QGuiApplication.primaryScreen()).availableGeometry()
    assert dialog.frameGeometry().width() <= area.width()
    assert dialog.frameGeometry().height() <= area.height()
    # Whatever is wider or taller than the screen allows scrolls (nothing is cut off).
    viewport = table.viewport()
    shown_w = viewport.width() + table.horizontalScrollBar().maximum()
    assert shown_w >= table.horizontalHeader().length()
    dialog.close()


def test_every_row_says_what_its_key_does_and_reset_is_undoable(make_window: Any, qtbot: Any) -> None:
    """t5 #18: Ctrl+Q, Ctrl+0, F1 (and the tab keys) had no description; Reset said
    "history cleared" although Ctrl+Z brings the run back."""
    window = make_window()
    window.show_shortcuts()
    dialog = window.findChild(QDialog, "shortcutsDialog")
    table = dialog.findChild(QTableWidget)
    rows = [[table.item(r, c).text() for c in range(3)] for r in range(table.rowCount())]
    empty = [key for key, _, what in rows if not what.strip()]
    assert not empty, f"rows without a description: {empty}"
    reset = next(what for _, command, what in rows if command == "Reset")
    assert "cleared" not in reset and "Ctrl+Z" in reset, reset
    dialog.close()
