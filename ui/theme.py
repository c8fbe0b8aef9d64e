"""Colours, fonts, zoom and the style sheet: everything that makes the app readable on a projector.

The palette is Okabe & Ito's, chosen because it stays distinct for the common
forms of colour blindness; curves also differ by marker symbol (shown in the
legend and on each curve's newest point), and the compare twin differs by dash
pattern, never by colour alone.

Three things change the look at run time, each announced by :data:`changes`
(``theme_changed``) so views restyle themselves: the zoom (application font),
presentation mode (bigger fonts and pens, high-contrast curves) and the system's
light or dark colour scheme (``QStyleHints.colorScheme``).
"""

from __future__ import annotations

from importlib import resources
from string import Template

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import (
    QColor, QFont, QFontDatabase, QFontInfo, QGuiApplication, QIcon, QPalette,
)
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

#: On a dark background black vanishes and the yellow needs no darkening.
DARK_CURVE_COLOURS: tuple[str, ...] = (
    "#56B4E9", "#FF8A3D", "#2BD19B", "#E58FC0", "#F0C020", "#A0D8F8", "#F2F2F2", "#F0E442",
)
#: Presentation on a light screen: Okabe-Ito darkened until each holds 4.5:1 against white.
PRESENTATION_COLOURS: tuple[str, ...] = (
    "#005A8C", "#B04600", "#00704F", "#A3407F", "#8A5A00", "#1F6FA8", "#000000", "#6B6200",
)
#: Marker per curve, so curves differ by shape as well as colour (pyqtgraph symbol names).
CURVE_SYMBOLS: tuple[str, ...] = ("o", "s", "t", "d", "+", "x", "star", "t1", "p", "h")

#: Surface colours of the light and dark schemes (style sheet ``$name`` fields and plots).
SCHEMES: dict[str, dict[str, str]] = {
    "light": {
        "bg": "#ffffff", "fg": "#111111", "panel": "#fafafa", "border": "#cccccc",
        "muted": "#666666", "code_bg": "#f2f2f2", "selection": "#dcecf7", "header": "#f0f0f0",
        "error_bg": "#fde9dc", "info_bg": "#e3f1fa", "hover": "#f0f6fb", "checked": "#fde9dc",
        "idle_bg": "#f2f2f2", "idle_fg": "#666666", "idle_border": "#d6d6d6", "grid": "#000000",
        "marker": "#555555", "twin_marker": "#999999",
    },
    "dark": {
        "bg": "#1d1f21", "fg": "#f0f0f0", "panel": "#26292c", "border": "#4a4f55",
        "muted": "#b0b0b0", "code_bg": "#2a2d31", "selection": "#1f4b6e", "header": "#2f3337",
        "error_bg": "#4d2a17", "info_bg": "#173a4d", "hover": "#2c3a45", "checked": "#4d2a17",
        "idle_bg": "#2a2d31", "idle_fg": "#a8a8a8", "idle_border": "#4a4f55", "grid": "#ffffff",
        "marker": "#bbbbbb", "twin_marker": "#888888",
    },
}

CURVE_WIDTH = 3
#: Presentation mode: pens at least this wide, text at least this many pixels at 720 px of height.
PRESENTATION_CURVE_WIDTH = 4
PRESENTATION_TEXT_PX = 24
DEFAULT_ZOOM = 1.25
#: 100 % is the platform's font; the layout is checked up to 200 % (tests/ui/test_layout.py).
MIN_ZOOM = 1.0
MAX_ZOOM = 2.0
ZOOM_STEP = 1.15
_ZOOM_KEY = "view/zoom"
_base_point_size: float | None = None
_presentation_px: float | None = None
_forced_scheme: str | None = None
_font_before_presentation: QFont | None = None


class _Changes(QObject):
    """Emits ``theme_changed`` after the zoom, presentation mode or colour scheme changed."""

    theme_changed = Signal()


#: Subscribe to ``changes.theme_changed`` to restyle on zoom, presentation or scheme changes.
changes = _Changes()


def presenting() -> bool:
    """Whether presentation mode is on."""
    return _presentation_px is not None


def scheme() -> str:
    """"dark" or "light": the system's colour scheme (light when the platform does not say)."""
    if _forced_scheme is not None:
        return _forced_scheme
    app = QGuiApplication.instance()
    if app is None:
        return "light"
    hints = QGuiApplication.styleHints()
    return "dark" if hints.colorScheme() == Qt.ColorScheme.Dark else "light"


def colours() -> dict[str, str]:
    """The surface colours of the current scheme."""
    return SCHEMES[scheme()]


def curve_palette() -> tuple[str, ...]:
    """Curve colours for the current scheme and mode."""
    if scheme() == "dark":
        return DARK_CURVE_COLOURS
    return PRESENTATION_COLOURS if presenting() else CURVE_COLOURS


def curve_colour(index: int) -> QColor:
    """Colour of the ``index``-th curve of a plot, cycling through the palette."""
    palette = curve_palette()
    return QColor(palette[index % len(palette)])


