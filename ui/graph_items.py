"""What the Graph tab draws: node boxes, the zooming view, their colours and numbers.

Split from :mod:`ui.graph_view` (which wires them to a session): no session here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontInfo, QGuiApplication, QPainter, QPen
from PySide6.QtWidgets import QGraphicsRectItem, QGraphicsSimpleTextItem, QGraphicsView, QWidget

from ui.formatting import format_value

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
# Node kinds also differ in outline width and title text, never colour alone.
LEAF_FILL, LEAF_EDGE = QColor("#DCEEFB"), QColor("#0072B2")
OP_FILL, OP_EDGE = QColor("#FDF0D5"), QColor("#B07800")
OUT_FILL, OUT_EDGE = QColor("#FBE3D6"), QColor("#D55E00")
INK = QColor("#1A1A1A")
ARROW = QColor("#333333")
FREED_INK, FREED_FILL = QColor("#8C8C8C"), QColor("#F2F2F2")
#: A freed graph's text: dark enough to read from the back of a room (7.6:1 on FREED_FILL);
#: the dashed grey outlines and the caption say "freed".
FREED_TEXT = QColor("#4D4D4D")
CURRENT_EDGE = QColor("#CC0077")  # the node being replayed (node by node), and what it passes on
NOT_YET_OPACITY = 0.3  # nodes the replayed backward has not reached yet

#: A node's detail lines (value, grad, grad_fn) and the edges' gradient labels are drawn in
#: the application font, so they follow View → Zoom and presentation mode (>= 24 px there,
#: ui/theme.py); titles are this much bigger. The view never shrinks them (MIN_FIT_SCALE):
#: a graph wider or taller than the tab scrolls instead.
TITLE_SCALE = 1.2
#: The detail text height the gaps, pads and arrowheads below were drawn for (14 pt at
#: 96 dpi); GraphStyle scales them with the text, so a bigger font keeps the same proportions.
DESIGN_PX = 19.0
X_GAP, Y_GAP, PAD = 44.0, 30.0, 10.0
LANE = 10.0  # height kept free in a column for an edge that passes through it
MAX_FIT_SCALE = 1.6  # enlarge small graphs for the projector, but not absurdly
NODE_ITEMS = 4  # numbers shown per value/grad line inside a node: boxes stay narrow
MATRIX_ITEMS = 2  # a matrix in a node shows its first and last rows' first and last numbers
#: Fitting never shrinks the drawing: at scale 1 the text is the app's own size on screen.
MIN_FIT_SCALE = 1.0


def format_numbers(values: Any, max_items: int = 6) -> str:
    """A node's numbers on one line, as ``print(tensor)`` shows them (torch's formatter).

    Parameters
    ----------
    values:
        A float, nested lists of floats, or a numpy array; ``None`` gives "None".
    max_items:
        Longer tensors are summarised by torch itself (its ``threshold`` option, "...").

    Returns
    -------
    str
        ``"36."``, ``"[1.0000, 2.5000, 3.0000]"``, ``"5×3 [[ 1.5410,  ..., -2.1788], ...,
        [-0.8567,  ..., -1.0712]]"``: a matrix is prefixed with its shape and shows its
        corners (MATRIX_ITEMS).
    """
    if values is None:
        return "None"
    shape = np.shape(values)
    # A matrix in a box: its corners only (torch's own "..."), or a 5x3 w.grad made the box
    # wider than a 1280 px screen's Graph tab.
    items = min(max_items, MATRIX_ITEMS) if len(shape) > 1 else max_items
    text = format_value(values, one_line=True, max_items=items)
    return "×".join(map(str, shape)) + f" {text}" if len(shape) > 1 else text


@dataclass(frozen=True)
class GraphStyle:
    """The graph's fonts, and how much its gaps and pens grow with them.

    Attributes
    ----------
    title, detail, label:
        Node titles (bold, TITLE_SCALE times the application font), detail lines (the
        application font) and the gradient labels on edges (bold application font).
    unit:
        The detail text's pixel height over DESIGN_PX: gaps, pads and arrows scale by it.
    """

    title: QFont
    detail: QFont
    label: QFont
    unit: float

    @classmethod
    def current(cls) -> GraphStyle:
        """The style for the application font now (the zoom, presentation mode)."""
        base = QGuiApplication.font()
        detail = QFont(base)
        title = QFont(base)
        title.setPointSizeF(base.pointSizeF() * TITLE_SCALE)
        title.setBold(True)
        label = QFont(base)
        label.setBold(True)
        return cls(title, detail, label, QFontInfo(detail).pixelSize() / DESIGN_PX)

    def px(self, design: float) -> float:
        """A length drawn for DESIGN_PX text, at this style's text size."""
        return design * self.unit


