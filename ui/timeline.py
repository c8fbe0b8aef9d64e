"""The timeline: a strip under the plots to scrub the run back to any past action.

It shows the run's actions from left to right, the session's position as a
handle, and the actions after it (which a loop press from there would replace)
in a lighter shade. Dragging it, clicking it, or its keys ask the engine to go
there (``Session.goto`` through :attr:`Timeline.goto_handler`); the whole window
then follows the session's ``events.moved``. Views ask, they don't keep: the
strip reads ``len(session.columns)``, ``session.position`` and one action name.

Keys with the strip focused: Left/Right one action, Shift+Left/Right one
iteration (4 actions), PageUp/PageDown a tenth of the run, Home the start, End
the latest action. Anywhere in the window: ``[`` and ``]`` step one action,
``Ctrl+]`` goes to the latest (ui/actions.py).

A drag asks for at most one goto per frame (the newest position wins), so
scrubbing a run of a million actions stays smooth.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFontMetrics, QHelpEvent, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from ui.session_view import FollowsSession

#: At most one goto per this many ms while dragging.
DRAG_FRAME_MS = 16
#: Actions per iteration (forward, backward, step, zero_grad): Shift+arrow steps this far.
ITERATION = 4
_DONE = QColor("#4c72b0")
_FUTURE = QColor("#c8d3e6")
_TRACK = QColor("#e6e6e6")
_HANDLE = QColor("#d62728")


class Timeline(QWidget, FollowsSession):
    """The run as a strip; click, drag or keys move the session to that action.

    Attributes
    ----------
    goto_handler:
        Called with the target record index (-1: the start of the run). The
        window routes it through the controller (pause auto-run, report errors).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip("Timeline: drag or click to go back to any action; a loop press from "
                        "there continues the run from that moment.\nKeys: ←/→ one action, "
                        "Shift+←/→ one iteration, Home/End, [ and ] anywhere.")
        self.goto_handler: Callable[[int], None] | None = None
        self._pending: int | None = None
        self._drag_timer = QTimer(self)
        self._drag_timer.setSingleShot(True)
        self._drag_timer.setInterval(DRAG_FRAME_MS)
        self._drag_timer.timeout.connect(self._flush)
        #: Whether the words under the bar show; the window drops them when its height is short
        #: (window_layout.py: a roomy tab at 200 %), and the tooltip still says them.
        self.show_label = True
        self._follow_init()

    # -- what the strip shows -------------------------------------------------
    def length(self) -> int:
        """Actions in the run (including those after the position)."""
        return 0 if self.session is None else len(self.session.columns)

    def position(self) -> int:
        """The session's record index (-1: the start), or the pending drag target."""
        if self._pending is not None:
            # The run may have shrunk since the drag asked (a reset, another session).
            return min(self._pending, self.length() - 1)
        return -1 if self.session is None else int(self.session.position)

    def refresh(self) -> None:
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(400, self.height_with_label(self.show_label))

    def height_with_label(self, show: bool) -> int:
        """The strip's height with or without the words under the bar."""
        return self._bar_height() + 2 + (self.label_height() if show else 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(120, self.sizeHint().height())

    def label_height(self) -> int:
        """Height of the line of words under the bar."""
        return QFontMetrics(self.font()).height() + 6

    def set_show_label(self, show: bool) -> None:
        """Show or drop the words under the bar (the bar and its keys stay)."""
        if show != self.show_label:
            self.show_label = show
            self.updateGeometry()
            self.update()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            # Where the run is first: without the words under the bar it is said only here.
            QToolTip.showText(event.globalPos(), f"{self.label()}\n\n{self.toolTip()}", self)
            return True
        return super().event(event)

    def _bar_height(self) -> int:
        return max(10, QFontMetrics(self.font()).height() // 2 + 4)

    def label(self) -> str:
        """What the strip says: where the session is in the run."""
        n = self.length()
        if n == 0:
            return "Timeline: no actions yet"
        position = self.position()
        if position < 0:
            where = "start of the run"
        else:
            names = self.session.columns.action_names
            code = int(self.session.columns.actions[position])
            where = f"action {position + 1:,} of {n:,} ({names[code]})"
        if position < n - 1:
            return f"{where} — a loop press here continues the run from this moment"
        return where

    # -- geometry ---------------------------------------------------------------
    def _track(self) -> QRectF:
        margin = 8.0
        return QRectF(margin, 2.0, max(1.0, self.width() - 2 * margin), float(self._bar_height()))

    def index_at(self, x: float) -> int:
        """The record index under pixel ``x`` (-1 at the left end: the start of the run)."""
        n = self.length()
        track = self._track()
        share = min(1.0, max(0.0, (x - track.left()) / track.width()))
        return round(share * n) - 1

    def _x_of(self, index: int) -> float:
        track = self._track()
        n = max(1, self.length())
        return track.left() + track.width() * (index + 1) / n

    # -- painting ----------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        try:
            self._paint(painter)
        finally:
            painter.end()  # even if painting failed: an open painter breaks the backing store

    def _paint(self, painter: QPainter) -> None:
        track = self._track()
        painter.fillRect(track, _TRACK)
        n = self.length()
        if n:
            x = self._x_of(self.position())
            painter.fillRect(QRectF(track.left(), track.top(), x - track.left(), track.height()), _DONE)
            painter.fillRect(QRectF(x, track.top(), track.right() - x, track.height()), _FUTURE)
            pen = QPen(_HANDLE, 4)
            painter.setPen(pen)
            painter.drawLine(int(x), 0, int(x), int(track.bottom()) + 2)
        if self.hasFocus():
            painter.setPen(QPen(self.palette().highlight().color(), 2))
            painter.drawRect(track.adjusted(-1, -1, 1, 1))
        if not self.show_label:
            return
        painter.setPen(self.palette().windowText().color())
        text_rect = QRectF(track.left(), track.bottom() + 2, track.width(),
                           self.height() - track.bottom() - 2)
        text = QFontMetrics(self.font()).elidedText(self.label(), Qt.TextElideMode.ElideRight,
                                                    int(text_rect.width()))
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)

    # -- input ---------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.MouseButton.LeftButton and self.length():
            self.request(self.index_at(event.position().x()))
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.buttons() & Qt.MouseButton.LeftButton and self.length():
            self.request(self.index_at(event.position().x()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.MouseButton.LeftButton and self.length():
            # The drag ends exactly where the mouse was let go, at once.
            self.request(self.index_at(event.position().x()))
            self._flush()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        n = self.length()
        key, shift = event.key(), bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        step = ITERATION if shift else 1
        page = max(1, n // 10)
        targets = {
            Qt.Key.Key_Left: self.position() - step,
            Qt.Key.Key_Right: self.position() + step,
            Qt.Key.Key_PageUp: self.position() - page,
            Qt.Key.Key_PageDown: self.position() + page,
            Qt.Key.Key_Home: -1,
            Qt.Key.Key_End: n - 1,
        }
        if key in targets and n:
            self.request(targets[key])
            self._flush()
            event.accept()
            return
        super().keyPressEvent(event)

    def step(self, delta: int) -> None:
        """Move ``delta`` actions (negative: back), staying inside the run."""
        if self.length():
            self.request(self.position() + delta)
            self._flush()

    def go_latest(self) -> None:
        """Go to the newest action of the run."""
        if self.length():
            self.request(self.length() - 1)
            self._flush()

    def request(self, index: int) -> None:
        """Ask to go to ``index`` (clamped to the run); at most one goto per frame."""
        self._pending = min(max(-1, int(index)), self.length() - 1)
        self.update()
        if not self._drag_timer.isActive():
            self._drag_timer.start()

    def _flush(self) -> None:
        self._drag_timer.stop()
        target, self._pending = self._pending, None
        if target is None or self.session is None:
            return
        target = min(target, self.length() - 1)
        if target != int(self.session.position) and self.goto_handler is not None:
            self.goto_handler(target)
        self.update()
