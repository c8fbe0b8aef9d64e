"""A dialog that grows to show its table whole, within the screen (Help → Keyboard shortcuts)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QDialog, QStyle, QTableWidget, QWidget


class FittingDialog(QDialog):
    """A dialog that, when shown, grows to show its table whole within the screen's
    available area (what does not fit scrolls)."""

    def __init__(self, table: QTableWidget, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.table = table
        # A table wider than the screen scrolls by pixels, not by whole (wide) columns.
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # View → Zoom while the dialog is open: the columns follow their text, the dialog them.
        QGuiApplication.instance().fontChanged.connect(self._on_font_changed)

    def _on_font_changed(self, _font: object) -> None:
        QTimer.singleShot(0, self, self.fit)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.fit()

    def fit(self) -> None:
        """Size to the table's contents, at most 90 % of the screen; centred on it."""
        table = self.table
        table.resizeColumnsToContents()
        table.resizeRowsToContents()
        frame = 2 * table.frameWidth()
        bar = table.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        margins = self.layout().contentsMargins()
        want_w = (table.horizontalHeader().length() + frame + bar
                  + margins.left() + margins.right())
        want_h = (table.horizontalHeader().height() + table.verticalHeader().length() + frame
                  + bar + margins.top() + margins.bottom())
        screen = self.screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 720)
        width = min(want_w, int(area.width() * 0.9))
        height = min(want_h, int(area.height() * 0.9))
        self.resize(width, height)
        frame_geometry = self.frameGeometry()
        frame_geometry.moveCenter(area.center())
        self.move(frame_geometry.topLeft())
