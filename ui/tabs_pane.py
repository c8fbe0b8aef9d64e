"""The tabs under the plots with the message strip at their foot (t5 trial #9).

A banner at the top of the window pushed everything under it 40-60 px down
when it came and back up when it went, so a click aimed at a field landed on
something else. Here the strip sits under the tabs, inside the splitter's lower
pane, and takes its room from the tabs alone: the phase strip, the buttons, the
plots, the timeline, the tab bar and a tab's top-aligned content keep their
places whether a message shows or not; only the tabs' lower edge rises (their
content scrolls). The splitter never sees the strip: the pane's own minimum
stays 1 px, so showing a message never resizes the plots.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QVBoxLayout, QWidget


class TabsPane(QWidget):
    """``tabs`` over ``banner_area``; hidden only while both are (presentation mode hides the tabs)."""

    def __init__(self, tabs: QWidget, banner_area: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tabsPane")
        self.tabs, self.banner_area = tabs, banner_area
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(tabs, 1)
        layout.addWidget(banner_area)
        # Explicit, so the splitter ignores the minimum the strip's height would add: the
        # room a message takes comes out of the tabs, never out of the plots above.
        self.setMinimumHeight(1)
        tabs.installEventFilter(self)
        banner_area.installEventFilter(self)
        self._banner = getattr(banner_area, "banner", None)
        if self._banner is not None:
            self._banner.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in (QEvent.Type.ShowToParent, QEvent.Type.HideToParent):
            if watched is self._banner:
                self.banner_area.fit()  # now: a message is on screen as soon as it is shown
            else:
                self.follow()
        return False

    def follow(self) -> None:
        """Show the pane while the tabs or a message are shown, hide it when neither is."""
        wanted = not (self.tabs.isHidden() and self.banner_area.isHidden())
        if wanted != (not self.isHidden()):
            self.setVisible(wanted)

    def banner_limit(self) -> int:
        """The most height the strip may take: half the pane while the tabs show (it scrolls
        beyond), at least a line of text; no limit of its own while the tabs are hidden."""
        if self.tabs.isHidden() or self.height() <= 1:
            return 1 << 20
        line = self.banner_area.fontMetrics().lineSpacing()
        return max(line + 24, self.height() // 2)
