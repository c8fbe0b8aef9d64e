"""Small helpers the window tests share."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication


def settle(qtbot: Any) -> None:
    """Let the deferred relayouts (legend, budget, banner, lesson pane) run."""
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(5)


def in_view(widget: Any) -> int:
    """How many of ``widget``'s rows of pixels are on screen (not scrolled or clipped away)."""
    return widget.visibleRegion().boundingRect().height() if widget.isVisible() else 0
