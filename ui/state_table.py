"""The state table: every tensor of the session, its value, grad and autograd flags."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from ui import theme
from ui.controller import connect_session, disconnect_session
from ui.session_view import FollowsSession

COLUMNS = ("name", "kind", "value", "grad", "requires_grad", "is_leaf", "grad_fn", "shape",
           "optimizer state")
_REQUIRES_GRAD = COLUMNS.index("requires_grad")
_KIND_COLOURS = {"param": theme.PHASE_COLOURS["step"], "output": theme.PHASE_COLOURS["forward"]}
_Index = QModelIndex | QPersistentModelIndex


def format_number(value: float) -> str:
    """A float with 4 significant digits, the way a student reads torch output."""
    return f"{value:.4g}"


def format_array(value: Any, *, threshold: int = 12) -> str:
    """Compact one-line text for a tensor's numpy value ("None" for None).

    Arrays longer than ``threshold`` elements are summarised with "..." as
    torch and numpy do.
    """
    if value is None:
        return "None"
    array = np.asarray(value)
    if array.ndim == 0:
        return format_number(float(array))
    text = np.array2string(array, separator=", ", threshold=threshold, edgeitems=2,
                           max_line_width=1_000_000,
                           formatter={"float_kind": format_number, "int_kind": str})
    return " ".join(line.strip() for line in text.splitlines())


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
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == _REQUIRES_GRAD and self._rows[index.row()].kind == "param":
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        info, column = self._rows[index.row()], COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(info, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == "optimizer state":
            return "\n".join(f"{k}: {np.array2string(np.asarray(v), threshold=200)}"
                             for k, v in (getattr(info, "optimizer_state", None) or {}).items()) or None
        if role == Qt.ItemDataRole.ToolTipRole and column in ("value", "grad"):
            value = getattr(info, column)
            return None if value is None else np.array2string(np.asarray(value), threshold=200)
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == _REQUIRES_GRAD \
                and info.kind == "param":
            return Qt.CheckState.Checked if info.requires_grad else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ForegroundRole and column == "kind" and info.kind in _KIND_COLOURS:
            return QColor(_KIND_COLOURS[info.kind])
        return None

    @staticmethod
    def _text(info: Any, column: str) -> str:
        if column in ("value", "grad"):
            return format_array(getattr(info, column))
        if column == "requires_grad" and info.kind == "param":
            return ""  # the checkbox says it
        if column == "optimizer state":
            return format_state(getattr(info, "optimizer_state", None))
        if column == "shape":
            return "(" + ", ".join(str(n) for n in info.shape) + ")"
        return str(getattr(info, column))

    def setData(self, index: _Index, value: Any,  # noqa: N802 - Qt API
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != _REQUIRES_GRAD:
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
        for column in ("value", "grad"):
            header.setSectionResizeMode(COLUMNS.index(column), QHeaderView.ResizeMode.Stretch)
        # Long names like BinaryCrossEntropyWithLogitsBackward0 must not starve value/grad.
        grad_fn = COLUMNS.index("grad_fn")
        header.setSectionResizeMode(grad_fn, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(grad_fn, 18 * self.fontMetrics().averageCharWidth())
        # Adam's state is long ("step 3 · exp_avg [...] · exp_avg_sq [...]"): a fixed width,
        # elided, the full text in the tooltip, so it never starves value and grad.
        state = COLUMNS.index("optimizer state")
        header.setSectionResizeMode(state, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(state, 22 * self.fontMetrics().averageCharWidth())
        self.setTextElideMode(Qt.TextElideMode.ElideRight)  # the first numbers matter most
        self._follow_init()

    def refresh(self) -> None:
        """Re-read the session's tensors now (and the compare twin's params under them)."""
        rows = [] if self.session is None else list(self.session.tensors())
        twin, label = getattr(self, "_twin", None), getattr(self, "_twin_label", "twin")
        if twin is not None:
            rows += [dataclasses.replace(t, name=f"{t.name}  ({label})", kind="twin param")
                     for t in twin.tensors() if t.kind == "param"]
        self.table_model.set_rows(rows)

    def set_twin(self, twin: Any, label: str = "twin") -> None:
        """List the compare twin's params too, tagged with what differs ("w  (twin, lr 0.01)")."""
        old = getattr(self, "_twin", None)
        if old is not None:
            disconnect_session(old, self._on_session_action_done, self._on_session_reset)
        self._twin, self._twin_label = twin, label
        if twin is not None:
            connect_session(twin, self._on_session_action_done, self._on_session_reset)
        self._throttle.mark()
