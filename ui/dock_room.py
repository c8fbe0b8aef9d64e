"""The model panel gives way to a roomy tab that is short of room (200 % zoom on 720 px).

At 1280x720 and 200 % the Lesson tab under the plots is only a few lines high,
and the model dock takes a third of the width: a question and its answer wrap to
three lines each, and "PyTorch says" falls below the fold (u1 trial #1). The
lesson drives the model itself, so while a roomy tab (Lesson, Graph, …) is open
and the window's height budget is short, the docked model panel steps aside and
the tab gets the whole width: its text wraps to fewer lines. It comes back as
soon as the tab or the zoom changes, and whenever the user shows it
(Ctrl+Shift+M, Ctrl+M, View menu): a panel the user asked for is never hidden
again until the situation changes. A panel the user hid stays hidden.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDockWidget


class DockRoom(QObject):
    """Hides ``dock`` while room is short and shows it again once it is not.

    Parameters
    ----------
    dock:
        The model panel's dock widget.
    """

    def __init__(self, dock: QDockWidget) -> None:
        super().__init__(dock)
        self.dock = dock
        #: The dock is hidden because room was short (not because the user hid it).
        self.gave_way = False
        #: The user showed the dock while it had given way: keep it until ``short`` ends.
        self.pinned = False
        self._own = False  # the visibility change under way is ours, not the user's
        dock.visibilityChanged.connect(self._on_visibility)

    def _on_visibility(self, visible: bool) -> None:
        if self._own or not visible:
            return
        if self.gave_way:  # shown by the user (a key, the View menu): it stays
            self.gave_way, self.pinned = False, True

    def _set_visible(self, visible: bool) -> None:
        self._own = True
        try:
            self.dock.setVisible(visible)
        finally:
            self._own = False

    def update(self, short: bool) -> bool:
        """Give way while ``short`` (a roomy tab without its room), come back once not.

        Returns whether the dock's visibility changed (the caller budgets again).
        """
        if not short:
            self.pinned = False
            return self.release()
        if self.gave_way or self.pinned or self.dock.isFloating() or self.dock.isHidden():
            return False
        self.gave_way = True
        self._set_visible(False)
        return True

    def release(self) -> bool:
        """Show the dock again if it gave way (before the window's layout is saved)."""
        if not self.gave_way:
            return False
        self.gave_way = False
        self._set_visible(True)
        return True
