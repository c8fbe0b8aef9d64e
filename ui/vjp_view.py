"""The backward(v) tab: the Jacobian of the output, v, and vᵀJ beside the real .grad.

All numbers come from the engine (``Session.jacobian`` / ``Session.vjp`` /
``Session.backward``); this widget only lays them out.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui import theme
from ui.formatting import format_value
from ui.session_view import SessionView

#: Larger Jacobians are described, not drawn: a projector cannot show them anyway.
MAX_SHOWN = 8


def ones_text(shape: tuple[int, ...]) -> str:
    """``[1.0, 1.0, 1.0]`` (nested) for a shape: the default v."""
    if not shape:
        return "1.0"
    inner = ones_text(shape[1:])
    return "[" + ", ".join([inner] * shape[0]) + "]"


class VjpPanel(SessionView):
    """Editor for v, a retain_graph toggle, the Jacobian, and vᵀJ next to .grad."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("vjpPanel")
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.explain.setObjectName("vjpExplain")
        self.v_edit = QLineEdit()
        self.v_edit.setObjectName("vjpVector")
        self.v_edit.setToolTip("v: one number per output element, e.g. [0.1, 1.0, 0.0001]")
        self.v_edit.textEdited.connect(self._on_v_edit_text_edited)
        self.v_edit.returnPressed.connect(self.run_backward)
        self.retain = QCheckBox("retain_graph=True (keep the graph for another backward)")
        self.retain.setObjectName("vjpRetainGraph")
        self.run_button = QPushButton("backward(v)")
        self.run_button.setObjectName("vjpBackward")
        self.run_button.setToolTip("out.backward(v, retain_graph=...) on the live session")
        self.run_button.clicked.connect(self.run_backward)
        self.param_combo = QComboBox()
        self.param_combo.setObjectName("vjpParam")
        self.param_combo.currentIndexChanged.connect(self._on_param_combo_changed)
        self.table = QTableWidget()
        self.table.setObjectName("jacobianTable")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table_caption = QLabel()
        self.table_caption.setWordWrap(True)
        self.result = QLabel()
        self.result.setObjectName("vjpResult")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = QLabel()
        self.error.setObjectName("vjpError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #B00020; font-weight: bold;")
        self._build_layout()
        self._v_touched = False
        #: The window routes backward(v) through its controller (so a compare twin
        #: keeps in step); it raises on failure. None: call the session directly.
        self.backward_handler: Any = None
        #: The v the window's Backward button uses (the model panel's), if any.
        self.default_v: str | None = None
        self.refresh()
        # The zoom re-polishes the labels back to their first fonts: set the zoomed ones again.
        theme.changes.theme_changed.connect(self._on_theme_changed)

    def _on_theme_changed(self) -> None:
        self.explain.setFont(theme.scaled_font(1.05))
        self.result.setFont(theme.scaled_font(1.1, bold=True))

    def _build_layout(self) -> None:
        form = QFormLayout()
        form.addRow("v =", self.v_edit)
        form.addRow("", self.retain)
        row = QHBoxLayout()
        row.addWidget(self.run_button)
        row.addStretch(1)
        form.addRow("", row)
        form.addRow("Jacobian of the output w.r.t.", self.param_combo)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.table_caption)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.result)

    # -- reading the session ----------------------------------------------------
    def _output_shape(self) -> tuple[int, ...] | None:
        if self.session is None or self.session.output is None:
            return None
        for info in self.session.tensors():
            if info.kind == "output":
                return tuple(info.shape)
        return None

    def refresh(self) -> None:
        """Re-read the session: explanation, default v, Jacobian and vᵀJ."""
        self.explain.setFont(theme.scaled_font(1.05))
        names = [] if self.session is None else list(self.session.param_names)
        if names != [self.param_combo.itemText(i) for i in range(self.param_combo.count())]:
            self.param_combo.blockSignals(True)
            self.param_combo.clear()
            self.param_combo.addItems(names)
            self.param_combo.blockSignals(False)
        shape = self._output_shape()
        self.run_button.setEnabled(shape is not None)
        if shape is None:
            self.explain.setText("Press Forward (F): the Jacobian is of the output it computes.")
            self._clear_numbers()
            return
        size = math.prod(shape)
        name = self.session.output_name
        if size == 1:
            self.explain.setText(
                f"{name} is a single number, so {name}.backward() uses v = 1: "
                "the gradient of the output with respect to itself. "
                "Each param's grad is then one row of the Jacobian."
            )
        else:
            from playground.printing import shape_text  # torch: loaded once there is an output

            # torch's own words, as the Tensors table's tooltip and the lesson say it.
            self.explain.setText(
                f"{name} has {size} elements ({name}.shape is {shape_text(shape)}), so backward needs a vector v "
                f"of that shape. PyTorch never builds the Jacobian J: it computes vᵀJ, "
                "the rows of J weighted by v, and adds it to each param's .grad."
            )
        if not self._v_touched:
            self.v_edit.setText(self.default_v or ones_text(shape))
        if self.isVisible():
            self._show_numbers()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        """The Jacobian costs one backward per output element: compute it only when seen."""
        super().showEvent(event)
        self.refresh()

    def _clear_numbers(self) -> None:
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self.table_caption.setText("")
        self.result.setText("")

    def _show_numbers(self) -> None:
        name = self.param_combo.currentText()
        if not name:
            return
        self.error.setText("")
        try:
            # Only the corner shown is computed (one backward per row shown), so a
            # 10,000-element output costs what an 8-element one does.
            jac, shape = self.session.jacobian_block(name, MAX_SHOWN, MAX_SHOWN)
            # The default v is ones: say so instead of parsing thousands of "1.0"s.
            untouched = not self._v_touched and self.default_v is None
            vjp = self.session.vjp(name, None if untouched else self.v_edit.text())
        except Exception as exc:  # noqa: BLE001 - shown inline, never raised from a slot
            self._show_error(exc)
            self._clear_numbers()
            return
        self._fill_table(name, jac, shape)
        grad = self.session.grad(name)
        self.result.setText(
            f"vᵀJ = {format_value(vjp)}\n"
            f"{name}.grad now = {format_value(grad)}\n"
            "backward(v) adds vᵀJ to .grad (equal only if .grad was zero or None before)."
        )
        self.result.setFont(theme.scaled_font(1.1, bold=True))

    def _fill_table(self, name: str, jac: list[list[float]], shape: tuple[int, int]) -> None:
        total_rows, total_cols = shape
        rows, cols = len(jac), len(jac[0]) if jac else 0
        out = self.session.output_name
        caption = f"J[i, j] = ∂{out}[i] / ∂{name}[j]  ({total_rows}×{total_cols})"
        if (rows, cols) != (total_rows, total_cols):
            caption += f": the top-left {rows}×{cols} shown (up to {MAX_SHOWN}×{MAX_SHOWN})"
        self.table_caption.setText(caption)
        self.table.setRowCount(rows)
        self.table.setColumnCount(cols)
        self.table.setHorizontalHeaderLabels([f"{name}[{j}]" for j in range(cols)])
        self.table.setVerticalHeaderLabels([f"{out}[{i}]" for i in range(rows)])
        for i, row in enumerate(jac):
            for j, value in enumerate(row):
                item = QTableWidgetItem(format_value(value))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()

    def _show_error(self, exc: BaseException) -> None:
        lines = [getattr(exc, "message", None) or str(exc)]
        said = getattr(exc, "torch_message", None)
        if said:
            lines.append(f"PyTorch says: {said}")
        hint = getattr(exc, "hint", None)
        if hint:
            lines.append(hint)
        self.error.setText("\n".join(lines))

    # -- user input ---------------------------------------------------------------
    def _on_v_edit_text_edited(self, _text: str) -> None:
        self._v_touched = True
        if self.isVisible() and self._output_shape() is not None:
            self._show_numbers()

    def _on_param_combo_changed(self, _index: int) -> None:
        if self.isVisible() and self._output_shape() is not None:
            self._show_numbers()

    def run_backward(self) -> None:
        """``out.backward(v, retain_graph=...)`` on the live session; errors shown inline."""
        if self.session is None:
            return
        self.error.setText("")
        shape = self._output_shape()
        gradient = None if shape is not None and math.prod(shape) == 1 and not self._v_touched \
            else self.v_edit.text()
        retain = self.retain.isChecked()
        try:
            if self.backward_handler is not None:
                self.backward_handler(gradient, retain)
            else:
                self.session.backward(gradient=gradient, retain_graph=retain)
        except Exception as exc:  # noqa: BLE001
            self._show_error(exc)

    def set_default_v(self, text: str | None) -> None:
        """The v the Backward button uses: shown here too, until the user types another."""
        self.default_v = text or None
        self._v_touched = False
        self.refresh()

    def set_v_text(self, text: str) -> None:
        """Set v as if typed (used by lessons and tests)."""
        self.v_edit.setText(text)
        self._on_v_edit_text_edited(text)
