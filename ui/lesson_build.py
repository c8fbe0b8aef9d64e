"""How the Lesson tab is built and fitted: picker and navigation in one header row, the
question pinned above the step's scrolling text while it fits, fonts that follow the zoom.

A mixin of :class:`ui.lesson_view.LessonPanel` (its slots, such as ``next_step``,
``reveal`` and ``scroll_text``, are the panel's). No torch here.
"""

from __future__ import annotations


from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLineEdit, QScrollArea, QSizePolicy, QVBoxLayout, QWidget,
)

from playground.lessons import list_lessons  # torch-free
from ui import theme
from ui.header_row import HeaderRow
from ui.lesson_parts import (BACK_KEYS, NARRATION_SCALE, NEXT_KEYS, PIN_SHARE, SCROLL_DOWN_KEYS,
                             SCROLL_UP_KEYS, LessonCombo, lesson_button, lesson_label)
from ui.lesson_text import lesson_title


class LessonBuild:
    """The panel's widgets, their order and fonts (``_build`` once, ``_fit`` on resize)."""

    _question_pinned: bool
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
        self.title_label = lesson_label("lessonTitle")
        self.notice_label = lesson_label("lessonNotice", rich=True)
        layout.addWidget(self.title_label)
        layout.addWidget(self.notice_label)
        self.notice_label.hide()  # its frame shows only around a notice (t5 #18: empty box)
        # The question sits above the scrolling text (in view after Reveal) while it fits.
        self.question_label = lesson_label("lessonQuestion", rich=True)
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
        self.start_button = lesson_button("Start", "lessonStartButton", self.start)
        self.open_button = lesson_button("Open…", "lessonOpenButton", self.open_file)
        self.open_button.setToolTip("Open a lesson file (.toml) of your own")
        return [(self.lesson_combo, 1), (self.start_button, 0), (self.open_button, 0)]

    def _build_nav(self) -> list[tuple[QWidget, int]]:
        self.back_button = lesson_button("◀ Back", "lessonBackButton", self.back)
        self.next_button = lesson_button("Next ▶", "lessonNextButton", self.next_step)
        self.back_button.setToolTip("Back one step  [Alt+Left, PageUp]")
        self.next_button.setToolTip("Next step  [Alt+Right, PageDown]")
        self.counter_label = lesson_label("lessonStepCounter")
        self.counter_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.counter_label.setWordWrap(False)  # "Step 4 of 9" never breaks
        # At the end the Next button gives way to "✔ Complete" and "Next lesson": in the
        # header, so the last step's text keeps the room every other step has.
        self.complete_label = lesson_label("lessonComplete")
        self.complete_label.setText("✔ Done")
        self.complete_label.setToolTip("Lesson complete")
        self.complete_label.setWordWrap(False)
        self.next_lesson_button = lesson_button("Next lesson ▶", "lessonNextLessonButton",
                                          self.start_next_lesson)
        for widget in (self.back_button, self.counter_label, self.next_button,
                       self.next_lesson_button):
            widget.setProperty("role", "lessonNav")
        return [(self.back_button, 0), (self.counter_label, 1), (self.complete_label, 0),
                (self.next_button, 0), (self.next_lesson_button, 0)]

    def _build_step(self) -> QWidget:
        self.description_label = lesson_label("lessonDescription")
        self.guess_edit = QLineEdit()
        self.guess_edit.setObjectName("lessonGuess")
        self.guess_edit.setPlaceholderText("Your prediction…")
        self.guess_edit.returnPressed.connect(self.reveal)
        self.reveal_button = lesson_button("Reveal", "lessonRevealButton", self.reveal)
        self.guess_row = QWidget()
        row = QHBoxLayout(self.guess_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.guess_edit, 1)
        row.addWidget(self.reveal_button)
        self.answer_label = lesson_label("lessonAnswer", rich=True)
        self.refused_label = lesson_label("lessonRefused", rich=True)
        self.narration_label = lesson_label("lessonNarration")
        self.values_label = lesson_label("lessonValues", rich=True)
        self.code_heading = lesson_label("lessonCodeHeading")
        self.code_label = lesson_label("lessonCode")
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
