"""The fast drawing path of the plots: device-pixel curves look like pyqtgraph's own."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from tests.ui.conftest import show_widget
from ui.fast_curve import DeviceCurve, device_data_item


def _pixels(widget: Any) -> np.ndarray:
    image = widget.grab().toImage().convertToFormat(widget.grab().toImage().Format.Format_RGB32)
    buffer = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), -1)
    return buffer[:, :image.width() * 4].reshape(image.height(), image.width(), 4)[..., :3].copy()


def _draw(qtbot: Any, item: pg.PlotDataItem) -> np.ndarray:
    plot = show_widget(qtbot, pg.PlotWidget(background="w"), 500, 300)
    plot.addItem(item)
    plot.setRange(xRange=(0, 99), yRange=(-1.2, 1.2), padding=0)
    qtbot.wait(20)
    return _pixels(plot)


def test_a_device_curve_draws_the_same_line_as_pyqtgraph(qtbot: Any) -> None:
    x = np.arange(100, dtype=np.float64)
    y = np.sin(x / 7)
    y[40:45] = np.nan  # connect="finite" leaves a gap in both
    for style in (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine):
        pen = pg.mkPen("#1f77b4", width=3, style=style)
        fast = device_data_item(x=x, y=y, pen=pen, connect="finite")
        assert isinstance(fast.curve, DeviceCurve)
        plain = pg.PlotDataItem(x=x, y=y, pen=pen, connect="finite")
        assert type(plain.curve) is pg.PlotCurveItem  # the swap is only while building ours
        a, b = _draw(qtbot, fast), _draw(qtbot, plain)
        ink_a, ink_b = (a != 255).any(axis=2), (b != 255).any(axis=2)
        assert ink_a.sum() > 1000
        # Rounding to pixels may differ along the edges of the stroke, nowhere else.
        assert (ink_a ^ ink_b).sum() <= 0.1 * ink_b.sum()
