"""Live plots of parameter values, gradients and the output over the session history.

Follows pyqtgraph's advice for live data: one PlotDataItem per parameter
element, created once per session; numpy buffers that double when full and are
decimated by 2 past ``MAX_POINTS`` (so a long auto-run stays fast and bounded);
``setData`` from a frame timer only when something changed; clip-to-view and
peak downsampling. x is the record index of the main session; the compare
twin's records are drawn at the x of the main record they mirror, dashed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Qt  # PySide6 before pyqtgraph, so pyqtgraph binds to it
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget
import pyqtgraph as pg

from ui import plot_style, theme
from ui.controller import FrameThrottle, connect_session, disconnect_session
from ui.plot_style import make_plot

MAX_POINTS = 100_000
MAX_CURVES = 24
DOTS_UP_TO = 60
LEGEND_MAX = 5
TWIN_SUFFIX = " (twin)"
_EMPTY = np.empty(0)


class Buffer:
    """x (float64) plus ``columns`` y columns, growing by doubling, decimated past a cap."""

    def __init__(self, columns: int, capacity: int = 256, max_points: int | None = None) -> None:
        self.x = np.empty(capacity, dtype=np.float64)
        self.y = np.empty((capacity, columns), dtype=np.float64)
        self.n = 0
        self.max_points = MAX_POINTS if max_points is None else max_points
        #: Per column: has it any finite point? (a grad is NaN while it is None)
        self.finite = np.zeros(columns, dtype=bool)

    def append(self, x: float, row: np.ndarray | float) -> None:
        """Add one point per column at ``x``."""
        if self.n == len(self.x):
            self.x = np.resize(self.x, 2 * self.n)
            self.y = np.resize(self.y, (2 * self.n, self.y.shape[1]))
        self.x[self.n] = x
        self.y[self.n] = row
        self.finite |= np.isfinite(self.y[self.n])
        self.n += 1
        if self.n > self.max_points:
            # Keep every other point, and always the newest, so the shape survives.
            keep = np.r_[0:self.n - 1:2, self.n - 1]
            k = len(keep)
            self.x[:k], self.y[:k] = self.x[keep], self.y[keep]
            self.n = k
            self.finite = np.isfinite(self.y[:k]).any(axis=0)

    def clear(self) -> None:
        """Forget every point (capacity stays)."""
        self.n = 0
        self.finite[:] = False

    @property
    def last_x(self) -> float:
        """x of the newest point (-1 when empty)."""
        return float(self.x[self.n - 1]) if self.n else -1.0


def element_names(name: str, shape: tuple[int, ...]) -> list[str]:
    """Names like ``w[0]`` or ``w[1,2]`` for every element of a tensor, in row-major order."""
    if not shape:
        return [name]
    return [f"{name}[{','.join(str(i) for i in idx)}]" for idx in np.ndindex(*shape)]


def _flat(value: Any, size: int) -> np.ndarray:
    if value is None:
        return np.full(size, np.nan)
    return np.asarray(value, dtype=np.float64).ravel()[:size]


#: zero_grad marks drawn at most (see SeriesSet.redraw).
MAX_MARKS = 300


class SeriesSet:
    """The curves of one session (main or twin) on the weight, grad and output plots."""

    def __init__(self, plots: dict[str, pg.PlotWidget], session: Any, *, twin: bool) -> None:
        self.plots, self.twin = plots, twin
        self.layout: list[tuple[str, int]] = []  # (param name, element count) in order
        names: list[str] = []
        for param in session.param_names:
            shape = np.shape(session.value(param))
            elements = element_names(param, tuple(shape))[:MAX_CURVES - len(names)]
            self.layout.append((param, len(elements)))
            names += elements
        self.values = Buffer(len(names))
        self.grads = Buffer(len(names))
        self._more: list[tuple[pg.PlotWidget, pg.PlotDataItem]] = []
        self.curves = {key: self._curves(key, names) for key in ("weights", "grads")}
        self.output_name = str(getattr(session, "output_name", None) or "output")
        self.output: Buffer | None = None
        self.output_curves: list[pg.PlotDataItem] = []
        self.markers = Buffer(1)
        self.marker_curve = self._add(plots["grads"], pg.PlotDataItem(
            connect="pairs", name="zero_grad" + (TWIN_SUFFIX if twin else ""),
            pen=pg.mkPen("#555" if not twin else "#aaa", width=2, style=Qt.PenStyle.DotLine)))
        # Clipping or downsampling would split the (x, lo)-(x, hi) pairs into diagonals.
        self.marker_curve.setClipToView(False)
        self.marker_curve.setDownsampling(ds=1, auto=False)
        self.grad_lo, self.grad_hi = np.inf, -np.inf

    def _pen(self, index: int) -> Any:
        style = Qt.PenStyle.DashLine if self.twin else Qt.PenStyle.SolidLine
        return pg.mkPen(theme.curve_colour(index), width=theme.curve_width(), style=style)

    def _curves(self, key: str, names: list[str]) -> list[pg.PlotDataItem]:
        suffix = TWIN_SUFFIX if self.twin else ""
        curves = [self._add(self.plots[key], pg.PlotDataItem(
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
        if self.twin or not in_legend:
            # The twin's dashed curves share one entry: see PlotsPanel._twin_legend.
            plot.getPlotItem().legend.removeItem(curve)
        return curve

    def append(self, record: Any, x: float) -> None:
        """Add one record's values, grads, output and zero_grad mark at ``x``."""
        self.values.append(x, self._row(record.values))
        grads = self._row(record.grads)
        self.grads.append(x, grads)
        if np.isfinite(grads).any():
            self.grad_lo = min(self.grad_lo, float(np.fmin.reduce(grads)))
            self.grad_hi = max(self.grad_hi, float(np.fmax.reduce(grads)))
        if record.action == "zero_grad":
            self.markers.append(x, 0.0)
        if record.output is not None:
            self._append_output(x, record.output)

    def _row(self, by_name: dict[str, Any]) -> np.ndarray:
        return np.concatenate([_flat(by_name.get(name), size) for name, size in self.layout]
                              or [np.empty(0)])

    def _append_output(self, x: float, output: Any) -> None:
        array = np.asarray(output, dtype=np.float64)
        flat = array.ravel()[:MAX_CURVES]
        if self.output is None:
            self.output = Buffer(len(flat))
            names = element_names(self.output_name, array.shape)[:MAX_CURVES]
            self.output_curves = self._curves("output", names)
        if len(flat) == self.output.y.shape[1]:
            self.output.append(x, flat)

    def clear(self) -> None:
        """Forget the history (after a reset)."""
        for buffer in (self.values, self.grads, self.markers, self.output):
            if buffer is not None:
                buffer.clear()
        self.grad_lo, self.grad_hi = np.inf, -np.inf

    def redraw(self, lo: float, hi: float) -> None:
        """Push the buffers into the curves; zero_grad marks span ``lo``..``hi``."""
        groups = [(self.curves["weights"], self.values), (self.curves["grads"], self.grads)]
        if self.output is not None:
            groups.append((self.output_curves, self.output))
        for curves, buffer in groups:
            # A dot per record while there are few: each action is one visible step
            # (and a single record shows at all); plain lines once the run is long.
            dots = buffer.n <= DOTS_UP_TO
            for i, curve in enumerate(curves):
                if buffer.finite[i]:
                    curve.setData(buffer.x[:buffer.n], buffer.y[:buffer.n, i])
                else:
                    # All NaN (grad still None): pyqtgraph's bounds would warn on it.
                    curve.setData(_EMPTY, _EMPTY)
                # After the data: dots switched on over a long run's old points (a reset)
                # would build a scatter item per old point first.
                if (curve.opts["symbol"] is not None) != dots:
                    self._set_dots(curve, dots)
        marks = self.markers.x[:self.markers.n]
        if len(marks) > MAX_MARKS:
            # Hundreds of lines merge into a grey wash that costs a frame to paint; the
            # saw-tooth of the grad curves shows the zeroing by then.
            marks = marks[:0]
        self.marker_curve.setData(np.repeat(marks, 2), np.tile([lo, hi], len(marks)))

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
        for plot, more in self._more:
            plot.getPlotItem().legend.removeItem(more)


