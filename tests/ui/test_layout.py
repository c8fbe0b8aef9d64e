"""The window's geometry at 1280x720 and 1024x768, zoom 100 % and 200 %, normal and presentation.

Each case builds one window, puts the error banner up, and for the default
model and the BCE model (w 5x3, b 3: 18 curves) opens every tab in turn and
measures: each plot's data area (its ViewBox's sceneBoundingRect) is at least
a fifth of the window's height; the newest point of every curve is inside it;
every title, legend entry and tick label fits its width by QFontMetrics and
overlaps nothing; the toolbar's items are whole or in its overflow menu.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRectF, QSettings, Qt
from PySide6.QtGui import QFontInfo, QFontMetricsF, QGuiApplication, QImage, QPainter
from PySide6.QtWidgets import QApplication, QToolButton

from playground.errors import PlaygroundError
from ui import plot_style, theme
from ui.window_layout import forget_layout
from tests.ui._settle import settle

SIZES = ((1280, 720), (1024, 768))
ZOOMS = (1.0, 2.0)  # 100 % and 200 % of the platform font
TOL = 0.51  # sub-pixel rounding of scene coordinates


@pytest.fixture
def zoom_guard() -> Iterator[None]:
    """Whatever a test does to zoom, presentation or scheme, the next test starts at the default."""
    yield
    theme.set_scheme(None)
    theme.set_presentation(None)
    theme.apply_zoom(theme.DEFAULT_ZOOM)


def bce_preset() -> Any:
    from ui.presets import presets

    return next(p for p in presets() if "binary_cross_entropy" in p.config["forward"])


def show_banner(window: Any) -> None:
    window.banner.show_error(PlaygroundError(
        "line 2: the forward program refers to `wieghts`, which is neither a param nor an input",
        hint="Check the spelling against the Parameters and Inputs lists, then press Apply."))


# -- the measurements ---------------------------------------------------------------
def data_rect(plot: pg.PlotWidget) -> QRectF:
    return plot.getPlotItem().getViewBox().sceneBoundingRect()


def assert_newest_points_inside(plot: pg.PlotWidget) -> None:
    vb = plot.getPlotItem().getViewBox()
    rect = data_rect(plot).adjusted(-TOL, -TOL, TOL, TOL)
    for curve in plot.getPlotItem().listDataItems():
        if not isinstance(curve, pg.PlotDataItem) or curve.yData is None or not len(curve.yData):
            continue
        x, y = float(curve.xData[-1]), float(curve.yData[-1])
        if y != y:  # a grad that is None now: nothing to draw
            continue
        point = vb.mapViewToScene(pg.Point(x, y))
        assert rect.contains(point), f"{plot.objectName()} {curve.name()}: newest point outside"


def assert_title_fits(plot: pg.PlotWidget) -> None:
    label = plot.getPlotItem().titleLabel
    shown = label.shown_text
    width = QFontMetricsF(plot_style.title_font()).horizontalAdvance(shown)
    rect = label.mapRectToScene(label.itemRect())
    assert width <= rect.width() + TOL, f"title {shown!r} wider than its label"
    assert rect.left() >= -TOL and rect.right() <= plot.width() + TOL, f"title {shown!r} clipped"
    if shown != label.full_text:
        assert shown.endswith("…") or shown in plot.title_choices
        assert label.toolTip() == label.full_text


def assert_legend_fits(plot: pg.PlotWidget) -> None:
    legend = plot.getPlotItem().legend
    metrics = QFontMetricsF(plot_style.legend_font())
    data = data_rect(plot)
    rects = []
    for label in legend.labels():
        rect = label.mapRectToScene(label.itemRect())
        text = label.item.toPlainText()
        assert metrics.horizontalAdvance(text) <= rect.width() + TOL, f"legend {text!r} cut"
        assert rect.left() >= -TOL and rect.right() <= plot.width() + TOL, (
            f"legend entry {text!r} outside the plot")
        assert not rect.intersects(data.adjusted(TOL, TOL, -TOL, -TOL)), "legend inside the data area"
        assert all(not rect.intersects(other) for other in rects), f"legend {text!r} overlaps"
        rects.append(rect)
    names = [name for _item, name in legend.entries()]
    if legend.hidden_names:
        assert legend.more_label.item.toPlainText() == f"+{len(legend.hidden_names)}"
        assert legend.more_label.toolTip().split("\n") == names
    # Every curve is shown or in "+N"; the zero_grad mark is not a curve: shown when it
    # fits, never counted in "+N" (s6 item 16).
    curves = [name for name in names if name != plot_style.ZERO_GRAD]
    assert plot_style.ZERO_GRAD not in legend.hidden_names
    assert len(legend.shown) + len(legend.hidden_names) in (len(curves), len(names))


def tick_text_rects(axis: pg.AxisItem) -> list[tuple[QRectF, str]]:
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [] if specs is None else [(axis.mapRectToScene(r), text) for r, _f, text in specs[2]]


def assert_ticks_fit(plot: pg.PlotWidget) -> None:
    item = plot.getPlotItem()
    metrics = QFontMetricsF(plot_style.tick_font())
    bounds = QRectF(0, 0, plot.width(), plot.height()).adjusted(-TOL, -TOL, TOL, TOL)
    for side in ("left", "bottom"):
        axis = item.getAxis(side)
        assert QFontInfo(axis.style["tickFont"]).pixelSize() >= QFontInfo(
            QGuiApplication.font()).pixelSize(), "tick labels smaller than body text"
        texts = tick_text_rects(axis)
        assert texts, f"{plot.objectName()} {side}: no tick labels"
        for i, (rect, text) in enumerate(texts):
            assert metrics.horizontalAdvance(text) <= rect.width() + 1, f"tick {text!r} cut"
            assert bounds.contains(rect), f"{plot.objectName()} tick {text!r} clipped at {rect}"
            for other, other_text in texts[i + 1:]:
                assert not rect.intersects(other), f"ticks {text!r} and {other_text!r} overlap"


def assert_toolbar_whole(window: Any) -> None:
    toolbar = window.toolbar
    if toolbar.isHidden():
        return
    overflow = False
    for action in toolbar.actions():
        widget = toolbar.widgetForAction(action)
        if widget is None or action.isSeparator():
            continue
        if widget.isHidden():
            overflow = True
            continue
        assert widget.geometry().right() <= toolbar.width(), f"{action.text()} clipped"
    extension = [b for b in toolbar.findChildren(QToolButton)
                 if b.objectName() == "qt_toolbar_ext_button" and b.isVisible()]
    assert not overflow or extension, "items left the toolbar but there is no overflow menu"


def rows_report(window: Any) -> str:
    """Minimum and actual heights of the window's rows (for a failure message)."""
    layout = window.centralWidget().layout()
    rows = [layout.itemAt(i).widget() for i in range(layout.count())]
    parts = [f"{r.objectName() or type(r).__name__}={r.minimumSizeHint().height()}/{r.height()}"
             for r in rows if r is not None and r.isVisible()]
    parts += [f"plots={window.plots.minimumHeight()}", f"tabs={window.inspector.minimumSizeHint().height()}",
              f"menu={window.menuBar().height()}", f"toolbar={window.toolbar.height()}",
              f"status={window.statusBar().isVisible()}"]
    return " ".join(parts)


