"""A one-line label that says less rather than cut a word: the longest of its wordings that fits.

At 200 % zoom the Graph tab's heading read "gradient flo…" and its freed-graph note
took two lines (u1 trial #2). Each of those has shorter wordings that still say the
point ("gradient flows ←"); this label shows the longest that fits its width, the
whole text in its tooltip, and wraps the shortest (at spaces) only when even that
does not fit. It never elides.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class ShortLabel(QLabel):
    """Shows the longest of ``wordings`` that fits on one line; the first is the whole text.

    Parameters
    ----------
    wordings:
        From the whole text to the shortest, each complete in itself.
    tip:
        The tooltip (default: the whole text).
    """

    def __init__(self, wordings: Sequence[str] = ("",), tip: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._wordings: list[str] = [""]
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.set_wordings(wordings, tip)

    def set_wordings(self, wordings: Sequence[str], tip: str | None = None) -> None:
        """New wordings, longest first; the tooltip is ``tip`` or the whole text."""
        self._wordings = [w for w in wordings if w] or [""]
        self.setToolTip(self._wordings[0] if tip is None else tip)
        self._choose()

    def set_full_text(self, text: str) -> None:
        """Only one wording: ``text`` (wrapped at spaces when it does not fit)."""
        self.set_wordings([text])

    def full_text(self) -> str:
        """The whole text (the first wording)."""
        return self._wordings[0]

    def wordings(self) -> list[str]:
        """All the wordings, longest first."""
        return list(self._wordings)

    def minimumSizeHint(self) -> Any:  # noqa: N802 - Qt API
        hint = super().minimumSizeHint()
        words = self._wordings[-1].split()
        longest = max((QFontMetrics(self.font()).horizontalAdvance(w) for w in words), default=0)
        hint.setWidth(longest + self.contentsMargins().left() + self.contentsMargins().right())
        return hint

    def _choose(self) -> None:
        width = max(1, self.contentsRect().width())
        metrics = QFontMetrics(self.font())
        fits = [w for w in self._wordings if metrics.horizontalAdvance(w) <= width]
        text = fits[0] if fits else self._wordings[-1]
        wrap = not fits
        if self.wordWrap() != wrap:
            self.setWordWrap(wrap)
        if self.text() != text:
            self.setText(text)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._choose()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._choose()
