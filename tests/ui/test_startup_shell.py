"""The start-up shell's menus and colours (ui/startup.py), before the window is built.

The shell is what ``ui.app`` shows from the first paint while the panels are built
and PyTorch loads (several seconds): it has the window's real menu bar, whose menus
open meanwhile; what cannot work yet is grey and says until when; Quit quits at once.
Its colours are the light or dark scheme's. On a real X display the same is checked
by ``test_startup_paint.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QTableWidget

from tests.ui.conftest import DEFAULT_MODEL


@pytest.fixture
def shell(qtbot: Any, qapp: QApplication) -> Iterator[Any]:
    """A window as ``ui.app.main`` opens it: the loading shell, its build not started."""
    from ui import theme
    from ui.startup import open_window
    from ui.window_layout import forget_layout

    qapp.setStyleSheet(theme.style_sheet())
    forget_layout()
    window = open_window()

    def finish(w: Any) -> None:
        w.build.finish()
        if not getattr(w.build, "abandoned", False):  # (a shell closed by the test)
            w.controller.pause()
            w.run_file.discard()  # never ask "save the run?" in a teardown

    qtbot.addWidget(window, before_close_func=finish)
    qtbot.waitExposed(window)
    yield window
    finish(window)
    window.close()


def _menus(window: Any) -> dict[str, QMenu]:
    return {a.text(): a.menu() for a in window.menuBar().actions() if a.menu() is not None}


def _entries(menu: QMenu) -> list[str]:
    return [a.text() for a in menu.actions()]


def test_the_shell_has_the_built_windows_menu_bar_from_the_start(shell: Any, make_window: Any) -> None:
    assert not shell.build.done and shell.centralWidget().objectName() == "startupShell"
    built = make_window(None)
    shell_menus, built_menus = _menus(shell), _menus(built)
    # The same titles in the same places: nothing moves when the window is built.
    assert list(shell_menus) == list(built_menus) == ["&File", "&Edit", "&Loop", "&View", "&Help"]
    assert shell.menuBar().isVisible() and shell.menuBar().height() > 0
    for title, menu in shell_menus.items():
        entries = _entries(built_menus[title])
        if title == "&View":  # the model dock's own show/hide entry comes with the dock
            entries.remove("&Model panel")
        assert _entries(menu) == entries, title
    for title, menu in _menus(built).items():
        assert all(a.isEnabled() for a in menu.actions() if a.text() in
                   {"&Quit", "&Keyboard shortcuts", "Zoom &in"}), title


def test_a_menu_opens_while_loading_and_quit_closes_the_shell_at_once(shell: Any, qtbot: Any) -> None:
    bar = shell.menuBar()
    file_action = bar.actions()[0]
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(file_action).center())
    menu = file_action.menu()
    qtbot.waitUntil(menu.isVisible)
    assert not shell.build.done  # still the shell: the menu opened before the window was built
    # Greyed entries are never hovered: the status bar and the entries' tooltips say why.
    note = shell.gate.label
    assert note.isVisible() and note.text() == "Greyed entries are available when PyTorch has loaded."
    assert menu.toolTipsVisible()
    quit_action = next(a for a in menu.actions() if a.objectName() == "actionQuit")
    assert quit_action.isEnabled()
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(quit_action).center())
    qtbot.waitUntil(lambda: not shell.isVisible())
    assert not note.isVisible()
    assert shell.build.abandoned and not hasattr(shell, "plots")


def test_what_cannot_work_yet_is_grey_and_says_until_when(shell: Any) -> None:
    from playground.session import Session
    from ui.actions import NEEDS_TORCH_NOTE, NEEDS_WINDOW_NOTE

    open_session, presentation = shell.action("actionOpenSession"), shell.action("actionPresentation")
    forward, undo = shell.action("actionForward"), shell.action("actionUndo")
    tips = open_session.statusTip(), open_session.toolTip()
    assert shell.action("actionZoomIn").isEnabled() and shell.action("actionShortcuts").isEnabled()
    assert not open_session.isEnabled() and not forward.isEnabled()
    assert open_session.statusTip().endswith(NEEDS_TORCH_NOTE)
    assert NEEDS_TORCH_NOTE in open_session.toolTip()
    assert not presentation.isEnabled() and presentation.statusTip().endswith(NEEDS_WINDOW_NOTE)
    assert not shell.recent_menus["session"].menuAction().isEnabled()  # a recent file needs torch
    shell.build.finish()
    # The window is built (PyTorch not yet): what needs only the window works now.
    assert presentation.isEnabled() and NEEDS_WINDOW_NOTE not in presentation.statusTip()
    assert not open_session.isEnabled() and not forward.isEnabled()
    shell.set_session(Session(**DEFAULT_MODEL))
    assert open_session.isEnabled() and forward.isEnabled()
    assert (open_session.statusTip(), open_session.toolTip()) != tips
    assert NEEDS_TORCH_NOTE not in open_session.statusTip() + open_session.toolTip()
    assert not undo.isEnabled()  # the window's own state after that: nothing to undo yet
    assert shell.recent_menus["session"].menuAction().isEnabled()
    assert not shell.recent_menus["session"].toolTipsVisible()  # as in a window built at once
    assert shell.gate.note() == ""


def test_help_and_zoom_work_in_the_shell(shell: Any, qtbot: Any) -> None:
    from ui import theme

    shell.action("actionShortcuts").trigger()
    dialog = shell.findChild(QDialog, "shortcutsDialog")
    assert dialog is not None and dialog.isVisible()
    table = dialog.findChild(QTableWidget, "shortcutsTable")
    rows = [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]
    assert ("Ctrl+Q", "Quit") in rows and ("Ctrl+Shift+M", "Model panel") in rows
    dialog.close()
    zoom = theme.current_zoom()
    title = shell.build.shell.title
    before = title.font().pointSizeF()
    try:
        shell.action("actionZoomIn").trigger()
        assert theme.current_zoom() == pytest.approx(zoom * theme.ZOOM_STEP)
        # The shell's heading follows the new application font (twice its size).
        assert title.font().pointSizeF() == pytest.approx(2 * QApplication.font().pointSizeF())
        assert title.font().pointSizeF() > before
    finally:
        theme.apply_zoom(zoom)
    assert not shell.build.done  # all of it while still the shell


def _share(image: QImage, colour: str, tolerance: int = 12) -> float:
    """The share of ``image``'s pixels within ``tolerance`` of ``colour`` in every channel."""
    target = QColor(colour)
    hits = total = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            c = image.pixelColor(x, y)
            total += 1
            hits += all(abs(a - b) <= tolerance for a, b in (
                (c.red(), target.red()), (c.green(), target.green()), (c.blue(), target.blue())))
    return hits / max(1, total)


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_the_shell_has_the_schemes_colours(scheme: str, qtbot: Any, qapp: QApplication) -> None:
    from ui import theme
    from ui.startup import open_window

    theme.set_scheme(scheme)
    try:
        window = open_window()
        qtbot.addWidget(window, before_close_func=lambda w: w.build.abandon())
        qtbot.waitExposed(window)
        shell = window.build.shell
        colours = theme.SCHEMES[scheme]
        assert _share(shell.grab().toImage(), colours["bg"], tolerance=2) > 0.8
        # The phases in the scheme's colours: on dark, the light scheme's blue is too dark to read.
        phases = shell.phases.grab().toImage()
        forward = theme.DARK_CURVE_COLOURS[0] if scheme == "dark" else theme.PHASE_COLOURS["forward"]
        other = theme.PHASE_COLOURS["forward"] if scheme == "dark" else theme.DARK_CURVE_COLOURS[0]
        assert _share(phases, forward, tolerance=8) > 0.003
        assert _share(phases, other, tolerance=8) == 0
        assert _share(shell.title.grab().toImage(), colours["fg"], tolerance=8) > 0.01
        # The menu bar too: dark on dark, light on light (its mean brightness).
        bar = window.menuBar().grab().toImage()
        light = sum(QColor(bar.pixel(x, bar.height() // 2)).lightness() for x in range(bar.width()))
        mean = light / bar.width()
        assert (mean < 90) if scheme == "dark" else (mean > 180), mean
        # A switch of the system's scheme while loading restyles the shell too.
        flipped = "light" if scheme == "dark" else "dark"
        theme.set_scheme(flipped)
        assert _share(shell.grab().toImage(), theme.SCHEMES[flipped]["bg"], tolerance=2) > 0.8
    finally:
        theme.set_scheme(None)
        qapp.setStyleSheet(theme.style_sheet())
