"""The phase strip: forward → backward → step → zero_grad, what just ran and what comes next."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
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
        self._follow_init()
        self._on_app_font_changed()
        QGuiApplication.instance().fontChanged.connect(self._on_app_font_changed)

    def refresh(self) -> None:
        """Show the session's last record and its next phase now."""
        history = [] if self.session is None else self.session.history
        record = history[-1] if history else None
        self.last_phase = getattr(record, "action", None)
        self.next_phase = None if self.session is None else self.session.next_phase
        for phase, box in self.boxes.items():
            state = "last" if phase == self.last_phase else "next" if phase == self.next_phase else ""
            suffix = {"last": "  ✔ just ran", "next": "  → next"}.get(state, "")
            if box.fontMetrics().horizontalAdvance(phase + suffix) + 24 > box.width():
                suffix = {"last": " ✔", "next": " →"}.get(state, "")  # narrow: the mark alone
            box.setText(phase + suffix)
            # Colours come from theme.PHASE_COLOURS, their one source, hence inline styles.
            box.setStyleSheet(self._box_style(phase, state))
        lines = list(record.code) if record is not None else []
        if len(lines) > MAX_CODE_LINES:
            # The plots need the height more; the Code tab has the whole listing.
            lines = lines[:MAX_CODE_LINES - 1] + [f"# … {len(lines) - MAX_CODE_LINES + 1} more lines"]
        code = "\n".join(lines)
        self.code_label.setText(code or "Press F for forward, or I for a whole iteration.")

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self.refresh()  # long or short labels, whichever fits

    @staticmethod
    def _box_style(phase: str, state: str) -> str:
        colour = theme.PHASE_COLOURS[phase]
        if state == "last":
            return f"background: {colour}; color: white; border: 3px solid {colour};"
        if state == "next":
            return f"background: white; color: {colour}; border: 3px dashed {colour};"
        return "background: #f2f2f2; color: #777; border: 3px solid #ddd;"

    def _on_app_font_changed(self, _font: object = None) -> None:
        for box in self.boxes.values():
            box.setFont(theme.scaled_font(1.15, bold=True))
        self.code_label.setFont(theme.monospace_font())
