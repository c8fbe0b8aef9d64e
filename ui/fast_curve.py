"""Draw a plot curve in device pixels, so a projector-thick pen stays cheap on Qt's raster engine.

pyqtgraph paints a curve in data coordinates under the view's scaling
transform. Qt's raster engine strokes a wide cosmetic pen several times slower
that way than the same lines already in pixels (measured here: 1,000 segments at
width 3, 5.8 ms scaled against 2.1 ms in pixels). :class:`DeviceCurve` maps the
points itself (one numpy multiply-add) and draws them with no transform; it
changes nothing else of :class:`pyqtgraph.PlotCurveItem` (pens, ``connect``,
bounds, clicks), and falls back to it for fills, step mode and OpenGL.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtGui import QPainter
import pyqtgraph as pg
from pyqtgraph.graphicsItems import PlotDataItem as _data_item_module
from pyqtgraph.graphicsItems.PlotCurveItem import PlotCurveItem, arrayToLineSegments

#: Device coordinates are clipped to this many pixels: a diverged run's 1e38 would
#: overflow the rasteriser's fixed-point maths.
_LIMIT = 1e6


class DeviceCurve(PlotCurveItem):
    """A PlotCurveItem whose line is stroked in device pixels."""

    def paint(self, p: QPainter, opt: Any, widget: Any) -> None:  # noqa: D102 - Qt API
        transform = p.transform()
        pen = self.opts["pen"]
        x, y = self.getData()
        if (x is None or len(x) == 0 or self.opts["fillLevel"] is not None or self.opts["stepMode"]
                or transform.isRotating() or pen is None or not pen.isCosmetic()
                or self._exportOpts is not False or widget is None
                or type(widget).__name__ == "GraphicsViewGLWidget"):
            super().paint(p, opt, widget)
            return
        dx = np.clip(x * transform.m11() + transform.dx(), -_LIMIT, _LIMIT)
        dy = np.clip(y * transform.m22() + transform.dy(), -_LIMIT, _LIMIT)
        # The clip would make an inf a finite point far off screen, and the line would run
        # to it: keep it a gap (connect="finite"), as pyqtgraph's own curve does.
        dy[np.isinf(y)] = np.nan
        dx[np.isinf(x)] = np.nan
        p.save()
        p.resetTransform()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, bool(self.opts["antialias"]))
        p.setPen(pen)
        if self._shouldUseDrawLineSegments(pen):
            segments = arrayToLineSegments(dx, dy, connect=self.opts["connect"], finiteCheck=True,
                                           out=getattr(self, "_device_segments", None))
            self._device_segments = segments
            p.drawLines(*segments.drawargs())
        else:
            # Dashes run on along a single path (segments would restart the pattern).
            p.drawPath(pg.arrayToQPath(dx, dy, connect=self.opts["connect"]))
        p.restore()


def device_data_item(**kwargs: Any) -> pg.PlotDataItem:
    """A ``pg.PlotDataItem(**kwargs)`` whose line is a :class:`DeviceCurve`."""
    # PlotDataItem builds its curve from its module's name PlotCurveItem: point the name
    # at DeviceCurve while one is built (the GUI thread is the only one building them).
    original = _data_item_module.PlotCurveItem
    _data_item_module.PlotCurveItem = DeviceCurve
    try:
        return pg.PlotDataItem(**kwargs)
    finally:
        _data_item_module.PlotCurveItem = original
