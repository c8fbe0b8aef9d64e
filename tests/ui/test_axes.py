"""Action-index ticks are whole numbers; tick labels never run together (s6 item 13)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import show_widget
from ui import theme
from ui.plots import PlotsPanel


@pytest.fixture
def zoom_guard() -> Iterator[None]:
    yield
    theme.apply_zoom(theme.DEFAULT_ZOOM)


def drawn_ticks(axis: Any) -> list[tuple[float, list[float]]]:
    """The tick levels the axis draws now, as pyqtgraph computes them for its paint."""
    low, high = axis.range
    size = axis.geometry().width()
    return [(spacing, list(values)) for spacing, values in axis.tickValues(low, high, size)]


def session(**config: Any) -> Any:
    from playground.session import Session

    return Session(params={"w": "ones(3)"}, inputs={"x": "[1.0, 2.0, 3.0]"},
                   forward="out = (w * x).sum()", lr=0.1, **config)


@pytest.mark.parametrize("actions", [2, 3, 5])
def test_a_short_run_has_whole_number_action_ticks(qtbot: Any, actions: int) -> None:
    panel = show_widget(qtbot, PlotsPanel(), 900, 400)
    run = session()
    panel.set_session(run)
    for method in ["forward", "backward", "step", "zero_grad", "forward"][:actions]:
        getattr(run, method)()
    panel.redraw()
    QApplication.processEvents()
    for plot in panel.plots.values():
        axis = plot.getPlotItem().getAxis("bottom")
        levels = drawn_ticks(axis)
        assert levels
        for _spacing, values in levels:
            assert all(float(v).is_integer() for v in values), values
    panel.set_session(None)


@pytest.mark.parametrize(("zoom", "width", "iterations"), [(1.0, 900, 4), (2.0, 700, 12)],
                         ids=["100%", "200%"])
def test_tick_labels_read_their_value_and_keep_a_gap(
        qtbot: Any, zoom_guard: None, zoom: float, width: int, iterations: int) -> None:
    """Every label reads its value (the finer tick level is a round step: no "2" printed at
    2.5), and two labels of the bottom axis never run together, at 100 % and at 200 %."""
    theme.apply_zoom(zoom)
    panel = show_widget(qtbot, PlotsPanel(), width, 400)
    run = session()
    panel.set_session(run)
    for _ in range(iterations):
        run.iterate()
    panel.redraw()
    QApplication.processEvents()
    for plot in panel.plots.values():
        for side in ("left", "bottom"):
            axis = plot.getPlotItem().getAxis(side)
            low, high = axis.range
            size = axis.geometry().width() if side == "bottom" else axis.geometry().height()
            for spacing, values in axis.tickValues(low, high, size):
                for value, text in zip(values, axis.tickStrings(values, 1.0, spacing)):
                    assert float(text) == pytest.approx(value, abs=1e-9), (side, spacing, value)
        axis = plot.getPlotItem().getAxis("bottom")
        metrics = QFontMetricsF(axis.style["tickFont"])
        low, high = axis.range
        spacing, values = drawn_ticks(axis)[0]
        pixels = spacing * axis.geometry().width() / (high - low)
        widest = max(metrics.horizontalAdvance(s) for s in axis.tickStrings(values, 1.0, spacing))
        assert pixels >= widest + metrics.horizontalAdvance("0"), (
            f"{plot.objectName()}: labels {pixels:.0f} px apart, {widest:.0f} px wide")
    panel.set_session(None)
