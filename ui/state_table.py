"""The state table: every tensor of the session, its value, grad and autograd flags."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer,
)
from PySide6.QtGui import QColor, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QPlainTextEdit, QTableView,
    QVBoxLayout, QWidget,
)

from ui import theme
from ui.controller import connect_session, disconnect_session
from ui.formatting import format_full, format_value
from ui.session_view import FollowsSession

COLUMNS = ("name", "kind", "value", "grad", "requires_grad", "is_leaf", "grad_fn", "shape",
           "optimizer state")
#: (key, command, what it does) rows for Help → Keyboard shortcuts.
TABLE_KEY_ROWS = (("Return", "Tensors: the whole tensor",
                   "value and grad of the selected row, as print shows them (or double-click)"),)
#: Flag columns are narrow so the numbers get the room: their names wrap in the header.
HEADERS = {"requires_grad": "requires_\ngrad", "is_leaf": "is_\nleaf"}
_REQUIRES_GRAD = COLUMNS.index("requires_grad")
#: The grad_fn column's first width, in average characters (then sized by _share_numbers).
GRAD_FN_CHARS = 18
#: The least grad_fn gets when it gives way to the numbers: "MulBackward0" stays whole.
GRAD_FN_MIN_CHARS = 14
#: "full": the cell shows ``torch.Size([5, 3])``; "list": ``[5, 3]``, the full text in its
#: tooltip. Measured at 1280x720 (BCE preset, w 5x3, default zoom): the full text takes
#: 134 px and leaves value and grad 154 px each, the list 64 px and 189 px each (b's
#: value needs 215): the numbers get the room (checked in tests/ui/test_tensor_table.py).
SHAPE_IN_CELL = "list"
_KIND_COLOURS = {"param": theme.PHASE_COLOURS["step"], "output": theme.PHASE_COLOURS["forward"]}
#: Rows with a requires_grad checkbox: a param's is the user's to tick; the compare twin's
#: shows the same flag read-only (the twin follows the main run's box, see TWIN_BOX_TIP).
_BOXED = ("param", "twin param")
TWIN_BOX_TIP = ("The twin's requires_grad follows the main run: tick or untick {name}'s box "
                "above and both runs change together.")
_Index = QModelIndex | QPersistentModelIndex
#: A matrix cell shows at most this many of print's rows; past it the last line is "…"
#: (the tooltip, Enter or a double-click show every row).
MAX_CELL_LINES = 6
CELL_MORE = " …"
#: Columns shown right after the name (the model's order is kept: code indexes it).
NUMBERS_FIRST = ("value", "grad")


def format_array(value: Any) -> str:
    """A tensor's numbers on one line, as ``print(tensor)`` shows them ("None" for None)."""
    return format_value(value, one_line=True)


def format_cell(value: Any) -> str:
    """A value or grad cell: a vector on one line; a matrix one row a line, as ``print``
    shows it (torch's own text, its rows lined up), so a class sees the numbers without
    pressing Enter. A row print wraps at 80 characters is joined back onto one line (the
    cell elides at its end instead); more than :data:`MAX_CELL_LINES` rows end in "…"."""
    text = format_value(value)
    rows: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue  # the blank line between a 3-d tensor's matrices
        head = line.lstrip()
        if rows and not head.startswith(("[", "...")):
            rows[-1] += " " + head.rstrip()  # a row print wrapped: one line in a cell
        else:
            rows.append(line.rstrip())
    if len(rows) <= 1:
        return format_array(value)
    if len(rows) > MAX_CELL_LINES:
        rows = rows[:MAX_CELL_LINES - 1] + [CELL_MORE]
    return "\n".join(rows)


def full_text(info: Any) -> str:
    """Value and grad of one table row, whole, as ``print`` shows them (the Enter dialog)."""
    value = format_full(info.value, info.name, requires_grad=info.requires_grad,
                        grad_fn=info.grad_fn)
    return f"{value}\n\n{format_full(info.grad, f'{info.name}.grad')}"


def shape_text(shape: Any) -> str:
    """``shape`` as ``print(t.shape)`` shows it: ``torch.Size([5, 3])`` (torch's own text)."""
    from playground.printing import shape_text as torch_shape_text  # torch: loaded by now

    return torch_shape_text(shape)


