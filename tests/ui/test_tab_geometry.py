"""Issue 6 item 1 in the tabs, at 1280x720, 100 % and 200 %, Compare on and off: the Data and
Landscape legends never cover the data area, the landscape's map fills the data area's width
(both axes at one scale), and every tensor-table number cell shows its text whole, a matrix
one row a line. Plain torch is the oracle for every number checked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyqtgraph as pg
import pytest
import torch
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontMetrics, QImage, QPainter
from PySide6.QtWidgets import QApplication, QStyle

from tests.ui.conftest import show_widget
from ui import theme
from ui.tab_plot import LEGEND_SIDES, make_tab_plot
from ui.presets import preset_named
from ui.state_table import COLUMNS

LINE_FIT = "Line fit: y = w·x + b (MSE, 20 points)"
LOGISTIC = "Logistic regression: two classes (BCE)"
BCE = "BCE with logits: z = x @ w + b"
ZOOMS = (1.0, 2.0)
#: Pixels of empty band allowed beside the map (rounding of the view's range to pixels).
BAND = 3.0


@pytest.fixture
def zoom_guard() -> Iterator[None]:
    """Whatever zoom a test leaves, the next test starts at the default."""
    yield
    theme.apply_zoom(theme.DEFAULT_ZOOM)


def settle(qtbot: Any, rounds: int = 4) -> None:
    for _ in range(rounds):
        QApplication.processEvents()
        qtbot.wait(10)


def classroom_window(make_window: Any, preset: str | None) -> Any:
    window = make_window(preset_named(preset).config) if preset else make_window()
    window.resize(1280, 720)
    return window


def set_compare(window: Any, on: bool) -> None:
    action = window.action("actionCompare")
    if action.isChecked() != on:
        action.trigger()


def scene_rect(item: Any) -> QRectF:
    return item.mapRectToScene(item.boundingRect())


def assert_legend_in_its_own_row(plot: Any, where: str) -> None:
    legend, vb = plot.legend, plot.getPlotItem().getViewBox()
    data, key = scene_rect(vb), scene_rect(legend)
    assert legend.items and key.height() > 0, where
    overlap = data.intersected(key)
    assert overlap.width() * overlap.height() < 1.0, f"{where}: legend {key} covers data {data}"
    # Nothing of the legend is cut: it lies inside the plot, above the data, its labels inside it.
    assert QRectF(0, 0, plot.width(), plot.height()).contains(key), f"{where}: {key} cut"
    for _sample, label in legend.items:
        assert key.adjusted(-1, -1, 1, 1).contains(scene_rect(label)), f"{where}: {label.text}"
    # An axis title is shown only where it fits along its axis (else it ran over the ticks).
    item = plot.getPlotItem()
    for side, room in (("left", data.height()), ("bottom", data.width())):
        axis = item.getAxis(side)
        if axis.label.isVisible():
            title = scene_rect(axis.label)
            along = title.height() if side == "left" else title.width()
            assert along <= room + 1, f"{where}: {side} title {axis.labelText!r} {along} > {room}"
        assert axis.toolTip() == axis.labelText, where


@pytest.mark.parametrize("side", LEGEND_SIDES)
def test_a_tab_legend_sits_outside_the_data_area_on_either_side(
        qtbot: Any, zoom_guard: None, side: str) -> None:
    plot = show_widget(qtbot, make_tab_plot("probe", legend_side=side), 700, 260)
    for k in range(5):
        plot.plot([0, 1, 2], [k, k + 1, k], name=f"curve number {k}")
    for zoom in ZOOMS:
        theme.apply_zoom(zoom)
        settle(qtbot)
        assert len(plot.legend.items) == 5
        assert_legend_in_its_own_row(plot, f"{side}, {zoom:.0%}")
        data = scene_rect(plot.getPlotItem().getViewBox())
        assert data.width() > 100 and data.height() > 40, f"{side}, {zoom:.0%}: {data}"


@pytest.mark.parametrize("preset", [LOGISTIC, LINE_FIT])
def test_the_data_legend_never_covers_the_points(
        make_window: Any, qtbot: Any, zoom_guard: None, preset: str) -> None:
    window = classroom_window(make_window, preset)
    window.show_inspector("Data")
    view = window.inspector_panels["Data"]
    for compare in (False, True):
        set_compare(window, compare)
        for zoom in ZOOMS:
            theme.apply_zoom(zoom)
            view.refresh()
            settle(qtbot)
            assert view.stack.currentWidget() is view.plot
            assert_legend_in_its_own_row(view.plot, f"{preset}, compare {compare}, {zoom:.0%}")


def bands(view: Any) -> float:
    """The widest empty band (px) between the map and the data area's edges."""
    data = scene_rect(view.plot.getPlotItem().getViewBox())
    image = scene_rect(view.image)
    return max(image.left() - data.left(), data.right() - image.right(),
               image.top() - data.top(), data.bottom() - image.bottom())


