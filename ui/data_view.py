"""The Data tab: the data points and the model's prediction over them, redrawn as the weights move.

Which input is the data, which is the target and which program line is the
prediction is read from the session's own tensors (:func:`infer_layout`):
an input of N numbers (1-D) or N × 2 numbers (2-D), a target input with the
same N, and the last program line with N predictions before the loss. The
prediction values come from the engine (``Session.evaluate``: the program run
under no_grad on a grid of new inputs), never recomputed here. 1-D inputs get
the fitted line or curve; 2-D inputs a decision boundary (the logit's 0 or the
probability's 0.5, and the class regions for several classes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget
import pyqtgraph as pg

from ui import tab_plot, theme
from ui.controller import FrameThrottle, connect_session, disconnect_session
from ui.formatting import format_value
from ui.header_row import ElidedLabel

#: Points on the fitted line (1-D) and per side of the boundary grid (2-D).
LINE_POINTS = 200
GRID_SIDE = 60
#: Share of the data's range added around it, so the fit shows past the last point.
PAD = 0.15
CLASS_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
NO_DATA = ("The Data tab shows models that map an input of N numbers (or N × 2) to N "
           "predictions, with a target of the same N: try the presets “Line fit”, "
           "“Logistic regression” or “Tiny MLP”, or File → Open data… (Ctrl+D).")


@dataclass(frozen=True)
class DataLayout:
    """What the Data tab plots: input ``x`` (dims 1 or 2), ``target``, program name ``prediction``."""

    x: str
    target: str
    prediction: str
    dims: int
    kind: str  # "regression", "binary" or "multiclass"
    level: float = 0.0  # the boundary of a binary prediction: 0 for a logit, 0.5 for a probability


def infer_layout(session: Any) -> DataLayout | None:
    """The data layout of ``session``'s model, or None when it does not map data to predictions."""
    infos = {t.name: t for t in session.tensors()}
    inputs = [infos[n] for n in session.input_names if n in infos]
    # The program's lines before the output, with their shapes (asked of the engine: no forward
    # is needed, and nothing in the session changes).
    names = list(getattr(getattr(session, "program", None), "names", []))[:-1]
    program_names = [_Shape(n, tuple(np.shape(session.evaluate(n)))) for n in names]
    for x in inputs:
        if len(x.shape) not in (1, 2) or (len(x.shape) == 2 and x.shape[1] != 2):
            continue
        n = x.shape[0]
        if n < 2:
            continue
        targets = [t for t in inputs if t is not x and t.shape in ((n,), (n, 1))]
        predictions = [t for t in program_names if t.shape and t.shape[0] == n
                       and len(t.shape) <= 2]
        if not targets or not predictions:
            continue
        target, prediction = targets[-1], predictions[-1]
        dims = 1 if len(x.shape) == 1 else 2
        if len(prediction.shape) == 2 and prediction.shape[1] > 1:
            kind = "multiclass"
        elif dims == 2 or _is_binary(target.value):
            kind = "binary"
        else:
            kind = "regression"
        # A probability (after sigmoid) splits the classes at 0.5; a logit at 0.
        forward = str(getattr(session.config, "forward", ""))
        level = 0.5 if kind == "binary" and "sigmoid" in forward and "logits" not in forward else 0.0
        return DataLayout(x.name, target.name, prediction.name, dims, kind, level)
    return None


@dataclass(frozen=True)
class _Shape:
    name: str
    shape: tuple[int, ...]


def _is_binary(values: Any) -> bool:
    array = np.asarray(values, dtype=float)
    return bool(array.size) and set(np.unique(array).tolist()) <= {0.0, 1.0}


