"""The Lesson tab's pieces: its keys, style, label and button makers and the lesson list.

Shared by :mod:`ui.lesson_view` (the panel) and :mod:`ui.lesson_build` (how it is
laid out). No torch here.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QPaintEvent
from PySide6.QtWidgets import (QComboBox, QLabel, QPushButton, QStyle, QStyleOptionComboBox,
                               QStylePainter, QWidget)

#: The narration is projected to a room: at least 1.3 times the application font.
NARRATION_SCALE = 1.3
NEXT_KEYS, BACK_KEYS = ("Alt+Right", "PgDown"), ("Alt+Left", "PgUp")
#: Scroll the step's text (PageDown/PageUp stay Next/Back): in the panel, or anywhere
#: in the window while the Lesson tab shows.
SCROLL_DOWN_KEYS, SCROLL_UP_KEYS = ("Alt+Down", "Shift+PgDown"), ("Alt+Up", "Shift+PgUp")
#: (key, command, what it does) rows for Help → Keyboard shortcuts.
LESSON_KEY_ROWS = (
    ("Alt+Right", "Lesson: next step", "reveal the answer, then the next step (anywhere; presenting, at the end: the next lesson)"),
    ("PgDown", "Lesson: next step", "in the Lesson tab"),
    ("Alt+Left", "Lesson: back", "one step back (anywhere)"),
    ("PgUp", "Lesson: back", "in the Lesson tab"),
    ("Alt+Down", "Lesson: scroll down", "in the Lesson tab (also Shift+PgDown)"),
    ("Alt+Up", "Lesson: scroll up", "in the Lesson tab (also Shift+PgUp)"),
    ("Return", "Lesson: reveal", "in the prediction field"),
    ("Return", "Lesson: start", "in the lesson list (Ctrl+5), the lesson chosen there"),
)
#: The question stays above the scrolling text (always in view) while the header and it
#: take at most this share of the pane; taller (200 % zoom), it scrolls with the text.
PIN_SHARE = 0.45

LESSON_STYLE = """
QLabel#lessonNotice, QLabel#lessonQuestion, QLabel#lessonAnswer, QLabel#lessonRefused {
    border-radius: 8px; padding: 0px 8px; border: 2px solid; }
QLabel#lessonNotice[kind="error"] { color: #A30000; background: #fde9dc; border-color: #D55E00;
    font-weight: bold; }
QLabel#lessonNotice[kind="info"] { color: #222222; background: #e3f1fa; border-color: #56B4E9; }
QLabel#lessonQuestion { background: #fff6d5; border-color: #E69F00; }
QLabel#lessonAnswer { background: #e6f4ee; border-color: #009E73; }
QLabel#lessonRefused { background: #e3f1fa; border-color: #0072B2; }
QLabel#lessonCode { background: #f5f5f5; color: #222222; border-radius: 6px; padding: 4px 10px; }
QLabel#lessonDescription, QLabel#lessonCodeHeading { color: #555555; }
QLabel#lessonComplete { color: #00704F; font-weight: bold; }
QPushButton[role="lessonNav"] { padding: 3px 12px; font-weight: bold; }
"""


def lesson_label(name: str, *, rich: bool = False) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def lesson_button(text: str, name: str, slot: Any) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.clicked.connect(slot)
    return button


class LessonCombo(QComboBox):
    """The lesson list: Enter on it (closed) emits ``return_pressed`` (start that lesson).

    Squeezed by the step's header ("✔ Done", "Lesson 11 ▶"), the chosen title ends in "…"
    rather than being cut mid-word (u1 trial: "10. A one-layer model with a"); the whole
    title is in the tooltip.
    """

    return_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currentIndexChanged.connect(lambda _i: self.setToolTip(self.currentText()))

    def _option(self) -> QStyleOptionComboBox:
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        return option

    def shown_text(self) -> str:
        """The chosen title as drawn: elided to the combo's text field."""
        option = self._option()
        field = self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                            QStyle.SubControl.SC_ComboBoxEditField, self)
        return self.fontMetrics().elidedText(self.currentText(), Qt.TextElideMode.ElideRight,
                                             max(0, field.width()))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QStylePainter(self)
        option = self._option()
        option.currentText = self.shown_text()
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
                event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            self.return_pressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)
