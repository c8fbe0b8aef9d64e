"""The Landscape tab: the loss over two param elements, the run's path on it, −grad and step arrows.

The engine computes the grid (``Session.landscape``: one batched torch
evaluation under no_grad); this view only draws it. It stays cheap while the
run goes on: nothing is computed while the tab is hidden; redraws are
coalesced to one per frame; the grid itself is recomputed only when it can
have changed (another element moved, the path left the middle of the view, or the
view changed shape: the grid is asked for the data area's width / height, so the map
fills it with both axes at one scale) and, during a fast run, at most every ``GRID_PAUSE`` times the last
computation took, so the window keeps most of its time for painting.
The arrows are the learner's questions made visible: after a backward the
arrow is −lr·grad (what plain SGD would do; it grows 3, 6, 9 while grads
accumulate), after a step the arrow is the step the optimizer really took.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget
import pyqtgraph as pg

from ui import tab_plot, theme
from ui.controller import FrameThrottle, connect_session, disconnect_session
from ui.formatting import format_value
from ui.landscape_arrow import Arrow
from ui.plots import element_names

GRID_N = 101
#: While the run goes on (several actions a frame), a coarser grid: a quarter of the cost.
GRID_N_BUSY = 51
#: After this long without an action, a coarse grid is redone at full resolution.
SETTLE_MS = 400
#: After a grid took t seconds, the next one waits at least GRID_PAUSE * t.
GRID_PAUSE = 4.0
#: The grid is recomputed when the point leaves this central share of it.
KEEP_INSIDE = 0.8
#: The grid is redone for the view's width / height when the two differ by more than this
#: share (a resize, a zoom, the legend row growing): the map fills the data area then.
ASPECT_SLACK = 0.02
#: Elements offered in the x / y choosers (a huge tensor would make a useless list).
MAX_CHOICES = 200
PATH_COLOUR, TWIN_COLOUR = "#FFFFFF", "#FFD23F"
GRAD_COLOUR, STEP_COLOUR = "#D55E00", "#00A86B"
ISOCURVES = 8
EMPTY_NO_SESSION = "No session loaded"
HIDDEN_TEXT = "The landscape is drawn while this tab is shown."


class LandscapeView(QWidget):
    """Loss surface over two elements with the path, −lr·grad and step arrows (main and twin)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("landscapeView")
        self.session: Any = None
        self.twin: Any = None
        self.twin_label = "twin"
        self.landscape: Any = None  # the engine's last Landscape
        self._choice: tuple[str, str] | None = None
        self.grid_text = ""
        self.compute_seconds = 0.0
        self.grids_computed = 0
        self._next_grid_at = 0.0
        self._grid_dirty = True
        self._others: np.ndarray | None = None  # the other elements' values the grid was made at
        self._throttle = FrameThrottle(self._refresh_if_visible, self)
        self._actions_since_refresh = 0
        self._last_refresh = 0.0
        self._settle = QTimer(self)  # the run paused: redo a coarse grid at full resolution
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._on_settle_timeout)
        self.x_combo, self.y_combo = QComboBox(), QComboBox()
        for combo, axis in ((self.x_combo, "x"), (self.y_combo, "y")):
            combo.setObjectName(f"landscape{axis.upper()}Combo")
            combo.setToolTip(f"The element on the {axis} axis; the others stay at their values")
            combo.activated.connect(self._on_combo_activated)
            # As wide as the longest element name ("W1[0,0]"), never cut to "W" (s8).
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.status = QLabel()
        self.status.setObjectName("landscapeStatus")
        self.status.setWordWrap(True)
        top = QHBoxLayout()
        for text, combo in (("&x", self.x_combo), ("&y", self.y_combo)):
            label = QLabel(text)
            label.setBuddy(combo)  # Alt+X / Alt+Y
            top.addWidget(label)
            top.addWidget(combo)
        top.addWidget(self.status, 1)
        # A dark legend in both schemes: the path is drawn white on the colour map, and must
        # show in the key too. Axes, ticks and fonts follow the scheme and zoom (tab_plot).
        # The legend in a column right of the map: the map takes any shape (the grid is asked
        # for the data area's), so width is the cheaper room; the map keeps the height.
        self.plot = tab_plot.make_tab_plot("landscapePlot", legend_box="dark",
                                             legend_side="right", restyle=self._restyle)
        item = self.plot.getPlotItem()
        item.setAspectLocked(True)  # −grad is drawn at right angles to the contours only then
        self.image = pg.ImageItem(axisOrder="row-major")
        item.addItem(self.image)
        self.colour_map = pg.colormap.get("viridis")
        self.image.setColorMap(self.colour_map)
        self.colour_bar = pg.ColorBarItem(colorMap=self.colour_map, interactive=False, width=14,
                                          label="loss")
        self.colour_bar.setImageItem(self.image, insert_in=item)
        tab_plot.follow_bar(self.colour_bar)  # its scale as its length allows (no overlap)
        tab_plot.style_tab_plot(self.plot)  # the colour bar's axis too
        self.isocurves: list[pg.IsocurveItem] = []
        for _ in range(ISOCURVES):
            curve = pg.IsocurveItem(pen=pg.mkPen((255, 255, 255, 110), width=1))
            curve.setParentItem(self.image)
            self.isocurves.append(curve)
        legend = self.legend = self.plot.legend
        self.path = pg.PlotDataItem(pen=pg.mkPen(PATH_COLOUR, width=3), symbol="o", symbolSize=6,
                                    symbolBrush=PATH_COLOUR, symbolPen=pg.mkPen("k"), name="path")
        self.twin_path = pg.PlotDataItem(pen=pg.mkPen(TWIN_COLOUR, width=3,
                                                      style=Qt.PenStyle.DashLine), name="twin")
        self.point = pg.ScatterPlotItem(size=14, brush=pg.mkBrush(PATH_COLOUR), pen=pg.mkPen("k", width=2))
        for it in (self.path, self.twin_path, self.point):
            item.addItem(it)
        legend.removeItem(self.twin_path)
        self.grad_arrow = Arrow(item, GRAD_COLOUR, "−lr·grad")
        self.step_arrow = Arrow(item, STEP_COLOUR, "step")
        self._restyle()
        item.getViewBox().sigTransformChanged.connect(self._on_view_transform_changed)
        item.getViewBox().sigResized.connect(self._on_view_resized)
        self.message = QLabel(EMPTY_NO_SESSION)
        self.message.setObjectName("landscapeMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.message)
        self.stack.addWidget(self.plot)
        # The plot is the page at first, so it is laid out when the tab is first shown: the
        # first grid is shaped for its real data area (a page never shown keeps Qt's default
        # size, and its grid would be asked again once it is shown). refresh() puts the
        # message up when there is nothing to draw.
        self.stack.setCurrentWidget(self.plot)
        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addWidget(self.stack, 1)

    def _restyle(self) -> None:
        """Path, point and arrows as wide as the main plots' curves at this zoom; the colour
        bar's scale for the new tick font."""
        tab_plot.fit_bar_ticks(self.colour_bar)
        width = theme.curve_width()
        self.path.setPen(pg.mkPen(PATH_COLOUR, width=width))
        self.path.setSymbolSize(2 * width)
        self.twin_path.setPen(pg.mkPen(TWIN_COLOUR, width=width, style=Qt.PenStyle.DashLine))
        self.point.setSize(round(4.5 * width))
        for arrow in (self.grad_arrow, self.step_arrow):
            arrow.line.setPen(pg.mkPen(arrow.colour, width=width + 1))
            arrow.head.setStyle(headLen=6 * width)

    # -- sessions ---------------------------------------------------------------------
    def set_session(self, session: Any) -> None:
        """Show ``session``'s landscape (default elements: the first two trainable)."""
        if self.session is not None:
            disconnect_session(self.session, self._on_action_done, self._on_reset)
        self.session = session
        self.landscape = None
        self._choice: tuple[str, str] | None = None
        self._fill_combos()
        if session is not None:
            connect_session(session, self._on_action_done, self._on_reset)
        self._mark(grid=True)

    def set_twin(self, twin: Any, label: str = "twin") -> None:
        """Draw the compare twin's path dashed (None: no twin)."""
        if self.twin is not None:
            disconnect_session(self.twin, self._on_twin_action_done, self._on_twin_action_done)
        self.twin, self.twin_label = twin, label
        self.legend.removeItem(self.twin_path)
        if twin is not None:
            connect_session(twin, self._on_twin_action_done, self._on_twin_action_done)
            self.legend.addItem(self.twin_path, f"path ({label})")
        self._mark()

    def set_twin_label(self, label: str) -> None:
        """Rename the twin's path in the legend (a setting of a run changed mid-run)."""
        self.twin_label = label
        self.legend.removeItem(self.twin_path)
        if self.twin is not None:
            self.legend.addItem(self.twin_path, f"path ({label})")

    def _fill_combos(self) -> None:
        names: list[str] = []
        if self.session is not None:
            for param in self.session.param_names:
                names += element_names(param, tuple(np.shape(self.session.value(param))))
        names = names[:MAX_CHOICES]
        for combo in (self.x_combo, self.y_combo):
            combo.clear()
            combo.addItems(names)

    def _on_action_done(self, record: Any) -> None:
        self._actions_since_refresh += 1
        # A reset or undo can move the point anywhere: check the grid then.
        self._mark(grid=record.action in ("reset", "requires_grad"))

    def _on_reset(self) -> None:
        self._mark(grid=True)

    def _on_twin_action_done(self, _record: Any = None) -> None:
        self._mark()

    def _on_combo_activated(self, _index: int) -> None:
        self._choice = (self.x_combo.currentText(), self.y_combo.currentText())
        self._mark(grid=True, now=True)

    def _mark(self, grid: bool = False, now: bool = False) -> None:
        self._grid_dirty |= grid
        if now:
            self._next_grid_at = 0.0
        self._throttle.mark()

    def _refresh_if_visible(self) -> None:
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self._throttle.mark()

    def _on_view_resized(self, *_: Any) -> None:
        if self.landscape is None:
            return
        self._fit_range(self.landscape)
        if self._aspect_off():
            self._throttle.mark()  # a grid shaped for the new data area, within the pacing

    def _fit_range(self, land: Any) -> None:
        """Show the grid's box, no more: with the grid shaped like the data area it fills it."""
        self.plot.getPlotItem().getViewBox().setRange(
            xRange=(land.xs[0], land.xs[-1]), yRange=(land.ys[0], land.ys[-1]), padding=0)

    def view_aspect(self) -> float | None:
        """The data area's width / height in pixels (None before it has a size): the grid is
        asked for this shape, so the map fills the area with both axes at one scale."""
        self.legend.flush()  # the legend's column first: it takes its width from the area
        vb = self.plot.getPlotItem().getViewBox()
        width, height = vb.width(), vb.height()
        if width < 20 or height < 20:
            return None
        return min(1e3, max(1e-3, width / height))

    def _aspect_off(self) -> bool:
        """Whether the last grid's shape differs from the data area's (bands beside the map)."""
        land, aspect = self.landscape, self.view_aspect()
        if land is None or aspect is None:
            return False
        grid = (land.xs[-1] - land.xs[0]) / (land.ys[-1] - land.ys[0])
        return abs(grid / aspect - 1) > ASPECT_SLACK

    def _on_view_transform_changed(self, *_: Any) -> None:
        self.grad_arrow.aim()
        self.step_arrow.aim()

    # -- drawing ----------------------------------------------------------------------
    def chosen(self) -> tuple[str | None, str | None]:
        """The x and y element names the user chose (None, None: the engine's defaults)."""
        return self._choice or (None, None)

    def _on_settle_timeout(self) -> None:
        if self.landscape is not None and len(self.landscape.xs) < GRID_N:
            self._mark(grid=True, now=True)

    def refresh(self) -> None:
        """Bring the picture up to date now (the grid only if it needs it and may)."""
        self._throttle.stop()
        s = self.session
        if s is None:
            self.message.setText(EMPTY_NO_SESSION)
            self.stack.setCurrentWidget(self.message)
            return
        if self._needs_grid():
            if time.perf_counter() < self._next_grid_at:
                self._throttle.mark()  # too soon after the last grid: try again next frame
            elif not self._compute():
                return
        if self.landscape is not None:
            self._draw_overlays()
        self._actions_since_refresh = 0
        self._last_refresh = time.perf_counter()

    def _other_values(self) -> np.ndarray:
        s = self.session
        return np.concatenate([np.asarray(s.value(p), dtype=np.float64).ravel()
                               for p in s.param_names])

    def _needs_grid(self) -> bool:
        land = self.landscape
        if self._grid_dirty or land is None or self._aspect_off():
            return True
        x, y = self._current_xy()
        # Everything but the two chosen elements must be where the grid was made.
        others = self._other_values()
        mask = self._other_mask(len(others))
        if self._others is None or not np.array_equal(others[mask], self._others[mask], equal_nan=True):
            return True
        return not (_inside(x, land.xs) and _inside(y, land.ys))

    def _other_mask(self, size: int) -> np.ndarray:
        mask = np.ones(size, dtype=bool)
        names = [n for p in self.session.param_names
                 for n in element_names(p, tuple(np.shape(self.session.value(p))))]
        for name in (self.landscape.x_name, self.landscape.y_name):
            if name in names:
                mask[names.index(name)] = False
        return mask

    def _compute(self) -> bool:
        s = self.session
        x, y = self.chosen()
        start = time.perf_counter()
        try:
            # Busy: several actions since a refresh a moment ago (not a tab just shown).
            busy = self._actions_since_refresh > 1 and time.perf_counter() - self._last_refresh < 0.25
            land = s.landscape(x, y, n=GRID_N_BUSY if busy else GRID_N, aspect=self.view_aspect())
            if busy:
                self._settle.start()
        except Exception as exc:  # noqa: BLE001 - the tab says why, the run goes on
            self.landscape = None
            self.message.setText(f"No landscape for this model: {getattr(exc, 'message', exc)}"
                                 + (f"\n{exc.hint}" if getattr(exc, "hint", None) else ""))
            self.stack.setCurrentWidget(self.message)
            self._grid_dirty = False
            return False
        self.compute_seconds = time.perf_counter() - start
        self.grids_computed += 1
        self._next_grid_at = time.perf_counter() + GRID_PAUSE * self.compute_seconds
        self.landscape = land
        self._grid_dirty = False
        self._others = self._other_values()
        for combo, name in ((self.x_combo, land.x_name), (self.y_combo, land.y_name)):
            if combo.currentText() != name:
                combo.setCurrentIndex(combo.findText(name))
        self._draw_grid(land)
        self.stack.setCurrentWidget(self.plot)
        return True

    def _draw_grid(self, land: Any) -> None:
        loss = np.asarray(land.loss, dtype=np.float64)
        finite = np.isfinite(loss)
        if not finite.any():
            loss = np.zeros_like(loss)
        else:
            loss = np.where(finite, loss, np.nanmax(np.where(finite, loss, np.nan)))
        xs, ys = np.asarray(land.xs), np.asarray(land.ys)
        dx = (xs[-1] - xs[0]) / (len(xs) - 1)
        dy = (ys[-1] - ys[0]) / (len(ys) - 1)
        self.image.setImage(loss, autoLevels=False)
        low, high = float(loss.min()), float(np.percentile(loss, 95))
        high = high if high > low else low + 1.0
        self.image.setRect(xs[0] - dx / 2, ys[0] - dy / 2, dx * len(xs), dy * len(ys))
        self.colour_bar.setLevels((low, high))
        tab_plot.fit_bar_ticks(self.colour_bar)
        # Contours spaced geometrically above the minimum: rings near the bottom of the bowl too.
        levels = low + (high - low) * np.geomspace(0.01, 1.0, ISOCURVES)
        for curve, level in zip(self.isocurves, levels):
            # A child of the image: it draws in pixel indices, data[x][y], and the image's
            # transform places it. +0.5: pixel centres, where the loss was evaluated.
            curve.setData(loss.T)
            curve.setLevel(float(level))
            curve.setPos(0.5, 0.5)
        item = self.plot.getPlotItem()
        item.setLabel("bottom", land.x_name)
        item.setLabel("left", land.y_name)
        tab_plot.fit_axis_labels(self.plot)  # a long name on a short axis: tooltip only
        self._fit_range(land)
        self.grid_text = f"grid {len(xs)}×{len(ys)}: {self.compute_seconds * 1000:.0f} ms"
        # The timing is for the curious (tooltip): the line keeps to the numbers, so it stays
        # one line at 200 % and the map keeps its height.
        self.status.setToolTip("The loss at each grid point, the other elements held at their "
                               f"current values (one batched torch evaluation, no_grad): "
                               f"{self.grid_text}")

    def _path(self, session: Any) -> tuple[np.ndarray, np.ndarray]:
        land = self.landscape
        cols = getattr(session, "columns", None)
        xs, ys = [], []
        for name in (land.x_name, land.y_name):
            param, flat = self._element(session, name)
            if cols is not None and len(cols):
                upto = getattr(session, "position", len(cols) - 1) + 1
                column = cols.values(param)[:upto, flat].astype(np.float64)
            else:
                column = np.asarray([np.asarray(r.values[param]).ravel()[flat]
                                     for r in session.history], dtype=np.float64)
            (xs if name == land.x_name else ys).append(column)
        return xs[0], ys[0]

    @staticmethod
    def _element(session: Any, name: str) -> tuple[str, int]:
        for param in session.param_names:
            names = element_names(param, tuple(np.shape(session.value(param))))
            if name in names:
                return param, names.index(name)
        raise KeyError(name)

    def _current_xy(self, session: Any = None) -> tuple[float, float]:
        session = session or self.session
        land = self.landscape
        out = []
        for name in (land.x_name, land.y_name):
            param, flat = self._element(session, name)
            out.append(float(np.asarray(session.value(param), dtype=np.float64).ravel()[flat]))
        return out[0], out[1]

    def _grad_xy(self) -> tuple[float, float] | None:
        s, land = self.session, self.landscape
        out = []
        for name in (land.x_name, land.y_name):
            param, flat = self._element(s, name)
            grad = s.grad(param)
            if grad is None:
                return None
            out.append(float(np.asarray(grad, dtype=np.float64).ravel()[flat]))
        return out[0], out[1]

    def _draw_overlays(self) -> None:
        s = self.session
        x, y = self._current_xy()
        px, py = self._path(s)
        self.path.setData(np.r_[px, x] if len(px) == 0 else px, np.r_[py, y] if len(py) == 0 else py)
        self.point.setData([x], [y])
        if self.twin is not None:
            try:
                tx, ty = self._path(self.twin)
                self.twin_path.setData(tx, ty)
            except (KeyError, AttributeError):
                self.twin_path.setData([], [])
        else:
            self.twin_path.setData([], [])
        last = s.history[-1].action if len(s.history) else None
        grad = self._grad_xy()
        lr = float(getattr(s, "lr", 0.0) or 0.0)
        if grad is not None and last in ("backward",) and lr > 0:
            self.grad_arrow.show(x, y, x - lr * grad[0], y - lr * grad[1])
        else:
            self.grad_arrow.hide()
        if last == "step" and len(px) >= 2:
            self.step_arrow.show(float(px[-2]), float(py[-2]), x, y)
        else:
            self.step_arrow.hide()
        grad_text = "" if grad is None else f"   ·   grad ({_num(grad[0])}, {_num(grad[1])})"
        land = self.landscape
        self.status.setText(f"{land.x_name} = {_num(x)},  {land.y_name} = {_num(y)}{grad_text}")


def _inside(value: float, axis: list[float]) -> bool:
    low, high = axis[0], axis[-1]
    margin = (high - low) * (1 - KEEP_INSIDE) / 2
    return low + margin <= value <= high - margin


def _num(value: float) -> str:
    """One element as ``print`` shows it (``0.6827``, ``-1.``): torch's own formatter, whose
    float32 is the session's dtype (the value came from a float32 tensor, so it is exact)."""
    return format_value(value)
