"""Undo across sessions: the sessions that Apply, a preset, a lesson or Open replaced.

Inside one run the engine undoes (``Session.undo``/``redo``: loop presses,
Reset, requires_grad toggles). When the whole session is replaced, the
controller keeps the replaced session object here, untouched, with the window
settings that went with it; Undo past the start of the new session's run brings
it back exactly as it was (values, grads, optimizer buffers, history and all),
and Redo goes forward again. As in an editor, a new action drops what Redo
would have brought back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Replaced sessions kept for Undo (the oldest is forgotten first).
SESSIONS_KEPT = 20


@dataclass(frozen=True)
class SessionState:
    """A live session and the controller settings it ran with."""

    session: Any
    gradient: Any
    retain_graph: bool
    #: (run, position) when the session became live: Undo below it brings back the
    #: session it replaced rather than walking through an opened file's own run.
    floor: tuple[Any, int] = (None, -1)


class SessionStack:
    """The replaced sessions before the live one, and those Undo stepped back from."""

    def __init__(self, limit: int = SESSIONS_KEPT) -> None:
        self._before: list[SessionState] = []
        self._after: list[SessionState] = []
        self._limit = limit

    @property
    def can_undo(self) -> bool:
        return bool(self._before)

    @property
    def can_redo(self) -> bool:
        return bool(self._after)

    def replaced(self, old: SessionState) -> None:
        """``old`` was replaced by a new session: keep it for Undo; Redo's future is gone."""
        self._before.append(old)
        del self._before[:-self._limit]
        self._after.clear()

    def undo(self, current: SessionState) -> SessionState:
        """The session before ``current`` (which Redo will bring back)."""
        self._after.append(current)
        return self._before.pop()

    def redo(self, current: SessionState) -> SessionState:
        """The session Undo stepped back from (``current`` goes back on the Undo side)."""
        self._before.append(current)
        return self._after.pop()

    def drop_redo(self) -> None:
        """A new action in the live session: what Redo would bring back is gone."""
        self._after.clear()

    def clear(self) -> None:
        self._before.clear()
        self._after.clear()


class ControllerUndo:
    """Undo, redo and goto of :class:`ui.controller.Controller` (a mixin: it needs the
    controller's session, twin, compare flag, settings, signals and ``pause``)."""

    _session: Any
    _compare: bool
    _floor: tuple[Any, int]
    _restoring: bool
    sessions: SessionStack
    gradient: Any
    retain_graph: bool
    info: Any
    failed: Any

    def _state(self) -> SessionState:
        return SessionState(self._session, self.gradient, self.retain_graph, self._floor)

    def _at_floor(self) -> bool:
        """Whether the live session is back where it was when it replaced another."""
        run, position = self._floor
        return self._session.columns is run and self._session.position <= position

    @property
    def can_undo(self) -> bool:
        """Whether Undo has something to take back (in the run, or a replaced session)."""
        session = self._session
        return session is not None and (bool(session.can_undo) or self.sessions.can_undo)

    @property
    def can_redo(self) -> bool:
        """Whether Redo has something to bring back."""
        session = self._session
        return session is not None and (bool(session.can_redo) or self.sessions.can_redo)

    def undo(self) -> Any:
        """Take back the run's last change, or bring back the session the live one replaced.

        Returns the session brought back (its settings now the controller's), or
        None when the live session stayed (it undid one of its own actions).
        """
        return self._undo_or_redo("undo")

    def redo(self) -> Any:
        """Do again what Undo took back; returns a session brought back, or None."""
        return self._undo_or_redo("redo")

    def _undo_or_redo(self, which: str) -> Any:
        if self._session is None:
            return None
        self.pause()
        try:
            in_run = getattr(self._session, f"can_{which}")
            if which == "undo" and self.sessions.can_undo and self._at_floor():
                in_run = False  # below here is the session this one replaced
            if in_run:
                self._leave_compare()
                getattr(self._session, which)()
                return None
            if getattr(self.sessions, f"can_{which}"):
                state = getattr(self.sessions, which)(self._state())
                self._restoring = True
                try:
                    self.gradient, self.retain_graph = state.gradient, state.retain_graph
                    self._floor = state.floor
                    self.set_session(state.session)
                finally:
                    self._restoring = False
                return state.session
            self.info.emit(f"Nothing to {which}.")
        except Exception as exc:  # noqa: BLE001 - a slot must never abort the app
            self.failed.emit(exc)
        return None

    def goto(self, index: int) -> bool:
        """Put the session at record ``index`` of its run (the timeline); False on error."""
        if self._session is None:
            return False
        self.pause()
        try:
            self._leave_compare()
            self._session.goto(int(index))
        except Exception as exc:  # noqa: BLE001
            self.failed.emit(exc)
            return False
        return True

    def _leave_compare(self) -> None:
        """The twin runs in lockstep from the start: moving the main run in time ends it."""
        if self._compare:
            self._compare = False
            self._rebuild_twin()
            self.info.emit("Compare is off: the timeline and Undo move the main run only.")

    @property
    def comparing(self) -> bool:
        """Whether the compare twin is on."""
        return self._compare

    def _on_session_reset(self) -> None:
        self.sessions.drop_redo()  # a change of the live run: Redo's sessions are gone

