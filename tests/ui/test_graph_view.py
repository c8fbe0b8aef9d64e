"""The graph view against a real Session, with plain torch as the oracle."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import torch
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from playground.session import Session
from ui.graph_view import CLIPPED_HINT, EMPTY_NO_FORWARD, EMPTY_NO_GRAPH, EMPTY_NO_SESSION, GraphView
from tests.ui.conftest import show_widget

F = torch.nn.functional


def _torch_walk(out: torch.Tensor) -> tuple[Counter[str], int]:
    """grad_fn class names and edge count, walked as torchviz does."""
    labels: Counter[str] = Counter()
    edges = 0
    seen: set[int] = set()
    stack = [out.grad_fn]
    while stack:
        fn = stack.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        labels[type(fn).__name__] += 1
        for child, _ in fn.next_functions:
            if child is not None:
                edges += 1
                stack.append(child)
    return labels, edges


def _drawn_label(item: Any) -> str:
    """The grad_fn name a node box shows: after "name = " for ops, after " · " for leaves."""
    if item.kind == "leaf":
        return item.title.split(" · ")[-1]
    return item.title.split(" = ")[-1]


@pytest.fixture
def view(qtbot: Any) -> GraphView:
    return show_widget(qtbot, GraphView(), 1000, 600)


def _forward(qtbot: Any, view: GraphView, session: Session, **kwargs: Any) -> None:
    session.forward(**kwargs)
    qtbot.waitUntil(lambda: not view._dirty)


def _backward(qtbot: Any, view: GraphView, session: Session, **kwargs: Any) -> None:
    session.backward(**kwargs)
    qtbot.waitUntil(lambda: not view._dirty)


def _weights_times_inputs() -> tuple[Session, torch.Tensor]:
    s = Session(params={"w": [1.0, 1.0, 1.0, 1.0]}, inputs={"x": [3.0, 3.0, 3.0, 3.0]},
                forward="out = (w * x).sum()")
    w = torch.tensor([1.0, 1.0, 1.0, 1.0], requires_grad=True)
    return s, (w * torch.tensor([3.0, 3.0, 3.0, 3.0])).sum()


def _notebook_000() -> tuple[Session, torch.Tensor]:
    s = Session(params={"x": [2.0, 3.0, 4.0]}, forward="y = x + 2\nz = y * y * 3\nout = z.mean()")
    x = torch.tensor([2.0, 3.0, 4.0], requires_grad=True)
    y = x + 2
    return s, (y * y * 3).mean()


def _notebook_004() -> tuple[Session, torch.Tensor]:
    s = Session(params={"w": "randn(5, 3)", "b": "randn(3)"},
                inputs={"x": "ones(5)", "y": "zeros(3)"},
                forward="z = x @ w + b\nloss = F.binary_cross_entropy_with_logits(z, y)")
    w = torch.randn(5, 3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    return s, F.binary_cross_entropy_with_logits(torch.ones(5) @ w + b, torch.zeros(3))


@pytest.mark.parametrize("build", [_weights_times_inputs, _notebook_000, _notebook_004])
def test_drawn_nodes_and_arrows_match_torch(qtbot: Any, view: GraphView, build: Any) -> None:
    session, out = build()
    view.set_session(session)
    _forward(qtbot, view, session)
    labels, edges = _torch_walk(out)
    assert Counter(_drawn_label(n) for n in view.node_items()) == labels
    assert len(view.edge_items()) == edges


def _printed(tensor: torch.Tensor) -> str:
    """What print(tensor) shows between ``tensor(`` and ``)`` (the oracle for node numbers)."""
    return str(tensor.detach())[len("tensor("):-1]


def test_named_nodes_show_program_names_values_and_not_retained(qtbot: Any, view: GraphView) -> None:
    session, _ = _notebook_000()
    view.set_session(session)
    _forward(qtbot, view, session)
    x = torch.tensor([2.0, 3.0, 4.0], requires_grad=True)
    y = x + 2
    titles = {n.title: n for n in view.node_items()}
    assert f"y = {type(y.grad_fn).__name__}" in titles
    node_y = titles[f"y = {type(y.grad_fn).__name__}"]
    assert node_y.details[0] == "value: " + _printed(y)
    _backward(qtbot, view, session)
    node_y = next(n for n in view.node_items() if n.title.startswith("y = "))
    # PyTorch keeps no .grad on a non-leaf unless asked: the view says so.
    assert node_y.details[-1] == "grad: None (not retained)"
    ((y * y * 3).mean()).backward()
    leaf = next(n for n in view.node_items() if n.kind == "leaf")
    assert leaf.title.startswith("x")
    assert leaf.details[-1] == "grad: " + _printed(x.grad)


def test_retain_grad_checkbox_shows_intermediate_grads(qtbot: Any, view: GraphView) -> None:
    session, _ = _notebook_000()
    view.set_session(session)
    view.retain_check.setChecked(True)
    _forward(qtbot, view, session)
    node_y = next(n for n in view.node_items() if n.title.startswith("y = "))
    assert node_y.details[-1] == "grad: None (no backward yet)"
    _backward(qtbot, view, session)
    x = torch.tensor([2.0, 3.0, 4.0], requires_grad=True)
    y = x + 2
    y.retain_grad()
    (y * y * 3).mean().backward()
    node_y = next(n for n in view.node_items() if n.title.startswith("y = "))
    assert node_y.details[-1] == "grad: " + _printed(y.grad)


def test_reset_turns_the_checkbox_off_with_the_engine(qtbot: Any, view: GraphView) -> None:
    session, _ = _notebook_000()
    view.set_session(session)
    view.retain_check.setChecked(True)
    session.reset()
    assert not view.retain_check.isChecked()
    assert session.retain_grad is False


def test_freed_graph_is_dashed_with_caption_until_next_forward(qtbot: Any, view: GraphView) -> None:
    session, _ = _weights_times_inputs()
    view.set_session(session)
    _forward(qtbot, view, session)
    assert not view.caption.isVisible()
    assert all(n.pen().style() == Qt.PenStyle.SolidLine for n in view.node_items())
    _backward(qtbot, view, session)
    assert view.caption.isVisible()
    assert "retain_graph=True" in view.caption.text()
    assert all(n.pen().style() == Qt.PenStyle.DashLine for n in view.node_items())
    assert all(e.pen().style() == Qt.PenStyle.DashLine for e in view.edge_items())
    _forward(qtbot, view, session)
    assert not view.caption.isVisible()


def test_backward_with_retain_graph_keeps_graph_solid(qtbot: Any, view: GraphView) -> None:
    session, _ = _weights_times_inputs()
    view.set_session(session)
    _forward(qtbot, view, session)
    _backward(qtbot, view, session, retain_graph=True)
    assert not view.caption.isVisible()
    assert all(n.pen().style() == Qt.PenStyle.SolidLine for n in view.node_items())


def test_empty_states(qtbot: Any, view: GraphView) -> None:
    assert view.empty_label.isVisible() and view.empty_label.text() == EMPTY_NO_SESSION
    session, _ = _weights_times_inputs()
    view.set_session(session)
    assert view.empty_label.isVisible() and view.empty_label.text() == EMPTY_NO_FORWARD
    _forward(qtbot, view, session, no_grad=True)
    assert view.empty_label.isVisible() and view.empty_label.text() == EMPTY_NO_GRAPH
    _forward(qtbot, view, session)
    assert view.view.isVisible() and not view.empty_label.isVisible()


def test_leaves_left_output_right(qtbot: Any, view: GraphView) -> None:
    session, _ = _notebook_004()
    view.set_session(session)
    _forward(qtbot, view, session)
    nodes = view.node_items()
    out = next(n for n in nodes if n.kind == "output")
    assert out.title.startswith("loss = ")
    for leaf in (n for n in nodes if n.kind == "leaf"):
        assert leaf.sceneBoundingRect().right() < out.sceneBoundingRect().left()


def test_switching_session_stops_following_the_old_one(qtbot: Any, view: GraphView) -> None:
    old, _ = _weights_times_inputs()
    new, _ = _notebook_000()
    view.set_session(old)
    view.set_session(new)
    old.forward()
    qtbot.wait(100)  # give a stray refresh the chance to happen
    assert view.empty_label.text() == EMPTY_NO_FORWARD
    _forward(qtbot, view, new)
    assert any(n.title.startswith("out = ") for n in view.node_items())


def test_ctrl_wheel_zooms(qtbot: Any, view: GraphView) -> None:
    session, _ = _weights_times_inputs()
    view.set_session(session)
    _forward(qtbot, view, session)
    before = view.view.transform().m11()
    centre = QPointF(view.view.viewport().rect().center())
    event = QWheelEvent(centre, QPointF(view.view.viewport().mapToGlobal(centre.toPoint())),
                        QPoint(0, 0), QPoint(0, 120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.view.viewport(), event)
    assert view.view.transform().m11() == pytest.approx(before * 1.15)


def test_legend_says_when_part_of_the_graph_is_off_screen(qtbot: Any, view: GraphView) -> None:
    session, _ = _notebook_004()
    view.set_session(session)
    view.resize(2400, 700)
    _forward(qtbot, view, session)
    qtbot.waitUntil(lambda: CLIPPED_HINT not in view.legend.full_text())
    view.resize(700, 500)
    qtbot.waitUntil(lambda: CLIPPED_HINT in view.legend.full_text())
    assert view.legend.toolTip() == view.legend.full_text()  # elided on screen, whole here
    qtbot.waitUntil(lambda: view.view.horizontalScrollBar().maximum() > 0)


def test_a_graph_too_big_to_fit_keeps_its_text_size_and_pans_by_keys_and_drag(
        qtbot: Any, view: GraphView) -> None:
    from PySide6.QtGui import QFontInfo, QMouseEvent

    session, _ = _notebook_004()
    view.set_session(session)
    view.resize(700, 500)
    _forward(qtbot, view, session)
    zoom = view.view
    qtbot.waitUntil(lambda: zoom.horizontalScrollBar().maximum() > 0)
    assert zoom.transform().m11() == 1.0  # not shrunk to fit: the text stays the app's size
    body = QFontInfo(QApplication.font()).pixelSize()
    assert all(QFontInfo(t.font()).pixelSize() >= body for n in view.node_items() for t in n.texts())
    bar = zoom.horizontalScrollBar()
    assert bar.value() == bar.minimum()  # starts at the params, where the forward reads from
    zoom.setFocus()
    qtbot.keyClick(zoom, Qt.Key.Key_Right)
    assert bar.value() > bar.minimum()
    qtbot.keyClick(zoom, Qt.Key.Key_Home)
    qtbot.keyClick(zoom, Qt.Key.Key_Left)
    assert bar.value() == bar.minimum()
    # A drag to the left moves the drawing with the hand: further right in the graph.
    port = zoom.viewport()
    start, end = QPointF(400, 150), QPointF(200, 150)
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    for kind, at, buttons in ((QMouseEvent.Type.MouseButtonPress, start, left),
                              (QMouseEvent.Type.MouseMove, end, left),
                              (QMouseEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)):
        QApplication.sendEvent(port, QMouseEvent(kind, at, port.mapToGlobal(at), left, buttons, none))
    assert bar.value() - bar.minimum() == pytest.approx(200, abs=2)


def test_zero_or_a_double_click_shows_the_whole_graph_and_back(qtbot: Any, view: GraphView) -> None:
    session, _ = _notebook_004()
    view.set_session(session)
    view.resize(700, 500)
    _forward(qtbot, view, session)
    zoom = view.view
    qtbot.waitUntil(lambda: CLIPPED_HINT in view.legend.full_text())
    zoom.setFocus()
    qtbot.keyClick(zoom, Qt.Key.Key_0)
    seen = zoom.mapToScene(zoom.viewport().rect()).boundingRect()
    assert seen.contains(view.scene_rect()) and zoom.transform().m11() < 1.0
    assert CLIPPED_HINT not in view.legend.full_text()
    qtbot.mouseDClick(zoom.viewport(), Qt.MouseButton.LeftButton)
    assert zoom.transform().m11() == 1.0 and CLIPPED_HINT in view.legend.full_text()


def _luminance(colour: Any) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_arrows_stand_out_from_the_background_in_both_schemes(
        qtbot: Any, view: GraphView, scheme: str) -> None:
    from ui import theme

    theme.set_scheme(scheme)
    try:
        session, _ = _weights_times_inputs()
        view.set_session(session)
        _forward(qtbot, view, session)
        background = view.view.viewport().palette().base().color()
        for edge in view.edge_items():
            ink = edge.pen().color()
            light, dark = sorted((_luminance(ink), _luminance(background)), reverse=True)
            assert (light + 0.05) / (dark + 0.05) >= 3.0, (scheme, ink.name(), background.name())
    finally:
        theme.set_scheme(None)
