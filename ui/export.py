"""File → Export: the plots and the landscape as PNG or SVG, the run as CSV, the window as PNG.

pyqtgraph 0.14's own SVG exporter fails on Qt 6.11 (pyqtgraph issue #3485), so
pictures are drawn here through ``QGraphicsView.render`` onto either a QImage
(PNG, at twice the screen size for a sharp slide) or a ``QSvgGenerator``
(vector SVG). Every file is built in memory, checked (the SVG must load in
``QSvgRenderer``), then written with ``QSaveFile``: a failed export never
leaves half a file behind. Trajectories come from the session's own history,
so the CSV numbers are the numbers the session holds, bit for bit.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QRectF, QSaveFile, QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator, QSvgRenderer
from PySide6.QtWidgets import QFileDialog, QGraphicsView, QWidget


PICTURE_FILTER = "PNG image (*.png);;SVG drawing (*.svg)"
CSV_FILTER = "CSV table (*.csv)"
PNG_FILTER = "PNG image (*.png)"
#: PNGs of a plot are drawn at this multiple of its size on screen: crisp on a slide.
PNG_SCALE = 2


class ExportError(Exception):
    """An export that could not be written (the message says what and what to do)."""


# -- pictures ---------------------------------------------------------------------------
def _graphics_view(widget: QWidget) -> QGraphicsView:
    if isinstance(widget, QGraphicsView):
        return widget
    view = widget.findChild(QGraphicsView)
    if view is None:
        raise ExportError(f"{widget.objectName() or type(widget).__name__} has no picture to export")
    return view


def _paint(view: QGraphicsView, painter: QPainter, width: float, height: float) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(QRectF(0, 0, width, height), QColor("white"))
    # The view's visible part, exactly as on screen, scaled into the target.
    view.render(painter, QRectF(0, 0, width, height), view.viewport().rect())


def picture_png(widget: QWidget, scale: int = PNG_SCALE) -> QImage:
    """The plot (or any graphics view) in ``widget`` as an image ``scale`` times its size."""
    view = _graphics_view(widget)
    size = view.viewport().size()
    image = QImage(size.width() * scale, size.height() * scale, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    _paint(view, painter, image.width(), image.height())
    painter.end()
    return image


def picture_svg(widget: QWidget, title: str = "") -> bytes:
    """The plot in ``widget`` as SVG text (vector: lines and text stay sharp at any size)."""
    view = _graphics_view(widget)
    size = view.viewport().size()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(size.width(), size.height()))
    generator.setViewBox(QRect(0, 0, size.width(), size.height()))
    generator.setTitle(title or "Training Loop Playground")
    generator.setDescription("Exported from the Training Loop Playground")
    painter = QPainter(generator)
    _paint(view, painter, size.width(), size.height())
    painter.end()
    data = bytes(buffer.data().data())
    if not QSvgRenderer(QByteArray(data)).isValid():
        raise ExportError("the SVG drawing came out invalid; export as PNG instead")
    return data


def image_bytes(image: QImage) -> bytes:
    """``image`` encoded as PNG."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if image.isNull() or not image.save(buffer, "PNG"):
        raise ExportError("the picture could not be encoded as PNG")
    return bytes(buffer.data().data())


