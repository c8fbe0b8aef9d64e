"""Marks for the values a plot cannot draw: +inf, -inf and nan, at the edge of the data area.

A curve drawn with ``connect="finite"`` leaves a gap where a value is not a
number, so a grad that overflowed to inf, or went nan, would simply vanish. Each
such point gets a mark in its curve's colour at the data area's edge instead: a
wedge ▲ on the top edge for +inf, ▼ on the bottom edge for -inf, a × under the
top edge for nan; a note in the corner says what they mean ("▲ +inf  × nan").
The marks are drawn in the view's pixels (not data coordinates) and never take
part in the auto range, so the finite part of a diverging run keeps its scale.

What is a real nan is the data side's business (a grad that is None is stored
as NaN too, and is a gap, not a mark): :func:`find_marks` takes the nan flags
it computed. Marks closer than a symbol apart are drawn once, so a run that
stayed inf for a million actions costs a row of symbols, not a million.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPolygonF
import pyqtgraph as pg

from ui import theme

#: The kinds of non-finite value, in the order the note lists them, and how it names them.
KINDS: tuple[str, ...] = ("+inf", "-inf", "nan")
NOTE_WORDS = {"+inf": "▲ +inf", "-inf": "▼ −inf", "nan": "× nan"}
#: Rows of marks at most, when several curves are non-finite at the same edge.
MAX_ROWS = 3
TWIN_SUFFIX = " (twin)"
_EMPTY = np.empty(0)


def find_marks(x: np.ndarray, y: np.ndarray, nan: np.ndarray | None) -> dict[str, np.ndarray]:
    """x of the +inf, -inf and nan points of one curve (kinds without any are left out).

    ``nan`` flags the points whose NaN is a real nan (not "no grad yet"); None: no nan is.
    """
    marks: dict[str, np.ndarray] = {}
    with np.errstate(invalid="ignore"):
        for kind, where in (("+inf", y == np.inf), ("-inf", y == -np.inf)):
            if where.any():
                marks[kind] = x[where]
    if nan is not None and len(nan):
        where = nan > 0
        if where.any():
            marks["nan"] = x[where]
    return marks


def _wedge(up: bool) -> QPainterPath:
    """A flat triangle pointing at the edge (width 1, height 0.7, centred on 0)."""
    tip, base = (-0.35, 0.35) if up else (0.35, -0.35)
    path = QPainterPath()
    path.addPolygon(QPolygonF([QPointF(-0.5, base), QPointF(0.0, tip), QPointF(0.5, base)]))
    path.closeSubpath()
    return path


class EdgeMarks(pg.GraphicsObject):
    """The non-finite marks of every curve of one plot, drawn on its ViewBox.

    The data side calls :meth:`set_marks` with each curve's marks in data x;
    the item maps them to pixels at paint time, so they follow pans, zooms and
    the auto range without being set again.
    """

    def __init__(self, plot_item: pg.PlotItem) -> None:
        super().__init__()
        #: Where the note was drawn last (view pixels), for tests.
        self.note_rect = QRectF()
        self.box = plot_item.getViewBox()
        self.setParentItem(self.box)  # not added to the view: outside the auto range
        self.setZValue(30)
        #: id(curve) -> (curve, {kind: x in data coordinates})
        self.marks: dict[int, tuple[pg.PlotDataItem, dict[str, np.ndarray]]] = {}
        self.box.sigTransformChanged.connect(self._moved)
        self.box.sigResized.connect(self._resized)

    # -- what the data side sets -----------------------------------------------
    def set_marks(self, curve: pg.PlotDataItem, marks: dict[str, np.ndarray]) -> None:
        """Replace ``curve``'s marks (``{}``: it has none now)."""
        old = self.marks.get(id(curve))
        if not marks:
            if old is not None:
                del self.marks[id(curve)]
                self.update()
            return
        self.marks[id(curve)] = (curve, marks)
        self.update()

    def forget(self, curve: pg.PlotDataItem) -> None:
        """The curve left the plot."""
        self.set_marks(curve, {})

    def kinds(self) -> list[str]:
        """The kinds of non-finite value marked now, in :data:`KINDS` order."""
        present = {kind for _curve, marks in self.marks.values() for kind in marks}
        return [kind for kind in KINDS if kind in present]

    @property
    def note(self) -> str:
        """What the marks mean, for the kinds marked now ("" when there are none)."""
        return "  ".join(NOTE_WORDS[kind] for kind in self.kinds())

    def marked(self) -> dict[str, dict[str, np.ndarray]]:
        """Curve name -> kind -> x of its marks (data coordinates), for tests and tooltips."""
        return {curve.name() or "": dict(marks) for curve, marks in self.marks.values()}

    # -- drawing -----------------------------------------------------------------
    def _moved(self, *_args: Any) -> None:
        self.update()  # the marks follow the view's range: they are placed at paint time

    def _resized(self, *_args: Any) -> None:
        self.prepareGeometryChange()
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return QRectF(self.box.boundingRect())

    def symbol_size(self) -> float:
        """Size of a mark in pixels: a little larger than the curves' own markers, following the zoom."""
        return float(max(12, round(theme.curve_width() * 3.6)))

    def pixels(self) -> list[tuple[pg.PlotDataItem, str, np.ndarray, float]]:
        """Every mark to draw: (curve, kind, x in pixels, y in pixels), thinned to one per symbol.

        Each curve with marks of a kind takes its own row (up to :data:`MAX_ROWS`), so
        curves that overflow together all show: +inf rows from the top edge down, the nan
        rows under them, -inf rows from the bottom edge up.
        """
        if not self.marks:
            return []
        size = self.symbol_size()
        rect = self.boundingRect()
        transform = self.box.childTransform()
        scale, shift = transform.m11(), transform.m31()
        found: dict[str, list[tuple[pg.PlotDataItem, np.ndarray]]] = {kind: [] for kind in KINDS}
        for curve, marks in self.marks.values():
            for kind, xs in marks.items():
                px = xs * scale + shift
                px = px[(px >= rect.left()) & (px <= rect.right())]
                if len(px):
                    # One mark per symbol's width: a long non-finite stretch is a row, not a smear.
                    _, first = np.unique(np.floor((px - rect.left()) / size), return_index=True)
                    found[kind].append((curve, px[np.sort(first)]))
        step = size * 0.5  # rows overlap a little: every colour shows, the plot keeps its room
        top_rows = min(len(found["+inf"]), MAX_ROWS)
        start = {"+inf": rect.top() + size * 0.45,
                 "nan": rect.top() + size * 0.45 + top_rows * step + (size * 0.15 if top_rows else 0),
                 "-inf": rect.bottom() - size * 0.45}
        out = []
        for kind in KINDS:
            sign = -1 if kind == "-inf" else 1
            for row, (curve, px) in enumerate(found[kind]):
                out.append((curve, kind, px, start[kind] + sign * min(row, MAX_ROWS - 1) * step))
        return out

    def paint(self, p: QPainter, *_args: Any) -> None:  # noqa: D102 - Qt API
        marks = self.pixels()
        if not marks:
            self.note_rect = QRectF()
            return
        size = self.symbol_size()
        bg = QColor(theme.colours()["bg"])
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        shapes = {"+inf": _wedge(True), "-inf": _wedge(False)}
        for curve, kind, xs, y in marks:
            colour = pg.mkPen(curve.opts.get("pen")).color()
            twin = (curve.name() or "").endswith(TWIN_SUFFIX)
            if kind == "nan":
                p.setPen(pg.mkPen(colour, width=max(2.0, size / 5)))
                half = size * 0.4
                for x in xs.tolist():
                    p.drawLine(QPointF(x - half, y - half), QPointF(x + half, y + half))
                    p.drawLine(QPointF(x - half, y + half), QPointF(x + half, y - half))
                continue
            p.setPen(pg.mkPen(colour, width=max(1, theme.line_width())))
            p.setBrush(pg.mkBrush(bg if twin else colour))  # the twin hollow, as its markers
            shape = shapes[kind]
            for x in xs.tolist():
                p.save()
                p.translate(x, y)
                p.scale(size * 1.3, size)  # wide and flat; the pen is cosmetic: its width stays in pixels
                p.drawPath(shape)
                p.restore()
        lows = [y for _curve, kind, _xs, y in marks if kind == "-inf"]
        shown = {kind for _curve, kind, _xs, _y in marks}
        self._paint_note(p, min(lows) - size * 0.5 if lows else None,
                         "  ".join(NOTE_WORDS[kind] for kind in KINDS if kind in shown))

    def _paint_note(self, p: QPainter, above: float | None, text: str) -> None:
        """What the marks in view mean, in the data area's bottom-left corner (the oldest actions)."""
        font = theme.scaled_font(1.0)
        metrics = QFontMetricsF(font)
        rect = self.boundingRect()
        # Above the -inf rows when there are some, else on the bottom edge; one line, or a
        # line a kind when the plot is narrow (200 %), elided only if a kind alone is too wide.
        bottom = above - 2 if above is not None else rect.bottom() - 2
        room = max(0.0, rect.width() - 12)
        lines = [text] if metrics.horizontalAdvance(text) <= room else text.split("  ")
        lines = [metrics.elidedText(line, Qt.TextElideMode.ElideRight, room) for line in lines]
        text = "\n".join(lines)
        width = max(metrics.horizontalAdvance(line) for line in lines)
        height = metrics.height() * len(lines)
        box = QRectF(rect.left() + 4, bottom - height - 2, width + 8, height + 2)
        c = theme.colours()
        fill = QColor(c["bg"])
        fill.setAlpha(215)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(fill)
        p.drawRect(box)
        p.setFont(font)
        p.setPen(QColor(c["fg"]))
        p.drawText(box.adjusted(4, 0, 0, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
        self.note_rect = box
