"""What the Graph tab adds while backward is replayed node by node: the gradient labels on
the edges, the room between columns they need, and scrolling the replayed node into view.

Split from :mod:`ui.graph_view` (which decides when); no session here beyond
:func:`graph_is_last_backwards`, which only reads its history.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QPen
from PySide6.QtWidgets import (
    QGraphicsPathItem, QGraphicsRectItem, QGraphicsScene, QGraphicsSimpleTextItem, QGraphicsView,
)

from ui.graph_items import CURRENT_EDGE, NODE_ITEMS, X_GAP, GraphStyle, NodeItem, format_numbers


def label_gap(style: GraphStyle, nodes: Sequence[Any]) -> float:
    """Room between columns for the widest gradient label ``nodes`` (a backward trace) pass on."""
    metrics = QFontMetrics(style.label)
    widths = [metrics.horizontalAdvance(format_numbers(grad, NODE_ITEMS))
              for node in nodes
              for grad, target in zip(node.grads_out, node.targets) if target is not None]
    return max([style.px(X_GAP), *(w + style.px(40.0) for w in widths)])  # arrowhead, air


def edge_label(scene: QGraphicsScene, boxes: Sequence[NodeItem], edge: QGraphicsPathItem,
               text: str, below: bool, style: GraphStyle) -> QGraphicsSimpleTextItem:
    """Put ``text`` (a gradient) above (or ``below``) the middle of ``edge``, off the boxes."""
    label = QGraphicsSimpleTextItem(text)
    label.setFont(style.label)
    label.setBrush(QBrush(CURRENT_EDGE))
    point = edge.path().pointAtPercent(0.5)
    rect = label.boundingRect()
    y = point.y() + 4 if below else point.y() - rect.height() - 4
    label.setPos(point.x() - rect.width() / 2, y)
    # A label wider than the gap between two columns would cover a box's text: move it
    # off the boxes, above (or below) them.
    for _ in range(len(boxes)):
        hit = [n.sceneBoundingRect() for n in boxes
               if n.sceneBoundingRect().intersects(label.sceneBoundingRect().adjusted(-3, -1, 3, 1))]
        if not hit:
            break
        y = (max(r.bottom() for r in hit) + 3) if below else (min(r.top() for r in hit) - rect.height() - 3)
        label.setY(y)
    back = QGraphicsRectItem(label.boundingRect().adjusted(-3, -1, 3, 1), label)
    back.setBrush(QBrush(QColor(255, 255, 255, 225)))
    back.setPen(QPen(Qt.PenStyle.NoPen))
    back.setFlag(QGraphicsRectItem.GraphicsItemFlag.ItemStacksBehindParent)
    label.setZValue(3)
    scene.addItem(label)
    return label


def show_in_view(view: QGraphicsView, node: NodeItem, marks: Sequence[QGraphicsSimpleTextItem],
                 targets: Sequence[NodeItem]) -> None:
    """Scroll ``view`` to ``node``, the labels ``marks`` and the boxes they go to (``targets``);
    when they are too wide, to the node and its labels; when those are, the node whole."""
    rect = node.sceneBoundingRect()
    for mark in marks:
        rect = rect.united(mark.sceneBoundingRect())
    # Labels moved off the boxes may stand outside the rect the view was fitted to.
    view.setSceneRect(view.sceneRect().united(rect.adjusted(-8, -6, 8, 6)))
    seen = view.mapToScene(view.viewport().rect()).boundingRect()
    whole = rect
    for target in targets:
        whole = whole.united(target.sceneBoundingRect())
    for shown in (whole, rect):
        if shown.width() <= seen.width() - 16 and shown.height() <= seen.height():
            view.centerOn(shown.center())
            return
    # Too wide for both: the node whole, as many of its labels beside it as fit.
    view.centerOn(rect.center())
    view.ensureVisible(node.sceneBoundingRect(), 8, 6)


def graph_is_last_backwards(session: Any) -> bool:
    """Whether the graph on screen is the one the last backward ran through (no forward since)."""
    history = session.history
    position = getattr(session, "position", len(history) - 1)
    for index in range(position, max(-1, position - 50), -1):
        action = history[index].action
        if action == "backward":
            return True
        if action in ("forward", "reset"):
            return False
    return False
