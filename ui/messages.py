"""The message banner: errors and notes shown in the window, never in a modal dialog.

An error tells three things: what happened (``PlaygroundError.message``), what
PyTorch said (``torch_message``) and what to do (``hint``). An exception that is
not a PlaygroundError is a bug in the playground; it is shown the same way so
the class can go on.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from playground.errors import PlaygroundError  # torch-free: importing it loads no torch


def describe(exc: BaseException) -> tuple[str, str | None, str | None]:
    """(what happened, what PyTorch said, what to do) for any exception."""
    notes = " ".join(getattr(exc, "__notes__", []))
    if isinstance(exc, PlaygroundError):
        said = exc.message.startswith(f"line {exc.line}") or f"at line {exc.line}" in exc.message
        where = f" (line {exc.line})" if exc.line and not said else ""
        what = f"{exc.message}{where}"
        said = exc.torch_message
        if said and said in what:  # the message already quotes PyTorch: say it once
            said = None
        return (f"{what} {notes}".strip(), said, exc.hint)
    what = f"Unexpected {type(exc).__name__}: {exc} {notes}".strip()
    hint = "This is a bug in the playground, not in your model. The session is unchanged; carry on."
    return (what, None, hint)


class MessageBanner(QFrame):
    """A dismissable strip under the tabs (ui/tabs_pane.py) for one error or note at a time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBanner")
        self._label = QLabel(self)
        self._label.setObjectName("messageText")
        self._label.setWordWrap(True)
        self._label.setTextFormat(Qt.TextFormat.RichText)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton(self)
        close.setText("✕")
        close.setToolTip("Dismiss")
        close.setAutoRaise(True)
        close.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 6, 6)
        layout.addWidget(self._label, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.kind = ""
        self._note = ""  # the plain text of the note shown (see clear_note)
        self.sticky = False  # the note shown outlives the next press (see show_info)
        self.hide()

    @property
    def text(self) -> str:
        """The banner's text without markup (for tests and screen readers)."""
        return self._label.text()

    def show_error(self, exc: BaseException) -> None:
        """Show an exception: what happened, PyTorch's words, what to do."""
        what, torch_message, hint = describe(exc)
        parts = [f"<b>{html.escape(what)}</b>"]
        if torch_message:
            parts.append(f"PyTorch says: <i>{html.escape(torch_message)}</i>")
        if hint:
            parts.append(f"What to do: {html.escape(hint)}")
        self._show("error", "<br>".join(parts))

    def show_info(self, text: str, *, sticky: bool = False) -> None:
        """Show a note (not an error), e.g. a step that did nothing.

        A note tells of the last thing done, so the next press that runs takes it down
        (:meth:`clear_stale`); a ``sticky`` one tells of a lasting condition ("Autosave
        stopped") and stays until it is dismissed or replaced.
        """
        self._show("info", f"ℹ {html.escape(text)}")
        self._note, self.sticky = text, sticky

    @property
    def note(self) -> str:
        """The note shown now ("" when the banner shows no note)."""
        return self._note if self.kind == "info" else ""

    def clear_note(self, text: str) -> None:
        """Hide the banner if it shows the note ``text`` (a note that no longer holds)."""
        if self.kind == "info" and self._note == text:
            self.clear()

    def clear(self) -> None:
        """Hide the banner."""
        self.kind = ""
        self._label.clear()
        self.hide()

    def clear_stale(self) -> None:
        """A press ran without error: an error or a note about an earlier one no longer holds
        (t5 trial #9: "Compare is off" and "step did nothing" outlived their cause). The
        press's own notes are shown after this."""
        if self.kind == "error" or (self.kind == "info" and not self.sticky):
            self.clear()

    def clear_error(self) -> None:
        """Hide the banner if it shows an error (notes stay until replaced)."""
        if self.kind == "error":
            self.clear()

    def _show(self, kind: str, rich_text: str) -> None:
        self.kind, self._note, self.sticky = kind, "", False
        # A dynamic property drives the colours in style.qss; re-polish to apply it.
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self._label.setText(rich_text)
        self.show()
