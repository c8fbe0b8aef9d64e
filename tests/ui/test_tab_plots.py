"""The Data and Landscape plots follow the colour scheme and the zoom like the main plots."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication

from ui import theme
from tests.ui._settle import settle

LINE_FIT = {"params": {"w": "0.0", "b": "0.0"},
            "inputs": {"x": "[0.0, 1.0, 2.0, 3.0]", "y": "[1.0, 3.1, 4.9, 7.2]"},
            "forward": "y_hat = w * x + b\nloss = ((y_hat - y) ** 2).mean()", "lr": 0.05}


@pytest.fixture
def theme_guard() -> Iterator[None]:
    """Whatever a test does to zoom or scheme, the next test starts at the default."""
    yield
    theme.set_scheme(None)
    theme.apply_zoom(theme.DEFAULT_ZOOM)


def tab_plots(window: Any, qtbot: Any) -> dict[str, Any]:
    """The two tab plots, each shown once and drawn (axis labels set, legend filled)."""
    plots = {}
    for tab in ("Data", "Landscape"):
        window.show_inspector(tab)
        view = window.inspector_panels[tab]
        qtbot.waitUntil(lambda v=view: v.stack.currentWidget() is v.plot)
        view.refresh()
        plots[tab] = view.plot
    return plots


def test_dark_scheme_reaches_the_data_and_landscape_plots(
        make_window: Any, qtbot: Any, theme_guard: None) -> None:
    window = make_window(LINE_FIT)
    plots = tab_plots(window, qtbot)
    main = window.plots.plots["weights"]
    for scheme in ("dark", "light"):
        theme.set_scheme(scheme)
        settle(qtbot)
        colours = theme.SCHEMES[scheme]
        for name, plot in plots.items():
            # The same surface as the main plots, not a white box on a dark window.
            assert plot.backgroundBrush().color().name() == colours["bg"], (scheme, name)
            assert plot.backgroundBrush().color() == main.backgroundBrush().color()
            axis = plot.getPlotItem().getAxis("bottom")
            assert axis.textPen().color().name() == colours["fg"], (scheme, name)
            assert axis.pen().color().name() == colours["fg"]
            assert colours["fg"] in axis.labelString()  # "w", "x": the axis titles too
        legend = plots["Data"].legend
        assert legend.opts["labelTextColor"].name() == colours["fg"]
        assert legend.opts["brush"].color().name() == colours["bg"]
    # The landscape's key stays dark in both schemes: its path is white.
    assert plots["Landscape"].legend.opts["labelTextColor"].name() == "#ffffff"


def test_zoom_scales_the_tab_plots_ticks_like_the_main_plots(
        make_window: Any, qtbot: Any, theme_guard: None) -> None:
    window = make_window(LINE_FIT)
    plots = {**tab_plots(window, qtbot), "main": window.plots.plots["weights"]}

    def sizes() -> dict[str, tuple[int, float, float]]:
        out = {}
        for name, plot in plots.items():
            axis = plot.getPlotItem().getAxis("left")
            legend = getattr(plot, "legend", None)
            label_pt = float(axis.labelStyle.get("font-size", "0pt")[:-2]) if legend else 0.0
            legend_pt = float(legend.opts["labelTextSize"][:-2]) if legend else 0.0
            out[name] = (QFontInfo(axis.style["tickFont"]).pixelSize(), label_pt, legend_pt)
        return out

    land, data = window.inspector_panels["Landscape"], window.inspector_panels["Data"]

    def pens() -> tuple[float, float]:
        return pg.mkPen(land.path.opts["pen"]).widthF(), data.points[0].opts["size"]

    theme.apply_zoom(1.0)
    settle(qtbot)
    small, thin = sizes(), pens()
    theme.apply_zoom(2.0)
    settle(qtbot)
    big, thick = sizes(), pens()
    assert thick[0] > thin[0] and thick[1] > thin[1]  # the path and the points grow too
    for name in ("Data", "Landscape"):
        # The bigger legend still fits in the plot (beside the data area, never over it: see
        # test_tab_geometry.py): it takes more columns when its column is too short.
        legend = plots[name].legend
        key = legend.mapRectToScene(legend.boundingRect())
        assert 0 < key.width() and QRectF(0, 0, plots[name].width(), plots[name].height()).contains(key)
        assert big[name][0] / small[name][0] == pytest.approx(2.0, abs=0.2), (name, small, big)
        assert big[name][0] == big["main"][0]  # the very tick font of the main plots
        assert big[name][1] == pytest.approx(2 * small[name][1], rel=0.1)  # axis titles
        assert big[name][2] == pytest.approx(2 * small[name][2], rel=0.1)  # legend text
