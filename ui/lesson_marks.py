"""Where a lesson stood at each moment of the runs it drove, so the Lesson pane follows
undo, redo and the timeline (t5 trial #17).

A lesson moves on in two ways: its own presses (a revealed step runs real torch
calls, which the session records) and the pane's state (which step, question open
or answered), which the session knows nothing about. Each time the pane settles on
a place, :class:`LessonMarks` notes it against the run's moment, ``(run, position)``
(``session.columns`` is one object per run; a reset starts another). When undo,
redo or a timeline move puts the session elsewhere, or Undo brings back a session
the lesson built earlier, the pane asks which place belongs to that moment.

Pure Python: no Qt, no torch. Sessions are only read (``columns``, ``position``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Sessions whose marks are kept (the window keeps 20 replaced sessions for Undo).
SESSIONS_KEPT = 32


@dataclass(frozen=True)
class Place:
    """The pane's state at one moment: the lesson (and the lesson list's entry for it),
    the step, whether it was revealed, and what the revealed step showed."""

    lesson: Any
    source: Any
    step_index: int
    revealed: bool
    guess: str = ""
    refused: Any = None
    code: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mark:
    """``place`` was shown while the session stood at record ``position`` of ``run``."""

    run: Any
    position: int
    place: Place


class LessonMarks:
    """The places a lesson was at, per session it drove, in the order they were shown."""

    def __init__(self, limit: int = SESSIONS_KEPT) -> None:
        self._sessions: list[tuple[Any, list[Mark]]] = []
        self._limit = limit

    def _marks(self, session: Any) -> list[Mark] | None:
        for known, marks in self._sessions:
            if known is session:
                return marks
        return None

    def knows(self, session: Any) -> bool:
        """Whether a lesson drove ``session`` (so it has a place to go back to)."""
        return self._marks(session) is not None

    def mark(self, session: Any, place: Place) -> None:
        """``place`` is shown now, at the session's current moment."""
        marks = self._marks(session)
        if marks is None:
            marks = []
            self._sessions.append((session, marks))
            del self._sessions[:-self._limit]
        mark = Mark(session.columns, session.position, place)
        if not marks or marks[-1] != mark:
            marks.append(mark)

    def branched(self, session: Any, kept: int) -> None:
        """The session's run branched after record ``kept``: the places marked at later
        records of that run belong to a future that no longer exists."""
        marks = self._marks(session)
        if marks is not None:
            run = session.columns
            marks[:] = [m for m in marks if m.run is not run or m.position <= kept]

    def place_at(self, session: Any, forward: bool) -> tuple[Place, int] | None:
        """The place for the session's current moment, and the record it was marked at.

        Several places share a moment (step 3 answered, then step 4's question, before
        it runs): going back (undo) gives the last one shown there, going forward
        (redo) the first, so one undo re-opens a question and one redo answers it again.
        Between marks (inside a step of several presses, or after presses of the
        teacher's own) it is the last place marked before, at its own record.
        None when the lesson never stood in this run.
        """
        marks = self._marks(session) or []
        run, position = session.columns, session.position
        here = [m for m in marks if m.run is run and m.position == position]
        if here:
            return (here[0] if forward else here[-1]).place, position
        before = [m for m in marks if m.run is run and m.position < position]
        if not before:
            return None
        last = max(m.position for m in before)
        return [m for m in before if m.position == last][-1].place, last
