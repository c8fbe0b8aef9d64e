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


def press(window: Any, qtbot: Any, *keys: Any) -> None:
    """Type ``keys`` into the active ``window``: a key, or a (key, modifiers) pair."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # window shortcuts need the active window
    for key in keys:
        if isinstance(key, tuple):
            qtbot.keyClick(window, key[0], key[1])
        else:
            qtbot.keyClick(window, key)
