"""The mouse wheel scrolls a panel; it changes a combo or spin box only when that box has the keyboard.

A QComboBox or QSpinBox takes every wheel turn that passes over it, and its default
focus policy (Qt.WheelFocus) even gives it the keyboard on the first turn. In the
model panel a teacher scrolling down to the Optimizer block changed the "zero_grad"
box that slid under the pointer (u1 trial #8), and the next Apply used a setting
nobody chose. Guarded boxes take the keyboard only by a click or Tab
(Qt.StrongFocus), and a wheel turn over an unfocused one is left unaccepted, so Qt
passes it on to the parent: the scroll area scrolls.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QWidget


class WheelGuard(QObject):
    """Event filter: a wheel event over an unfocused widget goes on to its parent."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if (event.type() == QEvent.Type.Wheel and isinstance(watched, QWidget)
                and not watched.hasFocus()):
            event.ignore()  # not accepted: Qt offers it to the parent (the scroll area)
            return True  # and the box itself never sees it
        return False


def guard_wheel(root: QWidget) -> WheelGuard:
    """Guard every combo and spin box under ``root`` (the guard lives as long as ``root``)."""
    guard = getattr(root, "_wheel_guard", None)
    if guard is None:
        guard = WheelGuard(root)
        root._wheel_guard = guard  # type: ignore[attr-defined]  # one guard per root
    for box in root.findChildren(QComboBox) + root.findChildren(QAbstractSpinBox):
        box.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        box.removeEventFilter(guard)  # installed once, even when guarded again
        box.installEventFilter(guard)
    return guard
