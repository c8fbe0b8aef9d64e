"""The plots inside the tabs (Data, Landscape): the main plots' colours, fonts and pens, and a
legend outside the data area.

They draw their own items (a colour map, points, a boundary) but share the main plots' tick
font, axis pens and colours (``ui/plot_style.py``), so they follow the scheme and the zoom.
Rules they keep (checked by ``tests/ui/test_tab_geometry.py`` at 1280x720, 100 % and 200 %):

- the legend sits beside (or above) the data area, never inside it, so it cannot hide a
  point, a contour or the path;
- an axis title shows only where it fits along its axis (its tooltip keeps it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QColor, QFontMetricsF
from PySide6.QtWidgets import QSizePolicy
import pyqtgraph as pg
from shiboken6 import isValid

from ui import theme
from ui.axes import SpacedAxis
from ui.plot_style import label_width, legend_font, tick_font

#: Legend boxes of the tab plots: "scheme" follows the light/dark scheme; "dark" stays dark
#: in both (the landscape draws its path white over the colour map, and its key must show it).
LEGEND_BOXES = ("scheme", "dark")
_DARK_BOX = {"brush": (30, 30, 30, 210), "text": "#ffffff"}


#: Where a tab plot's legend sits, outside the data area: "top", a row above it (as the main
#: plots'); "right", a column right of everything (the Landscape: its map takes any shape, so
#: width is cheaper than height there, and the map keeps the plot's height at 200 %).
LEGEND_SIDES = ("top", "right")
#: Pixels between the legend's box and the data area (below a row, left of a column).
LEGEND_AIR = 6
#: The tick label a vertical axis keeps room for from the start (a wider one still gets its
#: room): "-0.5", "2.5", "10" fit, so the axis keeps its width when the first data's labels
#: replace the empty plot's, and the Landscape's grid, shaped for the data area, is not
#: asked for twice on first open. Short: at 200 % every character costs the map ~12 px.
RESERVED_LABEL = "-0.0"


class _LegendSlot(pg.GraphicsWidget):
    """The row above (or column beside) a tab plot's data area that holds its legend: as
    high (wide) as the legend; along the data area it never asks the plot for room."""

    def __init__(self, side: str) -> None:
        super().__init__()
        self.side = side
        grow, fixed = QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed
        if side == "top":
            self.setSizePolicy(grow, fixed)
            self.setMinimumWidth(0)
            self.setPreferredWidth(0)
            self.setFixedHeight(0)
        else:
            self.setSizePolicy(fixed, grow)
            self.setMinimumHeight(0)
            self.setPreferredHeight(0)
            self.setFixedWidth(0)

    def fit(self, legend_size: Any, has_items: bool) -> None:
        """Take the legend's height (a row) or width (a column), plus a little air."""
        if self.side == "top":
            size, now, setter = legend_size.height(), self.geometry().height(), self.setFixedHeight
        else:
            size, now, setter = legend_size.width(), self.geometry().width(), self.setFixedWidth
        size = size + LEGEND_AIR if has_items else 0.0
        if abs(now - size) > 0.5:
            setter(size)
            self.updateGeometry()