def landscape_drawn(window: Any, qtbot: Any) -> Any:
    view = window.inspector_panels["Landscape"]
    settle(qtbot)
    view.refresh()
    assert view.landscape is not None
    try:  # a new grid for a new shape waits for the frame throttle and the grid pacing
        qtbot.waitUntil(lambda: bands(view) <= BAND, timeout=3000)
    except qtbot.TimeoutError:
        pass  # the asserts that follow say which band is left
    return view


def test_the_landscape_map_fills_the_plot_and_its_legend_has_its_own_row(
        make_window: Any, qtbot: Any, zoom_guard: None) -> None:
    window = classroom_window(make_window, LINE_FIT)
    for _ in range(4):
        window.action("actionIterate").trigger()
    window.show_inspector("Landscape")
    for compare in (False, True):
        set_compare(window, compare)
        for zoom in ZOOMS:
            theme.apply_zoom(zoom)
            where = f"compare {compare}, {zoom:.0%}"
            view = landscape_drawn(window, qtbot)
            assert_legend_in_its_own_row(view.plot, where)
            vb = view.plot.getPlotItem().getViewBox()
            data, image = scene_rect(vb), scene_rect(view.image)
            assert data.width() > 100 and data.height() > 20, where
            # No empty band beside (or above, below) the map.
            assert image.left() - data.left() <= BAND, f"{where}: left band {image} in {data}"
            assert data.right() - image.right() <= BAND, f"{where}: right band {image} in {data}"
            assert image.top() - data.top() <= BAND and data.bottom() - image.bottom() <= BAND, where
            assert_bar_labels_apart(view.colour_bar, where)
            # Both axes at one scale, so −grad is drawn at right angles to the contours.
            px, py = vb.viewPixelSize()
            assert px == pytest.approx(py, rel=0.01), where
            # The widened grid is still the loss plain torch computes at each point.
            land = view.landscape
            preset = preset_named(LINE_FIT).config
            x, y = (torch.tensor(eval_list(preset["inputs"][k])) for k in ("x", "y"))
            for i, j in ((0, 0), (len(land.ys) - 1, len(land.xs) - 1), (3, len(land.xs) // 2)):
                w, b = torch.tensor(land.xs[j]), torch.tensor(land.ys[i])
                expected = torch.nn.functional.mse_loss(w * x + b, y).item()
                assert view.image.image[i, j] == pytest.approx(expected, rel=1e-5), where


def assert_bar_labels_apart(bar: Any, where: str) -> None:
    """The colour bar's tick labels, as its axis would draw them now, do not overlap and stay
    along the bar."""
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        specs = bar.axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    rects = [rect for rect, _flags, _text in (specs[2] if specs else [])] \
        if bar.axis.style["showValues"] else []
    for a, b in zip(rects, rects[1:]):
        assert not a.intersects(b), f"{where}: colour bar labels {a} and {b} overlap"
    for rect in rects:  # an end's label is centred on the end: half of it may stick out
        half = rect.height() / 2 + 1
        assert -half <= rect.top() and rect.bottom() <= bar.axis.height() + half, f"{where}: {rect}"


def eval_list(text: str) -> list[float]:
    """A preset's "[-2.0, -1.79, …]" as floats (plain parsing, no eval)."""
    return [float(v) for v in text.strip("[] ").split(",")]


def torch_first_row(tensor: torch.Tensor) -> str:
    """The first line print shows, less ``tensor(``: the oracle for a cell's first line."""
    return str(tensor.detach())[len("tensor("):-1].splitlines()[0]


@pytest.mark.parametrize("preset", [None, BCE])
def test_every_number_cell_shows_its_text_whole_a_matrix_row_by_row(
        make_window: Any, qtbot: Any, zoom_guard: None, preset: str | None) -> None:
    window = classroom_window(make_window, preset)
    window.show_inspector("Tensors")
    table = window.state_table
    model, header = table.model(), table.horizontalHeader()
    for compare in (False, True):
        set_compare(window, compare)
        for action in ("actionForward", "actionBackward"):  # grads to show, in both runs
            window.action(action).trigger()
        params = window.session.params
        for zoom in ZOOMS:
            theme.apply_zoom(zoom)
            table.refresh()
            settle(qtbot)
            metrics = QFontMetrics(table.font())
            # What the style draws a cell's text in: its focus-frame margin + 1 each side (as
            # QCommonStyle lays out an item view's text), and the grid line.
            frame = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table)
            margin = 2 * (frame + 1) + int(table.showGrid())
            where = f"{preset}, compare {compare}, {zoom:.0%}"
            rows = [model.index(r, 0).data() for r in range(model.rowCount())]
            for column in ("value", "grad"):
                c = COLUMNS.index(column)
                # The column is on screen (the table may scroll sideways, not the numbers).
                assert table.columnViewportPosition(c) + header.sectionSize(c) \
                    <= table.viewport().width(), f"{where}: {column} off screen"
                for r, name in enumerate(rows):
                    text = model.index(r, c).data()
                    lines = text.split("\n")
                    for line in lines:
                        need = metrics.horizontalAdvance(line) + margin
                        assert need <= header.sectionSize(c), \
                            f"{where}: {name}.{column} line {line!r} needs {need} px, " \
                            f"has {header.sectionSize(c)}"
                    assert table.rowHeight(r) >= len(lines) * metrics.height(), \
                        f"{where}: {name}.{column}: {len(lines)} lines in {table.rowHeight(r)} px"
                    # A tall (matrix) row reads from the top, its name level with the first line.
                    assert model.index(r, c).data(Qt.ItemDataRole.TextAlignmentRole) & \
                        Qt.AlignmentFlag.AlignTop.value, name
                    if name in params:  # the first row's numbers, as print shows them
                        tensor = params[name] if column == "value" else params[name].grad
                        assert lines[0] == torch_first_row(tensor), f"{where}: {name}.{column}"
                        if tensor.dim() == 2:
                            assert len(lines) == tensor.shape[0], f"{where}: one line a row"


def test_the_name_column_follows_the_zoom(make_window: Any, qtbot: Any, zoom_guard: None) -> None:
    """t5 #11: after Ctrl+= the name column kept its old width: "model_output" was cut."""
    window = classroom_window(make_window, "Notebook: (weights * 3).sum()")
    window.action("actionForward").trigger()
    window.show_inspector("Tensors")
    table = window.state_table
    model, header = table.model(), table.horizontalHeader()
    for zoom in ZOOMS:
        theme.apply_zoom(zoom)
        settle(qtbot)
        metrics = QFontMetrics(table.font())
        frame = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table)
        names = [model.index(r, 0).data() for r in range(model.rowCount())]
        assert "model_output" in names
        need = max(metrics.horizontalAdvance(n) for n in names) + 2 * (frame + 1) + 1
        assert header.sectionSize(0) >= need, f"{zoom:.0%}: name {header.sectionSize(0)} < {need}"


@pytest.mark.parametrize("height", [90, 130, 400])
def test_a_colour_bar_scale_never_overlaps_on_a_short_plot(
        qtbot: Any, zoom_guard: None, height: int) -> None:
    """At 200 % on Xvfb the landscape's bar drew "30 20 10" over each other (62 px tall)."""
    import numpy as np

    from ui.tab_plot import fit_bar_ticks, follow_bar

    theme.apply_zoom(2.0)
    plot = make_tab_plot("barProbe")
    image = pg.ImageItem(np.linspace(0.0, 35.0, 100).reshape(10, 10))
    plot.getPlotItem().addItem(image)
    bar = pg.ColorBarItem(colorMap=pg.colormap.get("viridis"), interactive=False, label="loss")
    bar.setImageItem(image, insert_in=plot.getPlotItem())
    follow_bar(bar)
    show_widget(qtbot, plot, 500, height)
    bar.setLevels((0.0, 35.0))
    fit_bar_ticks(bar)
    settle(qtbot)
    assert_bar_labels_apart(bar, f"{height} px")
