"""The live session, its compare twin and the auto-run timer: the only place the UI drives the engine.

No torch maths here: the controller only calls :class:`playground.session.Session`
methods. Every user action goes through :meth:`Controller.run`, which applies it
to the main session and then, in lockstep, to the twin, and turns any exception
into the :attr:`Controller.failed` signal so a slot never aborts the app.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from ui.compare import CompareSetting, describe_runs, live_settings, run_label, twin_config
from ui.pace import FRAME_MS, SLOW_MS, pace
from ui.undo import ControllerUndo, SessionStack

#: How the engine's note starts when training diverges (playground.session.DIVERGED;
#: not imported from there, which would import torch before the window paints).
DIVERGED = "Diverged: "
#: Iterations per second offered by the speed control; ``None`` means "fast".
SPEEDS: tuple[int | None, ...] = (1, 2, 5, 10, 30, 60, None)
#: In "fast" mode one timer tick iterates for at most this long, so the event
#: loop gets back control (and the window repaints) many times per second.
FAST_BUDGET_S = 0.025


#: The note compare shows when it restarts both runs (the window takes it down with compare).
COMPARE_NOTE = "Compare on: both runs restart from the initial values so they line up."

class FrameThrottle(QObject):
    """Coalesce many "something changed" calls into one callback per frame.

    The first change after a quiet spell is drawn at the next turn of the event
    loop (a single press repaints at once); changes that follow within
    ``FRAME_MS`` wait for the rest of that frame (auto-run repaints ~30 times a
    second instead of once per action). While auto-run plays fast
    (:data:`ui.pace.pace` is busy) the wait is ``SLOW_MS`` unless ``every_frame``;
    when it stops, a waiting callback runs at once.

    Parameters
    ----------
    callback:
        Called at most once per ``FRAME_MS`` after :meth:`mark` was called.
    every_frame:
        Keep the frame rate while busy too (the plots); text views leave it False.
    """

    def __init__(self, callback: Callable[[], None], parent: QObject | None = None, *,
                 every_frame: bool = False) -> None:
        super().__init__(parent)
        self._callback = callback
        self._last = -1.0
        self._every_frame = every_frame
        self._pending = False  # the timer runs (a plain flag: mark() runs ~10 times an action)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._fire)
        if every_frame:
            # Auto-run on "fast" iterates until this frame is due (Pace.frame_deadline):
            # a coarse timer firing a few ms late would let it start another burst first.
            self._timer.setTimerType(Qt.TimerType.PreciseTimer)
            pace.frames.add(self)
        else:
            pace.changed.connect(self._on_pace_changed)

    def mark(self) -> None:
        """Schedule the callback unless one is already pending."""
        if not self._pending:
            self._pending = True
            now = time.perf_counter()
            frame = FRAME_MS if self._every_frame or not pace.busy else SLOW_MS
            delay = max(0, round(frame - (now - self._last) * 1000))
            self._timer.start(delay)
            if self._every_frame:
                pace.frame_due = now + delay / 1000

    def fire_if_pending(self) -> None:
        """Run the pending callback now (auto-run draws a due frame itself: Pace.draw_if_due)."""
        if self._pending:
            self._timer.stop()
            self._fire()

    def _on_pace_changed(self, busy: bool) -> None:
        if not busy and self._pending:
            self._timer.start(0)  # auto-run stopped: show the exact state now

    def stop(self) -> None:
        """Drop a pending callback."""
        self._pending = False
        self._timer.stop()
        if self._every_frame:
            pace.frame_drawn()

    def _fire(self) -> None:
        self._pending = False
        self._last = time.perf_counter()
        self._callback()


def connect_session(session: Any, on_action: Callable[[Any], None],
                    on_reset: Callable[[], None],
                    on_moved: Callable[..., None] | None = None) -> None:
    """Subscribe ``on_action(record)`` and ``on_reset()`` to a session's events.

    ``on_moved`` (default: ``on_reset``) follows ``events.moved``, which an engine
    with time travel emits after goto, undo and redo: the session shows another
    moment of its run, so a view refreshes as after a reset.
    """
    session.events.action_done.connect(on_action)
    session.events.reset.connect(on_reset)
    moved = getattr(session.events, "moved", None)
    if moved is not None:
        moved.connect(on_moved or on_reset)


def disconnect_session(session: Any, on_action: Callable[[Any], None],
                       on_reset: Callable[[], None],
                       on_moved: Callable[..., None] | None = None) -> None:
    """Undo :func:`connect_session`; tolerant of callbacks already gone."""
    pairs = [(session.events.action_done, on_action), (session.events.reset, on_reset)]
    moved = getattr(session.events, "moved", None)
    if moved is not None:
        pairs.append((moved, on_moved or on_reset))
    for signal, callback in pairs:
        try:
            signal.disconnect(callback)
        except (ValueError, RuntimeError, TypeError, KeyError):
            pass


def build_session(config: Mapping[str, Any]) -> Any:
    """A new Session from constructor keyword arguments (imports torch on first use)."""
    from playground.session import Session  # deferred: keeps torch off the start-up path

    return Session(**config)


class Controller(QObject, ControllerUndo):
    """Owns the live session, the optional twin and auto-run.

    Signals
    -------
    session_changed(object)
        A new main session (or None) is live.
    twin_changed(object)
        The compare twin was built or dropped (None).
    failed(object)
        An action raised; the exception (PlaygroundError or unexpected).
    info(str)
        Something worth telling that is not an error (e.g. a step that did nothing).
    succeeded()
        A user action completed without error.
    playing_changed(bool)
        Auto-run started or stopped.
    """

    session_changed = Signal(object)
    twin_changed = Signal(object)
    failed = Signal(object)
    info = Signal(str)
    succeeded = Signal()
    playing_changed = Signal(bool)

    def __init__(self, session: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session: Any = None
        self._twin: Any = None
        self._compare = False
        #: The one setting the twin differs in (auto zero_grad flipped unless the user picks).
        self.compare_setting = CompareSetting()
        self.auto_zero_grad = False
        self.gradient: str | None = None
        self.retain_graph = False
        self._notes: list[str] = []
        self._speed: int | None = 10
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._on_timer_timeout)
        #: Sessions replaced by Apply, a preset, a lesson or Open, for Undo (ui/undo.py).
        self.sessions = SessionStack()
        self._restoring = False
        self._floor: tuple[Any, int] = (None, -1)
        if session is not None:
            self.set_session(session)

    # -- sessions -------------------------------------------------------------
    @property
    def session(self) -> Any:
        """The live main session (None while PyTorch is loading)."""
        return self._session

    @property
    def twin(self) -> Any:
        """The compare twin, or None when compare is off."""
        return self._twin

    def set_session(self, session: Any) -> None:
        """Make ``session`` live (the twin is rebuilt from it when compare is on)."""
        self.pause()
        if self._session is not None:
            disconnect_session(self._session, self._on_session_action_done, self._on_session_reset,
                               _noop)
            if session is not self._session and not self._restoring:
                self.sessions.replaced(self._state())  # Undo brings it back as it is now
        self._session = session
        if not self._restoring:
            self._floor = (None, -1) if session is None else (session.columns, session.position)
        if session is not None:
            self.auto_zero_grad = bool(session.config.auto_zero_grad)
            connect_session(session, self._on_session_action_done, self._on_session_reset, _noop)
        self.session_changed.emit(session)
        self._rebuild_twin()

    def apply(self, config: Mapping[str, Any]) -> bool:
        """Build a new session from ``config``; on error keep the running one.

        Returns
        -------
        bool
            True when the new session is live, False when building it failed
            (``failed`` was emitted with the exception).
        """
        try:
            session = build_session(config)
        except Exception as exc:  # noqa: BLE001 - every failure goes to the banner
            self.failed.emit(exc)
            return False
        self.set_session(session)
        self.succeeded.emit()
        return True

    def set_compare(self, on: bool) -> None:
        """Turn the compare twin on or off; turning it on restarts both runs together."""
        self._compare = bool(on)
        if on and self._session is not None and self._session.history:
            self.run("reset")
            self.info.emit(COMPARE_NOTE)
        self._rebuild_twin()

    def set_compare_setting(self, setting: CompareSetting) -> None:
        """Let the twin differ in ``setting``; with compare on, both runs restart together."""
        self.compare_setting = setting
        if self._compare:
            self.set_compare(True)

    def main_config(self) -> dict[str, Any]:
        """The main session's settings as keyword arguments (empty without a session)."""
        if self._session is None:
            return {}
        return {**asdict(self._session.config), "auto_zero_grad": self.auto_zero_grad}

    def run_settings(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The main run's and the twin's settings as they are now (a mid-run ``set_lr``
        included); without a twin, the one compare would build. Empty without a session."""
        if self._session is None:
            return {}, {}
        main = live_settings(self._session, auto_zero_grad=self.auto_zero_grad)
        if self._twin is None:
            return main, twin_config(self.main_config(), self.compare_setting)
        return main, live_settings(self._twin)

    def compare_description(self) -> str:
        """What differs between the runs now, main first: "lr 0.1 vs 0.01"."""
        main, twin = self.run_settings()
        return describe_runs(main, twin, self.compare_setting.key) if self._session else ""

    def twin_label(self) -> str:
        """The twin's tag for legends, tables and files, as it is now: "twin, lr 0.01"."""
        if self._session is None:
            return "twin"
        return f"twin, {run_label(self.run_settings()[1], self.compare_setting.key)}"

    def _rebuild_twin(self) -> None:
        self._twin = None
        if self._compare and self._session is not None:
            config = twin_config(self.main_config(), self.compare_setting)
            try:
                self._twin = build_session(config)
            except Exception as exc:  # noqa: BLE001
                self.failed.emit(exc)
        self.twin_changed.emit(self._twin)

    def set_auto_zero_grad(self, on: bool) -> None:
        """Whether Iterate ends with zero_grad (the twin does the opposite)."""
        self.auto_zero_grad = bool(on)
        twin_flag = twin_config(self.main_config(), self.compare_setting)["auto_zero_grad"] \
            if self._session is not None else not on
        for session, flag in ((self._session, on), (self._twin, twin_flag)):
            if session is not None:
                session.set_auto_zero_grad(bool(flag))

    # -- actions --------------------------------------------------------------
    def run_or_raise(self, action: str, *args: Any) -> None:
        """Like :meth:`run`, but a failure of the main session is raised to the caller too."""
        errors: list[BaseException] = []
        self.failed.connect(errors.append)
        try:
            self.run(action, *args)
        finally:
            self.failed.disconnect(errors.append)
        if errors:
            raise errors[0]

    def run(self, action: str, *args: Any) -> bool:
        """Apply one action to the session, then the twin; report instead of raising.

        ``action`` is "forward", "backward", "step", "zero_grad", "iterate",
        "reset", or "set_requires_grad", "set_lr", "set_momentum" (with ``args``).

        Returns
        -------
        bool
            Whether the main session completed the action.
        """
        if self._session is None:
            return False
        self._notes.clear()
        if action == "reset":
            self.pause()
        try:
            if action == "iterate":
                self._iterate()
            else:
                self._lockstep(action, *args)
        except Exception as exc:  # noqa: BLE001 - a slot must never abort the app
            self.pause()
            self.failed.emit(exc)
            return False
        self.succeeded.emit()
        for note in self._notes:
            self.info.emit(note)
        return True

    def _lockstep(self, action: str, *args: Any) -> None:
        self._call(self._session, action, args)
        if self._twin is not None and self._twin_follows(action):
            self._call_twin(action, args)

    def _twin_follows(self, action: str) -> bool:
        """A mid-run lr / momentum change leaves the twin alone when that is what differs."""
        key = self.compare_setting.key
        return not ((action == "set_lr" and key == "lr")
                    or (action == "set_momentum" and key in ("momentum", "optimizer")))

    def _iterate(self) -> None:
        twin = self._twin
        if twin is None and self._plain(self._session, self.auto_zero_grad):
            # Session.iterate() lets the exported script show the loop as a loop.
            self._session.iterate()
            return
        # Phase by phase otherwise: the twin mirrors each phase right after the main
        # session, which is what lets the plots line the two runs up. Each session
        # still logs one iteration, so long runs fold into a loop and stay small.
        with contextlib.ExitStack() as stack:
            for session in (self._session, twin):
                if session is not None:
                    stack.enter_context(session.iteration())
            for phase in ("forward", "backward", "step"):
                self._lockstep(phase)
            # Each run zeroes by its own auto zero_grad (they differ when that is compared).
            if self.auto_zero_grad:
                self._call(self._session, "zero_grad", ())
            if twin is not None and twin.config.auto_zero_grad:
                self._call_twin("zero_grad", ())

    def _plain(self, session: Any, zero: bool) -> bool:
        """Whether ``session.iterate()`` does what Iterate means right now."""
        return (self.gradient is None and not self.retain_graph
                and bool(session.config.auto_zero_grad) == zero)

    def _call_twin(self, action: str, args: tuple[Any, ...]) -> None:
        try:
            self._call(self._twin, action, args)
        except Exception as exc:
            exc.add_note("(this happened in the compare twin)")
            raise

    def _call(self, session: Any, action: str, args: tuple[Any, ...]) -> None:
        if action == "backward" and args:  # an explicit (gradient, retain_graph)
            session.backward(gradient=args[0], retain_graph=args[1])
        elif action == "backward":
            session.backward(gradient=self.gradient, retain_graph=self.retain_graph)
        else:
            getattr(session, action)(*args)

    def _on_session_action_done(self, record: Any) -> None:
        self.sessions.drop_redo()
        note = getattr(record, "note", None)
        if note:
            self._notes.append(str(note))
            if str(note).startswith(DIVERGED):
                self.pause()  # inf and nan from here on: let the class see the moment

    # -- auto-run ------------------------------------------------------------
    @property
    def playing(self) -> bool:
        """Whether auto-run is on."""
        return self._timer.isActive()

    @property
    def speed(self) -> int | None:
        """Iterations per second, or None for "as fast as the window stays responsive"."""
        return self._speed

    def set_speed(self, speed: int | None) -> None:
        """Change the auto-run speed (takes effect immediately while playing)."""
        self._speed = speed
        self._timer.setInterval(0 if speed is None else max(1, round(1000 / speed)))
        pace.set_playing(self, self.playing, speed)

    def play(self) -> None:
        """Start auto-run (Iterate on a timer)."""
        if self._session is None or self.playing:
            return
        self._timer.start()
        self.set_speed(self._speed)
        self.playing_changed.emit(True)

    def pause(self) -> None:
        """Stop auto-run."""
        if self._timer.isActive():
            self._timer.stop()
            pace.set_playing(self, False, self._speed)
            self.playing_changed.emit(False)

    def _on_timer_timeout(self) -> None:
        if self._speed is not None:
            self.run("iterate")
            return
        # Until the plots' next frame is due: every moment between frames iterates,
        # then the frame is drawn and the event loop paints it.
        pace.draw_if_due()
        deadline = pace.frame_deadline(time.perf_counter(), FAST_BUDGET_S)
        while self.playing and time.perf_counter() < deadline:
            if not self.run("iterate"):
                break
        pace.draw_if_due()

    def shutdown(self) -> None:
        """Stop timers and drop the sessions (called when the window closes)."""
        self.pause()
        if self._session is not None:
            disconnect_session(self._session, self._on_session_action_done, self._on_session_reset,
                               _noop)
        self._session = None
        self._twin = None
        self.sessions.clear()


def _noop() -> None:
    """Placeholder reset callback (the controller itself has nothing to do on reset)."""
