"""The lesson's keys at window level, so they work while the Lesson tab is not shown.

The Lesson panel binds its own keys (Alt+→/← anywhere; PageDown/PageUp, the
scroll keys and Return inside the panel), but a Qt shortcut on a hidden widget
never fires: with another tab in front, or in presentation mode (the tabs give
way to the caption), the lesson could not be moved on. :class:`LessonKeys`
puts the same keys on the window, each enabled only while the panel's own
cannot fire (two enabled shortcuts on one key would both be ambiguous and
neither would run):

* Alt+→ / Alt+← (next, back): whenever the panel is hidden.
* In presentation mode, also PageDown / PageUp (a presenter's clicker sends
  them), Alt+↓/↑ and Shift+PageDown/PageUp (scroll the caption) and Return
  (reveal): unless the focus is in the panel, and Return not while the focus
  is in a field one types into.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QWidget

from ui.keys import types_into

#: Keys a lesson moves on with anywhere (the panel's own fire while it shows).
ANYWHERE = {"Alt+Right": "next", "Alt+Left": "back"}
#: Keys the panel takes only with the focus inside it; in presentation mode, window-wide.
PRESENTING = {"PgDown": "next", "PgUp": "back", "Alt+Down": "down", "Shift+PgDown": "down",
              "Alt+Up": "up", "Shift+PgUp": "up", "Return": "reveal", "Enter": "reveal"}


class LessonKeys(QObject):
    """Window-level twins of the Lesson panel's keys (see the module docstring).

    ``scroll(pages)`` scrolls whatever shows the lesson in presentation mode
    (the caption); ``after()`` runs after every key (refresh the caption).
    """

    def __init__(self, window: QWidget, panel: Any, scroll: Callable[[float], None],
                 after: Callable[[], None]) -> None:
        super().__init__(window)
        self.window, self.panel, self._scroll, self._after = window, panel, scroll, after
        self.presenting = False
        self.shortcuts: dict[str, QShortcut] = {}
        for key, command in {**ANYWHERE, **PRESENTING}.items():
            shortcut = QShortcut(QKeySequence(key), window)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(lambda c=command: self.run(c))
            self.shortcuts[key] = shortcut
        panel.installEventFilter(self)  # shown or hidden: which set of keys is live
        QApplication.instance().focusChanged.connect(self._on_focus_changed)
        self.sync()

    def set_presenting(self, on: bool) -> None:
        """Presentation mode entered (True) or left (False)."""
        self.presenting = on
        self._release_hidden_focus()
        self.sync()

    def _release_hidden_focus(self) -> None:
        """A step puts the focus in the prediction field even with the panel hidden; a hidden
        field would then swallow F, B, S... (they are typing there): the window takes it."""
        focus = QApplication.focusWidget()
        if focus is not None and not focus.isVisible() and self.window.isAncestorOf(focus):
            self.window.setFocus(Qt.FocusReason.OtherFocusReason)

    def run(self, command: str) -> None:
        """One lesson command, as the panel's own key would run it."""
        if command in ("down", "up"):
            self._scroll(1 if command == "down" else -1)
            return
        slot = {"next": self.panel.next_step, "back": self.panel.back,
                "reveal": self.panel.reveal}[command]
        if command == "next" and self.presenting and getattr(self.panel, "is_done", bool)():
            # Full screen has no "Lesson N ▶" button: a presenter's clicker goes on to the
            # next lesson (t5 trial). Elsewhere an extra Next at the end changes nothing.
            slot = self.panel.start_next_lesson
        slot()
        self._release_hidden_focus()
        self._after()

    def sync(self) -> None:
        """Enable each key exactly when the panel's own twin cannot fire."""
        panel_shown = self.panel.isVisible()
        focus = QApplication.focusWidget()
        focus_in_panel = focus is not None and (focus is self.panel or self.panel.isAncestorOf(focus))
        for key, shortcut in self.shortcuts.items():
            if key in ANYWHERE:
                on = not panel_shown
            else:
                on = self.presenting and not (panel_shown and focus_in_panel)
                if PRESENTING[key] == "reveal":
                    on = on and not (types_into(focus) and focus.isVisible())
            shortcut.setEnabled(on)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in (QEvent.Type.Show, QEvent.Type.Hide):
            self.sync()
        return False

    def _on_focus_changed(self, _old: QWidget | None, _new: QWidget | None) -> None:
        if self.presenting:
            self.sync()
