"""Which file the running session belongs to, and whether it has unsaved presses.

The window title shows the file's name and Qt's unsaved marker (``[*]`` with
``setWindowModified``); closing the window with unsaved presses asks once:
Save, Discard or Cancel (:func:`ask_to_save`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from ui.controller import connect_session, disconnect_session

APPLICATION_TITLE = "Training Loop Playground"
UNTITLED = "untitled"


class RunFile(QObject):
    """Follows the live session: its file (None until saved or opened) and unsaved presses.

    Signals
    -------
    changed()
        The file or the unsaved state changed (the title should be redrawn).
    """

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session: Any = None
        self.path: str | None = None
        self.modified = False

    def follow(self, session: Any, path: str | None = None) -> None:
        """A new live session: nothing unsaved yet; ``path`` is its file if it came from one."""
        if self.session is not None:
            disconnect_session(self.session, self._on_session_action_done, self._on_session_reset)
        self.session = session
        if session is not None:
            connect_session(session, self._on_session_action_done, self._on_session_reset)
        self.path, self.modified = path, False
        self.changed.emit()

    def mark_saved(self, path: str) -> None:
        """The session was written to (or read from) ``path``."""
        self.path, self.modified = path, False
        self.changed.emit()

    def discard(self) -> None:
        """Forget the unsaved presses (the user chose Discard)."""
        self.modified = False
        self.changed.emit()

    @property
    def needs_saving(self) -> bool:
        """Unsaved presses of a session that has any history to lose."""
        return self.modified and self.session is not None and bool(self.session.history)

    def title(self) -> str:
        """``"run.json[*] — Training Loop Playground"``: Qt shows ``*`` when modified."""
        name = Path(self.path).name if self.path else UNTITLED
        return f"{name}[*] — {APPLICATION_TITLE}"

    def _on_session_action_done(self, _record: Any) -> None:
        self._set_modified()

    def _on_session_reset(self) -> None:
        self._set_modified()

    def _set_modified(self) -> None:
        if not self.modified:
            self.modified = True
            self.changed.emit()


#: The answers of :func:`ask_to_save`.
SAVE, DISCARD, CANCEL = "save", "discard", "cancel"
_ANSWERS = {QMessageBox.StandardButton.Save: SAVE, QMessageBox.StandardButton.Discard: DISCARD}


def ask_to_save(parent: QWidget, name: str, on_answer: Callable[[str], None]) -> QMessageBox:
    """Ask "Save the run before closing?" without blocking; ``on_answer(SAVE | DISCARD | CANCEL)``.

    The box is window-modal and opened with ``open()``: the event loop (auto-run,
    repaints, tests) keeps turning while the teacher decides.
    """
    buttons = (QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
               | QMessageBox.StandardButton.Cancel)
    box = QMessageBox(QMessageBox.Icon.Question, "Unsaved run",
                      f"The run in {name} has presses that are not saved.", buttons, parent)
    box.setObjectName("unsavedRunBox")
    box.setInformativeText("Save it before closing?")
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def answered(button: Any) -> None:
        on_answer(_ANSWERS.get(box.standardButton(button), CANCEL))

    box.buttonClicked.connect(answered)
    box.open()
    return box
