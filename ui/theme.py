"""Colours, fonts, zoom and the style sheet: everything that makes the app readable on a projector.

The palette is Okabe & Ito's, chosen because it stays distinct for the common
forms of colour blindness; curves also differ in order of appearance in the
legend, and the compare twin differs by dash pattern, never by colour alone.
"""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

#: Okabe-Ito, reordered so the first curves are the most distinct on white.
CURVE_COLOURS: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#B8A600",  # darkened yellow: the original #F0E442 vanishes on a white screen
)

#: One colour per phase of the loop, shared by icons, phase strip and buttons.
PHASE_COLOURS: dict[str, str] = {
    "forward": "#0072B2",
    "backward": "#D55E00",
    "step": "#009E73",
    "zero_grad": "#CC79A7",
}

CURVE_WIDTH = 3
DEFAULT_ZOOM = 1.25
MIN_ZOOM = 0.6
MAX_ZOOM = 3.0
ZOOM_STEP = 1.15
_ZOOM_KEY = "view/zoom"
_base_point_size: float | None = None


def curve_colour(index: int) -> QColor:
    """Colour of the ``index``-th curve of a plot, cycling through the palette."""
    return QColor(CURVE_COLOURS[index % len(CURVE_COLOURS)])


def monospace_font() -> QFont:
    """The system's fixed-width font at the application's current size."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(QGuiApplication.font().pointSizeF())
    return font


def scaled_font(factor: float, *, bold: bool = False) -> QFont:
    """The application font scaled by ``factor`` (for headings and big buttons)."""
    font = QFont(QGuiApplication.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    return font


def current_zoom() -> float:
    """The zoom factor stored in QSettings (``DEFAULT_ZOOM`` when none was saved)."""
    value = QSettings().value(_ZOOM_KEY, DEFAULT_ZOOM)
    try:
        return min(MAX_ZOOM, max(MIN_ZOOM, float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return DEFAULT_ZOOM


def apply_zoom(zoom: float) -> float:
    """Scale the application font to ``zoom`` times the platform default and remember it.

    Widgets that need a bigger or fixed-width font listen to
    ``QGuiApplication.fontChanged`` and rescale from the new application font.

    Returns
    -------
    float
        The zoom actually applied, clamped to ``[MIN_ZOOM, MAX_ZOOM]``.
    """
    global _base_point_size
    zoom = min(MAX_ZOOM, max(MIN_ZOOM, zoom))
    if _base_point_size is None:
        # The first call captures the platform size; later calls scale from it,
        # so repeated zooming never compounds rounding errors.
        _base_point_size = QGuiApplication.font().pointSizeF()
    font = QFont(QGuiApplication.font())
    font.setPointSizeF(_base_point_size * zoom)
    # QApplication's setFont (not QGuiApplication's) also drops the per-class fonts
    # the platform theme set (menus, labels, headers), so every widget follows the zoom.
    QApplication.setFont(font)
    app = QApplication.instance()
    if isinstance(app, QApplication) and app.styleSheet():
        # A widget styled by the style sheet keeps the font it was polished with;
        # setting the sheet again re-polishes every widget with the new size.
        app.setStyleSheet(app.styleSheet())
    QSettings().setValue(_ZOOM_KEY, zoom)
    return zoom


def style_sheet() -> str:
    """The application style sheet from ``resources/style.qss``."""
    return resources.files("resources").joinpath("style.qss").read_text(encoding="utf-8")


def icon(name: str) -> QIcon:
    """An icon from ``resources/icons/<name>.svg`` (an empty icon if it is missing)."""
    path = resources.files("resources").joinpath("icons", f"{name}.svg")
    if not path.is_file():
        return QIcon()
    return QIcon(str(path))
