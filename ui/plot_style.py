"""How the plots look: titles that fit, a one-row legend, readable axes, pens and markers.

Data (buffers, curves, redraw) is ``ui/plots.py``'s business; this module only
styles what is there, so it can restyle at any time: on zoom, on entering or
leaving presentation mode, on a light/dark switch, on a resize.

Rules it keeps (checked by ``tests/ui/test_layout.py``):

- the legend sits in its own row between the title and the data area, never
  inside it, so it cannot hide a curve or push the newest point out; it is one
  row high, and what does not fit becomes "+N" with every name in its tooltip;
- a title that does not fit takes its shorter form, then elides, with the full
  title as tooltip;
- tick labels use the application font (so they follow the zoom), axis pens
  and curve pens grow with it;
- every curve has its own marker symbol, drawn in the legend and on the
  curve's newest point, so curves never differ by colour alone.

The plots inside the tabs (Data, Landscape) draw their own items (a colour map,
points, a boundary) but share the main plots' colours, tick fonts and pens
through ``ui/tab_plot.py``, so they follow the scheme and the zoom too.
"""

from __future__ import annotations

import html
import math
import weakref
from typing import Any

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import QSizePolicy
import pyqtgraph as pg

from ui import theme
from ui.axes import SpacedAxis
from ui.pace import pace

TWIN_SUFFIX = " (twin)"
#: Legend names that are hints added by the data side ("… 13 more"): the legend counts itself.
HINT_PREFIX = "…"
ZERO_GRAD = "zero_grad"
#: Gap between legend entries, in units of the font's height.
ENTRY_GAP = 0.5


def title_font() -> QFont:
    """Bold application font: plot titles."""
    return theme.scaled_font(1.05, bold=True)


def tick_font() -> QFont:
    """Tick labels: 15 % above body text, so a back row can read the scale."""
    return theme.scaled_font(1.15)


def legend_font() -> QFont:
    """Legend entries: the application font."""
    return theme.scaled_font(1.0)


class LegendSample(pg.GraphicsWidget):
    """A legend swatch as tall as the legend's text: a line in the curve's pen and its marker."""

    def __init__(self, item: Any, size: float) -> None:
        super().__init__()
        self.item = item
        self.side = size
        self.setFixedWidth(size * 1.6)
        self.setFixedHeight(size)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return QRectF(0, 0, self.side * 1.6, self.side)

    def paint(self, p: QPainter, *_args: Any) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = self.item.opts.get("pen")
        if pen is not None:
            p.setPen(pg.mkPen(pen))
            p.drawLine(0, int(self.side / 2), int(self.side * 1.6), int(self.side / 2))
        symbol = getattr(self.item, "playground_symbol", None)
        if symbol is not None:
            colour = pg.mkPen(pen).color() if pen is not None else QColor("black")
            p.translate(self.side * 0.8, self.side / 2)
            brush = QColor(theme.colours()["bg"]) if self.item.name().endswith(TWIN_SUFFIX) else colour
            pg.graphicsItems.ScatterPlotItem.drawSymbol(
                p, symbol, self.side * 0.55, pg.mkPen(colour, width=max(1, theme.line_width())),
                pg.mkBrush(brush))


class _Name:
    """A legend entry's name where callers expect a LabelItem's ``text``."""

    def __init__(self, text: str) -> None:
        self.text = text


