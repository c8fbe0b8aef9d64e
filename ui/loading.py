"""Replaying a saved run without freezing the window: slices between paints, with Cancel.

A session file or an autosave journal is rebuilt by replaying its action log
(``playground.persist.SessionLoad``). A long run takes seconds to minutes to
replay, so it runs here in slices of about :data:`SLICE_MS` from a zero-delay
timer, the window repainting between them, behind a progress dialog whose Cancel
drops the half-built session and keeps the running one. A short file finishes
inside the first slice, before :meth:`SlicedLoad.start` returns.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

#: Milliseconds of replay between two chances for the window to repaint.
SLICE_MS = 40
#: Actions replayed between two looks at the clock.
CHUNK = 64


class SlicedLoad(QObject):
    """Replays a ``SessionLoad`` a slice at a time; emits finished, failed or cancelled.

    Signals
    -------
    finished(session)
        The replay is complete; ``session`` is ready to show.
    failed(exception)
        The file's log was refused half-way (a ``PlaygroundError``).
    cancelled()
        The user pressed Cancel; the half-built session is dropped.
    """

    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()

    def __init__(self, load: Any, parent: QWidget, title: str = "Opening the session…") -> None:
        super().__init__(parent)
        self.load = load
        self._parent = parent
        self._title = title
        self._dialog: QProgressDialog | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.over = False

    def start(self) -> None:
        """Replay the first slice now; show progress and go on from a timer if more is left."""
        if self._slice():
            return
        dialog = QProgressDialog(self._title, "Cancel", 0, max(1, self.load.total_actions), self._parent)
        dialog.setObjectName("replayProgress")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self.cancel)
        dialog.setValue(self.load.done_actions)
        self._dialog = dialog
        dialog.show()
        self._timer.start()

    def cancel(self) -> None:
        """Stop replaying; the running session is kept."""
        if self.over:
            return
        self._end()
        self.cancelled.emit()

    def _on_timer_timeout(self) -> None:
        if self._dialog is not None and self._dialog.wasCanceled():
            self.cancel()  # Esc or a close of the dialog cancels too
        elif not self.over:
            self._slice()

    def _slice(self) -> bool:
        """Replay for about SLICE_MS; True when the load is over (done or failed)."""
        deadline = time.perf_counter() + SLICE_MS / 1000
        try:
            while not self.load.advance(CHUNK):
                if time.perf_counter() >= deadline:
                    if self._dialog is not None:
                        self._dialog.setValue(self.load.done_actions)
                        self._dialog.setLabelText(
                            f"{self._title}\nReplaying action {self.load.done_actions:,} "
                            f"of {self.load.total_actions:,}")
                    return False
        except Exception as exc:  # noqa: BLE001 - reported; the running session is kept
            self._end()
            self.failed.emit(exc)
            return True
        self._end()
        self.finished.emit(self.load.session)
        return True

    def _end(self) -> None:
        self.over = True
        self._timer.stop()
        if self._dialog is not None:
            self._dialog.canceled.disconnect(self.cancel)
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None
