"""Every cell of the Tensors table is whole, or its whole text is in its tooltip (u1 trial #7,
t5 #11): the numbers first, then grad_fn's name, then the table scrolls sideways.

Measured with QFontMetrics at 1280x720 (the projector), at 100 % and 200 %: each line of a
cell's text against its column's width. The numbers are checked against plain torch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QStyle

from tests.ui._settle import settle
from tests.ui.test_table_columns import torch_text
from ui.state_table import COLUMNS

#: Columns whose text is never cut: the numbers and the short flags.
WHOLE = ("value", "grad", "kind", "requires_grad", "is_leaf", "shape")
DEFAULT = {"params": {"weights": "ones(4)"}, "inputs": {},
           "forward": "model_output = (weights * 3).sum()"}
BCE = {"params": {"w": "randn(5, 3)", "b": "randn(3)"}, "inputs": {"x": "ones(5)", "y": "zeros(3)"},
       "forward": "z = torch.matmul(x, w) + b\nloss = F.binary_cross_entropy_with_logits(z, y)"}


@pytest.fixture
def table_at(make_window: Any, qtbot: Any) -> Iterator[Callable[..., Any]]:
    from ui import theme

    def make(zoom: float, config: dict[str, Any], presses: list[str]) -> Any:
        theme.apply_zoom(zoom)
        window = make_window(config)
        window.show_inspector("Tensors")
        window.layout_keeper.resize_window(1280, 720)
        for name in presses:
            window.action(name).trigger()
        window.state_table.refresh()
        settle(qtbot)
        settle(qtbot)
        return window

    yield make
    theme.apply_zoom(theme.DEFAULT_ZOOM)


def cells(table: Any) -> Iterator[tuple[str, str, int, str, bool]]:
    """(column, text, its widest line in px, tooltip, fits) for every shown cell."""
    model, header = table.model(), table.horizontalHeader()
    metrics = QFontMetrics(table.font())
    # What Qt's item views take off each side of a cell for its text (QCommonStyle).
    margin = 2 * (table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1)
    for row in range(model.rowCount()):
        for col, name in enumerate(COLUMNS):
            if table.isColumnHidden(col):
                continue
            index = model.index(row, col)
            text = model.data(index, Qt.ItemDataRole.DisplayRole) or ""
            tip = model.data(index, Qt.ItemDataRole.ToolTipRole) or ""
            wide = max((metrics.horizontalAdvance(line) for line in text.splitlines()), default=0)
            box = 24 if model.data(index, Qt.ItemDataRole.CheckStateRole) is not None else 0
            yield name, text, wide, tip, wide + box + margin <= header.sectionSize(col)


def assert_whole(table: Any, where: str) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {}
    for column, text, _wide, tip, fits in cells(table):
        seen.setdefault(column, []).append(text)
        if column in WHOLE:
            assert fits, (f"{where}: {column} {text!r} ({_wide} px) cut at "
                          f"{table.columnWidth(COLUMNS.index(column))}")
        else:  # name, grad_fn, optimizer state: whole, or whole in the tooltip
            assert fits or text.strip() in tip.replace("\n", " ") or (
                column == "optimizer state" and tip), f"{where}: {column} {text!r} cut, tip {tip!r}"
    return seen


def test_at_100_percent_four_numbers_and_grad_fn_show_whole(table_at: Callable[..., Any]) -> None:
    window = table_at(1.0, DEFAULT, ["actionIterate"] * 3 + ["actionForward", "actionBackward"])
    table = window.state_table
    assert table.horizontalScrollBar().maximum() == 0  # it all fits: no sideways scroll
    seen = assert_whole(table, "100 %")
    w = torch.ones(4, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=0.1)
    for _ in range(3):
        (w * 3).sum().backward()
        optimizer.step()
    out = (w * 3).sum()
    out.backward()
    assert torch_text(w) in seen["value"] and torch_text(w.grad) in seen["grad"]
    # grad_fn's name whole: what torch names the output's grad_fn
    assert type(out.grad_fn).__name__ in seen["grad_fn"]
    for column, text, _wide, _tip, fits in cells(table):
        if column == "grad_fn":
            assert fits, text


def test_at_200_percent_the_numbers_and_flags_are_whole_and_the_table_scrolls(
        table_at: Callable[..., Any]) -> None:
    window = table_at(2.0, DEFAULT, ["actionIterate"] * 3 + ["actionForward", "actionBackward"])
    table = window.state_table
    seen = assert_whole(table, "200 %")
    assert "param" in seen["kind"] and "output" in seen["kind"]
    header = table.horizontalHeader()
    total = sum(header.sectionSize(i) for i in range(len(COLUMNS)) if not table.isColumnHidden(i))
    if total > table.viewport().width():
        assert table.horizontalScrollBar().maximum() > 0  # the rest is reached by scrolling


def test_lesson_10s_model_at_100_percent_keeps_the_matrix_and_the_shape_whole(
        table_at: Callable[..., Any]) -> None:
    window = table_at(1.0, BCE, ["actionForward", "actionBackward"])
    seen = assert_whole(window.state_table, "BCE 100 %")
    assert "[5, 3]" in seen["shape"]
    assert "BinaryCrossEntropyWithLogitsBackward0" in " ".join(
        tip for column, _t, _w, tip, _f in cells(window.state_table) if column == "grad_fn")


def test_a_long_param_name_leaves_grad_fn_its_name(table_at: Callable[..., Any]) -> None:
    """u1-77: "w_xxxx…" (80 characters) after F, B, S, F, B, S: "SumBackwar…" while value
    and grad had room to spare."""
    name = "w_" + "x" * 80
    config = {"params": {name: "ones(4)"}, "inputs": {}, "forward": f"out = ({name} * 3).sum()"}
    window = table_at(1.0, config, ["actionForward", "actionBackward", "actionStep"] * 2)
    table = window.state_table
    assert_whole(table, "long name")
    assert table.horizontalScrollBar().maximum() == 0
    for column, text, _wide, tip, fits in cells(table):
        if column == "grad_fn":
            assert fits, text
        if column == "name":
            assert tip == text or fits
