"""Autosave while the app runs, and the offer to restore after a crash.

The engine writes the journal (``playground.autosave``); this module decides
where (the user's data folder: ``QStandardPaths.AppDataLocation``, or the
folder in ``PLAYGROUND_DATA_DIR`` when tests set it) and when: every
:data:`FLUSH_MS` while something changed, and at once when the window's session
is replaced (Apply, a preset, a lesson, an opened file). A clean exit deletes
the journal; one left behind means the last run did not end cleanly, and the
next launch asks Restore / Discard once PyTorch has loaded.

A lock file keeps a second window from writing (or offering) the same journal.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLockFile, QObject, QStandardPaths, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from playground import autosave  # torch-free: the engine imports torch only to rebuild
from ui import files

#: At most this long between a press and the journal holding it (issue 7: ≤ 2 s lost).
FLUSH_MS = 500
#: Test-only: a folder to use instead of the user's data folder.
DATA_DIR_ENV = "PLAYGROUND_DATA_DIR"


def data_folder() -> Path:
    """Where the journal lives (created if missing)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        folder = Path(override)
    else:
        folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Recovery(QObject):
    """Owns the journal of one window: flushes it, offers it back, deletes it on exit."""

    def __init__(self, window: Any, folder: Path | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.folder = folder or data_folder()
        self.journal = autosave.Autosave(self.folder / autosave.FILE_NAME)
        self._lock = QLockFile(str(self.folder / "autosave.lock"))
        #: False when another window holds the journal: this one neither writes nor offers.
        self.enabled = self._lock.tryLock(0)
        self.writing = False
        self.box: QMessageBox | None = None
        self.load: Any = None
        self._timer = QTimer(self)
        self._timer.setInterval(FLUSH_MS)
        self._timer.timeout.connect(self.flush)
        self._pending = autosave.pending(self.folder) if self.enabled else None
        window.controller.session_changed.connect(self._on_session_changed)
        if self._pending is None:
            self._start_writing()
        elif window.session is not None:
            QTimer.singleShot(0, self.offer)

    # -- writing -------------------------------------------------------------------
    def _start_writing(self) -> None:
        if self.enabled and not self.writing:
            self.writing = True
            self._timer.start()
            self.flush()

    def flush(self) -> None:
        """Write what changed since the last flush (nothing when nothing did)."""
        session = self.window.session
        if not self.writing or session is None or not hasattr(session, "log"):
            return
        try:
            self.journal.flush(session)
        except OSError as exc:  # a full disk must not stop the class: say it once
            self.writing = False
            self._timer.stop()
            self.window.banner.show_info(f"Autosave stopped: {exc.strerror or exc}", sticky=True)

    def _on_session_changed(self, session: Any) -> None:
        if session is None:
            return
        if self._pending is not None and self.box is None and self.load is None:
            QTimer.singleShot(0, self.offer)  # PyTorch has loaded: the journal can be read
        self.flush()  # Apply, a preset, an opened file: on disk at once

    def close(self) -> None:
        """A clean exit: the journal is deleted, so the next launch offers nothing."""
        self._timer.stop()
        if self.writing:
            self.journal.discard()
        self.writing = False
        if self.enabled:
            self._lock.unlock()
            self.enabled = False

    # -- recovering ----------------------------------------------------------------
    def offer(self) -> None:
        """Ask Restore / Discard for the journal a crashed run left behind."""
        path = self._pending
        if path is None or self.box is not None or self.load is not None:
            return
        try:
            actions, forward = autosave.describe(path)
        except Exception as exc:  # noqa: BLE001 - an unreadable journal is reported, then dropped
            self._discard()
            files.show_error(self.window, "The autosaved run could not be read", exc)
            return
        if actions == 0:  # nothing was pressed: nothing to lose, nothing to ask
            self._discard()
            return
        first = forward.strip().splitlines()[-1] if forward.strip() else "?"
        box = QMessageBox(QMessageBox.Icon.Question, "Restore the last run?",
                          "The playground did not close normally last time.",
                          QMessageBox.StandardButton.NoButton, self.window)
        box.setObjectName("recoveryBox")
        box.setInformativeText(
            f"Its run was autosaved: {actions:,} actions on the model `{first}`. "
            "Restore it, or discard it and keep the default model?")
        self.restore_button = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
        self.discard_button = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(self.restore_button)
        box.buttonClicked.connect(self._on_box_button_clicked)
        self.box = box
        box.open()  # window-modal, not blocking: the window keeps painting

    def _on_box_button_clicked(self, button: Any) -> None:
        box, self.box = self.box, None
        if box is not None:
            box.deleteLater()
        if button is self.restore_button:
            self.restore()
        else:
            self._discard()

    def restore(self) -> None:
        """Rebuild the journal's run (in slices, with progress) and show it."""
        path = self._pending
        if path is None:
            return
        try:
            load = autosave.begin_recovery(path)
        except Exception as exc:  # noqa: BLE001
            self._discard()
            files.show_error(self.window, "The autosaved run could not be restored", exc)
            return
        self.load = files.run_sliced(self.window, load, self._on_restored,
                                     "The autosaved run could not be restored",
                                     "Restoring the last run…")
        self.load.cancelled.connect(self._discard)
        self.load.failed.connect(lambda _exc: self._discard())

    def _on_restored(self, session: Any) -> None:
        self._pending = None
        self.window.set_session(session)
        self.window.banner.show_info(f"Restored the last run: {len(session.history)} records.")
        self._start_writing()

    def _discard(self) -> None:
        """Drop the crashed run's journal; autosave now follows the running session."""
        self._pending = None
        self._start_writing()  # overwrites the old journal with the running session