class DataView(QWidget):
    """Points and prediction of the live session (and the compare twin's prediction, dashed)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dataView")
        self.session: Any = None
        self.twin: Any = None
        self.twin_label = "twin"
        self.layout_: DataLayout | None = None
        self._throttle = FrameThrottle(self._refresh_if_visible, self)
        # One line, elided (the whole in its tooltip): at 200 % a wrapped caption took a
        # third of the plot's height.
        self.caption = ElidedLabel()
        self.caption.setObjectName("dataCaption")
        self.points: list[pg.ScatterPlotItem] = []
        # Colours, fonts and pens of the main plots, following the scheme and the zoom.
        # The legend in a column right of the data area: at 1280x720 and 200 % the tab's
        # height is what is short, and a row over the plot took most of it.
        self.plot = tab_plot.make_tab_plot("dataPlot", grid=True, legend_side="right",
                                             restyle=self._restyle)
        item = self.plot.getPlotItem()
        self.legend = self.plot.legend
        self.regions = pg.ImageItem(axisOrder="row-major")
        self.regions.setZValue(-10)
        item.addItem(self.regions)
        self.boundary = pg.IsocurveItem()
        self.boundary.setParentItem(self.regions)
        self.twin_boundary = pg.IsocurveItem()
        self.twin_boundary.setParentItem(self.regions)
        self.fit = pg.PlotDataItem(name="prediction")
        self.twin_fit = pg.PlotDataItem()
        item.addItem(self.fit)
        item.addItem(self.twin_fit)
        self.legend.removeItem(self.twin_fit)
        self._restyle()
        self.message = QLabel(NO_DATA)
        self.message.setObjectName("dataMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.message)
        self.stack.addWidget(self.plot)
        box = QVBoxLayout(self)
        box.addWidget(self.caption)
        box.addWidget(self.stack, 1)
        self.grid_x: np.ndarray | None = None  # the inputs the prediction was last evaluated at
        self.prediction: np.ndarray | None = None

    def _restyle(self) -> None:
        """Pens of the fit, the boundaries and the points' outlines in the scheme's colours,
        widths growing with the zoom like the main plots' curves."""
        c, width = theme.colours(), theme.curve_width()
        self.boundary.setPen(pg.mkPen(c["fg"], width=width))
        self.twin_boundary.setPen(pg.mkPen(c["fg"], width=max(2, width - 1), style=Qt.PenStyle.DashLine))
        self.fit.setPen(pg.mkPen(CLASS_COLOURS[1], width=width + 1))
        self.twin_fit.setPen(pg.mkPen(c["muted"], width=width, style=Qt.PenStyle.DashLine))
        for scatter in self.points:  # outlined in the background's colour on a line plot
            scatter.setPen(pg.mkPen(c["bg"] if self.layout_ and self.layout_.dims == 1 else c["fg"]))
            scatter.setSize(max(10, round(width * 3.2)))  # the main plots' marker size

    # -- sessions ---------------------------------------------------------------------
    def set_session(self, session: Any) -> None:
        """Show ``session``'s data (if its model has any) and follow its events."""
        if self.session is not None:
            disconnect_session(self.session, self._on_changed, self._on_changed)
        self.session = session
        self.layout_ = None
        if session is not None:
            connect_session(session, self._on_changed, self._on_changed)
            try:
                self.layout_ = infer_layout(session)
            except Exception:  # noqa: BLE001 - an odd model simply has no Data picture
                self.layout_ = None
        self._draw_points()
        self._throttle.mark()

    def set_twin(self, twin: Any, label: str = "twin") -> None:
        """Draw the compare twin's prediction dashed (None: no twin)."""
        if self.twin is not None:
            disconnect_session(self.twin, self._on_changed, self._on_changed)
        self.twin = twin
        if twin is not None:
            connect_session(twin, self._on_changed, self._on_changed)
        self.set_twin_label(label)
        self._throttle.mark()

    def set_twin_label(self, label: str) -> None:
        """Name the twin's dashed fit in the legend (again when a run's setting changed)."""
        self.twin_label = label
        self.legend.removeItem(self.twin_fit)
        if self.twin is not None and self.layout_ is not None and self.layout_.dims == 1:
            self.legend.addItem(self.twin_fit, f"prediction {self.layout_.prediction} ({label})")

    def _on_changed(self, *_: Any) -> None:
        self._throttle.mark()

    def _refresh_if_visible(self) -> None:
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self._throttle.mark()

    # -- drawing ----------------------------------------------------------------------
    def _draw_points(self) -> None:
        item = self.plot.getPlotItem()
        for scatter in self.points:
            item.removeItem(scatter)
        self.points = []
        layout, s = self.layout_, self.session
        if s is None or layout is None:
            self.message.setText(NO_DATA if s is not None else "No session loaded")
            self.stack.setCurrentWidget(self.message)
            self.caption.set_full_text("")
            return
        x = np.asarray(s.value(layout.x), dtype=float)
        target = np.asarray(s.value(layout.target), dtype=float).reshape(len(x))
        self.legend.removeItem(self.fit)
        if layout.dims == 1:
            self.legend.addItem(self.fit, f"prediction {layout.prediction}")
            scatter = pg.ScatterPlotItem(x, target, size=10, brush=pg.mkBrush(CLASS_COLOURS[0]),
                                         name=f"data ({layout.x}, {layout.target})")
            item.addItem(scatter)
            self.points.append(scatter)
            item.setLabel("bottom", layout.x)
            item.setLabel("left", f"{layout.target}  ·  {layout.prediction}")
            self.grid_x = _line_grid(x)
        else:
            # The class in the target's own dtype, as print shows it: "t = 1." or "t = 1".
            classes = np.unique(np.asarray(s.value(layout.target)).reshape(len(x)))
            for k, cls in enumerate(classes):
                chosen = target == float(cls)
                scatter = pg.ScatterPlotItem(x[chosen, 0], x[chosen, 1], size=11,
                                             brush=pg.mkBrush(CLASS_COLOURS[k % len(CLASS_COLOURS)]),
                                             symbol="os"[k % 2],
                                             name=f"{layout.target} = {format_value(cls)}")
                item.addItem(scatter)
                self.points.append(scatter)
            item.setLabel("bottom", f"{layout.x}[:, 0]")
            item.setLabel("left", f"{layout.x}[:, 1]")
            self.grid_x = _plane_grid(x)
        tab_plot.fit_axis_labels(self.plot)  # a long title on a short axis: tooltip only
        self._restyle()  # the new points' outlines
        self.stack.setCurrentWidget(self.plot)

    def refresh(self) -> None:
        """Evaluate the prediction on the grid (engine, no_grad) and redraw it now."""
        self._throttle.stop()
        layout, s = self.layout_, self.session
        if s is None or layout is None or self.grid_x is None:
            return
        try:
            prediction = self._predict(s)
            twin = self._predict(self.twin) if self.twin is not None else None
        except Exception as exc:  # noqa: BLE001 - say why instead of a stale picture
            self.caption.set_full_text(f"Cannot evaluate {layout.prediction}: {getattr(exc, 'message', exc)}")
            return
        self.prediction = prediction
        if layout.dims == 1:
            self._draw_line(prediction, twin)
        else:
            self._draw_plane(prediction, twin)

    def _predict(self, session: Any) -> np.ndarray:
        layout = self.layout_
        # A numpy grid takes the engine's fast path (no per-number checks of typed values).
        values = session.evaluate(layout.prediction, {layout.x: self.grid_x.astype(np.float32)})
        return np.asarray(values, dtype=float)

    def _draw_line(self, prediction: np.ndarray, twin: np.ndarray | None) -> None:
        layout = self.layout_
        flat = prediction.reshape(len(self.grid_x), -1)[:, 0]
        self.fit.setData(self.grid_x, flat)
        if twin is not None:
            self.twin_fit.setData(self.grid_x, twin.reshape(len(self.grid_x), -1)[:, 0])
        else:
            self.twin_fit.setData([], [])
        self.regions.clear()
        self.caption.set_full_text(f"points: ({layout.x}, {layout.target});  line: {layout.prediction} "
                             f"over {layout.x} with the current params (no_grad)")

    def _draw_plane(self, prediction: np.ndarray, twin: np.ndarray | None) -> None:
        layout = self.layout_
        xs, ys = self._axes
        side = len(xs)
        self.fit.setData([], [])
        self.twin_fit.setData([], [])
        if layout.kind == "multiclass":
            classes = prediction.reshape(side, side, -1).argmax(axis=2)
            colours = np.array([pg.mkColor(c).getRgb() for c in CLASS_COLOURS], dtype=np.ubyte)
            image = colours[classes % len(CLASS_COLOURS)].copy()
            image[..., 3] = 60
            self.regions.setImage(image, autoLevels=False)
            self.boundary.setData(None)
            text = f"regions: argmax of {layout.prediction} (the predicted class)"
        else:
            grid = prediction.reshape(side, side)
            above = (grid > layout.level).astype(np.ubyte)
            colours = np.array([pg.mkColor(c).getRgb() for c in CLASS_COLOURS[:2]], dtype=np.ubyte)
            image = colours[above].copy()
            image[..., 3] = 55
            self.regions.setImage(image, autoLevels=False)
            self.boundary.setData(grid.T)
            self.boundary.setLevel(layout.level)
            self.boundary.setPos(0.5, 0.5)
            self.twin_boundary.setData(None if twin is None else twin.reshape(side, side).T)
            self.twin_boundary.setLevel(layout.level)
            self.twin_boundary.setPos(0.5, 0.5)
            text = (f"boundary: {layout.prediction} = {layout.level:g}"
                    + ("  (dashed: the twin's)" if twin is not None else ""))
        dx, dy = xs[1] - xs[0], ys[1] - ys[0]
        self.regions.setRect(xs[0] - dx / 2, ys[0] - dy / 2, dx * side, dy * side)
        self.caption.set_full_text(f"points: {layout.x} coloured by {layout.target};  {text}; "
                             "with the current params (no_grad)")

    @property
    def _axes(self) -> tuple[np.ndarray, np.ndarray]:
        grid = self.grid_x
        side = int(round(np.sqrt(len(grid))))
        return grid[:side, 0], grid[::side, 1]


