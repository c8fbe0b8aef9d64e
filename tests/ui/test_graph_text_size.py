"""The Graph tab's text as the room sees it, at 1280x720: normal mode, presentation mode
(F11) and 200 % zoom.

Measured on screen, not in the scene: a text item's font pixel size times the scale
the view draws it at (its device transform). The rule (issue 6): in presentation mode
every node title, value/grad line and edge gradient label is at least 24 px; otherwise
at least the application's body font, so View → Zoom scales it. The view keeps that size
and scrolls rather than shrink the drawing to fit; the node the backward walk-through
replays is scrolled into view, and the boxes never overlap at their new size.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QFontInfo, QGuiApplication
from PySide6.QtWidgets import QApplication, QGraphicsSimpleTextItem

from ui import theme

CHAIN = {"params": {"x": "randn(3)"}, "forward": "y = x + 2\nz = y * y * 3\nloss = z.mean()"}
BCE = {
    "params": {"w": "randn(5, 3)", "b": "randn(3)"},
    "inputs": {"x": "ones(5)", "y": "zeros(3)"},
    "forward": "z = torch.matmul(x, w) + b\nloss = F.binary_cross_entropy_with_logits(z, y)",
}
PRESENTATION_PX = 24
MODES = ("normal", "presentation", "200%")


def settle(qtbot: Any) -> None:
    for _ in range(4):
        QApplication.processEvents()
        qtbot.wait(5)


@pytest.fixture
def graph_in(make_window: Any, qtbot: Any) -> Iterator[Any]:
    """``graph_in(config, mode)``: a 1280x720 window after forward and backward, its Graph
    tab open, in ``mode``; returns (window, graph view)."""

    def make(config: dict[str, Any], mode: str) -> Any:
        theme.apply_zoom(2.0 if mode == "200%" else theme.DEFAULT_ZOOM)
        window = make_window(config)
        window.action("actionForward").trigger()
        window.action("actionBackward").trigger()
        window.show_inspector("Graph")
        if mode == "presentation":
            window.action("actionPresentation").trigger()
            settle(qtbot)
        # In presentation mode the offscreen screen (800x800) stands in for the projector:
        # the full-screen window is resized to the projector's size (as tests/ui/test_layout.py).
        window.layout_keeper.resize_window(1280, 720)
        settle(qtbot)
        assert (window.width(), window.height()) == (1280, 720)
        return window, window.inspector_panels["Graph"]

    yield make
    theme.set_presentation(None)
    theme.apply_zoom(theme.DEFAULT_ZOOM)


def on_screen_px(item: QGraphicsSimpleTextItem, view: Any) -> float:
    """The text's pixel height as drawn in the view's viewport (font px x the view's scale)."""
    scale = item.deviceTransform(view.viewportTransform()).m22()
    return QFontInfo(item.font()).pixelSize() * scale


def floor_px(mode: str) -> int:
    """What the node text must reach on screen in ``mode``."""
    body = QFontInfo(QGuiApplication.font()).pixelSize()  # the app's text (zoom, presentation)
    return max(body, PRESENTATION_PX) if mode == "presentation" else body


def node_texts(graph: Any) -> list[QGraphicsSimpleTextItem]:
    return [t for node in graph.node_items() for t in node.childItems()
            if isinstance(t, QGraphicsSimpleTextItem)]


def assert_readable(graph: Any, mode: str, where: str) -> None:
    view = graph.view
    floor = floor_px(mode)
    texts = node_texts(graph) + list(graph._marks)  # the edges' gradient labels too
    smallest = min(on_screen_px(t, view) for t in texts)
    assert smallest >= floor - 0.01, f"{where}: {smallest:.1f} px on screen, want >= {floor}"
    # the explanation and the Next/Previous row follow the zoom and presentation mode too
    for widget in (graph.stepper.text, graph.stepper.next_button, graph.stepper.previous_button):
        assert QFontInfo(widget.font()).pixelSize() >= floor, (where, widget.objectName())


def assert_apart(graph: Any, where: str) -> None:
    """No two node boxes overlap at the size they are drawn."""
    boxes = [n.sceneBoundingRect() for n in graph.node_items()]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.intersects(b), (where, a, b)


def assert_current_in_view(graph: Any, where: str) -> None:
    node = graph.stepper.node
    box = graph.node_items()[node.graph_index].sceneBoundingRect()
    seen = graph.view.mapToScene(graph.view.viewport().rect()).boundingRect()
    assert seen.contains(box), (where, seen, box)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("config", [CHAIN, BCE], ids=["chain", "bce"])
def test_node_text_is_readable_on_screen_and_the_replayed_node_in_view(
        graph_in: Any, qtbot: Any, config: dict[str, Any], mode: str) -> None:
    window, graph = graph_in(config, mode)
    assert graph.isVisible() and graph.view.isVisible(), mode
    if mode == "presentation":
        assert QFontInfo(QGuiApplication.font()).pixelSize() >= PRESENTATION_PX
    assert_readable(graph, mode, f"{mode}, overview")
    assert_apart(graph, f"{mode}, overview")
    steps = 0
    while graph.stepper.next_button.isEnabled():
        window.action("actionNextNode").trigger()
        settle(qtbot)
        steps += 1
        where = f"{mode}, node {steps}: {graph.stepper.node.label}"
        assert_readable(graph, mode, where)
        assert_apart(graph, where)
        assert_current_in_view(graph, where)
    assert steps == len(graph.stepper.nodes) >= 4


def test_zooming_with_the_graph_open_redraws_its_text_at_the_new_size(
        graph_in: Any, qtbot: Any) -> None:
    window, graph = graph_in(BCE, "normal")
    window.action("actionNextNode").trigger()
    settle(qtbot)
    before = min(on_screen_px(t, graph.view) for t in node_texts(graph))
    window.action("actionZoomIn").trigger()  # Ctrl+=, as a teacher would, up to 200 %
    while theme.current_zoom() < theme.MAX_ZOOM:
        window.action("actionZoomIn").trigger()
    settle(qtbot)
    qtbot.waitUntil(lambda: not graph._dirty)
    after = min(on_screen_px(t, graph.view) for t in node_texts(graph))
    assert after >= floor_px("200%") - 0.01 and after > before * 1.5, (before, after)
    assert_apart(graph, "zoomed in")
    assert_current_in_view(graph, "zoomed in")


def test_presentation_entered_on_another_tab_then_ctrl_2_and_back(graph_in: Any, qtbot: Any) -> None:
    """A teacher presents the plots first, then opens the graph by key, then leaves (Esc)."""
    window, graph = graph_in(BCE, "normal")
    window.show_inspector("Tensors")
    window.action("actionPresentation").trigger()
    settle(qtbot)
    window.layout_keeper.resize_window(1280, 720)
    settle(qtbot)
    window.action("actionShowGraph").trigger()  # Ctrl+2
    settle(qtbot)
    assert graph.isVisible() and not graph.header.isVisible()  # keys only, as the rest of F11
    window.action("actionNextNode").trigger()
    settle(qtbot)
    assert_readable(graph, "presentation", "Ctrl+2 in presentation")
    assert_current_in_view(graph, "Ctrl+2 in presentation")
    window.set_presentation(False)
    settle(qtbot)
    qtbot.waitUntil(lambda: not graph._dirty)
    assert graph.header.isVisible()
    assert_readable(graph, "normal", "after presentation")
