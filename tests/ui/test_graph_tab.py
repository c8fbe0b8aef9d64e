"""The Graph tab at 1280x720 while backward is replayed node by node: the controls, the
explanation and the graph each keep their own room (nothing drawn over the graph), and
the node being explained is on screen, not scrolled away."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QWidget

from ui import theme
from tests.ui._settle import settle

CHAIN = {"params": {"x": "randn(3)"}, "forward": "y = x + 2\nz = y * y * 3\nloss = z.mean()"}
BCE = {
    "params": {"w": "randn(5, 3)", "b": "randn(3)"},
    "inputs": {"x": "ones(5)", "y": "zeros(3)"},
    "forward": "z = torch.matmul(x, w) + b\nloss = F.binary_cross_entropy_with_logits(z, y)",
}


def rect_in(widget: QWidget, panel: QWidget) -> QRect:
    return QRect(widget.mapTo(panel, widget.rect().topLeft()), widget.size())


def drawn_in(widget: QWidget, panel: QWidget) -> QRect:
    """The part of ``widget`` on screen (a scroll area clips what it scrolls), in ``panel``."""
    shown = widget.visibleRegion().boundingRect()
    return QRect(widget.mapTo(panel, shown.topLeft()), shown.size())


@pytest.fixture
def graph_tab(make_window: Any, qtbot: Any) -> Any:
    """``graph_tab(config)``: a 1280x720 window at the default zoom after forward and
    backward, its Graph tab open; returns (window, graph view)."""
    theme.apply_zoom(theme.DEFAULT_ZOOM)

    def make(config: dict[str, Any]) -> Any:
        window = make_window(config)
        window.action("actionForward").trigger()
        window.action("actionBackward").trigger()
        window.show_inspector("Graph")
        window.layout_keeper.resize_window(1280, 720)
        settle(qtbot)
        return window, window.inspector_panels["Graph"]

    return make


def assert_apart(graph: Any, where: str) -> None:
    """No control or text over the graph, none over another."""
    area = rect_in(graph._stack, graph)
    texts = [graph.legend, graph.retain_check, graph.caption, graph.stepper.text,
             graph.stepper.next_button, graph.stepper.previous_button]
    shown = [w for w in texts if w.isVisible()]
    rects = [drawn_in(w, graph) for w in shown]
    for widget, rect in zip(shown, rects):
        assert not rect.intersects(area), f"{where}: {widget.objectName() or widget} over the graph"
        assert rect.right() < graph.width() and rect.bottom() < area.top(), where
    for i, a in enumerate(rects):
        assert not any(a.intersects(b) for b in rects[i + 1:]), f"{where}: controls overlap"


def assert_room(graph: Any, where: str) -> None:
    """Nothing over the graph, no control over another, no text clipped, the graph usable."""
    assert_apart(graph, where)
    # the explanation is all there, not cut and not scrolled (at 1280x720 it fits)
    text = graph.stepper.text
    assert text.visibleRegion().boundingRect().height() == text.height() > 0, where
    assert text.heightForWidth(text.width()) <= text.height(), where
    # the graph keeps room to be read: a third of the tab, and the node boxes whole in height
    view = graph.view
    assert view.viewport().height() >= graph.height() / 3, (where, view.viewport().height())
    tallest = max(item.sceneBoundingRect().height() for item in graph.node_items())
    assert view.viewport().height() >= tallest * view.transform().m11(), where
    # the legend is one line that elides rather than wrap into the graph's rows
    legend = graph.legend
    assert QFontMetrics(legend.font()).horizontalAdvance(legend.text()) <= legend.contentsRect().width()


@pytest.mark.parametrize("config", [CHAIN, BCE], ids=["chain", "bce"])
def test_stepping_nodes_at_1280x720_keeps_text_off_the_graph_and_the_node_in_view(
        graph_tab: Any, qtbot: Any, config: dict[str, Any]) -> None:
    window, graph = graph_tab(config)
    assert window.inspector.currentWidget() is graph
    assert_room(graph, "before stepping")
    steps = 0
    while graph.stepper.next_button.isEnabled():
        window.action("actionNextNode").trigger()
        settle(qtbot)
        steps += 1
        node = graph.stepper.node
        where = f"node {steps}: {node.label}"
        assert_room(graph, where)
        # the box of the node being explained is on screen, inside the graph's viewport
        box = graph.node_items()[node.graph_index].sceneBoundingRect()
        seen = graph.view.mapToScene(graph.view.viewport().rect()).boundingRect()
        assert seen.contains(box), (where, seen, box)
    assert steps == len(graph.stepper.nodes) >= 4
    window.action("actionPreviousNode").trigger()
    settle(qtbot)
    assert_room(graph, "back one node")


def test_zoom_scales_the_graph_tabs_text_and_keeps_it_off_the_graph(
        graph_tab: Any, qtbot: Any) -> None:
    window, graph = graph_tab(CHAIN)
    window.action("actionNextNode").trigger()
    settle(qtbot)
    before = graph.legend.font().pointSizeF(), graph.stepper.text.font().pointSizeF()
    try:
        theme.apply_zoom(2.0)
        settle(qtbot)
        app = QApplication.font().pointSizeF()
        assert graph.legend.font().pointSizeF() == pytest.approx(1.25 * app)
        assert graph.retain_check.font().pointSizeF() == pytest.approx(1.25 * app)
        assert graph.stepper.text.font().pointSizeF() >= app
        assert graph.legend.font().pointSizeF() > before[0]
        assert graph.stepper.text.font().pointSizeF() > before[1]
        window.action("actionNextNode").trigger()
        settle(qtbot)
        assert_apart(graph, "200 %")  # the explanation scrolls rather than cover the graph
    finally:
        theme.apply_zoom(theme.DEFAULT_ZOOM)
