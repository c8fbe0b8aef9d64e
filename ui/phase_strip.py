"""The phase strip: forward → backward → step → zero_grad, what just ran and what comes next."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ui import theme
from ui.session_view import FollowsSession

PHASES = ("forward", "backward", "step", "zero_grad")
MAX_CODE_LINES = 4


class PhaseStrip(QWidget, FollowsSession):
    """Four boxes in loop order; the last action is filled, the typical next one outlined.

    Below them, the PyTorch code of the last action. Follows a session's events
    (refreshing at most once per frame, so auto-run stays cheap).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("phaseStrip")
        self.boxes: dict[str, QLabel] = {}
        row = QHBoxLayout()
        row.setSpacing(6)
        for i, phase in enumerate(PHASES):
            if i:
                arrow = QLabel("→")
                arrow.setProperty("role", "phaseArrow")
                row.addWidget(arrow)
            box = QLabel(phase)
            box.setObjectName(f"phase_{phase}")
            box.setProperty("role", "phase")
            box.setAlignment(Qt.AlignmentFlag.AlignCenter)
            # Ignored: when zoomed for a projector, clip a label rather than widen the window.
            box.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            self.boxes[phase] = box
            row.addWidget(box, 1)
        self.code_label = QLabel()
        self.code_label.setObjectName("phaseCode")
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.code_label)
        self.last_phase: str | None = None
        self.next_phase: str | None = None
        #: Lines of code shown at most; the window lowers it when its height is short.
        self.max_code_lines = MAX_CODE_LINES
        self._follow_init()
        self._on_theme_changed()
        theme.changes.theme_changed.connect(self._on_theme_changed)

    def refresh(self) -> None:
        """Show the session's last record and its next phase now."""
        history = [] if self.session is None else self.session.history
        # The record the session is at: the last one, or an earlier one on the timeline.
        position = getattr(self.session, "position", len(history) - 1)
        record = history[position] if history and position >= 0 else None
        self.last_phase = getattr(record, "action", None)
        self.next_phase = None if self.session is None else self.session.next_phase
        #: Why backward is not next although the loop's order says so (None: it is).
        self.no_graph_note = self._no_graph_note()
        if self.no_graph_note is not None:
            self.next_phase = "forward"  # backward would fail: there is no graph to go through
        for phase, box in self.boxes.items():
            state = "last" if phase == self.last_phase else "next" if phase == self.next_phase else ""
            suffix = {"last": "  ✔ just ran", "next": "  → next"}.get(state, "")
            metrics = QFontMetrics(theme.scaled_font(1.15, bold=True))
            if metrics.horizontalAdvance(phase + suffix) + 24 > box.width():
                suffix = {"last": " ✔", "next": " →"}.get(state, "")  # narrow: the mark alone
            box.setText(phase + suffix)
            # Colours come from theme.PHASE_COLOURS, their one source, hence inline styles.
            box.setStyleSheet(self._box_style(phase, state))
        lines = list(record.code) if record is not None else []
        if self.no_graph_note is not None:
            lines.insert(0, self.no_graph_note)
        self.code_label.setToolTip("\n".join(lines))
        most = self.max_code_lines
        # No line at all (a roomy tab at 200 %): the boxes' tooltip and the Code tab have it.
        self.code_label.setVisible(most > 0)
        self.setToolTip("" if most > 0 else "\n".join(lines))
        most = max(1, most)
        if len(lines) > most:
            # The plots need the height more; the tooltip and the Code tab have it all.
            hidden = len(lines) - most + (1 if most > 1 else 0)
            more = f"# … {hidden} more line{'s' if hidden > 1 else ''}"
            lines = lines[:most - 1] + [more] if most > 1 else [f"{lines[0]}   {more}"]
        lines = lines or ["Press F for forward, or I for a whole iteration."]
        # Elide long lines at the end (the tooltip has them whole) rather than clip them.
        metrics = QFontMetrics(self.code_label.font())
        room = self.code_label.contentsRect().width() - 24
        if room > 0:
            lines = [metrics.elidedText(line, Qt.TextElideMode.ElideRight, room) for line in lines]
        self.code_label.setText("\n".join(lines))
        self._fit_boxes()

    def _no_graph_note(self) -> str | None:
        """A comment line when the loop's order says backward but the output has no
        autograd graph (a forward under no_grad, or no param requiring grad)."""
        session = self.session
        if session is None or self.next_phase != "backward" or session.output_tensor is None:
            return None
        if session.requires_grad(session.output_name):
            return None
        if any(session.requires_grad(name) for name in session.param_names):
            return (f"# no graph: that forward ran under no_grad, so {session.output_name}"
                    ".backward() would fail: forward (with grad) comes next")
        return (f"# no graph: no param requires grad, so {session.output_name}.backward() "
                "would fail: switch requires_grad on, then forward")

    def code_line_height(self) -> float:
        """Height of one line of the code below the boxes."""
        return float(QFontMetrics(self.code_label.font()).lineSpacing())

    def height_for_lines(self, lines: int) -> float:
        """The strip's height when its code shows ``lines`` lines (0: the boxes alone)."""
        row = max(box.sizeHint().height() for box in self.boxes.values())
        if lines <= 0:
            return row
        shown = self.code_label.text().count("\n") + 1
        code = self.code_label.sizeHint().height() + (lines - shown) * self.code_line_height()
        return row + code + max(0, self.layout().spacing())

    def set_max_code_lines(self, lines: int) -> None:
        """Show at most ``lines`` lines of the last action's code (0: none, the boxes alone)."""
        lines = max(0, lines)
        if lines != self.max_code_lines:
            self.max_code_lines = lines
            self.refresh()

    def _fit_boxes(self) -> None:
        """Shrink the boxes' font (down to the body size) rather than clip "zero_grad"."""
        width = min((box.width() for box in self.boxes.values()), default=0)
        if width <= 0:
            return
        # Down to 0.7: at 200 % zoom on a 1024 px screen "zero_grad" had ~120 px (s2).
        for factor in (1.15, 1.05, 1.0, 0.9, 0.8, 0.7):
            font = theme.scaled_font(factor, bold=True)
            widest = max(QFontMetrics(font).horizontalAdvance(b.text()) for b in self.boxes.values())
            if widest + 18 <= width:
                break
        for box in self.boxes.values():
            if box.font() != font:
                box.setFont(font)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self.refresh()  # long or short labels, whichever fits

    @staticmethod
    def _box_style(phase: str, state: str) -> str:
        colour = theme.PHASE_COLOURS[phase]
        c = theme.colours()
        if state == "last":
            return f"background: {colour}; color: white; border: 3px solid {colour};"
        if state == "next":
            return f"background: {c['bg']}; color: {colour}; border: 3px dashed {colour};"
        return f"background: {c['idle_bg']}; color: {c['idle_fg']}; border: 3px solid {c['idle_border']};"

    def _on_theme_changed(self) -> None:
        """Zoom, presentation or colour scheme changed: fonts and colours again."""
        for box in self.boxes.values():
            box.setFont(theme.scaled_font(1.15, bold=True))
        self.code_label.setFont(theme.monospace_font())
        self.refresh()