def _line_grid(x: np.ndarray) -> np.ndarray:
    low, high = float(np.min(x)), float(np.max(x))
    pad = (high - low) * PAD or 1.0
    return np.linspace(low - pad, high + pad, LINE_POINTS, dtype=np.float32).astype(float)


def _plane_grid(x: np.ndarray) -> np.ndarray:
    """GRID_SIDE² points, row-major: x[:, 0] varies fastest, rows go up x[:, 1]."""
    axes = []
    for column in (0, 1):
        low, high = float(np.min(x[:, column])), float(np.max(x[:, column]))
        pad = (high - low) * PAD or 1.0
        axes.append(np.linspace(low - pad, high + pad, GRID_SIDE, dtype=np.float32).astype(float))
    gx, gy = np.meshgrid(axes[0], axes[1])
    return np.column_stack([gx.ravel(), gy.ravel()])


DATA_FILTER = "CSV tables (*.csv);;All files (*)"


def open_data(window: Any, path: str | None = None) -> bool:
    """File → Open data…: the CSV's columns become inputs of a new session built from the panel.

    A bad file gets a message naming the line at fault; a model the new inputs break
    is refused by the engine like any Apply. Either way the running session is kept.
    """
    from playground.data import load_csv  # torch-free until a session is built
    from ui.files import ask_open_path, show_error

    path = path or ask_open_path(window, "data", "Open data", DATA_FILTER)
    if not path:
        return False
    try:
        columns = load_csv(path)
        config = window.model_panel.config()
    except Exception as exc:  # noqa: BLE001 - reported; nothing changes
        show_error(window, "Could not open the data", exc)
        return False
    config["inputs"] = {**config["inputs"], **columns}
    if not window.controller.apply(config):
        return False
    window.model_panel.load_config(config, gradient=window.controller.gradient,
                                   retain_graph=window.controller.retain_graph)
    rows = len(next(iter(columns.values()))) if columns else 0
    window.banner.show_info(f"Opened {rows} rows: column(s) {', '.join(columns)} are now inputs.")
    return True
