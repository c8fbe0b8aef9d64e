"""What the Graph tab draws: node boxes, the zooming view, their colours and numbers.

Split from :mod:`ui.graph_view` (which wires them to a session): no session here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
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
CURRENT_EDGE = QColor("#CC0077")  # the node being replayed (node by node), and what it passes on
NOT_YET_OPACITY = 0.3  # nodes the replayed backward has not reached yet

TITLE_PT, DETAIL_PT = 17, 14  # scene points: the view scales them with the graph
X_GAP, Y_GAP, PAD = 44.0, 30.0, 10.0
LANE = 10.0  # height kept free in a column for an edge that passes through it
MAX_FIT_SCALE = 1.6  # enlarge small graphs for the projector, but not absurdly
NODE_ITEMS = 4  # numbers shown per value/grad line inside a node: boxes stay narrow
MATRIX_ITEMS = 2  # a matrix in a node shows its first and last rows' first and last numbers
MIN_FIT_SCALE = 0.6  # below this the text is unreadable: scroll instead


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


def font(points: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSize(points)
    font.setBold(bold)
    return font


class NodeItem(QGraphicsRectItem):
    """A box with a bold title line and smaller detail lines underneath."""

    def __init__(self, title: str, details: Sequence[str], kind: str, freed: bool) -> None:
        super().__init__()
        self.title = title
        self.details = list(details)
        self.kind = kind
        ink = FREED_INK if freed else INK
        texts = [self._text(title, TITLE_PT, True, ink)]
        texts += [self._text(line, DETAIL_PT, False, ink) for line in self.details]
        width = max(t.boundingRect().width() for t in texts) + 2 * PAD
        y = PAD
        for t in texts:
            t.setPos(PAD, y)
            y += t.boundingRect().height() + 2
        self.setRect(0, 0, width, y + PAD - 2)
        fill, edge = {"leaf": (LEAF_FILL, LEAF_EDGE), "output": (OUT_FILL, OUT_EDGE)}.get(
            kind, (OP_FILL, OP_EDGE)
        )
        pen = QPen(FREED_INK if freed else edge, 4 if kind == "output" else 2)
        if freed:
            pen.setStyle(Qt.PenStyle.DashLine)
        self.setPen(pen)
        self.base_pen = pen  # restored when node-by-node highlighting moves on
        self.setBrush(QBrush(FREED_FILL if freed else fill))

    def _text(self, text: str, points: int, bold: bool, ink: QColor) -> QGraphicsSimpleTextItem:
        item = QGraphicsSimpleTextItem(text, self)
        item.setFont(font(points, bold))
        item.setBrush(QBrush(ink))
        return item


class ZoomView(QGraphicsView):
    """QGraphicsView that fits its content on update and zooms with Ctrl+wheel.

    ``fitted(clipped)`` reports after each fit whether part of the graph is
    off-screen because fitting it all would make the text too small.
    """

    fitted = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.user_zoomed = False

    def fit_all(self) -> None:
        """Show the whole scene, enlarging small graphs up to MAX_FIT_SCALE."""
        self.user_zoomed = False
        rect = self.scene().itemsBoundingRect().adjusted(-12, -12, 12, 12)
        self.setSceneRect(rect)
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        scale = self.transform().m11()
        if scale > MAX_FIT_SCALE or scale < MIN_FIT_SCALE:
            bounded = min(MAX_FIT_SCALE, max(MIN_FIT_SCALE, scale))
            if scale < MIN_FIT_SCALE:
                # It scrolls sideways anyway: as large as the height allows (up to the
                # scene's own size), since a short tab squeezed a wide graph to 0.6.
                bar = self.horizontalScrollBar().sizeHint().height()
                tall = (self.viewport().height() - bar) / max(1.0, rect.height())
                bounded = min(1.0, max(MIN_FIT_SCALE, tall))
            self.resetTransform()
            self.scale(bounded, bounded)
        if scale < MIN_FIT_SCALE:
            # Too big to fit: start where the forward pass reads from, the params, top left.
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().minimum())
            self.verticalScrollBar().setValue(self.verticalScrollBar().minimum())
        self.fitted.emit(scale < MIN_FIT_SCALE)

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