class CompactLegend(pg.GraphicsWidget):
    """One row of legend entries; what does not fit is "+N", its tooltip lists every name.

    It offers ``addItem(item, name)`` / ``removeItem(item)`` like pyqtgraph's
    LegendItem (PlotItem calls them), but builds its row from the plot's own
    named curves (the twin's dashed curves share one "twin" entry, which
    :class:`~ui.plots.PlotsPanel` adds explicitly), so what the data side adds
    or removes only marks it for a relayout.
    """

    def __init__(self, plot_item: pg.PlotItem) -> None:
        super().__init__()
        self.plot_item = plot_item
        self.extra: list[tuple[Any, str]] = []  # samples not on the plot: the twin entry
        self.shown: list[tuple[LegendSample, pg.LabelItem]] = []
        self.hidden_names: list[str] = []
        self.more_label: pg.LabelItem | None = None
        # The row never asks for width: it shows what fits the data area's width.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(0)
        self.setPreferredWidth(0)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.relayout)
        self.curves_changed = False
        plot_item.getViewBox().sigResized.connect(self.schedule)

    # -- the LegendItem API PlotItem and the data side use ---------------------------
    def addItem(self, item: Any, name: str) -> None:  # noqa: N802 - pyqtgraph API
        """Note a named item; one not on the plot (the twin's sample) is kept as an extra entry."""
        if item not in self.plot_item.listDataItems() and not name.startswith(HINT_PREFIX):
            self.extra.append((item, name))
        self.curves_changed = True  # a new curve gets the theme's pen and marker
        self.schedule()

    def removeItem(self, item: Any) -> None:  # noqa: N802 - pyqtgraph API
        """Forget an extra entry; curves leave with the plot's own list."""
        self.extra = [(i, n) for i, n in self.extra if i is not item]
        self.curves_changed = True
        self.schedule()

    def setLabelTextSize(self, _size: str) -> None:  # noqa: N802 - pyqtgraph API
        """Fonts follow the theme; kept so callers written for LegendItem still work."""
        self.schedule()

    # -- layout ----------------------------------------------------------------------
    def entries(self) -> list[tuple[Any, str]]:
        """Every entry the legend stands for, in order: curves, zero_grad marks, extras."""
        named = [(i, i.name()) for i in self.plot_item.listDataItems()
                 if isinstance(i, pg.PlotDataItem) and i.name()]
        curves = [(i, n) for i, n in named if not n.endswith(TWIN_SUFFIX)
                  and not n.startswith(HINT_PREFIX) and n != ZERO_GRAD]
        marks = [(i, n) for i, n in named if n == ZERO_GRAD]
        return curves + marks + self.extra

    def schedule(self, *_args: Any) -> None:
        """Relayout once control returns to the event loop (many curves arrive at once)."""
        self._timer.start()

    def relayout(self) -> None:
        """Rebuild the row for the current width, font and entries.

        Entries are placed by hand rather than by a QGraphicsLayout, so the row
        never asks the plot for width: it shows what fits the data area's width.
        """
        self._timer.stop()
        if self.curves_changed:
            self.curves_changed = False
            style_curves(self.plot_item)
        for child in self.childItems():
            child.setParentItem(None)
            if child.scene() is not None:
                child.scene().removeItem(child)
        self.shown, self.more_label = [], None
        font = legend_font()
        metrics = QFontMetricsF(font)
        height = metrics.height()
        gap = height * ENTRY_GAP
        # Curves (and the twin entry) first; a zero_grad mark is not a curve: it shows only
        # when every curve does and it fits too, and "+N" never counts it.
        every = self.entries()
        marks = [(i, n) for i, n in every if n == ZERO_GRAD and (i, n) not in self.extra]
        entries = [e for e in every if e not in marks]
        width = self.geometry().width() or self.plot_item.getViewBox().width()
        side = height * 0.8
        widths = [side * 1.6 + 4 + label_width(name, metrics) for _item, name in entries]
        count = len(entries)
        if sum(widths) + gap * max(0, count - 1) > width:
            count, used = 0, 0.0
            for w in widths:
                more = label_width(f"+{len(entries) - count - 1}", metrics)
                if used + w + gap + more > width:
                    break
                used += w + gap
                count += 1
        else:
            used = sum(widths) + gap * count
            for mark in marks:
                need = side * 1.6 + 4 + label_width(mark[1], metrics)
                if used + need > width:
                    break
                entries.insert(count, mark)
                used, count = used + need + gap, count + 1
        colour = theme.colours()["fg"]
        x = 0.0
        row_height = height
        for item, name in entries[:count]:
            sample = LegendSample(item, side)
            label = make_label(name, font, colour)
            for widget in (sample, label):
                widget.setParentItem(self)
            row_height = max(row_height, label.itemRect().height())
            sample.setPos(x, 0)
            label.setPos(x + side * 1.6 + 4, 0)
            x += side * 1.6 + 4 + label_width(name, metrics) + gap
            self.shown.append((sample, label))
        self.hidden_names = [name for _item, name in entries[count:]]
        if self.hidden_names:
            self.more_label = make_label(f"+{len(self.hidden_names)}", font, colour)
            self.more_label.setParentItem(self)
            self.more_label.setPos(x, 0)
            row_height = max(row_height, self.more_label.itemRect().height())
            self.more_label.setToolTip("\n".join(name for _i, name in every))
        for sample, _label in self.shown:
            sample.setPos(sample.pos().x(), (row_height - side) / 2)
        self.setToolTip("\n".join(name for _i, name in every))
        # Always one row high, entries or not: the three data areas stay level, and the
        # height the window's budget reserves for it is the height it has.
        self.setFixedHeight(max(row_height, label_height(font)) + 2)
        self.updateGeometry()
        self.plot_item.layout.invalidate()
        self.update()

    @property
    def items(self) -> list[tuple[Any, Any]]:
        """Every entry as pyqtgraph's ``LegendItem.items`` has them: (item, label with ``.text``),
        shown or folded into "+N"."""
        return [(item, _Name(name)) for item, name in self.entries()]

    def labels(self) -> list[pg.LabelItem]:
        """The label items shown now ("+N" last), for tests and screen readers."""
        return [label for _s, label in self.shown] + ([self.more_label] if self.more_label else [])