class NodeItem(QGraphicsRectItem):
    """A box with a bold title line and smaller detail lines underneath."""

    def __init__(self, title: str, details: Sequence[str], kind: str, freed: bool,
                 style: GraphStyle | None = None) -> None:
        super().__init__()
        style = style or GraphStyle.current()
        self.title = title
        self.details = list(details)
        self.kind = kind
        ink = FREED_TEXT if freed else INK
        texts = [self._text(title, style.title, ink)]
        texts += [self._text(line, style.detail, ink) for line in self.details]
        pad = style.px(PAD)
        width = max(t.boundingRect().width() for t in texts) + 2 * pad
        y = pad
        for t in texts:
            t.setPos(pad, y)
            y += t.boundingRect().height() + 2
        self.setRect(0, 0, width, y + pad - 2)
        fill, edge = {"leaf": (LEAF_FILL, LEAF_EDGE), "output": (OUT_FILL, OUT_EDGE)}.get(
            kind, (OP_FILL, OP_EDGE)
        )
        pen = QPen(FREED_INK if freed else edge, max(1.0, style.unit) * (4 if kind == "output" else 2))
        if freed:
            pen.setStyle(Qt.PenStyle.DashLine)
        self.setPen(pen)
        self.base_pen = pen  # restored when node-by-node highlighting moves on
        self.setBrush(QBrush(FREED_FILL if freed else fill))

    def texts(self) -> list[QGraphicsSimpleTextItem]:
        """The title and detail line items, top to bottom."""
        return [c for c in self.childItems() if isinstance(c, QGraphicsSimpleTextItem)]

    def _text(self, text: str, font: QFont, ink: QColor) -> QGraphicsSimpleTextItem:
        item = QGraphicsSimpleTextItem(text, self)
        item.setFont(font)
        item.setBrush(QBrush(ink))
        return item


class ZoomView(QGraphicsView):
    """QGraphicsView that fits its content on update, never below the text's own size.

    At scale 1 the nodes' text is the application's size on screen (GraphStyle), so a
    graph larger than the view scrolls (scroll bars, drag, arrow keys when focused)
    rather than shrink. Ctrl+wheel zooms; a double-click (or 0 when focused) toggles
    the whole graph fitted in view, however small its text, and back.

    ``fitted(clipped)`` reports after each fit whether part of the graph is
    off-screen (it would not fit at a readable size).
    """

    fitted = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)  # a teacher pans by dragging
        self.user_zoomed = False
        #: The overview: the whole graph in view, its text as small as that takes.
        self.whole = False

    def fit_all(self) -> None:
        """Show the whole scene when it fits at the text's own size (enlarging small graphs
        up to MAX_FIT_SCALE), else that size from the top left, scrolling to the rest."""
        self.user_zoomed = False
        rect = self.scene().itemsBoundingRect().adjusted(-12, -12, 12, 12)
        self.setSceneRect(rect)
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        scale = self.transform().m11()
        bounded = min(MAX_FIT_SCALE, scale if self.whole else max(MIN_FIT_SCALE, scale))
        if bounded != scale:
            self.resetTransform()
            self.scale(bounded, bounded)
        clipped = scale < MIN_FIT_SCALE and not self.whole
        if clipped:
            # Too big to fit: start where the forward pass reads from, the params, top left.
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().minimum())
            self.verticalScrollBar().setValue(self.verticalScrollBar().minimum())
        self.fitted.emit(clipped)

    def set_whole(self, whole: bool) -> None:
        """The whole graph in view (True) or the readable size (False), fitted again."""
        self.whole = whole
        if self.scene() is not None:
            self.fit_all()

    def mouseDoubleClickEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        self.set_whole(not self.whole)
        event.accept()

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        if event.key() == Qt.Key.Key_0 and not event.modifiers():
            self.set_whole(not self.whole)
            event.accept()
        else:
            super().keyPressEvent(event)  # arrows, Page Up/Down, Home/End scroll

    def wheelEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            factor = 1.15 ** (event.angleDelta().y() / 120)
            self.scale(factor, factor)
            self.user_zoomed = True
            event.accept()
        else:
            super().wheelEvent(event)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        if not self.user_zoomed and self.scene() is not None:
            self.fit_all()
