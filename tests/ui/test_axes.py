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


#: In the real window at 1280x720: the default model (w = ones(3), x = [1, 2, 3]) after three
#: Iterate presses (grads 3, 6, 9 at the end), at 100 % and 200 %, normal and presentation mode;
#: every labelled tick pyqtgraph actually draws on each plot's value (left) axis.
LABELS_PROBE = r"""
from PySide6.QtGui import QImage, QPainter

def drawn(axis):
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [[rect.center().y(), rect.height(), text] for rect, _flags, text in specs[2]]

for _ in range(3):
    window.action("actionIterate").trigger()
rows = []
for presentation in (False, True):
    if presentation:
        window.action("actionPresentation").trigger()
    for zoom in (1.0, 2.0):
        theme.apply_zoom(zoom)  # no new data after it: the zoom alone must refit the labels
        settle(12)
        for key, plot in window.plots.plots.items():
            axis = plot.getPlotItem().getAxis("left")
            low, high = axis.range
            size = axis.geometry().height()
            rows.append({"where": f"{zoom:.0%} {'presentation' if presentation else 'normal'} {key}",
                         "labels": drawn(axis), "range": [low, high], "size": size,
                         "window": [window.width(), window.height()],
                         "grads": str(window.session.history[-1].grads)})
window.action("actionPresentation").trigger()
window.show_inspector("Code")  # a roomy tab at 200 %: the smallest plots of all
settle(12)
for key, plot in window.plots.plots.items():
    axis = plot.getPlotItem().getAxis("left")
    low, high = axis.range
    rows.append({"where": f"200% normal, Code tab open, {key}", "labels": drawn(axis),
                 "range": [low, high], "size": axis.geometry().height(),
                 "window": [window.width(), window.height()], "grads": ""})
"""


def test_value_axes_keep_three_readable_labels_in_the_window(tmp_path: Any) -> None:
    """t5 #1: the Gradients axis 1 … 9 showed "5" alone (200 %: "5"; Values "1", "0"): a class
    reading w.grad = 3, 6, 9 off the axis had no scale. Each value axis draws >= 3 labels,
    each reading the value at its tick, stacked with a gap."""
    from tests.ui._probe import run_probe

    rows = run_probe(LABELS_PROBE, (1280, 720), tmp_path)
    assert len(rows) == 15
    for row in rows:
        where, labels = row["where"], row["labels"]
        assert row["window"][1] <= 720, where
        assert len(labels) >= 3, f"{where}: labels {[t for _y, _h, t in labels]} on {row['range']}"
        low, high = row["range"]
        for y, height, text in labels:
            value = high - (y / row["size"]) * (high - low)  # the axis runs up from low
            assert float(text) == pytest.approx(value, abs=1e-6 * (high - low)), (where, text)
        ys = sorted(y for y, _h, _t in labels)
        tallest = max(h for _y, h, _t in labels) / 0.8  # pyqtgraph draws 0.8 of a line
        assert min(b - a for a, b in zip(ys, ys[1:])) >= 1.25 * tallest, (where, labels)



@pytest.mark.parametrize(("low", "high", "size", "ticks"), [
    (1.0, 9.0, 166.0, [0.0, 5.0, 10.0]),   # 200 %: 2 would crowd, 5 alone gave "5" only
    (1.0, 9.0, 400.0, [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]),
    (3.0, 3.0, 166.0, None),               # one value: still a span with 3 round ticks
    (1.0, 9.0, 90.0, "none"),              # too short for 3 labels of 33 px at all
])
def test_nice_view_reaches_round_steps_with_three_whole_labels(
        low: float, high: float, size: float, ticks: Any) -> None:
    from ui.axes import nice_view

    height, pitch = 33.0, 49.5  # a 200 % label and half a line's gap
    view = nice_view(low, high, size, pitch, height)
    if ticks == "none":
        assert view is None
        return
    assert view is not None
    bottom, top, step = view
    per_px = (top - bottom) / size
    inner = (bottom + 0.4 * height * per_px, top - 0.4 * height * per_px)  # whole labels
    shown = [k * step for k in range(-1000, 1000) if inner[0] <= k * step <= inner[1]]
    assert len(shown) >= 3 and step / per_px >= pitch
    assert bottom <= low and top >= high
    if ticks is not None:
        assert shown == pytest.approx(ticks)
