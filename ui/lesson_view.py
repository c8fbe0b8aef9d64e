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
from PySide6.QtGui import QFontMetrics, QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QScrollArea, QSizePolicy,
    QVBoxLayout, QWidget,
)

from playground.errors import PlaygroundError
from playground.lessons import actual_value, list_lessons, load_lesson  # torch-free until used
from ui import files as file_dialogs
from ui import theme
from ui.header_row import HeaderRow
from ui.lesson_follow import LEFT_MESSAGE, LessonFollow
from ui.lesson_layout import short_code, unbroken_width, values_html
from ui.lesson_text import (APP_NOTE_KEYS, app_note, describe_action, error_text, first_sentence,
                            lesson_title, printed_value, rehearse)

#: The narration is projected to a room: at least 1.3 times the application font.
NARRATION_SCALE = 1.3
NEXT_KEYS, BACK_KEYS = ("Alt+Right", "PgDown"), ("Alt+Left", "PgUp")
#: Scroll the step's text (PageDown/PageUp stay Next/Back): in the panel, or anywhere
#: in the window while the Lesson tab shows.
SCROLL_DOWN_KEYS, SCROLL_UP_KEYS = ("Alt+Down", "Shift+PgDown"), ("Alt+Up", "Shift+PgUp")
#: (key, command, what it does) rows for Help → Keyboard shortcuts.
LESSON_KEY_ROWS = (
    ("Alt+Right", "Lesson: next step", "reveal the answer, then the next step (anywhere; presenting, at the end: the next lesson)"),
    ("PgDown", "Lesson: next step", "in the Lesson tab"),
    ("Alt+Left", "Lesson: back", "one step back (anywhere)"),
    ("PgUp", "Lesson: back", "in the Lesson tab"),
    ("Alt+Down", "Lesson: scroll down", "in the Lesson tab (also Shift+PgDown)"),
    ("Alt+Up", "Lesson: scroll up", "in the Lesson tab (also Shift+PgUp)"),
    ("Return", "Lesson: reveal", "in the prediction field"),
    ("Return", "Lesson: start", "in the lesson list (Ctrl+5), the lesson chosen there"),
)
#: The question stays above the scrolling text (always in view) while the header and it
#: take at most this share of the pane; taller (200 % zoom), it scrolls with the text.
PIN_SHARE = 0.45

_STYLE = """
QLabel#lessonNotice, QLabel#lessonQuestion, QLabel#lessonAnswer, QLabel#lessonRefused {
    border-radius: 8px; padding: 0px 8px; border: 2px solid; }
QLabel#lessonNotice[kind="error"] { color: #A30000; background: #fde9dc; border-color: #D55E00;
    font-weight: bold; }
QLabel#lessonNotice[kind="info"] { color: #222222; background: #e3f1fa; border-color: #56B4E9; }
QLabel#lessonQuestion { background: #fff6d5; border-color: #E69F00; }
QLabel#lessonAnswer { background: #e6f4ee; border-color: #009E73; }
QLabel#lessonRefused { background: #e3f1fa; border-color: #0072B2; }
QLabel#lessonCode { background: #f5f5f5; color: #222222; border-radius: 6px; padding: 4px 10px; }
QLabel#lessonDescription, QLabel#lessonCodeHeading { color: #555555; }
QLabel#lessonComplete { color: #00704F; font-weight: bold; }
QPushButton[role="lessonNav"] { padding: 3px 12px; font-weight: bold; }
"""


def _label(name: str, *, rich: bool = False) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _button(text: str, name: str, slot: Any) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.clicked.connect(slot)
    return button