def curve_symbol(index: int) -> str:
    """Marker symbol of the ``index``-th curve (pyqtgraph name)."""
    return CURVE_SYMBOLS[index % len(CURVE_SYMBOLS)]


def text_scale() -> float:
    """How much bigger than 100 % zoom the application font is now (1.0 at 100 %)."""
    base = _base_point_size or QGuiApplication.font().pointSizeF()
    return QGuiApplication.font().pointSizeF() / base if base > 0 else 1.0


def curve_width() -> int:
    """Pen width of the curves: 3 px at the default zoom, growing with it; 4+ when presenting."""
    width = max(CURVE_WIDTH, round(CURVE_WIDTH * text_scale() / DEFAULT_ZOOM))
    return max(width, PRESENTATION_CURVE_WIDTH) if presenting() else width


def line_width() -> int:
    """Width of axes and other thin lines: 1 px at 100 %, growing with the text."""
    return max(1, round(text_scale() * (1.5 if presenting() else 1.0)))


def font_pixels(font: QFont | None = None) -> int:
    """The pixel height of ``font`` (default: the application font) on this screen."""
    return QFontInfo(font if font is not None else QGuiApplication.font()).pixelSize()


def set_presentation(text_px: float | None) -> None:
    """Presentation mode on (text at least ``text_px`` pixels high) or off (None).

    Turning it off puts back the application font exactly as it was before.
    """
    global _presentation_px, _font_before_presentation
    if text_px is not None and _presentation_px is None:
        _font_before_presentation = QFont(QGuiApplication.font())
    _presentation_px = text_px
    if text_px is not None or _font_before_presentation is None:
        apply_zoom(current_zoom())
        return
    _set_application_font(_font_before_presentation)
    _font_before_presentation = None
    changes.theme_changed.emit()


def set_scheme(name: str | None) -> None:
    """Force "light" or "dark" (None: follow the system again) and restyle.

    A forced scheme also sets the widgets' palette (the system's follows on its own).
    """
    global _forced_scheme
    _forced_scheme = name
    app = QApplication.instance()
    if isinstance(app, QApplication):
        palette = app.style().standardPalette()
        if name == "dark":
            c = SCHEMES["dark"]
            for role, colour in ((QPalette.ColorRole.Window, c["panel"]),
                                 (QPalette.ColorRole.Base, c["bg"]),
                                 (QPalette.ColorRole.AlternateBase, c["code_bg"]),
                                 (QPalette.ColorRole.Button, c["panel"]),
                                 (QPalette.ColorRole.Highlight, c["selection"])):
                palette.setColor(role, QColor(colour))
            for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                         QPalette.ColorRole.ButtonText, QPalette.ColorRole.HighlightedText,
                         QPalette.ColorRole.ToolTipText):
                palette.setColor(role, QColor(c["fg"]))
        app.setPalette(palette)
    refresh_style()


def refresh_style() -> None:
    """Re-apply the style sheet for the current scheme and tell every view."""
    app = QApplication.instance()
    if isinstance(app, QApplication) and app.styleSheet():
        app.setStyleSheet(style_sheet())
    changes.theme_changed.emit()


def follow_system_scheme() -> None:
    """Restyle whenever the system switches between light and dark."""
    QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _scheme: refresh_style())


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
    points = _base_point_size * zoom
    if _presentation_px is not None:
        screen = QGuiApplication.primaryScreen()
        dpi = screen.logicalDotsPerInch() if screen is not None else 96.0
        points = max(points, _presentation_px * 72.0 / dpi)
    font.setPointSizeF(points)
    _set_application_font(font)
    QSettings().setValue(_ZOOM_KEY, zoom)
    changes.theme_changed.emit()
    return zoom


def _set_application_font(font: QFont) -> None:
    # QApplication's setFont (not QGuiApplication's) also drops the per-class fonts
    # the platform theme set (menus, labels, headers), so every widget follows the zoom.
    QApplication.setFont(font)
    app = QApplication.instance()
    if isinstance(app, QApplication) and app.styleSheet():
        # A widget styled by the style sheet keeps the font it was polished with;
        # setting the sheet again re-polishes every widget with the new size.
        app.setStyleSheet(app.styleSheet())
        # That re-polish also puts back the font a widget was given by setFont() when it
        # was first polished (the forward editor stayed at its start-up size): tell the
        # fontChanged listeners again, after it, so their own fonts follow the zoom.
        app.fontChanged.emit(font)


def style_sheet() -> str:
    """The application style sheet from ``resources/style.qss``, in the current scheme's colours."""
    text = resources.files("resources").joinpath("style.qss").read_text(encoding="utf-8")
    return Template(text).substitute(colours())


def icon(name: str) -> QIcon:
    """An icon from ``resources/icons/<name>.svg`` (an empty icon if it is missing)."""
    path = resources.files("resources").joinpath("icons", f"{name}.svg")
    if not path.is_file():
        return QIcon()
    return QIcon(str(path))