def write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` all or nothing (QSaveFile renames on commit)."""
    out = QSaveFile(str(path))
    if not out.open(QIODevice.OpenModeFlag.WriteOnly):
        raise ExportError(f"cannot write {path}: {out.errorString()}")
    out.write(QByteArray(data))
    if not out.commit():
        raise ExportError(f"cannot write {path}: {out.errorString()}")


def export_picture(widget: QWidget, path: str | Path, title: str = "") -> Path:
    """Write the picture in ``widget`` to ``path``: SVG for a .svg name, PNG otherwise."""
    path = Path(path)
    if path.suffix.lower() == ".svg":
        write_bytes(path, picture_svg(widget, title))
    else:
        write_bytes(path, image_bytes(picture_png(widget)))
    return path


def export_window(window: QWidget, path: str | Path) -> Path:
    """The whole window as a PNG, as it is on screen (for a slide)."""
    write_bytes(path, image_bytes(window.grab().toImage()))
    return Path(path)


# -- trajectories -----------------------------------------------------------------------
# numpy and ui.plots (pyqtgraph) are imported where used: the window imports this module
# before its start-up paint (ui/startup.py), they only after it.
def _columns(session: Any) -> list[tuple[str, int]]:
    import numpy as np

    return [(name, int(np.asarray(session.value(name)).size)) for name in session.param_names]


def _header(session: Any) -> list[str]:
    import numpy as np

    from ui.plots import element_names

    names = [n for name in session.param_names
             for n in element_names(name, tuple(np.shape(session.value(name))))]
    return names + [f"{n}.grad" for n in names]


def _number(value: Any) -> str:
    # repr of the float32 widened to float64: exact, and read back bit for bit.
    number = float(value)
    return repr(number) if math.isfinite(number) else str(number)


def _flat(value: Any, size: int) -> list[str]:
    import numpy as np

    if value is None:
        return [""] * size
    return [_number(v) for v in np.asarray(value).ravel()]


def trajectory_rows(session: Any, run: str = "main") -> Iterable[list[str]]:
    """One row per record of ``session``: run, record, action, values..., grads..., output."""
    import numpy as np

    layout = _columns(session)
    for record in session.history:
        values = [x for name, size in layout for x in _flat(record.values.get(name), size)]
        grads = [x for name, size in layout for x in _flat(record.grads.get(name), size)]
        output = record.output
        scalar = output is not None and np.asarray(output).size == 1
        yield [run, str(record.index), record.action, *values, *grads,
               _number(np.asarray(output).ravel()[0]) if scalar else ""]


def trajectories_csv(session: Any, twin: Any = None, twin_label: str = "twin") -> str:
    """The run (and the compare twin's, tagged in the ``run`` column) as CSV text.

    One column per parameter element (``w[0]``, ``b``), then one per element's
    grad (``w[0].grad``; empty while the grad is None), then the output when it
    is a single number.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["run", "record", "action", *_header(session), "output"])
    writer.writerows(trajectory_rows(session, "main"))
    if twin is not None and _header(twin) == _header(session):
        writer.writerows(trajectory_rows(twin, twin_label))
    return out.getvalue()


def export_trajectories(session: Any, path: str | Path, twin: Any = None,
                        twin_label: str = "twin") -> Path:
    """Write :func:`trajectories_csv` to ``path``."""
    write_bytes(path, trajectories_csv(session, twin, twin_label).encode("utf-8"))
    return Path(path)


# -- dialogs ----------------------------------------------------------------------------
def ask_path(parent: QWidget, title: str, name: str, filters: str,
             suffixes: Sequence[str]) -> str | None:
    """A save dialog; the suffix follows the chosen filter when the name has none."""
    from ui.files import last_folder, remember_folder

    start = str(Path(last_folder("export")) / name)
    path, chosen = QFileDialog.getSaveFileName(parent, title, start, filters)
    if not path:
        return None
    if Path(path).suffix.lower() not in suffixes:
        path += ".svg" if "svg" in chosen.lower() and ".svg" in suffixes else suffixes[0]
    remember_folder("export", path)
    return path


def pictures_of(window: Any) -> dict[str, tuple[str, QWidget | None]]:
    """Exportable pictures of the window: key -> (title, widget or None when absent)."""
    panels = getattr(window, "inspector_panels", {})
    return {
        "weights": ("Parameter values", window.plots.plots["weights"]),
        "grads": ("Gradients", window.plots.plots["grads"]),
        "output": ("Output (loss)", window.plots.plots["output"]),
        "landscape": ("Loss landscape", getattr(panels.get("Landscape"), "plot", None)),
        "data": ("Data and fit", getattr(panels.get("Data"), "plot", None)),
    }


def _slug(title: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in title.lower()).strip("_")


def export_picture_dialog(window: Any, key: str, path: str | None = None) -> str | None:
    """Ask where, then export picture ``key`` of :func:`pictures_of`; report in the status bar."""
    title, widget = pictures_of(window)[key]
    if widget is None:
        window.banner.show_info(f"There is no {title.lower()} picture in this window.")
        return None
    path = path or ask_path(window, f"Export {title.lower()}", f"{_slug(title)}.png",
                            PICTURE_FILTER, (".png", ".svg"))
    if path is None:
        return None
    return _attempt(window, lambda: export_picture(widget, path, title), path)


def export_trajectories_dialog(window: Any, path: str | None = None) -> str | None:
    """Ask where, then write the run's trajectories (and the twin's) as CSV."""
    session = window.session
    if session is None:
        return None
    path = path or ask_path(window, "Export trajectories", "trajectories.csv", CSV_FILTER, (".csv",))
    if path is None:
        return None
    controller = window.controller
    label = getattr(controller, "twin_label", lambda: "twin")()
    return _attempt(window, lambda: export_trajectories(session, path, controller.twin, label), path)


def export_window_dialog(window: Any, path: str | None = None) -> str | None:
    """Ask where, then save the whole window as a PNG."""
    path = path or ask_path(window, "Export window picture", "playground.png", PNG_FILTER, (".png",))
    if path is None:
        return None
    return _attempt(window, lambda: export_window(window, path), path)


def _attempt(window: Any, write: Any, path: str) -> str | None:
    from ui.files import show_error

    try:
        write()
    except Exception as exc:  # noqa: BLE001 - reported; nothing else changes
        show_error(window, "Could not export", exc)
        return None
    window.statusBar().showMessage(f"Exported {path}", 5000)
    return path



class ExportCommands:
    """Mixin of MainWindow: the File → Export handlers and the Landscape / Data tab keys
    (Ctrl+6, Ctrl+7) named in ui/actions.py."""

    def show_landscape_tab(self) -> None:
        """Ctrl+6: the Landscape tab. The keyboard stays with the loop keys (in the x
        chooser they would stand down, unseen); Alt+X and Alt+Y reach the choosers."""
        self.show_inspector("Landscape")  # type: ignore[attr-defined]

    def next_node(self) -> None:
        """N: the Graph tab replays the last backward one node further."""
        self._graph_step("next_node")

    def previous_node(self) -> None:
        """Shift+N: one node back."""
        self._graph_step("previous_node")

    def _graph_step(self, method: str) -> None:
        self.show_inspector("Graph")  # type: ignore[attr-defined]
        panel = self.inspector_panels.get("Graph")  # type: ignore[attr-defined]
        if hasattr(panel, method):
            self._safely(getattr(panel, method))  # type: ignore[attr-defined]

    def open_data(self) -> None:
        """Ctrl+D: File → Open data… (a CSV's columns become inputs), then the Data tab."""
        from ui.data_view import open_data

        if open_data(self):
            self.show_data_tab()

    def show_data_tab(self) -> None:
        """Ctrl+7: the Data tab."""
        self.show_inspector("Data")  # type: ignore[attr-defined]

    def export_weight_plot(self) -> None:
        export_picture_dialog(self, "weights")

    def export_grad_plot(self) -> None:
        export_picture_dialog(self, "grads")

    def export_output_plot(self) -> None:
        export_picture_dialog(self, "output")

    def export_landscape(self) -> None:
        export_picture_dialog(self, "landscape")

    def export_data_plot(self) -> None:
        export_picture_dialog(self, "data")

    def export_trajectories(self) -> None:
        export_trajectories_dialog(self)

    def export_window(self) -> None:
        export_window_dialog(self)

    def export_script(self) -> None:
        """File → Export script: with compare on, both runs as one file (run_1 and run_2)."""
        controller = self.controller  # type: ignore[attr-defined]
        if controller.twin is None or self.session is None:  # type: ignore[attr-defined]
            super().export_script()  # type: ignore[misc]
            return
        path = ask_path(self, "Export script (both runs)", "two_runs.py",  # type: ignore[arg-type]
                        "Python scripts (*.py)", (".py",))
        if path is not None:
            _attempt(self, lambda: write_bytes(path, two_runs_text(controller).encode()), path)


def two_runs_text(controller: Any) -> str:
    """The main run and the compare twin as one script (engine's ``two_runs_script``)."""
    from playground.script import two_runs_script
    from ui.compare import main_label, twin_label

    config, setting = controller.main_config(), controller.compare_setting
    main, twin = controller.session, controller.twin
    return two_runs_script(main.to_script(), twin.to_script(), main_label(config, setting),
                           twin_label(config, setting), list(main.param_names))
