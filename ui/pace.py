"""How hard the window works while auto-run plays fast, and the frame clock auto-run keeps to.

While auto-run plays faster than a person reads (:data:`BUSY_ABOVE` iterations a
second, or "fast"), the window is *busy*:

- the text views (the Tensors table, the Code tab, the optimizer block, …)
  refresh at most :data:`SLOW_MS` apart instead of once a frame, since nobody
  reads numbers changing 30 times a second, and the Tensors table alone cost
  ~21 ms a refresh through torch's printer;
- the plots draw 1 px curves without markers (a 3 px stroke cost Qt's raster
  engine several times a 1 px one).

The moment it stops (pause, a failure, the end of a lesson step), every view
that skipped a refresh refreshes at once and the plots get their full style
back, so what is on screen when the class looks is exact and ≥ 3 px wide.

The state is process-wide (one :data:`pace` object): each playing controller
registers itself, and a controller that is gone no longer counts.
"""

from __future__ import annotations

import time
import weakref
from typing import Any

from PySide6.QtCore import QObject, Signal
from shiboken6 import isValid

#: Text views refresh at most this many ms apart while the window is busy (~5 Hz).
SLOW_MS = 200
#: Auto-run above this many iterations a second (or "fast") makes the window busy.
BUSY_ABOVE = 10
#: One frame of the plots; auto-run on "fast" iterates until the next one is due.
FRAME_MS = 33
#: At least this share of a frame's time goes to iterating between two frames.
ITERATE_SHARE = 0.7


class Pace(QObject):
    """Whether the window is busy (auto-run playing fast), and when the plots last drew.

    Signals
    -------
    changed(bool)
        The window became busy (True) or calm again (False).
    """

    changed = Signal(bool)

    def __init__(self) -> None:
        super().__init__()
        self._busy: weakref.WeakSet[Any] = weakref.WeakSet()
        self._was_busy = False
        #: perf_counter() of the plots' last frame (0: none yet).
        self.last_frame = 0.0
        #: perf_counter() when the plots' next frame is due (None: nothing to draw).
        self.frame_due: float | None = None
        #: The plots' frame throttles (ui.controller.FrameThrottle with every_frame).
        self.frames: weakref.WeakSet[Any] = weakref.WeakSet()

    @property
    def busy(self) -> bool:
        """Whether some auto-run plays faster than :data:`BUSY_ABOVE` iterations a second."""
        return len(self._busy) > 0

    def set_playing(self, owner: Any, playing: bool, speed: int | None) -> None:
        """``owner`` (a controller) plays at ``speed`` iterations/s (None: fast) or stopped."""
        if playing and (speed is None or speed > BUSY_ABOVE):
            self._busy.add(owner)
        else:
            self._busy.discard(owner)
        busy = self.busy
        if busy != self._was_busy:
            self._was_busy = busy
            self.changed.emit(busy)

    def frame_drawn(self) -> None:
        """The plots just drew a frame (the clock :meth:`frame_deadline` counts from)."""
        self.last_frame = time.perf_counter()
        self.frame_due = None

    def frame_deadline(self, now: float, budget_s: float) -> float:
        """Until when auto-run may iterate before it hands the event loop back.

        Until the plots' pending frame is due, but at least :data:`ITERATE_SHARE`
        of a frame, so a slow frame cannot starve the run; ``now + budget_s``
        when no frame is pending or none was drawn lately (no plots on screen).
        """
        due = self.frame_due
        if due is None or now - self.last_frame > 3 * FRAME_MS / 1000:
            return now + budget_s
        return max(due, now + ITERATE_SHARE * FRAME_MS / 1000)

    def draw_if_due(self) -> None:
        """Draw the plots' frame now if it is due (auto-run calls it after each burst).

        The frame's timer would fire at the next turn of the event loop, but
        auto-run's own zero-interval timer may come first: drawing here keeps
        one frame per burst, and the event loop paints it right after.
        """
        due = self.frame_due
        if due is not None and time.perf_counter() >= due:
            for throttle in list(self.frames):
                if isValid(throttle):  # a closed window's plots may outlive their Qt side
                    throttle.fire_if_pending()
                else:
                    self.frames.discard(throttle)


#: The process's one pace (the app has one window; tests make them one after another).
pace = Pace()
