"""Keys that never destroy work: single-key shortcuts yield to the widget being typed in.

Qt offers every key to the focused widget first as a ``ShortcutOverride``; a
line edit claims printable keys, but a combo box, a spin box's arrows, a list
or a read-only field does not, so "r" over the presets list would Reset the run
and Space over a combo box would start auto-run. :class:`KeyGuard`, an
application event filter, claims every key without Ctrl/Alt/Meta for those
widgets, so the key goes to the widget (or nowhere) and no shortcut fires.
Space on a focused button (tabbed to, or a lesson's Next clicked) is Qt's
click, as in every desktop app, not Play/Pause; a letter there still runs its
command (a button types nothing). Ctrl+… and F-keys keep working everywhere.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton, QAbstractItemView, QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QListView,
    QPlainTextEdit, QTableView, QTextEdit, QWidget,
)

#: Widgets in which a bare key means "type" or "move", never "run a command".
TYPING_WIDGETS: tuple[type[QWidget], ...] = (
    QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox, QComboBox, QListView,
)
_COMMAND_MODIFIERS = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                      | Qt.KeyboardModifier.MetaModifier)


def is_bare_key(event: QKeyEvent) -> bool:
    """A key a single-key shortcut could use: a printable character or Space, no Ctrl/Alt/Meta."""
    if event.modifiers() & _COMMAND_MODIFIERS:
        return False
    return event.key() == Qt.Key.Key_Space or (bool(event.text()) and event.text().isprintable())


def types_into(widget: QWidget | None) -> bool:
    """Whether ``widget`` (the focus widget) takes bare keys as typing or moving.

    A table is not a list here: the tensor table is where a teacher clicks a row
    and goes on pressing F, B, S, Z; nor is a read-only text (the code log).
    """
    if widget is None:
        return False
    if isinstance(widget, QLineEdit | QTextEdit | QPlainTextEdit) and widget.isReadOnly():
        return False  # a code log or a tensor printout: nothing is typed there
    if isinstance(widget, QAbstractItemView) and not isinstance(widget, QListView):
        return isinstance(widget, QTableView) and widget.objectName() != "stateTable"
    return isinstance(widget, TYPING_WIDGETS)


def claims_key(widget: QWidget | None, event: QKeyEvent) -> bool:
    """Whether the focus ``widget`` gets the bare key ``event`` instead of a shortcut:
    typing widgets take every bare key, a button takes Space (its click)."""
    if not is_bare_key(event):
        return False
    if types_into(widget):
        return True
    return event.key() == Qt.Key.Key_Space and isinstance(widget, QAbstractButton)


class KeyGuard(QObject):
    """Install with ``QApplication.instance().installEventFilter(KeyGuard(window))``."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and claims_key(QApplication.focusWidget(), event):
            event.accept()  # "the widget wants this key": the shortcut does not fire
        return False


def install_key_guard(parent: QObject) -> KeyGuard:
    """A :class:`KeyGuard` on the application, removed when ``parent`` is destroyed."""
    guard = KeyGuard(parent)
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(guard)
    return guard
