"""The Lesson tab: walk a class through a lesson, one step per Next, "predict, then reveal".

A lesson (``docs/lesson_format.md``) builds its own Session; the panel hands it
to the window through :attr:`LessonPanel.session_created`, so every other view
follows the lesson as it runs. The panel only calls the lesson engine
(``Lesson.run_step``, ``actual_value``): no torch here, and constructing the
panel does not even import torch (titles are read from the TOML text).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, Qt, Signal
from PySide6.QtGui import QFontMetrics, QGuiApplication
from PySide6.QtWidgets import QWidget

from playground.errors import PlaygroundError
from playground.lessons import load_lesson  # torch-free until used
from ui import files as file_dialogs
from ui.lesson_build import LessonBuild
from ui.lesson_follow import LEFT_MESSAGE, LessonFollow
from ui.lesson_layout import short_code
# The keys and constants live with the pieces; importers keep finding them here.
from ui.lesson_parts import (  # noqa: F401 - re-exported
    BACK_KEYS, LESSON_KEY_ROWS, LESSON_STYLE, NARRATION_SCALE, NEXT_KEYS, PIN_SHARE, SCROLL_DOWN_KEYS,
    SCROLL_UP_KEYS, LessonCombo,
)
from ui.lesson_says import LessonSays
from ui.lesson_text import describe_action, error_text, first_sentence, rehearse

__all__ = ["LEFT_MESSAGE", "LESSON_KEY_ROWS", "LessonCombo", "LessonPanel"]

class LessonPanel(LessonFollow, LessonBuild, LessonSays, QWidget):
    """A lesson, step by step, for a teacher to project.

    Signals
    -------
    session_created(object)
        A lesson built a new Session (Start, or Back rebuilding one); the
        window makes it its live session.
    file_opened(str)
        A lesson file of the teacher's own was opened and started (for File → Recent).
    narration_changed(str)
        The narration shown for the current step ("" when none): what a
        presentation mode shows as a large caption (also :meth:`narration`).
    place_restored()
        Undo, redo or the timeline put the pane back at another place of the lesson
        (ui/lesson_follow.py): the caption follows at once.
    """

    session_created = Signal(object)
    file_opened = Signal(str)
    narration_changed = Signal(str)
    place_restored = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lessonPanel")
        self.setStyleSheet(LESSON_STYLE)
        self.lesson: Any = None
        self.session: Any = None
        self.step_index = -1
        self.revealed = False  # whether the current step's actions ran
        self._guess = ""
        self._code: list[str] = []
        self._refused: PlaygroundError | None = None
        self._narration = ""
        self._question_pinned = True
        self._shown_step: tuple[Any, int, bool] | None = None
        self._init_follow()
        self._build()
        self._apply_fonts()
        QGuiApplication.instance().fontChanged.connect(self._apply_fonts)
        self._render()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit()
        if self.values_label.isVisibleTo(self):
            step = self.lesson.steps[self.step_index] if self.lesson else None
            self._set_values(self._values_html(step) if step else "")

    # -- the window's side -------------------------------------------------------
    def narration(self) -> str:
        """The narration shown for the current step ("" before Reveal or with no lesson)."""
        return self._narration

    def scroll_text(self, pages: float) -> None:
        """Scroll the step's text by ``pages`` (negative: up) of its visible height."""
        bar = self.body_scroll.verticalScrollBar()
        bar.setValue(bar.value() + round(pages * max(bar.pageStep(), 1) * 0.8))

    # -- starting ----------------------------------------------------------------
    def start(self) -> None:
        """Start (or restart) the lesson chosen in the combo box."""
        self._guarded(self._start, self.lesson_combo.currentData())

    def take_keyboard(self) -> None:
        """Ctrl+5: the prediction field while a question is open (a typed guess must not
        re-pick the lesson in the list, t5 trial), else the lesson list."""
        asking = self.session is not None and not self.revealed and not self.guess_row.isHidden()
        (self.guess_edit if asking else self.lesson_combo).setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _on_combo_return(self) -> None:
        """Enter in the list starts the chosen lesson; on the running one it changes nothing."""
        chosen = self.lesson_combo.currentData()
        if self.lesson is None or self.session is None or chosen != self.lesson.name:
            self.start()

    def open_file(self) -> None:
        """Ask for a lesson file and start it; a refused file keeps the running lesson."""
        path = file_dialogs.ask_open_path(self, "lesson", "Open a lesson", file_dialogs.LESSON_FILTER)
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path) -> None:
        """Load the lesson file at ``path`` and start it (errors are shown in the panel)."""
        self._guarded(self._start, Path(path))
        if self.lesson is not None and self.lesson_combo.currentData() == Path(path):
            self.file_opened.emit(str(path))

    def is_done(self) -> bool:
        """Whether the running lesson's last step has been revealed."""
        return (self.session is not None and self.lesson is not None and self.revealed
                and self.step_index == len(self.lesson.steps) - 1)

    def next_lesson_title(self) -> str:
        """The built-in lesson Next starts once this one is done ("" when there is none)."""
        if self.lesson is None or self.session is None:
            return ""
        index = self.lesson_combo.findData(self.lesson.name)
        return self.lesson_combo.itemText(index + 1) if 0 <= index < self.lesson_combo.count() - 1 else ""

    def start_next_lesson(self) -> None:
        """Start the built-in lesson after the current one."""
        index = self.lesson_combo.findData(self.lesson.name) if self.lesson else -1
        if 0 <= index < self.lesson_combo.count() - 1:
            self.lesson_combo.setCurrentIndex(index + 1)
            self.start()

    def _start(self, source: Any) -> None:
        lesson = load_lesson(source)  # raises before anything running is touched
        if isinstance(source, Path):
            rehearse(lesson)  # a teacher's file whose step fails keeps the running lesson
        if isinstance(source, Path) and self.lesson_combo.findData(source) < 0:
            self.lesson_combo.addItem(f"{lesson.title} ({source.name})", source)
        self.lesson_combo.setCurrentIndex(self.lesson_combo.findData(source))
        self.lesson, self.step_index, self._source = lesson, -1, source
        self._new_session(upto=0)
        self._enter_step(0)

    def _new_session(self, upto: int) -> None:
        """A fresh session with steps ``0..upto-1`` replayed silently (PyTorch cannot undo)."""
        session = self.lesson.new_session()
        self._drive(session)
        self._notice("", "")
        try:
            for i in range(upto):  # marked step by step: the timeline may go back into them
                self._prepare(i)
                self._run_current()
        finally:  # even half-replayed, the window must show the session the lesson drives
            self.session_created.emit(session)

    # -- stepping ----------------------------------------------------------------
    def next_step(self) -> None:
        """Reveal the current question if it is still open, else go to the next step.

        With no lesson running, or another built-in lesson chosen in the list, Next
        starts the chosen one, so a teacher can pick and run lessons on the keyboard.
        """
        chosen = self.lesson_combo.currentData()
        if self.session is None or self.lesson is None or (
                isinstance(chosen, str) and chosen != self.lesson.name):
            self.start()  # nothing running, or another built-in lesson chosen in the list
            return
        if not self.revealed:
            self.reveal()
        elif self.step_index < len(self.lesson.steps) - 1:
            self._guarded(self._enter_step, self.step_index + 1)

    def back(self) -> None:
        """One step back: a new session replays the steps before it, then shows it done."""
        if self.session is None or self.lesson is None or self.step_index <= 0:
            return
        self._guarded(self._go_back, self.step_index - 1)

    def reveal(self) -> None:
        """Run the current step's actions and show the answer beside the student's guess."""
        if self.session is None or self.revealed:
            return
        self._guess = self.guess_edit.text().strip()
        self._guarded(self._run_current)

    def _go_back(self, index: int) -> None:
        self._new_session(upto=index)
        self._prepare(index)
        self._run_current()

    def _prepare(self, index: int) -> None:
        """Step ``index`` about to run: nothing revealed, its actions described."""
        self.step_index, self.revealed, self._guess, self._refused = index, False, "", None
        self._code = [line for method, kwargs in self.lesson.steps[index].actions
                      for line in describe_action(method, kwargs, self.lesson.config)]
        self.guess_edit.clear()
        self._mark_place()

    def _enter_step(self, index: int) -> None:
        self._prepare(index)
        self._notice("", "")
        if self.lesson.steps[index].ask is None:
            self._run_current()
        else:
            self.guess_edit.setFocus()

    def _run_current(self) -> None:
        session = self.session
        self._running = True  # the lesson's own presses: not the teacher's, not a move
        try:
            self._rewind_before_running()
            run, start = session.columns, session.position
            self.revealed = True  # even if it fails: Next must never be stuck on a broken step
            self._refused = self.lesson.run_step(session, self.step_index)
        finally:
            self._running = False
        if session.columns is run and session.position != start:
            self.marks.branched(session, start)  # the places of an undone future are gone
        if self._refused is None:
            # A `reset` action starts another run: then there is nothing to slice.
            records = (session.history[start + 1:session.position + 1]
                       if session.columns is run else [])
            # print() lines are the script's way to show values; the panel shows them itself.
            code = [line for r in records for line in r.code if not line.startswith("print(")]
            self._code = code or self._code
        self._mark_place()

    # -- showing -----------------------------------------------------------------
    def _guarded(self, function: Any, *args: Any) -> None:
        """Run ``function``; any exception is shown in the panel, never raised out of a slot."""
        try:
            function(*args)
        except Exception as exc:  # noqa: BLE001 - a class must never see a crash
            self._show_error(exc)
        self._render()

    def _show_error(self, exc: BaseException) -> None:
        what, torch_message, hint = error_text(exc)
        parts = [html.escape(what)]
        if torch_message:
            parts.append(f"PyTorch says: <i>{html.escape(torch_message)}</i>")
        if hint:
            parts.append(f"<span style='font-weight:normal'>What to do: "
                         f"{html.escape(hint)}</span>")
        self._notice("error", "<br>".join(parts))

    def _notice(self, kind: str, rich_text: str) -> None:
        self.notice_label.setProperty("kind", kind)
        self.notice_label.style().unpolish(self.notice_label)
        self.notice_label.style().polish(self.notice_label)
        self.notice_label.setText(rich_text)
        self.notice_label.setVisible(bool(rich_text))

    def _render(self) -> None:
        """Every label from the state: lesson, step, revealed or not."""
        lesson, running = self.lesson, self.session is not None
        self.title_label.setText(lesson.title if lesson else "Lessons")
        self.title_label.setVisible(lesson is None)  # the combo shows a running lesson's title
        self.description_label.setText(lesson.description if lesson else
                                       "Choose a lesson and press Start. Next and Back walk "
                                       "through it; every step runs real PyTorch.")
        # The introduction belongs to step 1; later it would push the step off a short dock.
        self.description_label.setVisible(lesson is None or self.step_index <= 0)
        step = lesson.steps[self.step_index] if lesson and self.step_index >= 0 else None
        total = len(lesson.steps) if lesson else 0
        self.counter_label.setText(f"Step {self.step_index + 1} of {total}" if step else "")
        last = step is not None and self.step_index == total - 1
        self.back_button.setEnabled(running and self.step_index > 0)
        self.next_button.setEnabled(running and step is not None and not (last and self.revealed))
        self._render_step(step)
        done = running and last and self.revealed
        self.complete_label.setVisible(done)
        self.next_button.setVisible(not done)
        following = self.lesson_combo.findData(lesson.name) + 1 if lesson else 0
        has_next = done and 0 < following < self.lesson_combo.count()
        if has_next:
            title = self.lesson_combo.itemText(following)
            self.next_lesson_button.setText(f"Lesson {following + 1} ▶")
            self.next_lesson_button.setToolTip(f"Start the next lesson: {title}")
        self.next_lesson_button.setVisible(has_next)
        self._fit()
        shown = (lesson, self.step_index, self.revealed)
        if shown != self._shown_step:
            # A new step, or its answer revealed: read from the top (the question if it
            # scrolls, then the answer right under it and what PyTorch says), unless that
            # leaves the answer out of view (200 %, t5 trial): then as little lower as shows it.
            self._shown_step = shown
            bar = self.body_scroll.verticalScrollBar()
            bar.setValue(self._first_view())
            QTimer.singleShot(0, bar, lambda: bar.setValue(self._first_view()))

    def _first_view(self) -> int:
        """Where the scrolling text is read from: 0, or after Reveal just enough that the
        answer's first lines show under the end of a long question."""
        body, answer = self.body_scroll.widget(), self.answer_label
        if not (self.revealed and answer.isVisible() and body.isAncestorOf(answer)):
            return 0
        top = answer.mapTo(body, answer.rect().topLeft()).y()
        lines = min(answer.height(), 2 * QFontMetrics(answer.font()).lineSpacing())
        return max(0, top + lines - self.body_scroll.viewport().height())

    def _render_step(self, step: Any) -> None:
        asking = step is not None and step.ask is not None
        shown = step is not None and self.revealed
        self.question_label.setText(f"<b>Predict:</b> {html.escape(step.ask)}" if asking else "")
        self.question_label.setVisible(asking)
        self._arrange_body(asking)
        self.guess_row.setVisible(asking and not self.revealed)
        self.reveal_button.setEnabled(asking and not self.revealed and self.session is not None)
        answer = html.escape(step.answer) if shown and asking and step.answer else ""
        guess = html.escape(self._guess) if shown and asking else ""
        guess = f"<b>Your guess:</b> {guess}<br>" if guess else ""
        self.answer_label.setText(f"{guess}<b>Answer:</b> {answer}" if answer else guess)
        self.answer_label.setVisible(bool(answer or guess))
        refused = self._refused if shown else None
        if refused is not None:
            words = refused.torch_message or refused.message
            self.refused_label.setText(f"<b>PyTorch refused, as expected:</b> "
                                       f"<i>{html.escape(first_sentence(words))}</i>")
            self.refused_label.setToolTip(words)
        self.refused_label.setVisible(refused is not None)
        self.narration_label.setText(step.say if shown else "")
        self.narration_label.setVisible(shown)
        narration = step.say if shown else ""
        if narration != self._narration:
            self._narration = narration
            self.narration_changed.emit(narration)
        self._set_values(self._values_html(step) if shown and self.session else "")
        self.values_label.setVisible(bool(self.values_label.text()))
        self.code_heading.setText(f"PyTorch this step {'ran' if shown else 'will run'}:")
        self.code_label.setText("\n".join(short_code(self._code)) if step is not None else "")
        for widget in (self.code_heading, self.code_label):
            widget.setVisible(step is not None and bool(self._code))
