"""The curves of one session (main or compare twin) on the value, gradient and output plots.

Views ask, they don't keep: each redraw asks the session's column store
(``session.columns``: one row per action), through a min/max pyramid per
parameter and plot (:mod:`playground.pyramid`), for about two points per pixel
column of the visible x range, so a frame costs the same at any run length.
Values that cannot be on a line (inf, a real nan) go to the plot's edge marks
(:mod:`ui.nonfinite`). :class:`ui.plots.PlotsPanel` owns the plots and one
:class:`SeriesSet` per session.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from PySide6.QtCore import Qt  # PySide6 before pyqtgraph, so pyqtgraph binds to it
import pyqtgraph as pg

from playground.pyramid import MinMaxPyramid
from ui import plot_style, theme
from ui.fast_curve import device_data_item
from ui.nonfinite import EdgeMarks, find_marks
from ui.pace import pace
from ui.plot_columns import GrowingVector, NanFlags, element_names

MAX_CURVES = 24
DOTS_UP_TO = 60
LEGEND_MAX = 5
TWIN_SUFFIX = " (twin)"
_EMPTY = np.empty(0)

#: zero_grad marks drawn at most, and the widest x range (actions) they are looked for in.
MAX_MARKS = 300
MARKS_SPAN = 20_000


class SeriesSet:
    """The curves of one session (main or twin) on the weight, grad and output plots.

    It keeps no numbers of the run: each redraw asks the session's columns,
    through one min/max pyramid per parameter and plot, for the visible range.
    """

    def __init__(self, plots: dict[str, pg.PlotWidget], session: Any, *, twin: bool) -> None:
        self.plots, self.twin, self.session = plots, twin, session
        self._run: Any = None  # the Columns object the pyramids summarise
        self.layout: list[tuple[str, int]] = []  # (param name, element count) in order
        names: list[str] = []
        for param in session.param_names:
            shape = np.shape(session.value(param))
            elements = element_names(param, tuple(shape))[:MAX_CURVES - len(names)]
            self.layout.append((param, len(elements)))
            names += elements
        self.pyramids = {key: [MinMaxPyramid(count) for _, count in self.layout]
                         for key in ("weights", "grads")}
        #: Which blocks hold a real nan (the min/max pyramids skip NaN): for the edge marks.
        self.nan_pyramids = {key: [MinMaxPyramid(count) for _, count in self.layout]
                             for key in ("weights", "grads")}
        self._more: list[tuple[pg.PlotWidget, pg.PlotDataItem]] = []
        self.curves = {key: self._curves(key, names) for key in ("weights", "grads")}
        self.output_name = str(getattr(session, "output_name", None) or "output")
        self.output_pyramid: MinMaxPyramid | None = None
        self.output_nan_pyramid: MinMaxPyramid | None = None
        self.output_curves: list[pg.PlotDataItem] = []
        # In device pixels too: a dotted pen under the plot's scaling is Qt's slowest path.
        self.marker_curve = self._add(plots["grads"], device_data_item(
            connect="pairs", name="zero_grad" + (TWIN_SUFFIX if twin else ""),
            pen=pg.mkPen("#555" if not twin else "#aaa", width=2, style=Qt.PenStyle.DotLine)))
        # Clipping or downsampling would split the (x, lo)-(x, hi) pairs into diagonals.
        self.marker_curve.setClipToView(False)
        self.marker_curve.setDownsampling(ds=1, auto=False)
        #: The twin's rows are drawn at the x of the main row they mirror.
        self.x_of_row: GrowingVector | None = GrowingVector() if twin else None

    def _pen(self, index: int) -> Any:
        style = Qt.PenStyle.DashLine if self.twin else Qt.PenStyle.SolidLine
        width = 1 if pace.busy else theme.curve_width()  # see PlotsPanel._on_pace_changed
        return pg.mkPen(theme.curve_colour(index), width=width, style=style)

    def _curves(self, key: str, names: list[str]) -> list[pg.PlotDataItem]:
        suffix = TWIN_SUFFIX if self.twin else ""
        curves = [self._add(self.plots[key], device_data_item(
            name=name + suffix, pen=self._pen(i), connect="finite"), in_legend=i < LEGEND_MAX)
            for i, name in enumerate(names)]
        if len(names) > LEGEND_MAX and not self.twin:
            # Colours repeat past the palette anyway, so a longer legend would not tell
            # curves apart; it would only hide them. The Tensors table has every number.
            more = pg.PlotDataItem(name=f"… {len(names) - LEGEND_MAX} more", pen=None)
            self.plots[key].getPlotItem().legend.addItem(more, more.name())
            self._more.append((self.plots[key], more))
        return curves

    def _add(self, plot: pg.PlotWidget, curve: pg.PlotDataItem, *,
             in_legend: bool = True) -> pg.PlotDataItem:
        plot.addItem(curve)
        # The pyramid hands over ~2 points per pixel already: no second sampling pass.
        curve.setClipToView(False)
        curve.setDownsampling(ds=1, auto=False)
        if self.twin or not in_legend:
            # The twin's dashed curves share one entry: see PlotsPanel._twin_legend.
            plot.getPlotItem().legend.removeItem(curve)
        return curve

    # -- following the run ---------------------------------------------------
    @property
    def columns(self) -> Any:
        """The session's columns, asked afresh: reset and its undo swap the run's store."""
        columns = self.session.columns
        if columns is not self._run:
            self._run = columns
            self._truncate(0)  # another run: its rows are not the ones summarised
            if self.x_of_row is not None:
                self.x_of_row.n = 0
        return columns

    def on_record(self, record: Any, x: float) -> None:
        """A record was added at row ``record.index`` (twin: drawn at ``x``)."""
        _ = self.columns  # notice a new run before truncating this one
        row = int(record.index)
        # A row already summarised means the run branched there: forget from it on.
        self._truncate(row)
        if self.x_of_row is not None:
            self.x_of_row.n = min(self.x_of_row.n, row)
            while self.x_of_row.n < row:  # rows recorded before the twin was attached
                self.x_of_row.append(float(self.x_of_row.n))
            self.x_of_row.append(x)
        if self.output_pyramid is None and record.output is not None:
            self._ensure_output_curves()

    def _truncate(self, row: int) -> None:
        for pyramid in (*self.pyramids["weights"], *self.pyramids["grads"], self.output_pyramid,
                        *self.nan_pyramids["weights"], *self.nan_pyramids["grads"],
                        self.output_nan_pyramid):
            if pyramid is not None:
                pyramid.truncate(row)

    def clear(self) -> None:
        """Forget the summaries (after a reset)."""
        self._truncate(0)
        if self.x_of_row is not None:
            self.x_of_row.n = 0

    def visible_rows(self) -> int:
        """Rows up to the session's position: the run as it is at that moment."""
        n = len(self.columns)
        position = getattr(self.session, "position", None)
        return n if position is None else max(0, min(n, int(position) + 1))

    # -- drawing -------------------------------------------------------------
    def redraw(self, spans: dict[str, tuple[float | None, float | None, int]]) -> tuple[float, float]:
        """Ask the columns for the visible x range of each plot and set the curves.

        ``spans`` maps a plot key to (x from, x to, pixels), x None for the whole
        run. Returns the lowest and highest grad drawn (for the zero_grad marks).
        """
        n = self.visible_rows()
        lo, hi = np.inf, -np.inf
        columns = self.columns
        for key, read in (("weights", columns.values), ("grads", columns.grads)):
            first, last, pixels = self._row_span(spans[key], n)
            offset = 0
            for (param, count), pyramid, nans in zip(self.layout, self.pyramids[key],
                                                     self.nan_pyramids[key]):
                rows = read(param)[:, :count]
                x, y = pyramid.query(rows, first, last, pixels)
                # A value is always a number; a grad's NaN is a nan only where there was a grad.
                has = self._has_grad(param) if key == "grads" else None
                _, flags = nans.query(NanFlags(rows, has), first, last, pixels)
                self._set(self.curves[key][offset:offset + count], x, y, last - first, flags,
                          self._edge_marks(key))
                offset += count
                if key == "grads" and y.size:
                    # The zero_grad marks span the finite grads: an inf would make them endless.
                    finite = np.where(np.isfinite(y), y, np.nan)
                    lo = min(lo, float(np.fmin.reduce(finite, axis=None)))
                    hi = max(hi, float(np.fmax.reduce(finite, axis=None)))
        self._redraw_output(spans["output"], n)
        return lo, hi

    def _has_grad(self, param: str) -> np.ndarray | None:
        """Whether ``param`` had a grad after each action (None: the store cannot say)."""
        has_grad = getattr(self.columns, "has_grad", None)
        return None if has_grad is None else has_grad(param)

    def _edge_marks(self, key: str) -> EdgeMarks | None:
        return getattr(self.plots[key].getPlotItem(), "edge_marks", None)

    def _ensure_output_curves(self) -> int:
        """Create the output curves once the output's size is known; their count."""
        if self.output_pyramid is not None:
            return len(self.output_curves)
        columns = self.columns
        has_output = columns.has_output()
        if not (len(has_output) and has_output[-1]) and self.session.output is None:
            return 0  # before the first forward the width is not known yet
        width = columns.outputs().shape[1]
        count = min(width, MAX_CURVES)
        shape = np.shape(self.session.output) if self.session.output is not None else ()
        if int(np.prod(shape)) != width:
            shape = (width,) if width > 1 else ()
        self.output_curves = self._curves(
            "output", element_names(self.output_name, tuple(shape))[:count])
        self.output_pyramid = MinMaxPyramid(count)
        self.output_nan_pyramid = MinMaxPyramid(count)
        return count

    def _redraw_output(self, span: tuple[float | None, float | None, int], n: int) -> None:
        count = self._ensure_output_curves()
        if self.output_pyramid is None or self.output_nan_pyramid is None:
            return
        outputs = self.columns.outputs()
        marks = self._edge_marks("output")
        if outputs.shape[1] < count:  # a new run (reset) with no output yet
            self._set(self.output_curves, _EMPTY, np.empty((0, count)), 0, None, marks)
            return
        first, last, pixels = self._row_span(span, n)
        rows = outputs[:, :count]
        x, y = self.output_pyramid.query(rows, first, last, pixels)
        _, flags = self.output_nan_pyramid.query(
            NanFlags(rows, self.columns.has_output()), first, last, pixels)
        self._set(self.output_curves, x, y, last - first, flags, marks)

    def redraw_marks(self, span: tuple[float | None, float | None, int], lo: float, hi: float) -> None:
        """zero_grad marks in the visible range, spanning ``lo``..``hi``."""
        first, last, _ = self._row_span(span, self.visible_rows())
        names = list(getattr(self.columns, "action_names", ()))
        rows = np.empty(0)
        # Past MARKS_SPAN actions in view, the marks would be a wash (and finding them
        # would cost a scan of the whole run every frame): the saw-tooth shows zeroing.
        if "zero_grad" in names and 0 < last - first <= MARKS_SPAN:
            rows = np.flatnonzero(self.columns.actions[first:last] == names.index("zero_grad"))
            # Hundreds of lines merge into a grey wash that costs a frame to paint; the
            # saw-tooth of the grad curves shows the zeroing by then.
            rows = rows[:0] if len(rows) > MAX_MARKS else rows + first
        marks = self._x(rows.astype(np.float64))
        self.marker_curve.setData(np.repeat(marks, 2), np.tile([lo, hi], len(marks)))

    def _row_span(self, span: tuple[float | None, float | None, int], n: int) -> tuple[int, int, int]:
        """Rows ``first..last-1`` behind the x range of ``span`` (the whole run when None)."""
        x_from, x_to, pixels = span
        if x_from is None or x_to is None:
            return 0, n, pixels
        if self.x_of_row is not None:
            xs = self.x_of_row.view()[:n]
            first = int(np.searchsorted(xs, x_from, side="left"))
            last = int(np.searchsorted(xs, x_to, side="right"))
        else:
            first, last = math.floor(x_from), math.ceil(x_to) + 1
        # One row more on each side, so the line runs on past the edges of the view.
        return max(0, first - 1), min(n, max(last + 1, 0)), pixels

    def _x(self, rows: np.ndarray) -> np.ndarray:
        """x of row numbers: themselves for the main session, the mirrored main x for the twin."""
        if self.x_of_row is None or not self.x_of_row.n or not len(rows):
            return rows
        xs = self.x_of_row.view()
        index = np.minimum(rows.astype(np.int64), len(xs) - 1)
        return np.where(rows < len(xs), xs[index] + (rows - np.floor(rows)), rows)

    def _set(self, curves: list[pg.PlotDataItem], x: np.ndarray, y: np.ndarray, rows: int,
             nan: np.ndarray | None = None, marks: EdgeMarks | None = None) -> None:
        """Set the curves to ``x`` and the columns of ``y``; ``nan`` flags the real nans of ``y``.

        Points that are +inf, -inf or a real nan cannot be drawn on the line: they
        go to ``marks``, at the plot's edge (ui/nonfinite.py).
        """
        x = self._x(x)
        # A dot per record while there are few: each action is one visible step
        # (and a single record shows at all); plain lines once the run is long, or
        # while auto-run plays fast (ui/pace.py: the dots come back when it stops).
        dots = rows <= DOTS_UP_TO and not pace.busy
        # One test over the whole frame: a run with nothing non-finite costs no more.
        odd = marks is not None and (bool(np.isinf(y).any()) or (nan is not None and bool(nan.any())))
        for i, curve in enumerate(curves):
            column = y[:, i] if y.ndim == 2 and i < y.shape[1] else _EMPTY
            if marks is not None:
                flags = nan[:, i] if odd and nan is not None and nan.ndim == 2 and len(nan) == len(column) \
                    else None
                marks.set_marks(curve, find_marks(x, column, flags) if odd else {})
            if odd:
                # Marked at the edge now; on the curve an inf is a gap as a NaN is, and its
                # dot would make pyqtgraph's bounds infinite: the view would stop auto-ranging.
                column = np.where(np.isinf(column), np.nan, column)
            if len(column) and np.isfinite(column).any():
                curve.setData(x, column)
            else:
                # All NaN (grad still None): pyqtgraph's bounds would warn on it.
                curve.setData(_EMPTY, _EMPTY)
            # After the data: dots switched on over a long run's old points (a reset)
            # would build a scatter item per old point first.
            if (curve.opts["symbol"] is not None) != dots:
                self._set_dots(curve, dots)

    @staticmethod
    def _set_dots(curve: pg.PlotDataItem, on: bool) -> None:
        plot_style.set_dots(curve, on)  # each curve its own marker (ui/plot_style.py)

    def remove(self) -> None:
        """Take every curve of this set off the plots."""
        items = [(self.plots["grads"], self.marker_curve)]
        items += [(self.plots[key], c) for key in ("weights", "grads") for c in self.curves[key]]
        items += [(self.plots["output"], c) for c in self.output_curves]
        for plot, curve in items:
            plot.removeItem(curve)
            marks = getattr(plot.getPlotItem(), "edge_marks", None)
            if marks is not None:
                marks.forget(curve)
        for plot, more in self._more:
            plot.getPlotItem().legend.removeItem(more)