def format_shape(shape: Any) -> str:
    """The shape column's text: ``[5, 3]`` from torch's ``torch.Size([5, 3])`` (SHAPE_IN_CELL)."""
    text = shape_text(shape)
    return text if SHAPE_IN_CELL == "full" else text[len("torch.Size("):-1]


def format_state(state: Any) -> str:
    """A param's optimizer state in one line: ``step 3 · exp_avg [0.1, 0.2] · …`` ("" when empty)."""
    if not state:
        return ""
    return " · ".join(f"{key} {format_array(value)}" for key, value in state.items())


class TensorTableModel(QAbstractTableModel):
    """Rows of :class:`TensorInfo`; the requires_grad cell of a param is a checkbox.

    Parameters
    ----------
    on_requires_grad:
        Called ``(name, flag)`` when the user ticks a param's requires_grad box.
    """

    def __init__(self, on_requires_grad: Callable[[str, bool], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self._on_requires_grad = on_requires_grad

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Show ``rows``; keeps selection and scroll when the same tensors are listed."""
        rows = list(rows)
        same = [(r.name, r.kind) for r in rows] == [(r.name, r.kind) for r in self._rows]
        if same and rows:
            self._rows = rows
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(COLUMNS) - 1))
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS.get(COLUMNS[section], COLUMNS[section])
        if role == Qt.ItemDataRole.ToolTipRole:
            return COLUMNS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == _REQUIRES_GRAD and self._rows[index.row()].kind == "param":
            flags |= Qt.ItemFlag.ItemIsUserCheckable  # the twin's box is not: it follows this one
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        info, column = self._rows[index.row()], COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(info, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(info, column)
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == _REQUIRES_GRAD \
                and info.kind in _BOXED:
            return Qt.CheckState.Checked if info.requires_grad else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole:
            # A matrix makes its row tall: every cell reads from the top, level with its first line.
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        if role == Qt.ItemDataRole.ForegroundRole and column == "kind" and info.kind in _KIND_COLOURS:
            return QColor(_KIND_COLOURS[info.kind])
        return None

    @staticmethod
    def _text(info: Any, column: str) -> str:
        if column in ("value", "grad"):
            return format_cell(getattr(info, column))
        if column == "requires_grad" and info.kind in _BOXED:
            return ""  # the checkbox says it
        if column == "optimizer state":
            return format_state(getattr(info, "optimizer_state", None))
        if column == "shape":
            return format_shape(info.shape)
        return str(getattr(info, column))

    @staticmethod
    def _tooltip(info: Any, column: str) -> str | None:
        if column == "optimizer state":
            state = getattr(info, "optimizer_state", None) or {}
            return "\n".join(f"{key}: {format_value(value)}" for key, value in state.items()) or None
        if column in ("value", "grad"):
            return f"{full_text(info)}\n\n(Enter or double-click: the whole tensor)"
        if column == "name":
            return info.name  # a long (twin) name elides in its cell
        name = info.name.split("  (")[0]  # a twin row's tensor, without its tag
        if column == "shape":
            return f"{name}.shape = {shape_text(info.shape)}"
        if column == "grad_fn" and str(info.grad_fn) != "None":
            return f"{name}.grad_fn: {info.grad_fn}"  # the cell may elide a long name
        if column == "requires_grad" and info.kind == "twin param":
            return TWIN_BOX_TIP.format(name=name)
        return None

    def row_info(self, row: int) -> Any:
        """The TensorInfo shown in ``row``."""
        return self._rows[row]

    def rows(self) -> list[Any]:
        """Every TensorInfo shown, top to bottom."""
        return list(self._rows)

    def setData(self, index: _Index, value: Any,  # noqa: N802 - Qt API
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != _REQUIRES_GRAD \
                or self._rows[index.row()].kind != "param":
            return False
        flag = Qt.CheckState(value) == Qt.CheckState.Checked
        self._on_requires_grad(self._rows[index.row()].name, flag)
        return True


class StateTable(QTableView, FollowsSession):
    """Table of ``session.tensors()``, refreshed (at most once per frame) after every action.

    Parameters
    ----------
    on_requires_grad:
        Called ``(name, flag)`` when a param's requires_grad box is ticked; the
        window routes it through the controller so the compare twin follows.
    """

    def __init__(self, on_requires_grad: Callable[[str, bool], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stateTable")
        self.table_model = TensorTableModel(on_requires_grad, self)
        self.setModel(self.table_model)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        # Rows follow the font, so zooming in for a projector never clips the numbers.
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)  # see _fit_columns
        for column in ("value", "grad"):  # sized by _share_numbers: by need, not halves
            header.setSectionResizeMode(COLUMNS.index(column), QHeaderView.ResizeMode.Interactive)
        # Long names like BinaryCrossEntropyWithLogitsBackward0 must not starve value/grad.
        grad_fn = COLUMNS.index("grad_fn")
        header.setSectionResizeMode(grad_fn, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(grad_fn, GRAD_FN_CHARS * self.fontMetrics().averageCharWidth())
        # Adam's state is long ("step 3 · exp_avg [...] · exp_avg_sq [...]"): a fixed width,
        # elided, the full text in the tooltip, so it never starves value and grad.
        state = COLUMNS.index("optimizer state")
        header.setSectionResizeMode(state, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(state, 22 * self.fontMetrics().averageCharWidth())
        self.setTextElideMode(Qt.TextElideMode.ElideRight)  # the first numbers matter most
        # The numbers next to the name: at 200 % the flags scroll off to the right, never
        # the numbers. Per pixel: a matrix row (several lines) scrolls smoothly into view.
        for place, column in enumerate(NUMBERS_FIRST, start=1):
            header.moveSection(header.visualIndex(COLUMNS.index(column)), place)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.doubleClicked.connect(self._on_double_clicked)
        self._follow_init()
        QGuiApplication.instance().fontChanged.connect(self._on_app_font_changed)

    def _on_app_font_changed(self, _font: object) -> None:
        # Once the columns took the new font: the name column too (at 200 % "model_output"
        # kept its 100 % width and was cut).
        QTimer.singleShot(0, self, lambda: self._fit_columns(self.table_model.rows()))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        """Enter on a row shows the whole tensor (a cell shows what fits)."""
        plain = not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain \
                and self.currentIndex().isValid():
            self.show_tensor(self.currentIndex().row())
            return
        super().keyPressEvent(event)

    def _on_double_clicked(self, index: QModelIndex) -> None:
        if index.column() != _REQUIRES_GRAD:  # a double click on the box toggles it
            self.show_tensor(index.row())

    def show_tensor(self, row: int) -> QDialog:
        """A dialog with the row's value and grad in full, as ``print`` shows them."""
        self.refresh()  # the table refreshes once a frame: show what the session holds now
        info = self.table_model.row_info(row)
        dialog = tensor_dialog(self, info.name, full_text(info))
        dialog.show()
        return dialog

    def refresh(self) -> None:
        """Re-read the session's tensors now (and the compare twin's params under them)."""
        rows = [] if self.session is None else list(self.session.tensors())
        twin, label = getattr(self, "_twin", None), getattr(self, "_twin_label", "twin")
        if twin is not None:
            rows += [dataclasses.replace(t, name=f"{t.name}  ({label})", kind="twin param")
                     for t in twin.tensors() if t.kind == "param"]
        self.table_model.set_rows(rows)
        self._fit_columns(rows)

    def _fit_columns(self, rows: list[Any]) -> None:
        """The numbers get the room first: the optimizer-state column only when some
        param has state (plain SGD has none), long names (a compare twin's) capped."""
        state = COLUMNS.index("optimizer state")
        has_state = any(getattr(r, "optimizer_state", None) for r in rows)
        if self.isColumnHidden(state) == has_state:
            self.setColumnHidden(state, not has_state)
        name_cap = 16 * self.fontMetrics().averageCharWidth()
        header = self.horizontalHeader()
        fit = max(self.sizeHintForColumn(0) if rows else 0, header.sectionSizeHint(0))
        wanted = min(fit, name_cap)  # the header "name" always fits; long names elide
        if header.sectionSize(0) != wanted:
            header.resizeSection(0, wanted)
        self._share_numbers()

    def _share_numbers(self) -> None:
        """The columns' widths, the numbers first (u1 trial #7, t5 #11), in three tiers:

        1. everything whole when it fits: value and grad take the spare room by what
           their text needs (a short grad leaves the value the rest);
        2. else grad_fn gives way, eliding down to GRAD_FN_MIN_CHARS (whole in its
           tooltip); value, grad and the small columns (kind, flags, shape) stay whole;
        3. else the table scrolls sideways: every column keeps its text whole (grad_fn
           at its least), value and grad each up to the table's width beside the name (a
           longer line elides to half that width, whole in its tooltip).

        The name column is sized by _fit_columns (a long twin name elides, whole in its
        tooltip), the optimizer state keeps a fixed width (whole in its tooltip)."""
        header = self.horizontalHeader()
        value, grad, grad_fn = (COLUMNS.index(c) for c in ("value", "grad", "grad_fn"))
        view = self.viewport().width()
        others = sum(header.sectionSize(i) for i in range(len(COLUMNS))
                     if i not in (value, grad, grad_fn) and not self.isColumnHidden(i))
        floor = {i: header.sectionSizeHint(i) for i in (value, grad, grad_fn)}
        need = {i: max(floor[i], self.sizeHintForColumn(i)) for i in (value, grad, grad_fn)}
        # A line wider than the table beside the name cannot show whole anyway: it elides
        # (whole in its tooltip) to half of that room, so its partner stays in view beside it.
        widest = max(floor[value], view - header.sectionSize(0))
        for column in (value, grad):
            if need[column] > widest:
                need[column] = max(floor[column], widest // 2)
        least_fn = max(floor[grad_fn], min(need[grad_fn], GRAD_FN_MIN_CHARS * self.fontMetrics()
                                           .averageCharWidth()))
        room = view - others - need[value] - need[grad]
        width = {value: need[value], grad: need[grad]}
        if room >= need[grad_fn]:  # 1: all whole, the spare to the numbers
            spare = room - need[grad_fn]
            width.update({grad_fn: need[grad_fn], value: need[value] + spare - spare // 2,
                          grad: need[grad] + spare // 2})
        else:  # 2: grad_fn elides as far as its least; 3: the table scrolls
            width[grad_fn] = max(least_fn, room)
        for column, size in width.items():
            if header.sectionSize(column) != size:
                header.resizeSection(column, size)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._share_numbers()

    def set_twin(self, twin: Any, label: str = "twin") -> None:
        """List the compare twin's params too, tagged with what differs ("w  (twin, lr 0.01)")."""
        old = getattr(self, "_twin", None)
        if old is not None:
            disconnect_session(old, self._on_session_action_done, self._on_session_reset)
        self._twin, self._twin_label = twin, label
        if twin is not None:
            connect_session(twin, self._on_session_action_done, self._on_session_reset)
        self._throttle.mark()

    def set_twin_label(self, label: str) -> None:
        """Re-tag the twin's rows (a setting of a run changed mid-run)."""
        self._twin_label = label
        self._throttle.mark()


def tensor_dialog(parent: QWidget, name: str, text: str) -> QDialog:
    """A non-modal, read-only, monospaced view of ``text`` (deletes itself when closed)."""
    dialog = QDialog(parent)
    dialog.setObjectName("tensorDialog")
    dialog.setWindowTitle(f"{name}: value and grad")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    view = QPlainTextEdit(text)
    view.setObjectName("tensorText")
    view.setReadOnly(True)
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    view.setFont(theme.monospace_font())
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.close)
    layout = QVBoxLayout(dialog)
    layout.addWidget(QLabel("As print(tensor) shows it, every element:"))
    layout.addWidget(view, 1)
    layout.addWidget(buttons)
    metrics = view.fontMetrics()
    lines = text.splitlines() or [""]
    width = max(metrics.horizontalAdvance(line) for line in lines) + 60
    dialog.resize(min(max(width, 420), 1200), min(120 + metrics.lineSpacing() * (len(lines) + 2), 700))
    return dialog
