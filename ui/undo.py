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
