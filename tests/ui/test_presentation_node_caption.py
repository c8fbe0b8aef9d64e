"""Node by node (N) in presentation mode says what the node received and passed on.

u1 trial (#19, u1-250/251): in F11 on the Graph tab, lesson 15, N replayed the nodes but
the line "Node 2 of 5: MulBackward0 (z) received … passed …" had no room under the 24 px
graph: only an edge label was left. The caption above the plots now says it first,
only while the Graph tab is in front (without a lesson the tab has room to say it itself).
"""

from __future__ import annotations

from typing import Any

import torch
from PySide6.QtGui import QFontMetricsF, QGuiApplication

from ui import theme
from tests.ui._settle import settle

MODEL = {"params": {"x": "[1.0, 2.0, 3.0]"}, "inputs": {},
         "forward": "y = x + 2\nz = y * y * 3\nloss = z.mean()", "lr": 0.1}


def _torch_nodes() -> list[str]:
    """The grad_fn names plain torch's backward runs first, from the loss down."""
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    loss = ((x + 2) * (x + 2) * 3).mean()
    first = loss.grad_fn
    second = first.next_functions[0][0]
    return [first.name(), second.name()]


def test_without_a_lesson_the_graph_tab_says_it_itself(make_window: Any, qtbot: Any) -> None:
    """No lesson: no caption; the Graph tab has the room for its own explanation."""
    window = make_window(MODEL)
    window.action("actionForward").trigger()
    window.action("actionBackward").trigger()
    window.show_inspector("Graph")
    graph = window.inspector_panels["Graph"]
    try:
        window.action("actionPresentation").trigger()
        settle(qtbot)
        window.layout_keeper.resize_window(1280, 720)  # the projector (offscreen: 800x800)
        settle(qtbot)
        window.action("actionNextNode").trigger()
        settle(qtbot)
        assert not window.presentation.caption.isVisible()
        name = _torch_nodes()[0]
        assert graph.stepper.text.text().startswith(f"Node 1 of 5: {name}")
        assert graph.step_scroll.height() >= graph.stepper.text.fontMetrics().lineSpacing()
    finally:
        window.set_presentation(False)
        theme.set_presentation(None)


def test_with_a_long_lesson_caption_the_graph_keeps_its_tab(make_window: Any, qtbot: Any) -> None:
    """Lesson 15, a revealed step (question, answer, PyTorch says): the caption scrolls
    under the node's line rather than push the Graph tab off the screen."""
    window = make_window(None)
    panel = window.inspector_panels["Lesson"]
    panel.lesson_combo.setCurrentIndex(14)  # lesson 15: backward, node by node
    panel.start()
    for _ in range(3):  # reveal step 1, on to step 2, reveal it: loss.backward() ran
        panel.next_step()
    assert panel.revealed and window.session.backward_trace()
    window.show_inspector("Graph")
    caption = window.presentation.caption
    try:
        window.action("actionPresentation").trigger()
        settle(qtbot)
        window.layout_keeper.resize_window(1280, 720)
        settle(qtbot)
        window.action("actionNextNode").trigger()
        settle(qtbot)
        name = _torch_nodes()[0]
        assert caption.text().startswith(f"<b>Node 1 of 5: {name}"), caption.text()
        assert "Step 2 of" in caption.text(), "the lesson's text follows, scrolled"
        window.action("actionNextNode").trigger()
        settle(qtbot)
        assert caption.text().startswith(f"<b>Node 2 of 5: {_torch_nodes()[1]}"), caption.text()
        window.show_inspector("Tensors")  # the node's words belong to the Graph tab
        settle(qtbot)
        assert caption.text().startswith("<b>Step 2 of"), caption.text()
        window.show_inspector("Graph")
        settle(qtbot)
        assert window.inspector.isVisible(), "the graph keeps its tab"
        graph = window.inspector_panels["Graph"]
        text_line = QFontMetricsF(QGuiApplication.font()).lineSpacing()
        assert graph.height() >= 3 * text_line - 1  # the tabs' floor in presentation mode
        caption_line = caption.fontMetrics().lineSpacing()
        assert window.presentation.caption_area.height() >= 2 * caption_line
    finally:
        window.set_presentation(False)
        theme.set_presentation(None)
