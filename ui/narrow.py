"""Panels that fit a narrow dock at any zoom: text wraps or elides, nothing scrolls sideways.

At 200 % zoom on a 1024x768 projector the model dock is about 300 px wide,
room for some 20 characters a line. A side panel that scrolled sideways there
cut its headings and hid the ends of its fields, so instead:

- labels wrap (headings included);
- combo boxes ask for a few characters only and show the current item elided
  at the end, with the whole of it in the tooltip;
- form rows put a field under its label when both do not fit side by side;
- :class:`PanelScroll` never shows a horizontal scroll bar: its minimum width
  follows the panel's own minimum, so the dock cannot be made narrower than
  what the panel can show, and the panel scrolls vertically only.

``tests/ui/test_zoom_fit.py`` checks it at 100 % to 200 %.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QFontMetricsF, QGuiApplication, QMouseEvent, QPaintEvent
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QProxyStyle, QPushButton, QScrollArea,
    QSizePolicy, QStyle, QStyleOptionComboBox, QStylePainter, QToolBar, QToolButton, QWidget,
)

from ui import theme

#: Characters a combo box asks room for; longer items elide (their tooltip has them whole).
COMBO_CHARS = 8


class ElidingCombo(QComboBox):
    """A combo box that needs little width: the current item elides, the tooltip has it whole."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(COMBO_CHARS)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._own_tip = ""
        self.currentTextChanged.connect(self._update_tip)

    def setToolTip(self, text: str) -> None:  # noqa: N802 - Qt API
        """The combo's own tooltip; the current item is added to it while it is elided."""
        self._own_tip = text
        self._update_tip()

    def shown_text(self) -> str:
        """The current item as painted: elided at the end when the box is too narrow."""
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        field = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, self)
        return self.fontMetrics().elidedText(
            self.currentText(), Qt.TextElideMode.ElideRight, max(0, field.width() - 4))

    def is_elided(self) -> bool:
        """Whether the current item is shown shortened."""
        return self.shown_text() != self.currentText()

    def _update_tip(self, *_args: object) -> None:
        tip = self._own_tip
        if self.is_elided():
            tip = f"{self.currentText()}\n{tip}" if tip else self.currentText()
        super().setToolTip(tip)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        option.currentText = self.shown_text()
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)
        painter.end()

    def resizeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._update_tip()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._update_tip()


class _ClickToggles(QObject):
    """A click on the label beside a check box toggles the box, as a click on its own text would."""

    def __init__(self, check: QCheckBox) -> None:
        super().__init__(check)
        self.check = check

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if (event.type() == QEvent.Type.MouseButtonRelease and self.check.isEnabled()
                and isinstance(event, QMouseEvent) and event.button() == Qt.MouseButton.LeftButton):
            self.check.toggle()
            return True
        return False


def wrapped_check(check: QCheckBox, text: str) -> QWidget:
    """``check`` with ``text`` beside it in a label that wraps (a QCheckBox's own text never does).

    The box keeps ``text`` as its accessible name; a click on the label toggles it.
    """
    row = QWidget()
    row.setObjectName(f"{check.objectName()}Row")
    check.setText("")
    check.setAccessibleName(text)
    label = QLabel(text)
    label.setObjectName(f"{check.objectName()}Label")
    label.setWordWrap(True)
    label.installEventFilter(_ClickToggles(check))
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(check, 0, Qt.AlignmentFlag.AlignTop)
    layout.addWidget(label, 1)
    return row


class ShortButton(QPushButton):
    """A push button that shows its short text when the long one does not fit (both in the tooltip)."""

    def __init__(self, long_text: str, short_text: str, parent: QWidget | None = None) -> None:
        super().__init__(short_text, parent)
        self.long_text, self.short_text = long_text, short_text
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def _fits(self, text: str) -> bool:
        # The style adds padding around the text: compare with the size hint it asks for.
        needed = self.fontMetrics().horizontalAdvance(text) + (
            super().sizeHint().width() - self.fontMetrics().horizontalAdvance(self.text()))
        return needed <= self.width()

    def resizeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self.setText(self.long_text if self._fits(self.long_text) else self.short_text)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        hint = super().minimumSizeHint()
        extra = hint.width() - self.fontMetrics().horizontalAdvance(self.text())
        return QSize(self.fontMetrics().horizontalAdvance(self.short_text) + extra, hint.height())


def fit_to_width(root: QWidget) -> None:
    """Make ``root``'s labels wrap and its form rows wrap (see the module docstring).

    Call it again after adding rows: it only changes what is not yet set.
    """
    for label in root.findChildren(QLabel):
        if not label.wordWrap() and label.textFormat() != Qt.TextFormat.RichText:
            label.setWordWrap(True)
    for form in root.findChildren(QFormLayout):
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)


class PanelScroll(QScrollArea):
    """A dock's scroll area: vertical scrolling only; never narrower than its panel's minimum."""

    def __init__(self, panel: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{panel.objectName() or 'panel'}Scroll")
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(panel)
        panel.installEventFilter(self)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        """The panel's minimum width (with room for the vertical bar); any height."""
        panel = self.widget()
        bar = self.verticalScrollBar().sizeHint().width()
        width = (panel.minimumSizeHint().width() if panel is not None else 0) + bar
        margins = self.contentsMargins()
        return QSize(width + margins.left() + margins.right(), super().minimumSizeHint().height())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        # The panel's minimum changes with the zoom and with rows added: ask the dock again.
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return False


class _ToolbarStyle(QProxyStyle):
    """The toolbar's overflow button ("»") as big as its text: Qt's is 12 px at any zoom."""

    def __init__(self, toolbar: QToolBar) -> None:
        super().__init__()
        self.setParent(toolbar)  # owned by the toolbar: not collected while in use, gone with it
        self.toolbar = toolbar
        theme.changes.theme_changed.connect(self.relayout)

    def relayout(self) -> None:
        """The extent changed with the font: the toolbar's layout caches sizes until told."""
        self.toolbar.layout().invalidate()
        self.toolbar.updateGeometry()

    def pixelMetric(self, metric: QStyle.PixelMetric, option: Any = None,  # noqa: N802 - Qt API
                    widget: Any = None) -> int:
        if metric == QStyle.PixelMetric.PM_ToolBarExtensionExtent:
            return round(QFontMetricsF(QGuiApplication.font()).height() * EXTENSION_EMS)
        return super().pixelMetric(metric, option, widget)


#: Width of the toolbar's overflow button, in lines of the application font.
EXTENSION_EMS = 1.4


def fit_toolbar(toolbar: QToolBar) -> None:
    """Items that do not fit go to the overflow menu behind a "»" button one can see and hit.

    Qt moves toolbar items that do not fit behind its extension button; the
    window never widens for them. The button's size comes from the style, so a
    proxy style makes it grow with the zoom, and it shows "»" in the body font.
    """
    toolbar.setStyle(_ToolbarStyle(toolbar))
    for button in toolbar.findChildren(QToolButton, "qt_toolbar_ext_button"):
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setText("»")
        button.setToolTip("More of the toolbar")
        button.setAccessibleName("More of the toolbar")
