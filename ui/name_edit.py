"""A field for a tensor's name in the Model panel: never narrower than the name it holds."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLineEdit, QWidget

#: The most characters a name field asks room for (a longer name scrolls in its field).
NAME_CHARS = 12


class NameEdit(QLineEdit):
    """A QLineEdit whose least width is its text's (up to :data:`NAME_CHARS` characters) at
    the current font: at 200 % a fixed 110 px cap showed "weigh" for ``weights``."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.textChanged.connect(self.updateGeometry)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        hint = super().minimumSizeHint()
        metrics = self.fontMetrics()
        # QLineEdit's own size hint is 17 "x" plus its frame and margins: keep the extras.
        extras = super().sizeHint().width() - 17 * metrics.horizontalAdvance("x")
        text = (self.text() or self.placeholderText())[:NAME_CHARS]
        hint.setWidth(max(hint.width(), metrics.horizontalAdvance(text) + extras))
        return hint