def label_width(text: str, metrics: QFontMetricsF) -> float:
    """Width a LabelItem needs for ``text``: the text plus QGraphicsTextItem's margins."""
    return metrics.horizontalAdvance(text) + 8


def label_height(font: QFont) -> float:
    """Height of a one-line LabelItem in ``font`` (QGraphicsTextItem adds 4 px above and below)."""
    return QFontMetricsF(font).height() + 8


def make_label(text: str, font: QFont, colour: str) -> pg.LabelItem:
    """A LabelItem in ``font`` (plain text, colour only), sized to its text."""
    label = pg.LabelItem()
    label.item.setFont(font)
    label.setText(html.escape(text), color=colour)
    label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return label


def make_plot(object_name: str, titles: tuple[str, ...], y_label: str) -> pg.PlotWidget:
    """A PlotWidget styled for projection: fitted title, one-row legend, readable axes.

    ``titles`` runs from the full title to the shortest acceptable one; the
    widest that fits is shown. The y label is left off the axis (the title says
    what is plotted) and kept in the tooltip with the x meaning.
    """
    # s8: the x axis counts actions: whole-number ticks, labels never touching.
    widget = pg.PlotWidget(axisItems={"bottom": SpacedAxis("bottom", integer=True),
                                      "left": SpacedAxis("left")})
    widget.setObjectName(object_name)
    widget.title_choices = titles  # type: ignore[attr-defined]
    widget.setToolTip(f"{titles[0]}: {y_label} against action # (one per press)")
    item = widget.getPlotItem()
    item.setTitle(titles[0])
    for side in ("left", "bottom"):
        axis = item.getAxis(side)
        axis.enableAutoSIPrefix(False)  # "(x0.001)" beside a loss of 0.6 confuses students
        axis.showLabel(False)
    item.showGrid(x=True, y=True, alpha=0.25)
    # Room around the data, so the newest point's marker is never cut by the frame.
    item.getViewBox().setDefaultPadding(0.06)
    item.setClipToView(True)
    item.setDownsampling(auto=True, mode="peak")
    legend = CompactLegend(item)
    item.layout.removeItem(item.getAxis("top"))  # hidden anyway; its cell takes the legend
    # Over the y axis too: the row is the plot's whole width, the data area stays below it.
    item.layout.addItem(legend, 1, 0, 1, 2)
    item.legend = legend  # PlotItem.addItem / removeItem keep it in step
    item.head_markers = HeadMarkers(item)  # type: ignore[attr-defined]
    widget.setMinimumHeight(60)
    widget.setMinimumWidth(150)  # three side by side must still fit a 1024 px window at 200 %
    widget.getViewBox().sigResized.connect(lambda *_: fit_title(widget))
    style_plot(widget)
    return widget


