"""The Landscape tab's arrows (−lr·grad, the step): a line in data coordinates with a head
that points along it as drawn on screen."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF
import pyqtgraph as pg


class Arrow:
    """A line with a pixel-sized head, in data coordinates (pg.ArrowItem draws the head)."""

    def __init__(self, plot: pg.PlotItem, colour: str, name: str) -> None:
        self.colour = colour
        self.line = pg.PlotDataItem(pen=pg.mkPen(colour, width=4), name=name)
        self.head = pg.ArrowItem(pen=pg.mkPen(colour), brush=pg.mkBrush(colour),
                                 headLen=18, tipAngle=35, tailLen=0)
        self.plot = plot
        plot.addItem(self.line)
        plot.addItem(self.head)
        self.ends: tuple[float, float, float, float] | None = None
        self.hide()

    def show(self, x0: float, y0: float, x1: float, y1: float) -> None:
        """From (x0, y0) to (x1, y1); hidden when it has no length."""
        if not np.all(np.isfinite([x0, y0, x1, y1])) or (x0, y0) == (x1, y1):
            self.hide()
            return
        self.ends = (x0, y0, x1, y1)
        self.line.setData([x0, x1], [y0, y1])
        self.head.setPos(x1, y1)
        self.aim()
        self.head.show()

    def aim(self) -> None:
        """Point the head along the line as it appears on screen (axes may be scaled)."""
        if self.ends is None:
            return
        x0, y0, x1, y1 = self.ends
        vb = self.plot.getViewBox()
        a, b = vb.mapViewToScene(QPointF(x0, y0)), vb.mapViewToScene(QPointF(x1, y1))
        # ArrowItem's angle 0 points left; the angle turns clockwise on screen (y down).
        angle = np.degrees(np.arctan2(a.y() - b.y(), a.x() - b.x()))
        self.head.setStyle(angle=float(angle))

    def hide(self) -> None:
        self.ends = None
        self.line.setData([], [])  # kept shown, so its legend entry stays a plain line
        self.head.hide()

    @property
    def visible(self) -> bool:
        return self.ends is not None
