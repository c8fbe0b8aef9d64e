"""The Lesson pane follows the session it drives through undo, redo and the timeline.

A mixin of :class:`ui.lesson_view.LessonPanel`. The panel marks its place (lesson,
step, question open or answered) at the run's moment each time it settles
(:mod:`ui.lesson_marks`). When the session moves (``events.moved``: undo, redo,
goto), or Undo brings back a session this lesson built earlier (a lesson started
from the end of another, Back, Apply over a lesson), the pane goes back to the
place that belongs to that moment, and the presentation caption with it
(``place_restored``). A session the lesson never drove leaves the lesson, as
before: "The lesson was left".
"""

from __future__ import annotations

import html
from typing import Any

from ui.controller import connect_session, disconnect_session
from ui.lesson_marks import LessonMarks, Place

LEFT_MESSAGE = "The lesson was left: press Start to restart it."


class LessonFollow:
    """Needs the panel's ``session``, ``lesson``, ``step_index``, ``revealed``, ``_guess``,
    ``_refused``, ``_code``, ``lesson_combo``, ``guess_edit``, ``_notice``, ``_render`` and
    a ``place_restored`` signal."""

    session: Any
    lesson: Any
    step_index: int
    revealed: bool
    _guess: str
    _refused: Any
    _code: list[str]
    lesson_combo: Any
    guess_edit: Any
    place_restored: Any

    def _init_follow(self) -> None:
        self.marks = LessonMarks()
        self._source: Any = None  # the lesson list's entry of the running lesson
        self._at: tuple[Any, int] = (None, -1)  # the driven run's moment last seen
        self._running = False  # the lesson's own presses: not a move, not the teacher's
        #: The record a step that was entered mid-way (timeline) starts from: Reveal runs
        #: it from there, so its numbers are the lesson's.
        self._rewind: int | None = None

    def set_session(self, session: Any) -> None:
        """The window's live session changed: a session this lesson drove brings its
        place back; any other leaves the lesson (it never drives a hidden session)."""
        if session is self.session:
            return
        if session is not None and self.marks.knows(session):
            self._drive(session)
            if self._follow(forward=False, force=True):
                return
        if self.session is not None:  # another model was applied
            self._drive(None)
            self._notice("info", html.escape(LEFT_MESSAGE))  # type: ignore[attr-defined]
            self._render()  # type: ignore[attr-defined]

    def _drive(self, session: Any) -> None:
        """Drive ``session`` (None: none), following its moves."""
        if self.session is not None:
            disconnect_session(self.session, self._on_lesson_action, self._on_lesson_moved,
                               self._on_lesson_moved)
        self.session = session
        self._rewind = None
        if session is not None:
            connect_session(session, self._on_lesson_action, self._on_lesson_moved,
                            self._on_lesson_moved)
            self._at = (session.columns, session.position)

    def _mark_place(self) -> None:
        """The pane settled here: note it at the session's moment."""
        if self.session is None or self.lesson is None or self.step_index < 0:
            return
        self.marks.mark(self.session, Place(
            self.lesson, self._source, self.step_index, self.revealed, self._guess,
            self._refused, tuple(self._code)))
        self._at = (self.session.columns, self.session.position)

    def _on_lesson_action(self, _record: Any = None) -> None:
        """A press of the teacher's own (F, B, …) in the lesson's run: it branched there,
        so later places are gone; the pane stays where it is."""
        if self._running or self.session is None:
            return
        self.marks.branched(self.session, self.session.position - 1)
        self._rewind = None
        self._at = (self.session.columns, self.session.position)

    def _on_lesson_moved(self) -> None:
        if not self._running and self.session is not None:
            self._follow(forward=None)

    def _follow(self, forward: bool | None, force: bool = False) -> bool:
        """Show the place of the session's current moment; False when there is none.

        ``forward`` None: forward when the run is the same and the position went up."""
        run, position = self.session.columns, self.session.position
        last_run, last_position = self._at
        if not force and run is last_run and position == last_position:
            return True
        if forward is None:
            forward = run is last_run and position > last_position
        self._at = (run, position)
        self._rewind = None  # a start marked in another moment (or run) no longer holds
        found = self.marks.place_at(self.session, forward)
        if found is None:
            return False
        place, marked_at = found
        self._apply_place(place)
        self._rewind = marked_at if marked_at != position and not place.revealed else None
        return True

    def _apply_place(self, place: Place) -> None:
        self.lesson, self._source = place.lesson, place.source
        self.step_index, self.revealed = place.step_index, place.revealed
        self._guess, self._refused, self._code = place.guess, place.refused, list(place.code)
        index = self.lesson_combo.findData(place.source)
        if index >= 0:
            self.lesson_combo.setCurrentIndex(index)
        self.guess_edit.clear()
        self._notice("", "")  # type: ignore[attr-defined]
        self._render()  # type: ignore[attr-defined]
        self.place_restored.emit()

    def _rewind_before_running(self) -> None:
        """A step entered mid-way (the timeline inside it) runs from its own start."""
        rewind, self._rewind = self._rewind, None
        if rewind is not None and self.session.position != rewind:
            self.session.goto(rewind)