def assert_layout_holds(window: Any, qtbot: Any, height: int, what: str) -> dict[str, int]:
    settle(qtbot)
    window.plots.redraw()
    settle(qtbot)
    heights = {}
    for key, plot in window.plots.plots.items():
        heights[key] = round(data_rect(plot).height())
        assert data_rect(plot).height() >= height / 5, f"{what}: {key} plot {heights[key]} px"
        assert_newest_points_inside(plot)
        assert_title_fits(plot)
        assert_legend_fits(plot)
        assert_ticks_fit(plot)
    assert_toolbar_whole(window)
    return heights


@pytest.mark.parametrize("presenting", [False, True], ids=["normal", "presentation"])
@pytest.mark.parametrize("zoom", ZOOMS, ids=["100%", "200%"])
def test_plots_keep_a_fifth_of_the_height_and_nothing_is_clipped(
        make_window: Any, qtbot: Any, zoom_guard: None, zoom: float, presenting: bool) -> None:
    """One window per zoom and mode; each size, model and tab in turn (window creation is slow)."""
    theme.apply_zoom(zoom)
    window = make_window()
    assert window.plots.timeline.isVisible()  # the budget makes room for the timeline strip
    if presenting:
        window.action("actionPresentation").trigger()
        settle(qtbot)
        assert QFontInfo(QGuiApplication.font()).pixelSize() >= 24
        assert QFontInfo(plot_style.tick_font()).pixelSize() >= 24
        assert window.model_dock.isHidden()
    window.action("actionForward").trigger()
    window.action("actionBackward").trigger()
    for model in ("default", "bce"):
        if model == "bce":
            window.model_panel.preset_chosen.emit(bce_preset())
            for action_id in ("actionForward", "actionBackward", "actionStep"):
                window.action(action_id).trigger()
        for width, height in SIZES:
            # In presentation mode the offscreen screen (800x800) stands in for the projector:
            # the full-screen window is resized to the projector's size.
            window.layout_keeper.resize_window(width, height)  # as the window sizes itself
            show_banner(window)  # after the actions: a successful one clears an error
            settle(qtbot)
            assert window.banner_area.isVisible()
            for index in range(window.inspector.count()):
                window.inspector.setCurrentIndex(index)
                what = f"{width}x{height}, {model}, {window.inspector.tabText(index)} tab"
                assert_layout_holds(window, qtbot, height, what)
                assert (window.width(), window.height()) == (width, height), (
                    f"{what}: window grew: {rows_report(window)}")
        widths = {pg.mkPen(c.opts["pen"]).width() for c in window.plots.curves("weights")
                  if c.opts.get("pen") is not None and not c.name().startswith("zero_grad")}
        assert min(widths) >= (4 if presenting else 3)