def fit_title(widget: pg.PlotWidget) -> None:
    """Show the longest title choice that fits the plot's width, else elide the shortest."""
    item = widget.getPlotItem()
    choices = getattr(widget, "title_choices", (item.titleLabel.text,))
    font = title_font()
    metrics = QFontMetricsF(font)
    # The title sits over the data column only (not over the y axis).
    left, _top, right, _bottom = item.layout.getContentsMargins()
    room = max(0.0, widget.width() - item.getAxis("left").width() - left - right - 4.0)
    text = next((t for t in choices if label_width(t, metrics) <= room), None)
    if text is None:
        text = metrics.elidedText(choices[-1], Qt.TextElideMode.ElideRight, max(0.0, room - 8))
    label = item.titleLabel
    label.item.setFont(font)
    # PlotItem made its title label with size="11pt"; the theme's size replaces it.
    label.setText(html.escape(text), color=theme.colours()["fg"], size=f"{font.pointSizeF():.2f}pt",
                  bold=True)
    label.setMinimumWidth(0)  # setText asked for the text's width: never widen the data column
    label.setToolTip(choices[0])
    label.full_text = choices[0]  # type: ignore[attr-defined]
    label.shown_text = text  # type: ignore[attr-defined]


def style_plot(widget: pg.PlotWidget) -> None:
    """Colours, fonts and pen widths of one plot from the current theme."""
    c = theme.colours()
    widget.setBackground(c["bg"])
    item = widget.getPlotItem()
    font = tick_font()
    height = QFontMetricsF(font).height()
    for side in ("left", "bottom"):
        axis = item.getAxis(side)
        axis.setPen(pg.mkPen(c["fg"], width=theme.line_width()))
        axis.setTextPen(c["fg"])
        axis.setTickFont(font)
        # Ticks and their gap grow with the text; pyqtgraph sizes the axis from these.
        axis.setStyle(tickLength=-max(5, int(height * 0.35)), tickTextOffset=max(3, int(height * 0.2)),
                      # Grid at the labelled ticks and one level between, not pyqtgraph's
                      # third, finest level: calmer on a projector, and the grid was most of a
                      # frame's paint (measured: 14.6 -> 8.5 ms a plot, offscreen).
                      maxTickLevel=1)
    item.getAxis("left").setGrid(int(255 * 0.25))
    item.getAxis("bottom").setGrid(int(255 * 0.25))
    # The last x tick label is centred on the right edge: leave it half a label of room.
    item.layout.setContentsMargins(2, 2, QFontMetricsF(font).horizontalAdvance("0000") / 2 + 4, 2)
    item.legend.curves_changed = True
    item.legend.schedule()
    fit_title(widget)


def style_curves(item: pg.PlotItem) -> None:
    """Pens and markers of every curve on ``item`` from the theme (colour by order of appearance)."""
    index = {"main": 0, "twin": 0}
    c = theme.colours()
    # While auto-run plays fast, 1 px (a 3 px stroke is Qt's slow path); full width when it stops.
    width = 1 if pace.busy else theme.curve_width()
    for curve in item.listDataItems():
        if not isinstance(curve, pg.PlotDataItem):
            continue
        name = curve.name() or ""
        pen = curve.opts.get("pen")
        if name.startswith(ZERO_GRAD):
            twin = name.endswith(TWIN_SUFFIX)
            curve.setPen(pg.mkPen(c["twin_marker" if twin else "marker"], width=max(2, width - 1),
                                  style=Qt.PenStyle.DotLine))
            continue
        if not name or pen is None or name.startswith(HINT_PREFIX):
            continue
        role = "twin" if name.endswith(TWIN_SUFFIX) else "main"
        i = index[role]
        index[role] += 1
        style = Qt.PenStyle.DashLine if role == "twin" else Qt.PenStyle.SolidLine
        curve.playground_symbol = theme.curve_symbol(i)  # type: ignore[attr-defined]
        curve.setPen(pg.mkPen(theme.curve_colour(i), width=width, style=style))
        if curve.opts.get("symbol") is not None:
            set_dots(curve, True)
    item.head_markers.schedule()