# ------------------------------------------------------------------------- panel
class LessonCombo(QComboBox):
    """The lesson list: Enter on it (closed) emits ``return_pressed`` (start that lesson)."""

    return_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
                event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            self.return_pressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class LessonPanel(LessonFollow, QWidget):
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
        self.setStyleSheet(_STYLE)
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

    # -- construction ------------------------------------------------------------
    def _build(self) -> None:
        # The panel's only scroll area is the step's text: the window does not wrap this
        # tab in another one (a box scrolling inside a box is unreadable on a projector).
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 1, 8, 0)
        layout.setSpacing(3)
        # Picker and Back / Step n of N / Next share a row when they fit (the combo
        # shows the lesson's title, so no row is spent on a title while a lesson runs).
        self.header = HeaderRow(self._build_picker(), self._build_nav(), "lessonHeader")
        layout.addWidget(self.header)
        self.title_label = _label("lessonTitle")
        self.notice_label = _label("lessonNotice", rich=True)
        layout.addWidget(self.title_label)
        layout.addWidget(self.notice_label)
        self.notice_label.hide()  # its frame shows only around a notice (t5 #18: empty box)
        # The question sits above the scrolling text (in view after Reveal) while it fits.
        self.question_label = _label("lessonQuestion", rich=True)
        self._pinned = QVBoxLayout()
        self._pinned.setContentsMargins(0, 0, 0, 0)
        self._pinned.addWidget(self.question_label)
        layout.addLayout(self._pinned)
        # The step scrolls under a fixed header, so Back and Next never leave the screen.
        self.body_scroll = QScrollArea()
        self.body_scroll.setObjectName("lessonScroll")
        self.body_scroll.setWidgetResizable(True)
        self.body_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # Sideways only for a printed tensor line wider than the pane (never broken).
        self.body_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.body_scroll.setWidget(self._build_step())
        layout.addWidget(self.body_scroll, 1)
        for keys, slot in ((NEXT_KEYS, self.next_step), (BACK_KEYS, self.back)):
            for key in keys:
                # Alt+arrows work anywhere in the window; PageUp/Down only inside the
                # panel, so tables and text fields elsewhere keep their own paging.
                context = (Qt.ShortcutContext.WindowShortcut if key.startswith("Alt")
                           else Qt.ShortcutContext.WidgetWithChildrenShortcut)
                QShortcut(QKeySequence(key), self, slot, context)
        for keys, pages in ((SCROLL_DOWN_KEYS, 1), (SCROLL_UP_KEYS, -1)):
            for key in keys:
                QShortcut(QKeySequence(key), self, lambda p=pages: self.scroll_text(p),
                          Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def _build_picker(self) -> list[tuple[QWidget, int]]:
        self.lesson_combo = LessonCombo()
        self.lesson_combo.return_pressed.connect(self._on_combo_return)
        self.lesson_combo.setObjectName("lessonCombo")
        # Long titles must not widen the dock: the combo shrinks, the popup shows all.
        self.lesson_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.lesson_combo.setMinimumContentsLength(12)
        self.lesson_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        for number, name in enumerate(list_lessons(), start=1):
            self.lesson_combo.addItem(f"{number}. {lesson_title(name)}", name)
        self.start_button = _button("Start", "lessonStartButton", self.start)
        self.open_button = _button("Open…", "lessonOpenButton", self.open_file)
        self.open_button.setToolTip("Open a lesson file (.toml) of your own")
        return [(self.lesson_combo, 1), (self.start_button, 0), (self.open_button, 0)]

    def _build_nav(self) -> list[tuple[QWidget, int]]:
        self.back_button = _button("◀ Back", "lessonBackButton", self.back)
        self.next_button = _button("Next ▶", "lessonNextButton", self.next_step)
        self.back_button.setToolTip("Back one step  [Alt+Left, PageUp]")
        self.next_button.setToolTip("Next step  [Alt+Right, PageDown]")
        self.counter_label = _label("lessonStepCounter")
        self.counter_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.counter_label.setWordWrap(False)  # "Step 4 of 9" never breaks
        # At the end the Next button gives way to "✔ Complete" and "Next lesson": in the
        # header, so the last step's text keeps the room every other step has.
        self.complete_label = _label("lessonComplete")
        self.complete_label.setText("✔ Done")
        self.complete_label.setToolTip("Lesson complete")
        self.complete_label.setWordWrap(False)
        self.next_lesson_button = _button("Next lesson ▶", "lessonNextLessonButton",
                                          self.start_next_lesson)
        for widget in (self.back_button, self.counter_label, self.next_button,
                       self.next_lesson_button):
            widget.setProperty("role", "lessonNav")
        return [(self.back_button, 0), (self.counter_label, 1), (self.complete_label, 0),
                (self.next_button, 0), (self.next_lesson_button, 0)]

    def _build_step(self) -> QWidget:
        self.description_label = _label("lessonDescription")
        self.guess_edit = QLineEdit()
        self.guess_edit.setObjectName("lessonGuess")
        self.guess_edit.setPlaceholderText("Your prediction…")
        self.guess_edit.returnPressed.connect(self.reveal)
        self.reveal_button = _button("Reveal", "lessonRevealButton", self.reveal)
        self.guess_row = QWidget()
        row = QHBoxLayout(self.guess_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.guess_edit, 1)
        row.addWidget(self.reveal_button)
        self.answer_label = _label("lessonAnswer", rich=True)
        self.refused_label = _label("lessonRefused", rich=True)
        self.narration_label = _label("lessonNarration")
        self.values_label = _label("lessonValues", rich=True)
        self.code_heading = _label("lessonCodeHeading")
        self.code_label = _label("lessonCode")
        body = QWidget()
        body.setObjectName("lessonBody")
        self._body_layout = layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.setSpacing(3)
        for widget in self._body_order(asking=True):
            layout.addWidget(widget)
        layout.addStretch(1)
        return body

    def _body_order(self, asking: bool) -> list[QWidget]:
        """The step's text top to bottom: an answer right under its question, then what
        PyTorch says; a step with no question starts with its narration."""
        if asking:
            order = [self.guess_row, self.answer_label, self.refused_label, self.values_label,
                     self.narration_label, self.description_label]
        else:
            order = [self.description_label, self.narration_label, self.refused_label,
                     self.values_label, self.guess_row, self.answer_label]
        return [*order, self.code_heading, self.code_label]

    def _arrange_body(self, asking: bool) -> None:
        layout, first = self._body_layout, 0 if self._question_pinned else 1
        for offset, widget in enumerate(self._body_order(asking)):
            if layout.indexOf(widget) != first + offset:
                layout.removeWidget(widget)  # same parent: the widget is not hidden
                layout.insertWidget(first + offset, widget)

    def _fit(self) -> None:
        """Header on one row when it fits; the question pinned above the text while the
        header and it leave the text most of the pane, else it scrolls with the text."""
        width = self.contentsRect().width() - 16
        self.header.arrange(width)
        question = self.question_label
        pin = True
        if question.text() and self.height() > 0:
            need = self.header.sizeHint().height() + question.heightForWidth(width)
            pin = need <= PIN_SHARE * self.height()
        if pin != self._question_pinned:
            visible = not question.isHidden()
            self._question_pinned = pin
            (self._body_layout if pin else self._pinned).removeWidget(question)
            if pin:
                self._pinned.addWidget(question)
            else:
                self._body_layout.insertWidget(0, question)
            question.setVisible(visible)  # a new parent hides a widget until shown again

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit()
        if self.values_label.isVisibleTo(self):
            step = self.lesson.steps[self.step_index] if self.lesson else None
            self._set_values(self._values_html(step) if step else "")

    def _apply_fonts(self, _font: object = None) -> None:
        """Sizes relative to the application font, so View → Zoom scales the lesson too."""
        big = theme.scaled_font(NARRATION_SCALE)
        for label in (self.narration_label, self.question_label, self.answer_label,
                      self.refused_label, self.guess_edit):
            label.setFont(big)
        self.title_label.setFont(theme.scaled_font(1.5, bold=True))
        self.counter_label.setFont(theme.scaled_font(1.2, bold=True))
        self.complete_label.setFont(theme.scaled_font(1.2, bold=True))
        self.values_label.setFont(theme.scaled_font(1.2))
        if hasattr(self, "_body_layout"):
            self._render()  # the values are packed by width in the new font
        self.notice_label.setFont(theme.scaled_font(1.2))
        mono = theme.monospace_font()
        mono.setPointSizeF(mono.pointSizeF() * 1.1)
        self.code_label.setFont(mono)

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

    def _set_values(self, rich_text: str) -> None:
        """What PyTorch says, at least as wide as its widest printed line: a word-wrapped
        label would not ask for it, and the line would be broken where print never does."""
        self.values_label.setText(rich_text)
        self.values_label.setMinimumWidth(unbroken_width(rich_text, self.values_label.font()))

    def shown_keys(self, step: Any) -> list[str]:
        """What "PyTorch says" shows for ``step``: its ``expect`` keys, then the tensors its
        actions touch (grads after backward or zero_grad, values after a step, the output
        after a forward), each once."""
        params = list(self.session.param_names) if self.session is not None else []
        output = self.session.output_name if self.session is not None else None
        touched: dict[str, list[str]] = {
            "forward": [output] if output else [],
            "backward": [f"{p}.grad" for p in params],
            "zero_grad": [f"{p}.grad" for p in params],
            "step": [*params, *(f"{p}.grad" for p in params)],
            "iterate": [*params, *(f"{p}.grad" for p in params)],
        }
        keys = list(step.expect)
        for method, kwargs in step.actions:
            if method == "set_requires_grad" and kwargs.get("name"):
                keys.append(f"{kwargs['name']}.requires_grad")
            keys += touched.get(method, [])
        return list(dict.fromkeys(keys))

    def _values_html(self, step: Any) -> str:
        """``key = value`` for each key of :meth:`shown_keys`, read from the live session,
        side by side where the pane's width allows."""
        if self.session is None:
            return ""
        rows, notes = [], []
        for key in self.shown_keys(step):
            try:
                value = actual_value(self.session, key)
                if key in APP_NOTE_KEYS:  # the app's state, not a print: worded as our note
                    notes.append(app_note(key, value))
                    continue
                text = printed_value(key, value)
            except Exception as exc:  # noqa: BLE001 - e.g. a tensor before any forward
                notes.append(f"{key}: {exc}")  # the app's words, not a print: they wrap
                continue
            rows.append((key, text))
        # The scroll bar's width is kept free whether it shows or not: packing must not
        # depend on whether the text it packs needs scrolling.
        width = self.body_scroll.width() - self.body_scroll.verticalScrollBar().sizeHint().width() - 8
        mono = theme.monospace_font()
        mono.setPointSizeF(self.values_label.font().pointSizeF())
        note = "<br>".join(f"<i>{html.escape(n)}</i>" for n in notes)
        said = values_html(rows, width, mono, self.values_label.font())
        return "<br>".join(part for part in (said, note) if part)