def test_presentation_mode_comes_and_goes_by_key_and_restores_the_layout_exactly(
        make_window: Any, qtbot: Any, zoom_guard: None) -> None:
    window = make_window()
    window.resize(1000, 760)
    window.action("actionForward").trigger()
    settle(qtbot)

    def layout() -> tuple[Any, ...]:
        return (window.geometry(), window.model_dock.geometry(), window.centre_splitter.sizes(),
                QGuiApplication.font().pointSizeF(), window.toolbar.isVisible(),
                window.menuBar().isVisible(), window.statusBar().isVisible(),
                window.big_button_row.isVisible(), theme.curve_width(), window.statusBar().height(), window.toolbar.height(), window.menuBar().height())

    before = layout()
    qtbot.keyClick(window, Qt.Key.Key_F11)
    settle(qtbot)
    assert window.isFullScreen() and window.presentation.active
    assert window.action("actionPresentation").isChecked()
    assert window.model_dock.isHidden() and window.toolbar.isHidden() and window.menuBar().isHidden()
    assert theme.curve_width() >= 4 and theme.curve_palette() == theme.PRESENTATION_COLOURS
    plots_share = window.plots.height() / window.centralWidget().height()
    assert plots_share > 0.5, "plots take the room"
    # Every loop action keeps its key with the menus and toolbar hidden.
    count = len(window.session.history)
    qtbot.keyClick(window, Qt.Key.Key_B)
    assert len(window.session.history) == count + 1 and window.session.history[-1].action == "backward"
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    settle(qtbot)
    assert not window.isFullScreen() and not window.presentation.active
    assert not window.action("actionPresentation").isChecked()
    after = layout()
    assert after == before, f"{before}\n{after}"


def test_presentation_shows_the_lesson_step_as_a_large_caption(
        make_window: Any, qtbot: Any, zoom_guard: None) -> None:
    window = make_window()
    window.set_presentation(True)
    settle(qtbot)
    assert window.presentation.caption.isHidden()  # no lesson running: no caption
    lesson = window.inspector_panels["Lesson"]
    lesson.start()
    lesson.next_step()
    qtbot.waitUntil(lambda: window.presentation.caption.isVisible(), timeout=3000)
    caption = window.presentation.caption
    assert lesson.counter_label.text() in caption.text()
    assert QFontInfo(caption.font()).pixelSize() >= 24
    window.set_presentation(False)
    assert caption.isHidden()