class TabLegend(pg.LegendItem):
    """pyqtgraph's legend outside the data area, in a row above it or a column beside it
    (``side``, one of :data:`LEGEND_SIDES`), so it never covers a point, a contour or the
    path: a row holds as many columns as its width allows (more rows when it must: nothing
    is cut), a column as few as its height allows. Replaces ``plot_item.legend`` (PlotItem
    adds named items to it, as with ``addLegend``).
    """

    def __init__(self, plot_item: pg.PlotItem, side: str = "top", **options: Any) -> None:
        super().__init__(offset=None, **options)  # placed by its slot, not anchored in the view
        self.slot = _LegendSlot(side)
        layout = plot_item.layout
        if side == "top":
            layout.removeItem(plot_item.getAxis("top"))  # hidden anyway; its cell takes the legend
            layout.addItem(self.slot, 1, 1)  # over the data column only
        else:
            # Right of the right axis and any colour bar (pyqtgraph puts one in column 5),
            # from the top axis's row to the bottom axis's: the legend may use that height.
            layout.addItem(self.slot, 1, 6, 3, 1)
        self.setParentItem(self.slot)
        plot_item.legend = self
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.fit_columns)
        plot_item.getViewBox().sigResized.connect(self.schedule)
        self.slot.geometryChanged.connect(self.schedule)

    def addItem(self, item: Any, name: str) -> None:  # noqa: N802 - pyqtgraph API
        super().addItem(item, name)
        self.schedule()

    def removeItem(self, item: Any) -> None:  # noqa: N802 - pyqtgraph API
        super().removeItem(item)
        self.schedule()

    def mouseDragEvent(self, ev: Any) -> None:  # noqa: N802 - pyqtgraph API
        """Stays in its slot: a drag would carry it over the data again."""
        ev.ignore()

    def updateSize(self) -> None:  # noqa: N802 - pyqtgraph API
        """pyqtgraph's, which moves the legend to (0, 0) for an anchor to move back: it is
        placed, not anchored (an anchor re-reads the data area, even while Qt deletes it)."""
        super().updateSize()
        self.setPos(self._left(), 0)

    def _left(self) -> float:
        return 0.0 if self.slot.side == "top" else float(LEGEND_AIR)

    def schedule(self, *_args: Any) -> None:
        """Fit the columns once control returns to the event loop."""
        self._timer.start()

    def flush(self) -> None:
        """Fit now if a fit is pending, and let the plot lay out around the legend: a view
        that sizes its content to the data area (the landscape's grid) asks after this."""
        if self._timer.isActive():
            self.fit_columns()
        layout = self.slot.parentLayoutItem()
        if layout is not None:
            layout.activate()

    def _arrange(self, columns: int) -> Any:
        self.setColumnCount(columns)
        gap = 0.6 * QFontMetricsF(legend_font()).height()  # between entries; a sample hugs its name
        for label_column in range(1, 2 * columns - 1, 2):
            self.layout.setColumnSpacing(label_column, gap)
        return self.layout.effectiveSizeHint(Qt.SizeHint.PreferredSize)

    def fit_columns(self) -> None:
        """A row: the most columns whose width fits the data area's; a column: the fewest
        whose height fits the plot's. The slot then takes the legend's height (width)."""
        self._timer.stop()
        count = max(1, len(self.items))
        if self.slot.side == "top":
            room = self.slot.geometry().width()
            for columns in range(count, 0, -1):
                size = self._arrange(columns)
                if size.width() <= room:
                    break
        else:
            room = self.slot.geometry().height()
            # Not laid out yet (a hidden tab): one column, the likely shape once shown.
            for columns in range(1, count + 1 if room > 0 else 2):
                size = self._arrange(columns)
                if size.height() <= room:
                    break
        # Sized from the layout's own hint: updateSize() sums the cells' current widths,
        # which keep any stretch an earlier, wider arrangement gave them.
        self.setGeometry(self._left(), 0, size.width(), size.height())
        self.slot.fit(size, bool(self.items))


class _TabPlotRestyler(QObject):
    """Restyles one tab plot on every theme change; a child of the plot, so Qt drops the
    connection when the plot goes (no slot ever runs on a deleted plot)."""

    def __init__(self, widget: pg.PlotWidget, restyle: Callable[[], None] | None) -> None:
        super().__init__(widget)
        self.widget, self.restyle = widget, restyle
        theme.changes.theme_changed.connect(self.on_theme_changed)

    def on_theme_changed(self) -> None:
        if not isValid(self.widget.legend):  # closed: pyqtgraph cleared its scene, items gone
            return
        style_tab_plot(self.widget)
        if self.restyle is not None:
            self.restyle()


def make_tab_plot(object_name: str, *, grid: bool = False, legend_box: str = "scheme",
                  legend_side: str = "top",
                  restyle: Callable[[], None] | None = None) -> pg.PlotWidget:
    """A plot for a tab (Data, Landscape) that looks like the main plots and follows them:
    the scheme's background and axis colours, tick labels in :func:`tick_font`, axis pens,
    axis labels and legend text growing with the zoom, restyled on every theme change
    (``restyle``, if given, runs after, for the view's own items' colours).

    The legend (``plot.legend``) is a :class:`TabLegend` outside the data area, on
    ``legend_side`` (one of :data:`LEGEND_SIDES`); ``legend_box`` is one of :data:`LEGEND_BOXES`.
    """
    widget = pg.PlotWidget(axisItems={side: SpacedAxis(side) for side in ("left", "bottom")})
    widget.setObjectName(object_name)
    item = widget.getPlotItem()
    for side in ("left", "bottom"):
        item.getAxis(side).enableAutoSIPrefix(False)  # "(x0.001)" beside a loss confuses students
    if grid:
        item.showGrid(x=True, y=True, alpha=0.2)
    widget.legend = TabLegend(item, legend_side, pen=pg.mkPen("#888"))  # type: ignore[attr-defined]
    widget.legend_box = legend_box  # type: ignore[attr-defined]
    widget.restyler = _TabPlotRestyler(widget, restyle)  # type: ignore[attr-defined]
    item.getViewBox().sigResized.connect(lambda *_: fit_axis_labels(widget))
    style_tab_plot(widget)
    return widget