def set_dots(curve: pg.PlotDataItem, on: bool) -> None:
    """A marker on every point (few points) or none (a long run: the line says it all)."""
    if not on:
        curve.setSymbol(None)
        return
    colour = pg.mkPen(curve.opts["pen"]).color()
    curve.setSymbol(getattr(curve, "playground_symbol", "o"))
    curve.setSymbolSize(max(8, round(theme.curve_width() * 2.6)))
    twin = (curve.name() or "").endswith(TWIN_SUFFIX)
    curve.setSymbolBrush(QColor(theme.colours()["bg"]) if twin else colour)
    curve.setSymbolPen(pg.mkPen(colour, width=max(1, theme.line_width())))


class HeadMarkers:
    """Each curve's marker symbol on its newest point: which curve is which, without colour.

    Follows the curves' ``sigPlotChanged`` (so the data side need not call it)
    and updates at most once per event-loop turn.
    """

    def __init__(self, item: pg.PlotItem) -> None:
        self.item = item
        self.scatter = pg.ScatterPlotItem(pxMode=True)
        self.scatter.setZValue(10)
        item.getViewBox().addItem(self.scatter, ignoreBounds=True)
        # The curves followed, held weakly: by id() a new curve could take a removed one's
        # id and never be followed (u1 trial #10: stale markers, none on the newest point).
        self._watched: weakref.WeakSet[pg.PlotDataItem] = weakref.WeakSet()
        self._timer = QTimer(self.scatter)  # dies with the plot, never fires into a dead one
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.update)

    def _watch_new_curves(self, *_args: Any) -> None:
        for curve in self.item.listDataItems():
            if isinstance(curve, pg.PlotDataItem) and curve not in self._watched:
                self._watched.add(curve)
                curve.sigPlotChanged.connect(self.schedule)

    def schedule(self, *_args: Any) -> None:
        """Update after the current burst of setData calls."""
        self._watch_new_curves()
        self._timer.start()

    def flush(self) -> None:
        """Update now if an update is pending: the frame that moved the curves paints once, not twice."""
        if self._timer.isActive():
            self.update()

    def update(self) -> None:
        """Put a marker on the newest finite point of every curve that has a symbol."""
        self._timer.stop()
        spots: list[dict[str, Any]] = []
        if pace.busy:  # auto-run playing fast: none (ui/pace.py); back when it stops
            if len(self.scatter.data):
                self.scatter.setData(spots)
            return
        size = max(9, round(theme.curve_width() * 3.2))
        bg = QColor(theme.colours()["bg"])
        for curve in self.item.listDataItems():
            symbol = getattr(curve, "playground_symbol", None)
            if symbol is None or not isinstance(curve, pg.PlotDataItem) or curve.yData is None:
                continue
            if len(curve.yData) == 0 or curve.xData is None:
                continue
            x, y = float(curve.xData[-1]), float(curve.yData[-1])
            if not (math.isfinite(x) and math.isfinite(y)):  # NaN: no grad now; inf: diverged
                continue
            colour = pg.mkPen(curve.opts["pen"]).color()
            twin = (curve.name() or "").endswith(TWIN_SUFFIX)
            spots.append({"pos": (x, y), "symbol": symbol, "size": size,
                          "pen": pg.mkPen(colour, width=max(2, theme.line_width() + 1)),
                          "brush": pg.mkBrush(bg if twin else colour)})
        self.scatter.setData(spots)