def test_curves_differ_by_marker_and_the_twin_stays_dashed(
        make_window: Any, qtbot: Any, zoom_guard: None) -> None:
    window = make_window()
    window.set_presentation(True)
    window.action("actionCompare").trigger()
    window.action("actionIterate").trigger()
    settle(qtbot)
    curves = [c for c in window.plots.curves("weights") if not c.name().endswith(" (twin)")]
    twins = [c for c in window.plots.curves("weights") if c.name().endswith(" (twin)")]
    assert len({c.playground_symbol for c in curves}) == len(curves) == 3
    assert all(c.opts["pen"].style() == Qt.PenStyle.DashLine for c in twins) and twins
    assert all(c.opts["pen"].style() == Qt.PenStyle.SolidLine for c in curves)
    # The newest point of each curve carries its marker (shape, not only colour).
    window.plots.redraw()
    settle(qtbot)
    item = window.plots.plots["weights"].getPlotItem()
    symbols = [p.symbol() for p in item.head_markers.scatter.points()]
    assert sorted(symbols[:3]) == sorted(c.playground_symbol for c in curves)


def test_zoom_scales_curves_ticks_titles_and_legend(
        make_window: Any, qtbot: Any, zoom_guard: None) -> None:
    window = make_window()
    theme.apply_zoom(1.0)
    settle(qtbot)
    plot = window.plots.plots["weights"]

    def sizes() -> tuple[int, ...]:
        item = plot.getPlotItem()
        curve = window.plots.curves("weights")[0]
        return (QFontInfo(item.getAxis("left").style["tickFont"]).pixelSize(),
                QFontInfo(item.titleLabel.item.font()).pixelSize(),
                QFontInfo(item.legend.labels()[0].item.font()).pixelSize(),
                pg.mkPen(curve.opts["pen"]).width())

    small = sizes()
    theme.apply_zoom(2.0)
    settle(qtbot)
    big = sizes()
    assert all(b > s for b, s in zip(big, small)), (small, big)
    assert big[0] >= 24  # tick labels at 200 %


def test_a_squeezed_remembered_layout_is_not_restored(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    window.resize(780, 700)
    # Squeeze as an older version allowed: the plots' minimum widths lifted, the dock dragged wide.
    for plot in window.plots.plots.values():
        plot.setMinimumWidth(10)
    window.centralWidget().setMinimumWidth(10)
    window.resizeDocks([window.model_dock], [600], Qt.Orientation.Horizontal)
    settle(qtbot)
    assert window.model_dock.width() > 780 * 0.45
    window.close()  # remembers the squeezed layout
    again = make_window()
    settle(qtbot)
    assert again.model_dock.width() <= again.width() * 0.45
    assert again.centralWidget().width() >= 450
    for plot in again.plots.plots.values():
        assert data_rect(plot).height() >= again.height() / 5
    forget_layout()


def test_reset_layout_forgets_the_remembered_layout(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    window.model_dock.hide()
    window.close()
    assert QSettings().value("window/state") is not None
    again = make_window()
    again.action("actionResetLayout").trigger()
    settle(qtbot)
    assert again.model_dock.isVisible()
    assert QSettings().value("window/state") is None
    assert again.action("actionResetLayout").text().replace("&", "") == "Reset layout"


def test_dark_scheme_reaches_the_plots_and_the_style_sheet(
        make_window: Any, qtbot: Any, zoom_guard: None) -> None:
    window = make_window()
    theme.set_scheme("dark")
    settle(qtbot)
    dark = theme.SCHEMES["dark"]
    plot = window.plots.plots["weights"]
    assert plot.backgroundBrush().color().name() == dark["bg"]
    assert plot.getPlotItem().getAxis("left").textPen().color().name() == dark["fg"]
    assert dark["panel"] in QApplication.instance().styleSheet()
    assert theme.curve_colour(6).name().lower() != "#000000"  # no black curve on black
    theme.set_scheme("light")
    settle(qtbot)
    assert plot.backgroundBrush().color().name() == theme.SCHEMES["light"]["bg"]


def test_the_compact_legend_elides_with_every_name_in_its_tooltip(
        make_window: Any, qtbot: Any) -> None:
    window = make_window()
    window.resize(1024, 768)
    window.model_panel.preset_chosen.emit(bce_preset())
    settle(qtbot)
    legend = window.plots.plots["weights"].getPlotItem().legend
    legend.relayout()
    names = [name for _item, name in legend.entries()]
    assert len(names) == 18 and legend.hidden_names
    assert legend.more_label.toolTip().split("\n") == names
