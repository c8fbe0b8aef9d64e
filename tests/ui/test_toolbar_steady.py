"""Play turning to Pause leaves the toolbar as it was (t5 #15).

The checked button had a 2 px frame the others lacked, and "Pause" is longer than
"Play": the toolbar grew, the window content moved 4 px down, the toolbar's
buttons moved right.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication

from ui import theme


def layout_of(window: Any) -> dict[str, Any]:
    for _ in range(3):
        QApplication.processEvents()
    toolbar = window.toolbar
    play = toolbar.widgetForAction(window.action("actionPlay"))
    buttons = [toolbar.widgetForAction(a) for a in toolbar.actions()]
    return {"toolbar": toolbar.size().toTuple(), "play": play.size().toTuple(),
            "central_y": window.centralWidget().geometry().y(),
            "buttons": [b.geometry().getRect() for b in buttons if b is not None and b.isVisible()]}


def test_pause_keeps_the_toolbar_size(make_window: Any) -> None:
    window = make_window()
    window.resize(1280, 720)
    try:
        for zoom in (1.0, 2.0):
            theme.apply_zoom(zoom)
            window._on_controller_playing_changed(False)
            playing = window.action("actionPlay")
            before = layout_of(window)
            window._on_controller_playing_changed(True)  # what the controller's Play sends
            assert playing.isChecked() and playing.text() == "&Pause"
            assert layout_of(window) == before, f"{zoom:.0%}: the toolbar moved"
            window._on_controller_playing_changed(False)
            assert layout_of(window) == before
    finally:
        theme.apply_zoom(theme.DEFAULT_ZOOM)
