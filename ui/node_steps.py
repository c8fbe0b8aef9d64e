"""Backward, node by node: the words and numbers for one grad_fn node of the last backward.

The numbers are the engine's (``Session.backward_trace()``: captured by hooks
during the real backward); this module only puts them into sentences a
learner can follow, and the :class:`NodeStepper` bar (Previous node / Next
node and the explanation) that the Graph tab shows.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui import theme
from ui.formatting import format_value

IDLE_TEXT = "Next node (N): replay the last backward one grad_fn node at a time."
NO_TRACE_TEXT = "Node by node (N) replays a backward: press Backward (B) first."


def node_name(node: Any) -> str:
    """``MulBackward0 (z)`` or ``AccumulateGrad (x.grad)``."""
    if node.is_leaf:
        return f"AccumulateGrad ({node.tensor}.grad)" if node.tensor else "AccumulateGrad"
    return f"{node.label} ({node.tensor})" if node.tensor else node.label


def _n(value: Any) -> str:
    return format_value(value, one_line=True)


def explain(node: Any, nodes: list[Any]) -> list[str]:
    """Lines describing what ``node`` received and what it passed on (or accumulated)."""
    lines = [f"Node {node.index + 1} of {len(nodes)}: {node_name(node)}"]
    if len(node.sources) > 1:
        parts = " + ".join(f"{_n(g)} from {nodes[i].label}" for i, g in node.sources)
        lines.append(f"received {parts} = {_n(node.grad_in)}  (reached by {len(node.sources)} paths)")
    elif node.sources:
        sender, _ = node.sources[0]
        lines.append(f"received {_n(node.grad_in)} from {nodes[sender].label}")
    else:
        lines.append(f"received {_n(node.grad_in)}  (the gradient backward() starts with)")
    if node.is_leaf:
        name = node.tensor or "the leaf"
        if node.old_grad is None:
            lines.append(f"{name}.grad was None, so {name}.grad = this backward's "
                         f"{_n(node.grad_in)}")
        else:
            lines.append(f"old .grad {_n(node.old_grad)} + this backward {_n(node.grad_in)} = "
                         f"{_n(node.new_grad)}   (backward adds into .grad)")
        return lines
    # One line per receiving node: y * y sends y two gradients, one per use.
    by_target: dict[int, list[Any]] = {}
    constants = 0
    for grad, target in zip(node.grads_out, node.targets):
        if target is None:
            constants += 1
        else:
            by_target.setdefault(target, []).append(grad)
    for target, grads in by_target.items():
        uses = "  (one per use of it)" if len(grads) > 1 else ""
        lines.append(f"passed {' and '.join(_n(g) for g in grads)} to {node_name(nodes[target])}{uses}")
    if constants:
        lines.append("(its other input needs no grad: nothing passed there)" if constants == 1
                     else f"({constants} inputs need no grad: nothing passed there)")
    return lines


def caption_html(node: Any, nodes: list[Any]) -> str:
    """:func:`explain` as one short paragraph for the presentation caption (rich text).

    The Graph tab's own explanation row has no room under a 24 px graph on a projector
    (u1 trial: only the edge label was left in F11), so the caption above the plots says it.
    """
    first, *rest = explain(node, nodes)
    return "; ".join([f"<b>{html.escape(first)}</b>"] + [html.escape(line) for line in rest])


class NodeStepper(QWidget):
    """Previous node / Next node buttons and the current node's explanation.

    Parameters
    ----------
    buttons_outside:
        The owner lays the two buttons out itself (the Graph tab puts them on its
        legend's row): this widget then holds only the explanation, full width.

    Signals
    -------
    moved(int)
        The node shown changed: its trace index, or -1 when none is shown.
    """

    moved = Signal(int)

    def __init__(self, parent: QWidget | None = None, *, buttons_outside: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("nodeStepper")
        self.nodes: list[Any] = []
        self.current = -1
        self.previous_button = QPushButton("◀ Previous node")
        self.previous_button.setObjectName("previousNodeButton")
        self.next_button = QPushButton("Next node ▶")
        self.next_button.setObjectName("nextNodeButton")
        for button, tip in ((self.previous_button, "Shift+N"), (self.next_button, "N")):
            button.setToolTip(f"Backward node by node  [{tip}]")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay the window's
        self.previous_button.clicked.connect(self.previous_node)
        self.next_button.clicked.connect(self.next_node)
        self.text = QLabel(IDLE_TEXT)
        self.text.setObjectName("nodeText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._apply_fonts()
        QGuiApplication.instance().fontChanged.connect(self._apply_fonts)
        # Again once the zoom is done: re-setting the style sheet re-polishes every widget,
        # which puts back the font a widget had before (tests/ui/test_graph_tab.py).
        theme.changes.theme_changed.connect(self._apply_fonts)
        # The explanation takes the full width (fewer wrapped lines, so more room for the
        # graph); a vertical layout also gives the wrapped text its height for the width.
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(3)
        if not buttons_outside:
            buttons = QHBoxLayout()
            buttons.addWidget(self.next_button)
            buttons.addWidget(self.previous_button)
            buttons.addStretch(1)
            box.addLayout(buttons)
        box.addWidget(self.text)
        self._update()

    def _apply_fonts(self, _font: object = None) -> None:
        """The application font (View → Zoom follows), never below 12 pt."""
        font = QFont(QGuiApplication.font())
        font.setPointSizeF(max(font.pointSizeF(), 12.0))
        self.text.setFont(font)

    def set_trace(self, nodes: list[Any]) -> None:
        """A new backward (or none: ``[]``); back to the overview."""
        self.nodes = list(nodes)
        self.current = -1
        self._update()

    def next_node(self) -> None:
        """Show the next node PyTorch ran (the first one from the overview)."""
        if self.current + 1 < len(self.nodes):
            self.current += 1
            self._update()

    def previous_node(self) -> None:
        """Show the node before (from the first node: back to the overview)."""
        if self.current >= 0:
            self.current -= 1
            self._update()

    @property
    def node(self) -> Any:
        """The node shown, or None."""
        return self.nodes[self.current] if 0 <= self.current < len(self.nodes) else None

    def caption_html(self) -> str:
        """The node shown, as one paragraph of rich text ("" in the overview)."""
        node = self.node
        return "" if node is None else caption_html(node, self.nodes)

    def _update(self) -> None:
        self.next_button.setEnabled(self.current + 1 < len(self.nodes))
        self.previous_button.setEnabled(self.current >= 0)
        node = self.node
        if node is None:
            self.text.setText(IDLE_TEXT if self.nodes else NO_TRACE_TEXT)
        else:
            self.text.setText("\n".join(explain(node, self.nodes)))
        self.moved.emit(self.current)
