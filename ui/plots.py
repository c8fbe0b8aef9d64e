"""Live plots of parameter values, gradients and the output over the session history.

Views ask, they don't keep: the curves (:mod:`ui.plot_series`, one
:class:`~ui.plot_series.SeriesSet` per session) read the session's column store
(``session.columns``: one row per action) through a min/max pyramid
(:mod:`playground.pyramid`), asking each frame for about two points per pixel
column of the visible x range. A frame therefore costs the same at 1,000 and at
1,000,000 recorded actions, and no view holds a second copy of the run.
One PlotDataItem per parameter element, created once per session; ``setData``
from a frame timer only when something changed. x is the action (row) number of
the main session; the compare twin's rows are drawn at the x of the main row
they mirror, dashed; a vertical cursor marks the session's position when the
timeline has moved it into the past.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Qt  # PySide6 before pyqtgraph, so pyqtgraph binds to it
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget
import pyqtgraph as pg

from ui import plot_style, theme
from ui.axes import keep_labels
from ui.nonfinite import EdgeMarks
from ui.pace import pace
from ui.plot_columns import element_names
from ui.plot_series import SeriesSet
from ui.plot_style import make_plot
from ui.timeline import Timeline
from ui.controller import FrameThrottle, connect_session, disconnect_session

__all__ = ["PlotsPanel", "SeriesSet", "element_names"]


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
        self.timeline = Timeline()  # scrubs the run: the plots end at its position
        layout.addWidget(self.timeline)
        self._sessions: dict[str, Any] = {"main": None, "twin": None}
        self._series: dict[str, SeriesSet | None] = {"main": None, "twin": None}
        self._last_main_action: str | None = None
        #: Auto-range afresh at the next redraw (a reset, compare on): see _forget_ranges.
        self._refit = False
        self._twin_legend = pg.PlotDataItem(name="twin")
        self._throttle = FrameThrottle(self.redraw, self, every_frame=True)
        self._cursors: dict[str, pg.InfiniteLine] = {}
        for key, plot in self.plots.items():
            line = pg.InfiniteLine(angle=90, movable=False,
                                   pen=pg.mkPen("#d62728", width=theme.CURVE_WIDTH))
            line.setVisible(False)
            plot.addItem(line, ignoreBounds=True)
            self._cursors[key] = line
            plot.getPlotItem().getViewBox().sigXRangeChanged.connect(self._on_x_range_changed)
            keep_labels(plot.getPlotItem())  # >= 3 y labels: "what will w.grad be?" reads 3, 6, 9
            # inf and nan cannot be on a line: marked at the edge instead (ui/nonfinite.py).
            plot.getPlotItem().edge_marks = EdgeMarks(plot.getPlotItem())  # type: ignore[attr-defined]
        self._on_theme_changed()
        theme.changes.theme_changed.connect(self._on_theme_changed)
        pace.changed.connect(self._on_pace_changed)

    # -- sessions ------------------------------------------------------------
    def set_session(self, session: Any) -> None:
        """Plot ``session`` (None: empty plots). Its curves are created here, once."""
        self._forget_ranges()
        self._attach("main", session)
        self.timeline.set_session(session)

    def set_twin(self, twin: Any, label: str = "twin") -> None:
        """Plot the compare twin as dashed ghost curves (None: remove them).

        ``label`` is the legend's name for the dashed curves ("twin, lr 0.01").
        """
        for plot in self.plots.values():
            plot.getPlotItem().legend.removeItem(self._twin_legend)
            if twin is not None:
                plot.getPlotItem().legend.addItem(self._twin_legend, label)
        if twin is not None:
            self._refit = True  # compare starts the runs afresh: fit what they draw now
        self._attach("twin", twin)

    def _forget_ranges(self) -> None:
        """Auto-range again from a small span: a new or reset run is not the last one's scale.

        Auto-range keeps the old span while the plot has no data (after a reset) or no
        extent (one point), so the old run's 2.5 … 12 stayed over an empty plot.
        """
        for plot in self.plots.values():
            # Forget the last model's scale (a diverged run's 1e38) too.
            plot.setRange(xRange=(0, 10), yRange=(-1, 1), padding=0)
            plot.enableAutoRange()

    def set_twin_label(self, label: str) -> None:
        """Rename the dashed curves' legend entry, curves kept (a run's setting changed)."""
        if self._sessions["twin"] is not None:
            for plot in self.plots.values():
                plot.getPlotItem().legend.removeItem(self._twin_legend)
                plot.getPlotItem().legend.addItem(self._twin_legend, label)

    def _attach(self, role: str, session: Any) -> None:
        on_action, on_reset = self._callbacks(role)
        old, series = self._sessions[role], self._series[role]
        if old is not None:
            disconnect_session(old, on_action, on_reset, self._on_moved)
        if series is not None:
            series.remove()
        self._sessions[role] = session
        self._series[role] = None
        if session is not None:
            # Nothing is replayed: the curves ask the session's columns at the next frame.
            self._series[role] = SeriesSet(self.plots, session, twin=role == "twin")
            connect_session(session, on_action, on_reset, self._on_moved)
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

    def _on_moved(self, *_args: Any) -> None:
        self._throttle.mark()

    def _append(self, role: str, record: Any) -> None:
        series = self._series[role]
        if series is None:
            return
        if role == "main":
            x = float(record.index)
            self._last_main_action = record.action
        else:
            x = self._twin_x(record)
        series.on_record(record, x)
        self._throttle.mark()

    def _twin_x(self, record: Any) -> float:
        main = self._series["main"]
        if main is None:
            return float(record.index)
        # Lockstep: the twin acts right after the main session did the same thing,
        # so it shares that x; an extra zero_grad of its own sits half-way to the next.
        same = record.action == self._last_main_action
        return float(len(main.columns) - 1) + (0.0 if same else 0.5)

    def _reset(self, role: str) -> None:
        series = self._series[role]
        if series is not None:
            series.clear()
        if role == "main":
            self._last_main_action = None
            self._refit = True  # at the next frame, once the curves hold the new run
        self._throttle.mark()

    # -- drawing -------------------------------------------------------------
    def _on_x_range_changed(self, *_args: Any) -> None:
        if not all(self._auto_x(plot) for plot in self.plots.values()):
            self._throttle.mark()  # zoomed or panned: ask for the rows now in view

    @staticmethod
    def _auto_x(plot: pg.PlotWidget) -> bool:
        return bool(plot.getPlotItem().getViewBox().autoRangeEnabled()[0])

    def _spans(self) -> dict[str, tuple[float | None, float | None, int]]:
        spans: dict[str, tuple[float | None, float | None, int]] = {}
        for key, plot in self.plots.items():
            box = plot.getPlotItem().getViewBox()
            pixels = max(50, int(box.width()))
            if self._auto_x(plot):
                spans[key] = (None, None, pixels)
            else:
                x_from, x_to = box.viewRange()[0]
                spans[key] = (float(x_from), float(x_to), pixels)
        return spans

    def redraw(self) -> None:
        """Ask the columns for what each plot shows now (normally called once per frame)."""
        self._throttle.stop()  # (and tells ui.pace a frame was drawn)
        present = [s for s in self._series.values() if s is not None]
        spans = self._spans()
        lo, hi = np.inf, -np.inf
        for series in present:
            s_lo, s_hi = series.redraw(spans)
            lo, hi = min(lo, s_lo), max(hi, s_hi)
        if self._refit:
            # After the curves took the new run: a paint in between would fit the old one.
            self._refit = False
            self._forget_ranges()
        if not (np.isfinite(lo) and np.isfinite(hi)):
            lo, hi = 0.0, 1.0
        for series in present:
            series.redraw_marks(spans["grads"], lo, hi)
        self._place_cursor()
        for plot in self.plots.values():
            plot.getPlotItem().head_markers.flush()
            # Fit the auto range now, not while painting: an axis changed during a paint
            # asks for a second paint of the whole plot in the same frame.
            plot.getPlotItem().getViewBox().prepareForPaint()

    def _place_cursor(self) -> None:
        """A vertical line at the session's position while the timeline is in the past."""
        main = self._series["main"]
        past = main is not None and main.visible_rows() < len(main.columns)
        for line in self._cursors.values():
            line.setVisible(past)
            if past and main is not None:
                line.setValue(main.visible_rows() - 1)

    def curves(self, key: str) -> list[pg.PlotDataItem]:
        """Every PlotDataItem on plot ``key`` ("weights", "grads", "output")."""
        return [i for i in self.plots[key].getPlotItem().listDataItems()
                if isinstance(i, pg.PlotDataItem)]

    def _on_pace_changed(self, _busy: bool) -> None:
        """Auto-run started or stopped playing fast: thin pens and no markers, or the full style."""
        for plot in self.plots.values():
            plot_style.style_curves(plot.getPlotItem())  # reads pace.busy
        self._throttle.mark()  # the dots of a short run come and go with it

    def _on_theme_changed(self) -> None:
        """Zoom, presentation mode or colour scheme changed: restyle every plot."""
        self._twin_legend.setPen(pg.mkPen(theme.colours()["muted"], width=theme.curve_width(),
                                          style=Qt.PenStyle.DashLine))
        for plot in self.plots.values():
            plot_style.style_plot(plot)
            # The labels' room (ui.axes.keep_labels) follows the tick font: fit again.
            box = plot.getPlotItem().getViewBox()
            box.queueUpdateAutoRange()
            box.update()
