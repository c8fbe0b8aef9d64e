"""Presentation mode (F11, View menu; Esc leaves): the window as a teacher projects it.

Full screen; the model dock, menu bar, toolbar, big buttons and status bar
hidden (every command keeps its key: the actions live on the window); text at
least 24 px at 720 px of screen height, curves at least 4 px, a high-contrast
palette with a marker per curve (``ui/theme.py``); the plots take most of the
height; the running lesson's step shows as a large caption above them (question,
answer, narration and what PyTorch says, scrolling past a share of the height), and
every lesson key works on the window (``ui/lesson_keys.py``): the Lesson tab gives
way to the caption, and a hidden panel's own shortcuts never fire.
Leaving restores the layout exactly as it was: geometry, window state, docks,
toolbars, splitter sizes and the zoom.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QObject, QRect, Qt, QTimer
from PySide6.QtGui import QFontMetricsF, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy

from ui import theme
from ui.lesson_keys import LessonKeys
from ui.lesson_layout import PRINTED_STYLE

#: Text height in presentation mode at a 720 px high screen; it grows with taller screens.
TEXT_PX_AT_720 = theme.PRESENTATION_TEXT_PX
#: Share of the centre's height the plots take (the tabs below get the rest).
PLOT_SHARE = 0.68
#: With these tabs open the plots keep only their floor (ui/window_layout.py): the graph's
#: boxes, at 24 px, need the room (tests/ui/test_graph_text_size.py).
TABS_BEFORE_PLOTS = ("Graph",)
#: How often the caption re-reads the lesson panel (only while presenting).
CAPTION_POLL_MS = 250
#: Most of the window's height the caption takes; longer, it scrolls (Alt+Down / Alt+Up).
CAPTION_SHARE = 0.34
#: The caption's text is this much larger than the (already large) application font.
CAPTION_FONT_FACTOR = 1.15
#: A tab page shows at least this many lines of text, or the tabs hide (u1 trial: F11 from the
#: Tensors tab left a bare tab bar at the screen's bottom edge, over a 27 px page).
PAGE_LINES = 3
#: With the Graph tab in front the caption shows this many lines (the node replayed, then
#: the lesson) and scrolls the rest: the graph's 24 px boxes need the height.
GRAPH_CAPTION_LINES = 3
#: Pixels the caption leaves spare beside the Graph tab (rounding in the layout keeper's sums).
ROOM_SLACK = 4
#: The lesson panel's labels the caption shows, top to bottom (a hidden one is skipped).
#: What PyTorch says comes before the narration, so it shows without scrolling.
CAPTION_LABELS = ("counter_label", "question_label", "answer_label", "refused_label",
                  "values_label", "narration_label")


@dataclass
class SavedLayout:
    """Everything presentation mode changes, to put back on leaving."""

    geometry: QRect
    state: QByteArray
    window_state: Qt.WindowState
    splitter: list[int]
    user_sized: bool
    visible: dict[str, bool]
    code_lines: int


def caption_text(panel: Any) -> str:
    """The lesson panel's current step as caption text ("" when no lesson runs).

    Uses the panel's own ``caption_text()`` when it has one; otherwise reads
    its step counter, question, answer (after Reveal), PyTorch's refusal,
    narration and "PyTorch says" labels.
    """
    if panel is None:
        return ""
    own = getattr(panel, "caption_text", None)
    if callable(own):
        return str(own())
    if getattr(panel, "session", None) is None or getattr(panel, "lesson", None) is None:
        return ""
    parts = []
    for name in CAPTION_LABELS:
        label = getattr(panel, name, None)
        if isinstance(label, QLabel) and not label.isHidden() and label.text():
            # The caption has no sideways scroll: a printed line wider than it wraps.
            parts.append(label.text().replace(PRINTED_STYLE, "white-space: pre-wrap"))
    done = getattr(panel, "complete_label", None)
    if parts and isinstance(done, QLabel) and not done.isHidden():
        # The end of a lesson: say so, and which key goes on (a clicker's PageDown).
        parts[0] = f"{parts[0]}  {done.text()}"
        following = panel.next_lesson_title() if hasattr(panel, "next_lesson_title") else ""
        if following:  # right under the counter: the caption's end may be scrolled away
            parts.insert(1, f"<i>Next (PageDown or Alt+→): {html.escape(following)}</i>")
    return "<br>".join(parts[:1] and [f"<b>{parts[0]}</b>"] + parts[1:])


class Presentation(QObject):
    """Enters and leaves presentation mode for ``window`` (a MainWindow)."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.active = False
        self._saved: SavedLayout | None = None
        self.caption = QLabel()
        self.caption.setObjectName("presentationCaption")
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # A revealed step (answer, narration, tensors) is long at 24 px: it scrolls rather
        # than squeeze the plots.
        self.caption_area = QScrollArea()
        self.caption_area.setObjectName("presentationCaptionArea")
        self.caption_area.setWidgetResizable(True)
        self.caption_area.setFrameShape(QFrame.Shape.NoFrame)
        self.caption_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.caption_area.setWidget(self.caption)  # (which shows it)
        self.caption.hide()
        self.caption_area.hide()
        layout = window.centralWidget().layout()
        layout.insertWidget(layout.indexOf(window.centre_splitter), self.caption_area)
        panel = window.inspector_panels.get("Lesson")
        self.lesson_keys = (LessonKeys(window, panel, self.scroll_caption, self.refresh_caption)
                            if hasattr(panel, "next_step") else None)
        # Node by node (N) on the Graph tab: the node's words go in the caption at once.
        stepper = getattr(window.inspector_panels.get("Graph"), "stepper", None)
        if stepper is not None:
            stepper.moved.connect(self.refresh_caption)
        window.inspector.currentChanged.connect(self.refresh_caption)
        restored = getattr(panel, "place_restored", None)
        if restored is not None:  # undo / timeline moved the lesson: the caption at once
            restored.connect(self.refresh_caption)
        self.leave_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), window, self.leave)
        self.leave_shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.leave_shortcut.setEnabled(False)
        self._poll = QTimer(self)
        self._poll.setInterval(CAPTION_POLL_MS)
        self._poll.timeout.connect(self.refresh_caption)
        # A zoom re-polishes every widget and puts the plain application font back on the
        # caption (t5 trial: Ctrl+= made it smaller): give it its own size again.
        theme.changes.theme_changed.connect(self._restyle_caption)
        theme.changes.theme_changed.connect(self._floor_pages)

    def set_active(self, on: bool) -> None:
        """Enter (True) or leave (False)."""
        if on:
            self.enter()
        else:
            self.leave()

    def text_px(self) -> float:
        """Text height for the window's screen: 24 px at 720 px, in proportion above it."""
        screen = self.window.screen() or QGuiApplication.primaryScreen()
        height = screen.geometry().height() if screen is not None else 720
        return TEXT_PX_AT_720 * max(1.0, height / 720)

    def enter(self) -> None:
        """Full screen, panels hidden, big text and pens, the lesson as a caption."""
        if self.active:
            return
        w = self.window
        rows = self._rows()
        self._saved = SavedLayout(
            geometry=w.normalGeometry() if w.isMaximized() else w.geometry(), state=w.saveState(), window_state=w.windowState(),
            splitter=w.centre_splitter.sizes(), user_sized=w._splitter_user_sized,
            visible={name: not widget.isHidden() for name, widget in rows.items()},
            code_lines=w.phase_strip.max_code_lines)
        self.active = True
        w.layout_keeper.enabled = False  # its optional rows stay as presentation sets them
        for widget in rows.values():
            widget.hide()
        theme.set_presentation(self.text_px())
        self._floor_pages()
        w.showFullScreen()
        screen = w.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            w.setGeometry(screen.geometry())  # also without a window manager (a bare X server)
        self.leave_shortcut.setEnabled(True)
        if self.lesson_keys is not None:
            self.lesson_keys.set_presenting(True)
        self._set_checked(True)
        self.refresh_caption()
        self._poll.start()
        w.phase_strip.set_max_code_lines(1)
        QTimer.singleShot(0, self, self._share_centre)

    def leave(self) -> None:
        """Back to the layout as it was before :meth:`enter`, exactly."""
        if not self.active or self._saved is None:
            return
        w, saved = self.window, self._saved
        self.active = False
        self._poll.stop()
        self.caption.hide()
        self.caption_area.hide()
        self.leave_shortcut.setEnabled(False)
        if self.lesson_keys is not None:
            self.lesson_keys.set_presenting(False)
        w.inspector.show()  # presentation hides the tabs when they do not fit
        self._floor_pages()
        theme.set_presentation(None)
        w.setWindowState(saved.window_state)
        if not saved.window_state & (Qt.WindowState.WindowFullScreen | Qt.WindowState.WindowMaximized):
            w.setGeometry(saved.geometry)
        w.restoreState(saved.state)
        for name, widget in self._rows().items():
            widget.setVisible(saved.visible[name])
        w.statusBar().reformat()  # it kept the presentation font's height while hidden
        w._splitter_user_sized = saved.user_sized
        w.layout_keeper.enabled = True
        self._set_checked(False)
        self._saved = None
        w.phase_strip.set_max_code_lines(saved.code_lines)
        # The splitter's sizes once the layout has taken the old fonts and rows back.
        QGuiApplication.processEvents()
        w.centralWidget().layout().activate()
        w.centre_splitter.setSizes(saved.splitter)

    def refresh_caption(self) -> None:
        """Show the lesson's current step, or nothing when no lesson runs."""
        text = ""
        if self.active:
            text = caption_text(self.window.inspector_panels.get("Lesson"))
            # A lesson's caption leaves the Graph tab no room for its own explanation (u1
            # trial, lesson 15): the node replayed (N) goes first, the lesson scrolls below it.
            # Without a lesson the tab has the room and says it itself.
            node = self._node_text() if text else ""
            text = f"{node}<br>{text}" if node else text
        if text != self.caption.text():
            self.caption.setText(text)
            self._restyle_caption()
        if self.caption_area.isHidden() == bool(text):
            self.caption.setVisible(bool(text))
            self.caption_area.setVisible(bool(text))
            self._fit_caption()
            self.window.layout_keeper.apply()  # now, before the layout makes room for it

    def _graph_in_front(self) -> bool:
        tabs = self.window.inspector
        return tabs.tabText(tabs.currentIndex()) == "Graph"

    def _node_text(self) -> str:
        """The node being replayed (N), when the Graph tab is in front; else ""."""
        stepper = getattr(self.window.inspector_panels.get("Graph"), "stepper", None)
        return stepper.caption_html() if stepper is not None and self._graph_in_front() else ""

    def _restyle_caption(self) -> None:
        """The caption's font, CAPTION_FONT_FACTOR times the application's, and its height."""
        if self.active:
            self.caption.setFont(theme.scaled_font(CAPTION_FONT_FACTOR))
            self._fit_caption()

    def scroll_caption(self, pages: float) -> None:
        """Scroll the caption by ``pages`` (negative: up) of its visible height."""
        bar = self.caption_area.verticalScrollBar()
        bar.setValue(bar.value() + round(pages * max(bar.pageStep(), 1) * 0.8))

    def _fit_caption(self) -> None:
        """The caption's whole text, up to CAPTION_SHARE of the window; more scrolls."""
        if not self.caption.text():
            return
        bar = self.caption_area.verticalScrollBar()
        width = max(1, self.window.centralWidget().contentsRect().width() - 16)
        need = self.caption.heightForWidth(width)
        cap = int(self.window.height() * CAPTION_SHARE)
        if self._graph_in_front():  # the graph keeps its tab (TABS_BEFORE_PLOTS): the caption scrolls
            line = QFontMetricsF(self.caption.font()).lineSpacing()
            cap = max(math.ceil(2 * line),
                      min(cap, self._room_beside_graph(), math.ceil(GRAPH_CAPTION_LINES * line) + self._caption_padding()))
        if need > cap:  # the scroll bar takes some of the width: the text wraps longer
            need = self.caption.heightForWidth(max(1, width - bar.sizeHint().width()))
        height = max(1, min(need, cap))
        if height != self.caption_area.maximumHeight():
            self.caption_area.setFixedHeight(height)
            if self.active:  # the tabs may fit again under a shorter caption (or no longer)
                self.window.layout_keeper.schedule()

    def _caption_padding(self) -> int:
        """The caption's height beyond its text's lines (the style sheet's padding)."""
        return max(0, self.caption.height() - self.caption.contentsRect().height())

    def _room_beside_graph(self) -> int:
        """Height the caption may take while the plots keep their floor and the tabs theirs:
        the layout keeper's sum (ui/window_layout.py, presentation branch) solved for it."""
        w = self.window
        layout = w.centralWidget().layout()
        margins = layout.contentsMargins()
        banner = w.banner_area.room()
        shown = 3 + (1 if banner else 0)  # phase strip, caption, splitter (and the banner)
        return int(w.height() - margins.top() - margins.bottom() - banner
                   - max(0, layout.spacing()) * (shown - 1) - w.phase_strip.height_for_lines(1)
                   - w.plots.minimumHeight() - w.centre_splitter.handleWidth()
                   - w.inspector.minimumSizeHint().height() - ROOM_SLACK)

    def _floor_pages(self) -> None:
        """While presenting, each tab page's floor is PAGE_LINES lines, else 1 px as before.

        The layout keeper shows the tabs only when their minimum fits under the plots
        (ui/window_layout.py): with a 1 px page that minimum was the bare tab bar.
        """
        tabs = self.window.inspector
        floor = 1
        if self.active:
            floor = round(PAGE_LINES * QFontMetricsF(QGuiApplication.font()).lineSpacing())
        for index in range(tabs.count()):
            tabs.widget(index).setMinimumHeight(floor)

    def _rows(self) -> dict[str, Any]:
        w = self.window
        return {"dock": w.model_dock, "menu": w.menuBar(), "toolbar": w.toolbar,
                "buttons": w.big_button_row, "status": w.statusBar()}

    def _share_centre(self) -> None:
        sizes = self.window.centre_splitter.sizes()
        total = sum(sizes)
        if self.active and total > 0:
            tabs = self.window.inspector
            share = 0.0 if tabs.tabText(tabs.currentIndex()) in TABS_BEFORE_PLOTS else PLOT_SHARE
            plots = max(self.window.plots.minimumHeight(), int(total * share))
            self.window.centre_splitter.setSizes([plots, max(0, total - plots)])

    def _set_checked(self, on: bool) -> None:
        action = self.window.action("actionPresentation")
        blocked = action.blockSignals(True)
        action.setChecked(on)
        action.blockSignals(blocked)
