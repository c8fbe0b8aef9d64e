"""The autograd graph of the live session, drawn as a left-to-right layered DAG.

Leaves (parameters, reached through ``AccumulateGrad``) sit on the left and the
output on the right, so the forward computation reads left to right; the
arrows show where the gradient flows during ``backward()``: right to left.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QGuiApplication, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import (
    QCheckBox,
    QGraphicsPathItem,
    QGraphicsPolygonItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui import theme
from ui.controller import FrameThrottle, connect_session, disconnect_session
from ui.graph_items import (  # noqa: F401 - NODE_ITEMS, format_numbers: the graph's API
    ARROW, CURRENT_EDGE, FREED_INK, LANE, NODE_ITEMS, NOT_YET_OPACITY,
    OUT_EDGE, X_GAP, Y_GAP, GraphStyle, NodeItem, ZoomView, format_numbers,
)
from ui.graph_layout import place
from ui.graph_marks import edge_label, graph_is_last_backwards, label_gap, show_in_view
from ui.header_row import HeaderRow
from ui.node_steps import IDLE_TEXT, NodeStepper
from ui.short_label import ShortLabel

#: The legend, checkbox and caption: 1.25 times the application font (14 pt at the
#: default zoom), following View → Zoom.
LABEL_SCALE = 1.25
LEGEND = "gradient flows ←  (forward reads →)"
CLIPPED_HINT = "  · more: drag, scroll or arrows; double-click: whole graph"
WHOLE_HINT = "  · double-click: readable size"
#: Shorter wordings of the legend (and of its hints) when the row is narrow (200 %).
SHORT_LEGENDS = ("gradient flows ←", "grad ←")
SHORT_HINTS = {CLIPPED_HINT: "  · drag for more", WHOLE_HINT: ""}
#: A leaf's box title ends with its grad_fn: "w (param) · AccumulateGrad".
LEAF_FN = " · AccumulateGrad"
RETAIN_TEXT = "retain_grad"
RETAIN_TIP = ("retain_grad on intermediates: calls .retain_grad() on every intermediate "
              "from the next forward on, so their grads show after backward")
#: The node-by-node explanation takes at most this share of the tab's height (it scrolls
#: beyond): the graph it explains must keep the rest.
STEP_TEXT_SHARE = 0.4
EMPTY_NO_SESSION = "No session loaded"
EMPTY_NO_FORWARD = "Press Forward (F) to build the graph"
EMPTY_NO_GRAPH = (
    "No graph was recorded: the output does not require grad\n"
    "(forward under no_grad, or no tensor has requires_grad=True)"
)
FREED_CAPTION = "graph freed: a second backward needs retain_graph=True"
#: The caption's shorter wordings, each still naming retain_graph=True (200 %: one line).
FREED_SHORT = ("graph freed: backward again needs retain_graph=True",
               "freed: 2nd backward needs retain_graph=True", "freed · retain_graph=True")
FREED_TIP = ("backward() freed the graph's saved tensors: a second backward through it needs "
             "retain_graph=True on the first one, or a new forward")


def legend_wordings(hint: str) -> list[str]:
    """The legend with ``hint``, then shorter: a shorter hint, no hint, fewer words."""
    short = SHORT_HINTS.get(hint, "")
    return list(dict.fromkeys([LEGEND + hint, *([LEGEND + short] if short else []), LEGEND,
                               *SHORT_LEGENDS]))


class GraphView(QWidget):
    """The autograd graph of a session, refreshed after every action.

    Parameters
    ----------
    parent:
        Usual Qt parent.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("graphView")
        self._session: Any = None
        self._dirty = False
        self._style = GraphStyle.current()
        self._throttle = FrameThrottle(self._refresh_if_visible, self)
        # Whether intermediates were told to retain_grad at the last forward:
        # what decides if "grad: None" means "not retained" or "no backward yet".
        self._retained_at_forward = False
        self.retain_check = QCheckBox(RETAIN_TEXT)
        self.retain_check.setToolTip(RETAIN_TIP)
        self.retain_check.toggled.connect(self._on_retain_toggled)
        # One line that says less when narrow (the whole text in its tooltip): a wrapped
        # legend took the rows the graph needs at 1280x720, an elided one read "gradient flo…".
        self.legend = ShortLabel(legend_wordings(""))
        self.caption = ShortLabel((FREED_CAPTION, *FREED_SHORT), FREED_TIP)
        self.caption.setStyleSheet(f"color: {OUT_EDGE.name()};")
        self.empty_label = QLabel(EMPTY_NO_SESSION)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.stepper = NodeStepper(buttons_outside=True)
        self.stepper.moved.connect(self._on_stepper_moved)
        # The explanation scrolls past a share of the tab's height: never over the graph.
        self.step_scroll = QScrollArea()
        self.step_scroll.setObjectName("nodeTextScroll")
        self.step_scroll.setWidget(self.stepper)
        self.step_scroll.setWidgetResizable(True)
        self.step_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.step_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stepper.text.installEventFilter(self)  # its text changes: fit the height again
        self.view = ZoomView()
        self.view.setScene(QGraphicsScene(self))
        self.view.fitted.connect(self._on_view_fitted)
        self.view.setToolTip("Drag, scroll or use the arrow keys to move around the graph; "
                             "double-click (or 0) for the whole graph, again for readable text; "
                             "Ctrl+wheel zooms")
        self._stack = QStackedWidget()
        self._stack.addWidget(self.empty_label)
        self._stack.addWidget(self.view)
        # Node by node's buttons share the legend's row: one row of controls, then the
        # explanation, then the graph (the checkbox takes a row of its own when narrow).
        self.header = HeaderRow(
            [(self.stepper.next_button, 0), (self.stepper.previous_button, 0), (self.legend, 1)],
            [(self.retain_check, 0)], "graphHeader")
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 4, 6, 4)
        box.setSpacing(3)
        box.addWidget(self.header)
        box.addWidget(self.caption)
        box.addWidget(self.step_scroll)
        box.addWidget(self._stack, 1)
        self._apply_fonts()
        QGuiApplication.instance().fontChanged.connect(self._apply_fonts)
        # Again once the zoom is done: re-setting the style sheet re-polishes every widget,
        # which puts back the font a widget had before (tests/ui/test_graph_tab.py).
        theme.changes.theme_changed.connect(self._apply_fonts)
        self.refresh()

    def _apply_fonts(self, _font: object = None) -> None:
        """Sizes relative to the application font, so View → Zoom scales the tab's text."""
        self.retain_check.setFont(theme.scaled_font(LABEL_SCALE))
        self.legend.setFont(theme.scaled_font(LABEL_SCALE, bold=True))
        self.caption.setFont(theme.scaled_font(LABEL_SCALE, bold=True))
        self.empty_label.setFont(theme.scaled_font(1.8))
        # Presentation mode runs on keys (N, Shift+N; its other rows are hidden too): the
        # buttons' row gives its height to the explanation and the 24 px boxes.
        self.header.setVisible(not theme.presenting())
        # The boxes' text is the application font too (GraphStyle): draw them again.
        if getattr(self, "_nodes", None):
            self._mark_dirty()

    def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802 - Qt API
        if watched is self.stepper.text and event.type() in (QEvent.Type.Resize, QEvent.Type.FontChange):
            QTimer.singleShot(0, self, self._fit_step_text)
        return False

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self.header.arrange(self.contentsRect().width() - 12)
        self._fit_step_text()

    def _fit_step_text(self) -> None:
        """The explanation as tall as its wrapped text, up to STEP_TEXT_SHARE of the tab."""
        text = self.stepper.text
        width = self.step_scroll.width() - self.step_scroll.verticalScrollBar().sizeHint().width()
        need = text.heightForWidth(max(50, width))
        need = need if need > 0 else text.sizeHint().height()
        cap = max(QFontMetrics(text.font()).lineSpacing() * 2, int(self.height() * STEP_TEXT_SHARE))
        # Never more than the rows above and a third of the tab for the graph leave: a
        # fixed height the layout cannot give would be drawn over the graph (200 % zoom).
        box = self.layout()
        margins = box.contentsMargins()
        room = (self.height() - margins.top() - margins.bottom() - 3 * box.spacing()
                - (self.header.sizeHint().height() if not self.header.isHidden() else 0)
                - (self._caption_height() if not self.caption.isHidden() else 0)
                - max(self._stack.minimumSizeHint().height(), self.height() // 3, self._box_room()))
        height = max(0, min(need, cap, room))
        line = QFontMetrics(text.font()).lineSpacing()
        if line <= height < need:
            height -= height % line  # whole lines, the rest scrolls; the graph takes the slack
        elif height < min(line, need) and text.text() == IDLE_TEXT:
            height = 0  # half a line of the idle hint (200 %): the Next node button says it
        if self.step_scroll.height() != height or self.step_scroll.maximumHeight() != height:
            self.step_scroll.setFixedHeight(height)

    def _box_room(self) -> int:
        """Height the graph needs to show its tallest box whole at the size it is drawn:
        the node being explained must fit, even when the explanation scrolls for it."""
        nodes = getattr(self, "_nodes", None)
        if not nodes or self._stack.currentWidget() is not self.view:
            return 0
        tallest = max(n.sceneBoundingRect().height() for n in nodes) * self.view.transform().m22()
        bar = self.view.horizontalScrollBar().sizeHint().height()
        return int(tallest + 2 * self.view.frameWidth() + bar + 2) + 1

    # -- session wiring -------------------------------------------------------
    def set_session(self, session: Any) -> None:
        """Show ``session`` (or nothing), following its events from now on."""
        if self._session is not None:
            disconnect_session(self._session, self._on_session_action_done, self._on_session_reset)
        self._session = session
        if session is not None:
            connect_session(session, self._on_session_action_done, self._on_session_reset)
        # Best guess for a forward that ran before we were attached.
        self._retained_at_forward = self._sync_retain_check()
        self.refresh()

    def _sync_retain_check(self) -> bool:
        """Show the session's retain_grad setting without echoing it back."""
        flag = bool(self._session is not None and self._session.retain_grad)
        self.retain_check.blockSignals(True)
        self.retain_check.setChecked(flag)
        self.retain_check.blockSignals(False)
        return flag

    def _on_session_action_done(self, record: Any) -> None:
        if record.action == "forward":
            self._retained_at_forward = bool(self._session.retain_grad)
        self._mark_dirty()

    def _on_session_reset(self) -> None:
        # reset() turns retain_grad off in the engine; the checkbox follows.
        self._retained_at_forward = self._sync_retain_check()
        self._mark_dirty()

    def _mark_dirty(self) -> None:
        """Redraw at most once a frame, and only while the tab is on screen."""
        self._dirty = True
        self._throttle.mark()

    def _refresh_if_visible(self) -> None:
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    def _caption_height(self) -> int:
        """The freed caption's height: one line, or its shortest wording wrapped."""
        caption = self.caption
        wrapped = caption.heightForWidth(caption.width()) if caption.wordWrap() else -1
        return wrapped if wrapped > 0 else caption.sizeHint().height()

    def _on_view_fitted(self, clipped: bool) -> None:
        self.legend.set_wordings(legend_wordings(
            CLIPPED_HINT if clipped else WHOLE_HINT if self.view.whole else ""))
        if clipped or not self.view.whole:
            # A refit scrolls back to the params, or centres a graph about as tall as the
            # view (200 %) a pixel off: never past the node shown.
            self._show_current()

    def _on_retain_toggled(self, flag: bool) -> None:
        if self._session is not None:
            self._session.set_retain_grad(flag)

    # -- drawing --------------------------------------------------------------
    def node_items(self) -> list[NodeItem]:
        """The node boxes currently drawn, in the engine's node order."""
        return list(self._nodes)

    def edge_items(self) -> list[QGraphicsPathItem]:
        """The gradient-flow arrows currently drawn."""
        return list(self._edges)

    def refresh(self) -> None:
        """Redraw from the session's current graph and tensors."""
        self._dirty = False
        self._throttle.stop()
        scene = self.view.scene()
        scene.clear()
        self._nodes: list[NodeItem] = []
        self._edges: list[QGraphicsPathItem] = []
        self._edge_ends: list[tuple[int, int]] = []
        self._marks: list[Any] = []
        s = self._session
        graph = s.graph() if s is not None and s.output is not None else None
        self.caption.setVisible(bool(graph is not None and graph.nodes and graph.freed))
        QTimer.singleShot(0, self, self._fit_step_text)  # the caption's row came or went
        self.retain_check.setEnabled(s is not None)
        if graph is None or not graph.nodes:
            self.empty_label.setText(
                EMPTY_NO_SESSION if s is None else EMPTY_NO_FORWARD if s.output is None else EMPTY_NO_GRAPH
            )
            self._stack.setCurrentWidget(self.empty_label)
            self.stepper.set_trace([])
            return
        infos = {t.name: t for t in s.tensors()}
        self._refreshing = True  # the stepper may reset: no redraw from inside this one
        try:
            self._sync_trace()
        finally:
            self._refreshing = False
        self._draw(graph, infos)
        self._stack.setCurrentWidget(self.view)
        self.view.fit_all()
        self._highlight()

    def _draw(self, graph: Any, infos: dict[str, Any]) -> None:
        scene = self.view.scene()
        # The application font now (zoom, presentation): text, gaps and pens follow it.
        self._style = style = GraphStyle.current()
        roots = {i for i in range(len(graph.nodes))} - {j for _, j in graph.edges}
        for i, node in enumerate(graph.nodes):
            kind = "leaf" if node.label == "AccumulateGrad" else "output" if i in roots else "op"
            title, details = self._node_text(node, infos.get(node.tensor or ""), kind)
            item = NodeItem(title, details, kind, graph.freed, style)
            scene.addItem(item)
            self._nodes.append(item)
        sizes = [(n.rect().width(), n.rect().height()) for n in self._nodes]
        # Node by node labels each edge with the gradient it carries: the columns stand
        # that far apart, so a label sits between two boxes, not above or over them.
        self._drawn_stepping = self.stepper.node is not None
        gap = self._label_gap() if self._drawn_stepping else style.px(X_GAP)
        placed = place(len(sizes), graph.edges, gap, style.px(Y_GAP), sizes, lane=style.px(LANE))
        for item, (x, y) in zip(self._nodes, placed.centres):
            item.setPos(x - item.rect().width() / 2, y - item.rect().height() / 2)
        # x * x gives two parallel edges: bow them apart symmetrically.
        total = Counter(graph.edges)
        seen: Counter[tuple[int, int]] = Counter()
        self._edge_ends = list(graph.edges)
        for (i, j), route in zip(graph.edges, placed.routes):
            offset = seen[(i, j)] - (total[(i, j)] - 1) / 2
            seen[(i, j)] += 1
            self._add_edge(self._nodes[i], self._nodes[j], route, offset, graph.freed)

    def _node_text(self, node: Any, info: Any, kind: str) -> tuple[str, list[str]]:
        if kind == "leaf":
            what = f" ({info.kind})" if info is not None else ""
            # grad_fn on the title's line: a line less per box, which a 24 px projector
            # text at 1280x720 needs (the box must fit the Graph tab's height whole).
            title = f"{node.tensor}{what}{LEAF_FN}" if node.tensor else f"leaf tensor{LEAF_FN}"
            details = []
        else:
            title = f"{node.tensor} = {node.label}" if node.tensor else node.label
            details = [] if node.tensor else ["(unnamed)"]
        if info is not None:
            details.append(f"value: {format_numbers(info.value, NODE_ITEMS)}")
            details.append(f"grad: {self._grad_text(info)}")
            # Beside each param, what its optimizer keeps (momentum_buffer, exp_avg, step...).
            for key, value in (getattr(info, "optimizer_state", None) or {}).items():
                details.append(f"{key}: {format_numbers(value, NODE_ITEMS)}")
        return title, details

    def _grad_text(self, info: Any) -> str:
        if info.grad is not None:
            return format_numbers(info.grad, NODE_ITEMS)
        if info.is_leaf:
            return "None"
        return "None (no backward yet)" if self._retained_at_forward else "None (not retained)"

    def _add_edge(
        self, src: NodeItem, dst: NodeItem, route: list[tuple[float, float]], offset: float, freed: bool
    ) -> None:
        # Gradient goes from src (right) to dst (left): leave src's left side,
        # pass through the lanes of skipped columns, arrive at dst's right
        # side with the arrowhead pointing left.
        a = src.mapToScene(QPointF(0, src.rect().height() / 2))
        b = dst.mapToScene(QPointF(dst.rect().width(), dst.rect().height() / 2))
        unit = self._style.unit
        points = [a, *(QPointF(x, y) for x, y in route), b + QPointF(12 * unit, 0)]
        bow = 36.0 * unit * offset
        path = QPainterPath(a)
        for k in range(0, len(points) - 1, 2):
            start, end = points[k], points[k + 1]
            if k > 0:
                path.lineTo(start)  # straight along the lane through a column
            mid = (start.x() + end.x()) / 2
            path.cubicTo(QPointF(mid, start.y() + bow), QPointF(mid, end.y() + bow), end)
        # On the dark scheme's background #333 arrows vanish: the text colour instead.
        colour = FREED_INK if freed else ARROW if theme.scheme() == "light" else QColor(theme.colours()["fg"])
        pen = QPen(colour, 2.5 * max(1.0, unit))
        if freed:
            pen.setStyle(Qt.PenStyle.DashLine)
        edge = self.view.scene().addPath(path, pen)
        edge.setData(0, pen)  # its own pen, restored when node by node moves on
        head = QGraphicsPolygonItem(QPolygonF([b, b + QPointF(14 * unit, -7 * unit),
                                               b + QPointF(14 * unit, 7 * unit)]))
        head.setBrush(QBrush(colour))
        head.setPen(QPen(colour))
        self.view.scene().addItem(head)
        self._edges.append(edge)

    def scene_rect(self) -> QRectF:
        """Bounding box of everything drawn (for tests and fitting)."""
        return self.view.scene().itemsBoundingRect()

    # -- backward, node by node ------------------------------------------------------
    def _sync_trace(self) -> None:
        """Give the stepper the last backward's nodes while the graph drawn is that backward's."""
        s = self._session
        nodes = s.backward_trace() if s is not None and graph_is_last_backwards(s) else []
        key = [(n.index, n.label, n.grad_in, n.old_grad) for n in nodes]
        if key != getattr(self, "_trace_key", None):
            self._trace_key = key
            self.stepper.set_trace(nodes)

    def next_node(self) -> None:
        """Replay the next grad_fn node of the last backward (key N)."""
        if self._dirty:
            self.refresh()
        self.stepper.next_node()

    def previous_node(self) -> None:
        """Back one node (key Shift+N)."""
        self.stepper.previous_node()

    def _label_gap(self) -> float:
        """Room between columns for the widest gradient label of the replayed backward."""
        return label_gap(self._style, self.stepper.nodes)

    def _on_stepper_moved(self, _index: int) -> None:
        self._fit_step_text()
        if getattr(self, "_refreshing", False):
            return  # refresh() draws and highlights once the trace is set
        if getattr(self, "_nodes", None) and (self.stepper.node is not None) != getattr(
                self, "_drawn_stepping", False):
            self.refresh()  # into or out of node by node: the columns' gap changes
        else:
            self._highlight()

    def _highlight(self) -> None:
        """Outline the replayed node, fade the ones not reached yet, label what it passes on."""
        for mark in getattr(self, "_marks", []):
            self.view.scene().removeItem(mark)
        self._marks = []
        for edge in getattr(self, "_edges", []):
            edge.setPen(edge.data(0))
        nodes = self.stepper.nodes
        current = self.stepper.node
        reached = {n.graph_index: n.index for n in nodes}
        for g, item in enumerate(getattr(self, "_nodes", [])):
            done = current is None or reached.get(g, -1) <= current.index
            item.setOpacity(1.0 if done else NOT_YET_OPACITY)
            if current is not None and g == current.graph_index:
                item.setPen(QPen(CURRENT_EDGE, 6 * max(1.0, self._style.unit)))
                item.setZValue(2)
            elif item.zValue() == 2:
                item.setPen(item.base_pen)
                item.setZValue(0)
        if current is None:
            return
        self.caption.setVisible(False)  # while replaying, the numbers matter more than "freed"
        if current.is_leaf:
            self._show_current()
            return
        outgoing = [k for k, (i, _j) in enumerate(self._edge_ends) if i == current.graph_index]
        passed = [g for g, target in zip(current.grads_out, current.targets) if target is not None]
        seen: Counter[int] = Counter()
        for k, grad in zip(outgoing, passed):
            edge = self._edges[k]
            edge.setPen(QPen(CURRENT_EDGE, 4 * max(1.0, self._style.unit)))
            target = self._edge_ends[k][1]
            # Parallel edges (y * y) bow apart: first label above its edge, the next below.
            below = seen[target] % 2 == 1
            seen[target] += 1
            self._marks.append(self._edge_label(edge, format_numbers(grad, NODE_ITEMS), below))
        self._show_current()

    def _show_current(self) -> None:
        """Scroll so the replayed node and what it passes on are on screen (a wide graph
        scrolls sideways: the node being explained must never be the part cut off)."""
        current = self.stepper.node
        if current is None or not 0 <= current.graph_index < len(getattr(self, "_nodes", [])):
            return
        targets = [self._nodes[j] for i, j in self._edge_ends if i == current.graph_index]
        node = self._nodes[current.graph_index]
        show_in_view(self.view, node, self._marks, targets)
        # Centring scrolls by whole pixels: a node as tall as the view could lose half a
        # pixel at its edge (200 %, the model panel out of the way); the node wins.
        self.view.ensureVisible(node.sceneBoundingRect(), 2, 2)

    def _edge_label(self, edge: QGraphicsPathItem, text: str, below: bool) -> QGraphicsSimpleTextItem:
        return edge_label(self.view.scene(), self._nodes, edge, text, below, self._style)
