"""The Code tab: every press as the PyTorch a user would type, latest lines highlighted."""

from __future__ import annotations

import keyword
from typing import Any

from PySide6.QtCore import QRegularExpression, QSize, Signal
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ui import theme
from ui.session_view import SessionView

LATEST = QColor("#FFF1B8")  # the lines of the last action
_RULES: tuple[tuple[str, str, bool], ...] = (
    (r"\b(" + "|".join(keyword.kwlist) + r")\b", "#8E3A96", True),
    (r"\b(torch|F|optimizer)\b", "#0B5FA5", False),
    (r"\b\d+(\.\d*)?([eE][-+]?\d+)?\b", "#0B7A3E", False),
    (r"\.(backward|step|zero_grad|zero_|requires_grad_|retain_grad)\b", "#C2410C", True),
    (r"#[^\n]*", "#6B6B6B", False),
)


class PythonHighlighter(QSyntaxHighlighter):
    """Just enough colour to tell keywords, torch, numbers and the loop's calls apart."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._rules = []
        for pattern, colour, bold in _RULES:
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(colour))
            if bold:
                fmt.setFontWeight(700)
            self._rules.append((QRegularExpression(pattern), fmt))

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt API
        for expression, fmt in self._rules:
            matches = expression.globalMatch(text)
            while matches.hasNext():
                match = matches.next()
                self.setFormat(match.capturedStart(), match.capturedLength(), fmt)


class _CodeEditor(QPlainTextEdit):
    """The script view; it asks for no more height than its minimum.

    The Code tab sits in a scroll area that sizes the page by its preferred height
    for the width (the caption wraps): a preferred 192 px editor made the page
    taller than the tab at 200 %, so the latest press, scrolled into the editor's
    view, sat in the part of the page cut off below. Any room there is still goes
    to the editor (it stretches).
    """

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        hint = super().sizeHint()
        return QSize(hint.width(), self.minimumSizeHint().height())


class CodePanel(SessionView):
    """Set-up lines, then one group of lines per action, as the user pressed them.

    Signals
    -------
    export_requested:
        The "Export script…" button was pressed (the window writes the file).
    """

    export_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("codePanel")
        self.editor = _CodeEditor()
        self.editor.setObjectName("codeEditor")
        self.editor.setReadOnly(True)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.setFont(theme.monospace_font())
        self.highlighter = PythonHighlighter(self.editor.document())
        # Short, so it stays one line at 200 % (two lines took a line of code from the tab).
        self.caption = QLabel("Every press; the latest highlighted.")
        self.caption.setToolTip("The PyTorch code of every press; the latest is highlighted.")
        self.caption.setWordWrap(True)
        copy = QPushButton("Copy")
        copy.setToolTip("Copy the whole script to the clipboard")
        copy.clicked.connect(self.copy_to_clipboard)
        export = QPushButton("Export script…")
        export.setToolTip("Save it as a runnable .py  [Ctrl+E]")
        export.clicked.connect(self.export_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.caption, 1)
        buttons.addWidget(copy)
        buttons.addWidget(export)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.editor, 1)
        self.latest_lines: list[str] = []
        self.refresh()
        # The zoom re-polishes the editor back to its first font: set the zoomed one again.
        theme.changes.theme_changed.connect(self._on_theme_changed)

    def _on_theme_changed(self) -> None:
        self.editor.setFont(theme.monospace_font())

    def refresh(self) -> None:
        """Show the session's code and highlight the newest action's lines."""
        self.editor.setFont(theme.monospace_font())
        if self.session is None:
            self.editor.setPlainText("# No session yet")
            self.latest_lines = []
            return
        lines = self.session.code_lines()
        self.editor.setPlainText("\n".join(line.text for line in lines))
        indices = [line.record_index for line in lines if line.record_index is not None]
        latest = max(indices) if indices else None
        rows = [i for i, line in enumerate(lines) if latest is not None and line.record_index == latest]
        self.latest_lines = [lines[i].text for i in rows]
        self._highlight(rows)

    def _highlight(self, rows: list[int]) -> None:
        selections = []
        document = self.editor.document()
        for row in rows:
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(LATEST)
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            selection.cursor = QTextCursor(document.findBlockByNumber(row))
            selections.append(selection)
        self.editor.setExtraSelections(selections)
        if rows:
            self.editor.setTextCursor(QTextCursor(document.findBlockByNumber(rows[-1])))
            self.editor.ensureCursorVisible()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        """Scroll to the latest lines once the tab is on screen (hidden, it cannot)."""
        super().showEvent(event)
        self.refresh()

    def copy_to_clipboard(self) -> None:
        if self.session is not None:
            QGuiApplication.clipboard().setText(self.session.to_script())

    def text(self) -> str:
        return self.editor.toPlainText()