class PlotsPanel(QWidget):
    """The three live plots (``weightPlot``, ``gradPlot``, ``outputPlot``) of a session and its twin."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("plotsPanel")
        self.plots = {
            "weights": make_plot("weightPlot", ("Parameter values", "Values"), "value"),
            "grads": make_plot("gradPlot", ("Gradients (.grad)", "Gradients", ".grad"), "grad"),
            "output": make_plot("outputPlot", ("Output (loss)", "Output"), "output"),
        }
        # Values, grads and output side by side on one x axis (record #): one glance
        # along a vertical line reads all three at the same moment of the loop.
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        for plot in self.plots.values():
            splitter.addWidget(plot)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._sessions: dict[str, Any] = {"main": None, "twin": None}
        self._series: dict[str, SeriesSet | None] = {"main": None, "twin": None}
        self._last_main_action: str | None = None
        self._twin_legend = pg.PlotDataItem(name="twin")
        self._throttle = FrameThrottle(self.redraw, self)
        self._on_theme_changed()
        theme.changes.theme_changed.connect(self._on_theme_changed)

    # -- sessions ------------------------------------------------------------
    def set_session(self, session: Any) -> None:
        """Plot ``session`` (None: empty plots). Its curves are created here, once."""
        for plot in self.plots.values():
            # Forget the last model's scale (a diverged run's 1e38): auto-range keeps the
            # old span while the data has no extent (one point), so set a small one first.
            plot.setRange(xRange=(0, 10), yRange=(-1, 1), padding=0)
            plot.enableAutoRange()
        self._attach("main", session)

    def set_twin(self, twin: Any) -> None:
        """Plot the compare twin as dashed ghost curves (None: remove them)."""
        for plot in self.plots.values():
            plot.getPlotItem().legend.removeItem(self._twin_legend)
            if twin is not None:
                plot.getPlotItem().legend.addItem(self._twin_legend, self._twin_legend.name())
        self._attach("twin", twin)

    def _attach(self, role: str, session: Any) -> None:
        on_action, on_reset = self._callbacks(role)
        old, series = self._sessions[role], self._series[role]
        if old is not None:
            disconnect_session(old, on_action, on_reset)
        if series is not None:
            series.remove()
        self._sessions[role] = session
        self._series[role] = None
        if session is not None:
            new = SeriesSet(self.plots, session, twin=role == "twin")
            self._series[role] = new
            for record in session.history:
                self._append(role, record)
            connect_session(session, on_action, on_reset)
        self._throttle.mark()

    def _callbacks(self, role: str) -> tuple[Any, Any]:
        if role == "main":
            return self._on_main_action_done, self._on_main_reset
        return self._on_twin_action_done, self._on_twin_reset

    def _on_main_action_done(self, record: Any) -> None:
        self._append("main", record)

    def _on_twin_action_done(self, record: Any) -> None:
        self._append("twin", record)

    def _on_main_reset(self) -> None:
        self._reset("main")

    def _on_twin_reset(self) -> None:
        self._reset("twin")

    def _append(self, role: str, record: Any) -> None:
        series = self._series[role]
        if series is None:
            return
        if role == "main":
            x = float(record.index)
            self._last_main_action = record.action
        else:
            x = self._twin_x(record)
        series.append(record, x)
        self._throttle.mark()

    def _twin_x(self, record: Any) -> float:
        main = self._series["main"]
        if main is None:
            return float(record.index)
        # Lockstep: the twin acts right after the main session did the same thing,
        # so it shares that x; an extra zero_grad of its own sits half-way to the next.
        same = record.action == self._last_main_action
        return main.values.last_x + (0.0 if same else 0.5)

    def _reset(self, role: str) -> None:
        series = self._series[role]
        if series is not None:
            series.clear()
        if role == "main":
            self._last_main_action = None
        self._throttle.mark()

    # -- drawing -------------------------------------------------------------
    def redraw(self) -> None:
        """Push every buffer into its curves now (normally called once per frame)."""
        self._throttle.stop()
        present = [s for s in self._series.values() if s is not None]
        lo = min((s.grad_lo for s in present), default=np.inf)
        hi = max((s.grad_hi for s in present), default=-np.inf)
        if not (np.isfinite(lo) and np.isfinite(hi)):
            lo, hi = 0.0, 1.0
        for series in present:
            series.redraw(lo, hi)

    def curves(self, key: str) -> list[pg.PlotDataItem]:
        """Every PlotDataItem on plot ``key`` ("weights", "grads", "output")."""
        return [i for i in self.plots[key].getPlotItem().listDataItems()
                if isinstance(i, pg.PlotDataItem)]

    def _on_theme_changed(self) -> None:
        """Zoom, presentation mode or colour scheme changed: restyle every plot."""
        self._twin_legend.setPen(pg.mkPen(theme.colours()["muted"], width=theme.curve_width(),
                                          style=Qt.PenStyle.DashLine))
        for plot in self.plots.values():
            plot_style.style_plot(plot)
