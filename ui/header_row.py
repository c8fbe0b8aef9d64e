"""Rows that keep to one line: two widget groups sharing a row when they fit, and a label
that elides.

The Lesson and Graph tabs live under the plots at 1280x720, where a row of height
is worth more than a row of width; at 200 % zoom the same widgets no longer fit
side by side and take a row each rather than clip or widen the window.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget


class HeaderRow(QWidget):
    """Two groups of widgets on one row when they fit the width, else one row each.

    Parameters
    ----------
    first, second:
        ``(widget, stretch)`` pairs, e.g. the lesson picker, then the step navigation.
        On a shared row the second group's stretches are dropped: the first takes
        the room.
    name:
        The object name (for style sheets and tests).
    """

    def __init__(self, first: Sequence[tuple[QWidget, int]], second: Sequence[tuple[QWidget, int]],
                 name: str = "headerRow", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._first, self._second = list(first), list(second)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(3)
        self._rows = (QHBoxLayout(), QHBoxLayout())
        for row in self._rows:
            box.addLayout(row)
        for widget, stretch in self._first:
            self._rows[0].addWidget(widget, stretch)
        for widget, stretch in self._second:
            self._rows[1].addWidget(widget, stretch)
        self.one_row = False

    def needed_width(self) -> int:
        """Width both groups need on a single row (their size hints plus the spacing)."""
        shown = [(w, s) for w, s in (*self._first, *self._second) if not w.isHidden()]
        spacing = max(0, self._rows[0].spacing())
        # A stretching widget that can shrink (an eliding label) counts at its minimum.
        need = sum(max(w.minimumSizeHint().width(), w.minimumWidth()) if s and w.sizePolicy()
                   .horizontalPolicy() == QSizePolicy.Policy.Ignored else w.sizeHint().width()
                   for w, s in shown)
        return need + spacing * max(0, len(shown) - 1) + 12

    def arrange(self, width: int | None = None) -> None:
        """One row if everything fits ``width`` (default: this widget's), else two."""
        one = (self.width() if width is None else width) >= self.needed_width()
        if one == self.one_row:
            return
        self.one_row = one
        target = self._rows[0] if one else self._rows[1]
        for widget, stretch in self._second:
            self._rows[0].removeWidget(widget)
            self._rows[1].removeWidget(widget)
            target.addWidget(widget, 0 if one else stretch)
        self.updateGeometry()

    def resizeEvent(self, event: object) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)  # type: ignore[arg-type]
        self.arrange()


class ElidedLabel(QLabel):
    """One line that elides at the end (``…``) when narrow, the whole text in its tooltip."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)
        self.set_full_text(text)

    def set_full_text(self, text: str) -> None:
        """Show ``text`` (elided to the width); :meth:`full_text` and the tooltip keep it all."""
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        """The text before eliding."""
        return self._full

    def minimumSizeHint(self) -> Any:  # noqa: N802 - Qt API
        hint = super().minimumSizeHint()
        hint.setWidth(self.minimumWidth())
        return hint

    def _elide(self) -> None:
        width = max(1, self.contentsRect().width())
        self.setText(QFontMetrics(self.font()).elidedText(self._full, Qt.TextElideMode.ElideRight, width))

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._elide()