def reserve_label_room(axis: pg.AxisItem, font: Any) -> None:
    """Keep room for :data:`RESERVED_LABEL` beside a vertical axis whatever its labels are
    now: pyqtgraph sizes the axis to its widest label, so it would narrow or widen as soon as
    the first data set the range, and the data area would change shape under it."""
    axis.setStyle(autoReduceTextSpace=False)  # grows for a wider label, never shrinks below
    axis.textWidth = QFontMetricsF(font).horizontalAdvance(RESERVED_LABEL)  # pyqtgraph's text room
    axis._updateWidth()  # noqa: SLF001 - pyqtgraph's own resize from textWidth


def fit_axis_labels(widget: pg.PlotWidget) -> None:
    """Show an axis title only when it fits along its axis: on a short plot (1280x720 at
    200 %) a rotated "X[:, 1]" ran over the tick labels. Its axis's tooltip keeps it.
    Call after ``setLabel`` (which shows the title again); resizes call it by themselves."""
    item = widget.getPlotItem()
    vb = item.getViewBox()
    metrics = QFontMetricsF(legend_font())  # style_tab_plot gives the titles this size
    for side, room in (("left", vb.height()), ("bottom", vb.width())):
        axis = item.getAxis(side)
        text = axis.labelText
        axis.setToolTip(text)
        # An empty title keeps its room too: the data area keeps its shape when the name
        # arrives (the landscape's grid is shaped for the area before its names are known).
        fits = label_width(text, metrics) <= room
        if axis.label.isVisible() != fits:
            axis.showLabel(fits)


def style_tab_plot(widget: pg.PlotWidget) -> None:
    """Colours and fonts of a :func:`make_tab_plot` plot (and of every axis in its scene,
    a colour bar's too) from the current theme and zoom."""
    c = theme.colours()
    widget.setBackground(c["bg"])
    ticks, text = tick_font(), legend_font()
    gap = QFontMetricsF(ticks).height()
    pen = pg.mkPen(c["fg"], width=theme.line_width())
    for axis in [i for i in widget.scene().items() if isinstance(i, pg.AxisItem)]:
        axis.labelStyle["font-size"] = f"{text.pointSizeF():.2f}pt"
        axis.setPen(pen)
        axis.setTextPen(c["fg"])  # re-renders the label in the new colour and size
        axis.setTickFont(ticks)
        axis.setStyle(tickLength=-max(5, int(gap * 0.35)), tickTextOffset=max(3, int(gap * 0.2)))
        if axis.orientation in ("left", "right"):
            reserve_label_room(axis, ticks)
    legend = widget.legend  # type: ignore[attr-defined]
    dark = widget.legend_box == "dark"  # type: ignore[attr-defined]
    box = QColor(c["bg"])
    box.setAlpha(220)  # the data shows faintly through, the text stays readable
    legend.setBrush(_DARK_BOX["brush"] if dark else box)
    legend.setLabelTextColor(_DARK_BOX["text"] if dark else c["fg"])
    legend.setLabelTextSize(f"{text.pointSizeF():.2f}pt")
    for _sample, label in legend.items:
        label.setText(label.text)  # LegendItem keeps the old size until a label is set again
    legend.schedule()
    fit_axis_labels(widget)


def fit_bar_ticks(bar: pg.ColorBarItem) -> None:
    """A vertical colour bar's scale as its length allows: pyqtgraph's ticks where four
    labels' height fits, only its two ends where two do, none where not (the bar's colours
    still read low to high). At 200 % on a short plot "30 20 10" were drawn over each other.
    Call after ``setLevels``; a resize of the bar calls it by itself (:func:`follow_bar`)."""
    axis = bar.axis
    length = bar.geometry().height()
    text = QFontMetricsF(tick_font()).height()
    low, high = (float(v) for v in bar.levels())
    if length >= 4 * text or not high > low:
        axis.setTicks(None)
        axis.setStyle(showValues=True)
    elif length >= 2.2 * text:
        # pyqtgraph's own text for the two ends, not a formatting of ours.
        ends = axis.tickStrings([low, high], 1.0, high - low)
        axis.setTicks([list(zip((low, high), ends, strict=True))])
        axis.setStyle(showValues=True)
    else:
        axis.setStyle(showValues=False)


def follow_bar(bar: pg.ColorBarItem) -> None:
    """Refit ``bar``'s scale whenever its length changes."""
    bar.geometryChanged.connect(lambda: fit_bar_ticks(bar))
